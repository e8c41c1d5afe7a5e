#!/bin/sh
# Transportable snapshot sets between two prefixes of this host, as two
# servers share a SAN on Windows: prefix A (the win10:server prefix of the
# conformance run) makes a persistent transportable set of its test drive
# and saves the Backup Components Document; prefix B (the win2008r2 one)
# imports the set from that document, reads the old contents through it,
# exposes it as a drive letter and deletes it; A then no longer lists it.
# A second set is imported and broken: it leaves VSS in both prefixes and
# stays readable on the host, from where this script removes it.
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

. "$top/tests/lib/shtest.sh"

finish()
{
    summary test-transport
    exit 0
}

if [ ! -d "$prefix_a" ] || [ ! -d "$prefix_b" ] || [ ! -f "$exe" ] || [ -z "${WINEVSS_AGENT:-}" ]; then
    skip "the win10:server and win2008r2 prefixes, the x86_64 tests and winevssd are needed"
    finish
fi
mkdir -p "$work"
document=$work/bcd.xml
rm -f "$document"
# Z: is the host's root in every prefix.
document_dos=Z:$(printf '%s' "$document" | tr / '\\')

# remove_broken DOCUMENT: what a break left on the host (the snapshot, its
# marker, the offer and the claim beside it) is ours to remove.
remove_broken()
{
    locator=$(iconv -f UTF-16LE -t UTF-8 "$1" | sed -n 's/.*locator="\([^"]*\)".*/\1/p' | head -n 1)
    [ -n "$locator" ] || return 0
    if [ "$(stat -f -c %T "$locator" 2>/dev/null)" = btrfs ] && [ "$(stat -c %i "$locator")" = 256 ]; then
        btrfs subvolume delete "$locator" >/dev/null 2>&1
    else
        chattr -R -i "$locator" 2>/dev/null
        rm -rf "$locator"
    fi
    dir=$(dirname "$locator"); name=$(basename "$locator")
    rm -f "$dir/.$name.snapmark" "$dir/.$name.winevss-import" "$dir/.$name.winevss-transportable"
    ok "$([ ! -e "$locator" ]; echo $?)" "the broken snapshot removed from the host"
}

broken=$work/broken.xml
broken_dos=Z:$(printf '%s' "$broken" | tr / '\\')
winetest_step export "$prefix_a" transport export "$document_dos"
winetest_step export-2 "$prefix_a" transport export "$broken_dos"
if [ -s "$document" ] && [ -s "$broken" ]; then
    winetest_step import "$prefix_b" transport import "$document_dos"
    winetest_step break "$prefix_b" transport break "$broken_dos"
    winetest_step gone "$prefix_a" transport gone "$document_dos"
    winetest_step gone-2 "$prefix_a" transport gone "$broken_dos"
    remove_broken "$broken"
else
    ok 1 "prefix A saved the documents"
fi
for prefix in "$prefix_a" "$prefix_b"; do
    WINEPREFIX=$prefix wineserver -w
done
rm -rf "$work"
finish
