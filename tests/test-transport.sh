#!/bin/sh
# Transportable snapshot sets between two prefixes of this host, as two
# servers share a SAN on Windows: prefix A (the win10:server prefix of the
# conformance run) makes a persistent transportable set of its test drive
# and saves the Backup Components Document; prefix B (the win2008r2 one)
# imports the set from that document, reads the old contents through it,
# exposes it as a drive letter and deletes it; A then no longer lists it.
# The checks themselves are winetest/transport.c's export, import and gone
# steps; this script runs them in turn and adds up their results.
#
#   sh tests/test-transport.sh BUILD
#
# Needs both prefixes from tests/run-suite.sh (with their test drives) and
# WINEVSS_AGENT; skipped otherwise.  Ends with
# "test-transport: N passed, N failed, N skipped".
set -u

build=${1:-build}
top=$(pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
prefix_a=$build/prefixes/win10:server
prefix_b=$build/prefixes/win2008r2
exe=$build/x86_64/winetest/app/vssapi_test.exe
work=$build/transport-test
passed=0; failed=0; skipped=0

finish()
{
    echo "test-transport: $passed passed, $failed failed, $skipped skipped"
    exit 0
}

if [ ! -d "$prefix_a" ] || [ ! -d "$prefix_b" ] || [ ! -f "$exe" ] || [ -z "${WINEVSS_AGENT:-}" ]; then
    echo "skip - the win10:server and win2008r2 prefixes, the x86_64 tests and winevssd are needed"
    skipped=1
    finish
fi
mkdir -p "$work"
document=$work/bcd.xml
rm -f "$document"
# Z: is the host's root in every prefix.
document_dos=Z:$(printf '%s' "$document" | tr / '\\')

# step LABEL PREFIX ARGS...: one winetest run; its summary line counts.
step()
{
    label=$1; prefix=$2; shift 2
    out=$(WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES=vssapi=n,b timeout 300 wine "$exe" transport "$@" 2>&1)
    printf '%s\n' "$out" | sed "s/^/$label: /"
    summary=$(printf '%s\n' "$out" | sed -n 's/^[0-9a-f]*:transport: \([0-9]*\) tests executed (\([0-9]*\) marked as todo, [0-9]* as flaky, \([0-9]*\) failures\{0,1\}), \([0-9]*\) skipped\./\1 \3 \4/p' | tail -n 1)
    if [ -z "$summary" ]; then
        echo "not ok - $label: no summary"
        failed=$((failed + 1))
        return
    fi
    set -- $summary
    passed=$((passed + $1 - $2)); failed=$((failed + $2)); skipped=$((skipped + $3))
}

step export "$prefix_a" export "$document_dos"
if [ -s "$document" ]; then
    step import "$prefix_b" import "$document_dos"
    step gone "$prefix_a" gone "$document_dos"
else
    echo "not ok - prefix A saved no document"
    failed=$((failed + 1))
fi
for prefix in "$prefix_a" "$prefix_b"; do
    WINEPREFIX=$prefix wineserver -w
done
rm -rf "$work"
finish
