#!/bin/sh
# Runs every test of the project and ends with one line "N passed, N failed".
#
#   tests/run-suite.sh            (called by "make check" after building)
#
# Environment (all optional):
#   BUILD             build directory (default: build)
#   WINETEST_VERSIONS emulated Windows versions to run the conformance tests
#                     under, as NAME or NAME:server (default: win10)
#
# Counting: every ok() of a conformance test is one test (todo and skipped
# ones are reported apart); each line of a shell test's "N passed, N failed"
# summary adds up; a program that crashes, times out or prints no summary
# counts as one failure.
set -u

BUILD=${BUILD:-build}
WINETEST_VERSIONS=${WINETEST_VERSIONS:-"winxp64 win2003 vista win2008 win7 win2008r2 win10 win10:server"}
top=$(pwd)
results=$BUILD/check.results
# What failed, gathered for a recap above the summary line: CI often shows
# only the end of the output.
failures=$BUILD/check.failures
# vssapi.dll starts this agent on demand (see vssapi/agent.c); the native
# agent tests use it too.
WINEVSS_AGENT=$top/$BUILD/native/winevssd/winevssd
export WINEVSS_AGENT

mkdir -p "$BUILD"
: > "$results"
: > "$failures"

say() { echo "$*"; }

# suite_failure MESSAGE: a failure of the suite itself (something did not build
# or could not be set up), counted as one failed test.
suite_failure()
{
    say "not ok - $1"
    echo "[suite] $1" >> "$failures"
    add_result 0 1
}

# run_failure LABEL MESSAGE: a test program that failed without reporting a
# failed test (no summary, an exit status), counted as one failed test.
run_failure()
{
    say "$1: $2"
    echo "[$1] $2" >> "$failures"
    add_result 0 1
}

# note_failures LABEL OUTPUT: keeps the lines of OUTPUT that report a failure.
note_failures()
{
    printf '%s\n' "$2" | grep -E '^not ok|Test failed|: no summary|exit status|unhandled exception' |
        head -n 20 | sed "s|^|[$1] |" >> "$failures"
}

# add_result PASSED FAILED [SKIPPED] [TODO]
add_result()
{
    echo "${1} ${2} ${3:-0} ${4:-0}" >> "$results"
}

# run_timed HEADING LABEL COMMAND...: runs it, shows its output and how
# long it took; the output in $out, the exit status in $status.
run_timed()
{
    heading=$1; timed_label=$2; shift 2
    say "== $heading"
    start=$(date +%s)
    out=$("$@" 2>&1); status=$?
    printf '%s\n' "$out"
    say "($timed_label: $(($(date +%s) - start)) s)"
}

# A shell test ending with "name: N passed, N failed".
run_shell_test()
{
    name=$1; shift
    run_timed "$name" "$name" "$@"
    counts=$(printf '%s\n' "$out" | sed -n 's/^[A-Za-z0-9_-]*: \([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p' | tail -n 1)
    if [ -z "$counts" ]; then
        run_failure "$name" "no summary (exit status $status)"
        return
    fi
    set -- $counts
    add_result "$1" "$2" "${3:-0}"
    [ "$2" != 0 ] && note_failures "$name" "$out"
    [ "$status" != 0 ] && [ "$2" = 0 ] && run_failure "$name" "exit status $status without a reported failure"
}

# A conformance run that timeout(1) killed: what the prefix's agent and
# the processes still running say about where it hung.
report_hang()
{
    log=${prefix:-}/winevss/agent.log
    say "# $1 timed out; the last lines of $log:"
    [ -f "$log" ] && tail -n 20 "$log" | sed 's/^/#   /'
    tail -n 3 "$log" 2>/dev/null | sed "s|^|[$1] agent.log: |" >> "$failures"
    say "# processes of Wine and the agent:"
    ps -eo pid,etimes,stat,wchan:20,args | grep -E 'wine|winevssd|\.exe' | grep -v grep | sed 's/^/#   /'
}

# Parse the Wine-format summary lines of one conformance test run.
# run_winetest LABEL DIR ENV... -- EXE TEST
run_winetest()
{
    label=$1; shift
    run_timed "winetest $label" "$label" env "$@"
    summary=$(printf '%s\n' "$out" | sed -n 's/^[0-9a-f]*:[A-Za-z0-9_]*: \([0-9]*\) tests executed (\([0-9]*\) marked as todo, \([0-9]*\) as flaky, \([0-9]*\) failures\{0,1\}), \([0-9]*\) skipped\./\1 \2 \4 \5/p' | tail -n 1)
    if [ -z "$summary" ]; then
        run_failure "$label" "no summary line (exit status $status)"
        [ "$status" = 124 ] && report_hang "$label"
        return
    fi
    set -- $summary
    add_result $(($1 - $2 - $3)) "$3" "$4" "$2"
    [ "$3" != 0 ] && note_failures "$label" "$out"
    [ "$status" != 0 ] && [ "$3" = 0 ] && run_failure "$label" "exit status $status without a reported failure"
}

