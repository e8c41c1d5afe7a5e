#!/bin/sh
# Self-test of the conformance-test harness, winetest/include/wine/test.h.
#
#   tests/harness/test-harness.sh [BUILD]
#
# Runs $BUILD/x86_64/tests/harness-selftest.exe and harness-standalone.exe
# (built by winetest/harness.mk) under Wine in several modes.  For each run
# it checks that the output is exactly the expected set of lines -- the
# expect[]/raw[] markers in the test sources (see selftest.c) plus the
# summary lines listed below -- and that the exit status is the failure
# count.  The i686 programs are only built: this Wine cannot run them.
#
# Environment: WINEPREFIX (default: $BUILD/prefixes/harness, created if
# missing), WINE (default: wine), BUILD (when no argument is given).
#
# Prints "ok N - ..." / "not ok N - ..." per check, then
# "harness: N passed, N failed"; exits non-zero if a check failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD:-build}}
case $build in
    /*) ;;
    *) build=$(pwd)/$build ;;
esac
selftest=$build/x86_64/tests/harness-selftest.exe
standalone=$build/x86_64/tests/harness-standalone.exe
WINE=${WINE:-wine}
WINEPREFIX=${WINEPREFIX:-$build/prefixes/harness}
WINEDEBUG=-all
export WINEPREFIX WINEDEBUG
unset WINETEST_PLATFORM WINETEST_DEBUG WINETEST_REPORT_SUCCESS WINETEST_REPORT_FLAKY \
      WINETEST_TIME WINETEST_COLOR WINETEST_INTERACTIVE
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

count=0
passed=0
failed=0

# result STATUS DESCRIPTION
result()
{
    count=$((count + 1))
    if [ "$1" = 0 ]; then
        passed=$((passed + 1))
        echo "ok $count - $2"
    else
        failed=$((failed + 1))
        echo "not ok $count - $2"
    fi
}

finish()
{
    echo "harness: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}

# run NAME EXE [VAR=VALUE...] -- [ARGS...]
# Leaves the output in $tmp/NAME.out (carriage returns removed), the raw
# output in NAME.raw, stderr in NAME.err and the exit status in NAME.rc.
run()
{
    name=$1; prog=$2; shift 2
    vars=
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        vars="$vars $1"
        shift
    done
    [ $# -gt 0 ] && shift
    # $vars is split on purpose: VAR=VALUE words without spaces.
    env $vars "$WINE" "$prog" "$@" >"$tmp/$name.raw" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.rc"
    tr -d '\r' <"$tmp/$name.raw" >"$tmp/$name.out"
}

# markers MODE FILE...: the output lines that FILE's markers announce for MODE.
markers()
{
    mode=$1; shift
    for file; do
        awk -v mode="$mode" -v base="${file##*/}" '
            function in_modes(list,    n, i, a)
            {
                if (list == "*") return 1
                n = split(list, a, ",")
                for (i = 1; i <= n; i++) if (a[i] == mode) return 1
                return 0
            }
            {
                rest = $0
                while (match(rest, /\/\* (expect|raw)\[[^]]*\](\*[0-9]+)?: /)) {
                    head = substr(rest, RSTART, RLENGTH)
                    rest = substr(rest, RSTART + RLENGTH)
                    end = index(rest, " */")
                    if (!end) break
                    text = substr(rest, 1, end - 1)
                    rest = substr(rest, end + 3)
                    modes = head
                    sub(/^[^[]*\[/, "", modes)
                    sub(/\].*$/, "", modes)
                    times = 1
                    if (head ~ /\]\*[0-9]/) {
                        times = head
                        sub(/^[^]]*\]\*/, "", times)
                        sub(/:.*$/, "", times)
                        times += 0
                    }
                    if (!in_modes(modes)) continue
                    line = (head ~ /^\/\* raw/) ? text : base ":" NR ": " text
                    for (i = 0; i < times; i++) print line
                }
            }' "$here/$file"
    done
}

# Replaces what changes from run to run: process ids and addresses.
normalize()
{
    sed -e 's/^[0-9a-f]\{4,\}:\([A-Za-z0-9_]*\):/PID:\1:/' \
        -e 's/\(unhandled exception [0-9a-f]*\) at [0-9A-Fa-fx]*$/\1 at ADDR/' \
        -e 's/\(in child process\) [0-9a-f]*$/\1 PID/'
}

