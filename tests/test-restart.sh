#!/bin/sh
# Persistent snapshots survive the requester, a restart of Wine (the
# prefix's wineserver and mount manager) and a restart of the agent, and an
# exposed one is exposed again afterwards, drive letter included, as on
# Windows across a reboot.  The checks are winetest/persist.c's "keep" and
# "reopen" steps, run in the win10 prefix of the conformance run with
# `wineserver -k` and the agent killed in between.
#
#   sh tests/test-restart.sh BUILD
#
# Needs that prefix (with its test drives), the x86_64 tests and
# WINEVSS_AGENT; skipped otherwise.  Ends with
# "test-restart: N passed, N failed, N skipped".
set -u

build=${1:-build}
top=$(pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
prefix=$build/prefixes/win10
exe=$build/x86_64/winetest/app/vssapi_test.exe
record=$build/restart-test.txt
passed=0; failed=0; skipped=0

finish()
{
    echo "test-restart: $passed passed, $failed failed, $skipped skipped"
    exit 0
}

if [ ! -d "$prefix" ] || [ ! -f "$exe" ] || [ -z "${WINEVSS_AGENT:-}" ]; then
    echo "skip - the win10 prefix, the x86_64 tests and winevssd are needed"
    skipped=1
    finish
fi
rm -f "$record"
record_dos=Z:$(printf '%s' "$record" | tr / '\\')

# step LABEL ARGS...: one winetest run; its summary line counts.
step()
{
    label=$1; shift
    out=$(WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES=vssapi=n,b timeout 300 wine "$exe" persist "$@" 2>&1)
    printf '%s\n' "$out" | sed "s/^/$label: /"
    summary=$(printf '%s\n' "$out" | sed -n 's/^[0-9a-f]*:persist: \([0-9]*\) tests executed ([0-9]* marked as todo, [0-9]* as flaky, \([0-9]*\) failures\{0,1\}), \([0-9]*\) skipped\./\1 \2 \3/p' | tail -n 1)
    if [ -z "$summary" ]; then
        echo "not ok - $label: no summary"
        failed=$((failed + 1))
        return
    fi
    set -- $summary
    passed=$((passed + $1 - $2)); failed=$((failed + $2)); skipped=$((skipped + $3))
}

# The agents serving the prefix, by their command line.
agent_pids()
{
    for cmdline in /proc/[0-9]*/cmdline; do
        if { tr '\0' ' ' < "$cmdline"; } 2>/dev/null | grep -q "winevssd.* --prefix $prefix\( \|$\)"; then
            pid=${cmdline#/proc/}; echo "${pid%/cmdline}"
        fi
    done
}

check()
{
    if [ "$1" = 0 ]; then
        echo "ok - $2"; passed=$((passed + 1))
    else
        echo "not ok - $2"; failed=$((failed + 1))
    fi
}

step keep keep "$record_dos"
if [ ! -s "$record" ]; then
    echo "not ok - no snapshot was kept"
    failed=$((failed + 1))
    finish
fi
WINEPREFIX=$prefix wineserver -k
WINEPREFIX=$prefix wineserver -w
pids=$(agent_pids)
check "$([ -n "$pids" ]; echo $?)" "the agent that served the prefix runs (${pids:-none})"
[ -n "$pids" ] && kill $pids
for i in $(seq 50); do
    [ -z "$(agent_pids)" ] && break
    sleep 0.1
done
check "$([ -z "$(agent_pids)" ]; echo $?)" "Wine and the agent of the prefix are stopped"
step reopen reopen "$record_dos"
WINEPREFIX=$prefix wineserver -w
rm -f "$record"
finish