wine_can_run()
{
    case $1 in
    x86_64) command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ] ;;
    i686)   [ -x /usr/lib/wine/wine ] ;;
    esac
}

abi_results()
{
    for arch in x86_64 i686; do
        if [ -s "$BUILD/$arch/abi-proof.ok" ]; then
            say "ok - ABI proof $arch: $(cat "$BUILD/$arch/abi-proof.ok") checks"
            add_result 1 0
        else
            suite_failure "ABI proof $arch did not build"
        fi
    done
}

conformance_tests()
{
    for arch in x86_64 i686; do
        exe=$BUILD/$arch/winetest/vssapi_test.exe
        dll=$BUILD/$arch/vssapi.dll
        if [ ! -f "$exe" ] || [ ! -f "$dll" ]; then
            suite_failure "$arch conformance tests did not build"
            continue
        fi
        if ! wine_can_run $arch; then
            say "skip - $arch conformance tests: this Wine cannot run $arch programs (wine32 is not installed)"
            add_result 0 0 1
            continue
        fi
        tests=$(wine "$exe" --list 2>/dev/null | tr -d '\r' | sed -n 's/^ *\([a-z0-9_]*\)$/\1/p')
        for spec in $WINETEST_VERSIONS; do
            version=${spec%%:*}; product=default
            [ "$spec" != "$version" ] && product=${spec#*:}
            prefix=$top/$BUILD/prefixes/$spec
            if ! winetest/prefix.sh "$prefix" "$version" "$product"; then
                suite_failure "could not create the $spec prefix"
                continue
            fi
            winetest/install-dll.sh "$prefix" "$arch" "$dll"
            # Test drives for the snapshot tests, before wineserver starts.
            WINEPREFIX="$prefix" wineserver -k 2>/dev/null || true
            sh tests/volumes.sh drives "$BUILD" "$prefix"
            appdir=$BUILD/$arch/winetest/app; sysdir=$BUILD/$arch/winetest/sys
            mkdir -p "$appdir" "$sysdir"
            cp "$exe" "$dll" "$appdir/"; cp "$exe" "$sysdir/"
            for t in $tests; do
                for where in app sys; do
                    dir=$appdir; [ $where = sys ] && dir=$sysdir
                    dllwhere=app; [ $where = sys ] && dllwhere=system32
                    run_winetest "$arch $spec $t (dll in $dllwhere)" \
                        WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES=vssapi=n,b \
                        WINEVSS_DLL_DIR=$dllwhere timeout 300 wine "$dir/vssapi_test.exe" "$t"
                done
            done
            WINEPREFIX="$prefix" wineserver -w
        done
    done
}

# Native tests of the agent and providers: every $BUILD/native/tests/test-*
# program, each ending with "test-NAME: N passed, N failed[, N skipped]".
native_tests()
{
    for t in "$BUILD"/native/tests/test-*; do
        [ -x "$t" ] || continue
        run_shell_test "$(basename "$t")" timeout 900 "$t"
    done
}

sh tests/volumes.sh setup "$BUILD"
trap 'sh tests/volumes.sh teardown "$BUILD"' EXIT

abi_results
run_shell_test exports sh tests/test-exports.sh "$BUILD"
native_tests
# The harness self-test shares the first version's prefix.
first=$(echo "$WINETEST_VERSIONS" | awk '{ print $1 }')
WINEPREFIX=$top/$BUILD/prefixes/$first
if ! winetest/prefix.sh "$WINEPREFIX" "${first%%:*}" "$(echo "$first" | sed -n 's/.*://p')"; then
    suite_failure "could not create the $first prefix"
fi
export WINEPREFIX
run_shell_test harness sh tests/harness/test-harness.sh "$BUILD"
unset WINEPREFIX
conformance_tests
run_shell_test transport sh tests/test-transport.sh "$BUILD"
run_shell_test persistent sh tests/test-persistent.sh "$BUILD"
run_shell_test tools sh tests/test-tools.sh "$BUILD"
run_shell_test maintenance sh tests/test-maintenance.sh "$BUILD"
run_shell_test install sh tests/test-install.sh "$BUILD"

# Short enough to stay within the end of a log that is cut.
if [ -s "$failures" ]; then
    say "== what failed ($(wc -l < "$failures") lines, the first 15; all in $failures)"
    head -n 15 "$failures"
fi
awk '{ p += $1; f += $2; s += $3; t += $4 }
     END {
         if (t) printf "%d todo (counted as neither passed nor failed)\n", t
         printf "%d passed, %d failed, %d skipped\n", p, f, s
         exit f != 0
     }' "$results"