# check_output NAME MODE DESCRIPTION FILE... (extra expected lines on stdin)
check_output()
{
    name=$1; mode=$2; desc=$3; shift 3
    { markers "$mode" "$@"; cat; } | sort >"$tmp/$name.expected"
    normalize <"$tmp/$name.out" | sort >"$tmp/$name.got"
    if cmp -s "$tmp/$name.expected" "$tmp/$name.got"; then
        result 0 "$desc: output is exactly the expected lines"
    else
        result 1 "$desc: output is exactly the expected lines"
        diff "$tmp/$name.expected" "$tmp/$name.got" | sed -n 's/^[<>]/# &/p' | head -n 40
    fi
}

# check_exit NAME STATUS DESCRIPTION
check_exit()
{
    rc=$(cat "$tmp/$1.rc")
    [ "$rc" = "$2" ]
    result $? "$3: exit status $2 (got $rc)"
}

# check_line NAME LINE DESCRIPTION: the normalized output holds LINE.
check_line()
{
    normalize <"$tmp/$1.out" | grep -Fqx -e "$2"
    result $? "$3"
}

summary()
{
    echo "PID:$1: $2 tests executed ($3 marked as todo, $4 as flaky, $5), $6 skipped."
}

for exe in "$selftest" "$standalone"; do
    if [ ! -f "$exe" ]; then
        result 1 "$exe is built"
        finish
    fi
done
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "# creating the Wine prefix $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i >/dev/null 2>&1
    wineserver -w
fi

# --- the main self-test in four modes ---------------------------------------

wine_summary=$(summary selftest 2052 8 3 "25 failures" 3)
windows_summary=$(summary selftest 2049 1 1 "27 failures" 6)

run wine "$selftest" -- selftest
check_output wine wine "selftest, platform autodetected (wine)" selftest.c <<EOF
$wine_summary
EOF
check_line wine "$wine_summary" "selftest (wine): summary counts"
check_exit wine 25 "selftest (wine)"
! grep -q "$(printf '\r')" "$tmp/wine.raw"
result $? "selftest (wine): lines end in LF only"

run windows "$selftest" WINETEST_PLATFORM=windows -- selftest
check_output windows windows "selftest, WINETEST_PLATFORM=windows" selftest.c <<EOF
$windows_summary
EOF
check_line windows "$windows_summary" "selftest (windows): summary counts"
check_exit windows 27 "selftest (windows)"

run success "$selftest" WINETEST_REPORT_SUCCESS=1 -- selftest
check_output success success "selftest, WINETEST_REPORT_SUCCESS=1" selftest.c <<EOF
$wine_summary
EOF
check_exit success 25 "selftest (report success)"

run quiet "$selftest" WINETEST_DEBUG=0 -- selftest
check_output quiet quiet "selftest, WINETEST_DEBUG=0" selftest.c <<EOF
$wine_summary
EOF
check_exit quiet 25 "selftest (quiet)"

run flaky "$selftest" WINETEST_REPORT_FLAKY=1 -- selftest
check_line flaky "$wine_summary" "selftest (WINETEST_REPORT_FLAKY=1): summary unchanged"
check_exit flaky 28 "selftest (WINETEST_REPORT_FLAKY=1): flaky failures counted"

# --- child processes -----------------------------------------------------------

run child-wine "$selftest" -- child
check_output child-wine wine "child processes (wine)" child.c <<EOF
$(summary child 3 0 0 "3 failures" 0)
$(summary child 1 0 0 "0 failures" 0)
$(summary child 6 0 0 "3 failures" 1)
EOF
tail -n 1 "$tmp/child-wine.out" | normalize | grep -Fqx -e "$(summary child 6 0 0 "3 failures" 1)"
result $? "child processes (wine): the parent's summary comes last"
check_exit child-wine 3 "child processes (wine)"

run child-windows "$selftest" WINETEST_PLATFORM=windows -- child
check_output child-windows windows "child processes and a crash (windows)" child.c <<EOF
$(summary child 3 0 0 "3 failures" 0)
$(summary child 1 0 0 "0 failures" 0)
PID:child: unhandled exception e0000123 at ADDR
$(summary child 8 0 0 "4 failures" 0)
EOF
check_exit child-windows 4 "child processes and a crash (windows)"

