#!/bin/sh
# Persistent snapshots survive the requester, a restart of Wine (the
# prefix's wineserver and mount manager) and a restart of the agent, and an
# exposed one is exposed again afterwards, drive letter included, as on
# Windows across a reboot.  The checks are winetest/persist.c's "keep" and
# "reopen" steps, run in the win10 prefix of the conformance run with
# `wineserver -k` and the agent killed in between.  Then its "limit" step:
# 512 snapshots of the btrfs test drive S:, and not one more.
#
#   sh tests/test-persistent.sh BUILD
#
# Needs that prefix (with its test drives), the x86_64 tests and
# WINEVSS_AGENT; skipped otherwise.  Ends with
# "test-persistent: N passed, N failed, N skipped".
set -u

build=${1:-build}
top=$(pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
prefix=$build/prefixes/win10
exe=$build/x86_64/winetest/app/vssapi_test.exe
record=$build/persistent-test.txt

. "$top/tests/lib/shtest.sh"

finish()
{
    summary test-persistent
    exit 0
}

if [ ! -d "$prefix" ] || [ ! -f "$exe" ] || [ -z "${WINEVSS_AGENT:-}" ]; then
    skip "the win10 prefix, the x86_64 tests and winevssd are needed"
    finish
fi
rm -f "$record"
record_dos=Z:$(printf '%s' "$record" | tr / '\\')

# The agents serving the prefix, by their command line.
agent_pids()
{
    for cmdline in /proc/[0-9]*/cmdline; do
        if { tr '\0' ' ' < "$cmdline"; } 2>/dev/null | grep -q "winevssd.* --prefix $prefix\( \|$\)"; then
            pid=${cmdline#/proc/}; echo "${pid%/cmdline}"
        fi
    done
}

winetest_step keep "$prefix" persist keep "$record_dos"
if [ ! -s "$record" ]; then
    ok 1 "the keep step recorded a snapshot"
    finish
fi
WINEPREFIX=$prefix wineserver -k
WINEPREFIX=$prefix wineserver -w
pids=$(agent_pids)
ok "$([ -n "$pids" ]; echo $?)" "the agent that served the prefix runs (${pids:-none})"
[ -n "$pids" ] && kill $pids
for i in $(seq 50); do
    [ -z "$(agent_pids)" ] && break
    sleep 0.1
done
ok "$([ -z "$(agent_pids)" ]; echo $?)" "Wine and the agent of the prefix are stopped"
winetest_step reopen "$prefix" persist reopen "$record_dos"
winetest_step limit "$prefix" persist limit
WINEPREFIX=$prefix wineserver -w
rm -f "$record"
finish
