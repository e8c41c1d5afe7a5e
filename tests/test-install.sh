#!/bin/sh
# Tests of `make install` and `make uninstall`: staged with DESTDIR into a
# scratch directory, so that nothing outside it changes.
#
#   sh tests/test-install.sh BUILD
#
# Checks the installed files (the Makefile's install rule: the DLLs and
# vssadmin.exe mode 644, the agent and the winevss CLI mode 755, the agent's
# link where vssapi.dll looks for it), that they are the built ones, that the
# CLI knows its installed location, and that uninstall takes every one of
# them away again.  Ends with "test-install: N passed, N failed".
set -u

build=${1:-build}
top=$(pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
stage=$build/install-test
prefix=/usr/local
lib=$prefix/lib/winevss

. "$top/tests/lib/shtest.sh"

finish()
{
    rm -rf "$stage"
    summary test-install
    exit $([ $failed = 0 ] && echo 0 || echo 1)
}

mode_is() { [ "$(stat -c %a "$1" 2>/dev/null)" = "$2" ]; }

# What the host has at the real destination, to show that staging leaves it alone.
host_state()
{
    for f in "$prefix/bin/winevss" "$lib"; do
        if [ -e "$f" ] || [ -L "$f" ]; then stat -c '%n %i %Y' "$f"; else echo "$f absent"; fi
    done
}

# Our files in the staging tree: regular files and links, relative names.
staged_files()
{
    (cd "$stage" && find . \( -type f -o -type l \) -print | sed 's|^\./||' | LC_ALL=C sort)
}

rm -rf "$stage"
mkdir -p "$stage"
before=$(host_state)

# make_install TARGET PREFIX: the Makefile's rule on what is built.  `-o all`
# keeps make from rebuilding first: what make check built is installed, and
# a build failure is reported by the tests of what failed to build.  The
# parent make's job server is not ours to use, hence no MAKEFLAGS.
make_install()
{
    env -u MAKEFLAGS -u MAKELEVEL make -s -o all -C "$top" BUILD="$build" DESTDIR="$stage" PREFIX="$2" "$1" 2>&1
}

out=$(make_install install "$prefix"); rc=$?
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "make install DESTDIR=... PREFIX=$prefix exits 0"

d=$stage$lib
expected=$(printf '%s\n' \
    "${prefix#/}/bin/winevss" \
    "${lib#/}/i686/tools/vssadmin.exe" \
    "${lib#/}/i686/vssapi.dll" \
    "${lib#/}/native/winevssd/winevssd" \
    "${lib#/}/winevssd" \
    "${lib#/}/x86_64/tools/vssadmin.exe" \
    "${lib#/}/x86_64/vssapi.dll" | LC_ALL=C sort)
got=$(staged_files)
if [ "$got" = "$expected" ]; then
    ok 0 "exactly the expected 7 files and links are installed"
else
    printf '%s\n' "$got" | sed 's/^/# installed: /'
    ok 1 "exactly the expected 7 files and links are installed"
fi

for f in x86_64/vssapi.dll i686/vssapi.dll x86_64/tools/vssadmin.exe i686/tools/vssadmin.exe; do
    check "$lib/$f is the built one" cmp -s "$build/$f" "$d/$f"
    check "$lib/$f has mode 644" mode_is "$d/$f" 644
done
check "$lib/native/winevssd/winevssd is the built agent" \
    cmp -s "$build/native/winevssd/winevssd" "$d/native/winevssd/winevssd"
check "the agent has mode 755" mode_is "$d/native/winevssd/winevssd" 755
check "$lib/winevssd is a relative link to native/winevssd/winevssd" \
    sh -c '[ -L "$1" ] && [ "$(readlink "$1")" = native/winevssd/winevssd ]' - "$d/winevssd"
check "the link leads to the executable agent" sh -c '[ -f "$1" ] && [ -x "$1" ]' - "$d/winevssd"

cli=$stage$prefix/bin/winevss
check "$prefix/bin/winevss has mode 755" mode_is "$cli" 755
check "the installed winevss looks for its files in $lib" grep -q -x "build=\${BUILD:-$lib}" "$cli"
# Nothing else of the script may change: only its build= line differs.
changes=$(diff "$top/tools/winevss" "$cli" | grep -c '^[<>]')
check "the installed winevss differs from tools/winevss in that line only (got $changes changed lines)" [ "$changes" = 2 ]
sh -n "$cli"
ok $? "the installed winevss is valid sh"
"$cli" >/dev/null 2>&1; rc=$?
check "the installed winevss runs (no arguments: usage, exit 2; got $rc)" [ $rc = 2 ]

after=$(host_state)
check "nothing was installed outside DESTDIR ($prefix unchanged)" [ "$before" = "$after" ]

out=$(make_install uninstall "$prefix"); rc=$?
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "make uninstall DESTDIR=... PREFIX=$prefix exits 0"
left=$(staged_files)
if [ -z "$left" ]; then
    ok 0 "uninstall removed every installed file and link"
else
    printf '%s\n' "$left" | sed 's/^/# left: /'
    ok 1 "uninstall removed every installed file and link"
fi
check "uninstall removed $lib" [ ! -e "$d" ]
after=$(host_state)
check "uninstall touched nothing outside DESTDIR" [ "$before" = "$after" ]

# Another PREFIX: the CLI follows it.
out=$(make_install install /opt/wv); rc=$?
ok $rc "make install PREFIX=/opt/wv exits 0"
check "with PREFIX=/opt/wv the files go below /opt/wv" \
    sh -c '[ -f "$1/lib/winevss/x86_64/vssapi.dll" ] && [ -x "$1/bin/winevss" ]' - "$stage/opt/wv"
check "with PREFIX=/opt/wv winevss looks in /opt/wv/lib/winevss" \
    grep -q -x 'build=${BUILD:-/opt/wv/lib/winevss}' "$stage/opt/wv/bin/winevss"
make_install uninstall /opt/wv >/dev/null
left=$(staged_files)
check "make uninstall PREFIX=/opt/wv leaves no file" [ -z "$left" ]

finish