# --- muting --------------------------------------------------------------------

run mute "$selftest" -- mute
check_output mute wine "muting after 42 occurrences" mute.c <<EOF
PID:mute: Silenced 8 todos, 8 skips and 8 traces.
$(summary mute 50 50 0 "0 failures" 50)
EOF
check_exit mute 0 "muting"

run debug2 "$selftest" WINETEST_DEBUG=2 -- mute
check_output debug2 debug2 "no muting with WINETEST_DEBUG=2" mute.c <<EOF
$(summary mute 50 50 0 "0 failures" 50)
EOF
check_exit debug2 0 "no muting"

# --- exit status cap, timing and colour ------------------------------------------

run many "$selftest" -- many 300
check_output many many "300 failures" many.c <<EOF
$(summary many 301 0 0 "300 failures" 0)
EOF
check_exit many 255 "300 failures: exit status capped"

run time "$selftest" WINETEST_TIME=1 -- many 2
[ "$(grep -Ec '^many\.c:[0-9]+:[0-9]+\.[0-9]{3} Test failed: many failures$' "$tmp/time.out")" = 2 ] &&
grep -Eq '^[0-9a-f]{4,}:many:[0-9]+\.[0-9]{3} 3 tests executed \(0 marked as todo, 0 as flaky, 2 failures\), 0 skipped\.$' "$tmp/time.out"
result $? "WINETEST_TIME=1 adds the elapsed time after file:line: and test:"

run color "$selftest" WINETEST_COLOR=1 -- many 1
esc=$(printf '\033')
grep -Eq "^many\.c:[0-9]+: ${esc}\[1;31mTest failed${esc}\[0m: many failures$" "$tmp/color.out"
result $? "WINETEST_COLOR=1 colours the message kind"
check_exit color 1 "one failure"
check_line color "$(summary many 2 0 0 "1 failure" 0)" "one failure: singular in the summary"

# --- command line ------------------------------------------------------------------

run all "$selftest" --
check_output all wine "no argument runs every test" selftest.c child.c mute.c <<EOF
$wine_summary
$(summary child 3 0 0 "3 failures" 0)
$(summary child 1 0 0 "0 failures" 0)
$(summary child 6 0 0 "3 failures" 1)
PID:mute: Silenced 8 todos, 8 skips and 8 traces.
$(summary mute 50 50 0 "0 failures" 50)
$(summary many 1 0 0 "0 failures" 0)
EOF
[ "$(normalize <"$tmp/all.out" | sed -n 's/^PID:\([a-z]*\): [0-9]* tests executed.*/\1/p' | uniq | tr '\n' ' ')" = \
  "selftest child mute many " ]
result $? "no argument runs the tests in list order"
check_exit all 28 "no argument: the failures of all tests"

run list "$selftest" -- --list
printf 'Valid test names:\n    selftest\n    child\n    mute\n    many\n' | cmp -s - "$tmp/list.out"
result $? "--list lists the tests"
check_exit list 0 "--list"

run bogus "$selftest" -- bogus
[ "$(cat "$tmp/bogus.rc")" = 1 ] && [ ! -s "$tmp/bogus.out" ] &&
    tr -d '\r' <"$tmp/bogus.err" | grep -Fqx "Fatal: test 'bogus' does not exist."
result $? "an unknown test name fails with status 1"

# --- single-file STANDALONE test, wmain entry point ---------------------------------

run standalone "$standalone" -- standalone
check_output standalone standalone "single-file STANDALONE test (-municode)" standalone.c <<EOF
$(summary standalone 4 1 0 "1 failure" 0)
EOF
check_exit standalone 1 "single-file STANDALONE test"

run standalone-list "$standalone" -- --list
printf 'Valid test names:\n    standalone\n' | cmp -s - "$tmp/standalone-list.out"
result $? "single-file STANDALONE test: --list"

run standalone-all "$standalone" --
check_line standalone-all "$(summary standalone 4 1 0 "3 failures" 0)" "single-file STANDALONE test: runs without argument"
check_exit standalone-all 3 "single-file STANDALONE test without argument"

finish
