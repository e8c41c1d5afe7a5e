# Shared by the shell tests (sourced): TAP-style results and their count.
#
#   ok STATUS DESCRIPTION      0 passes, anything else fails
#   check DESCRIPTION CMD...   passes when CMD succeeds
#   skip REASON
#   summary NAME               prints "NAME: N passed, N failed, N skipped"
#   test_prefix PREFIX         makes a win10 prefix (unless it exists);
#                              returns 1, the reason counted, when wine is
#                              missing or the prefix cannot be made
#   winetest_step LABEL PREFIX TEST ARGS...
#                              runs one conformance test program step
#                              ($exe, with the DLL forced native) in PREFIX
#                              and adds up the counts of its summary line
#
# The runner (tests/run-suite.sh) reads the summary line.

passed=0; failed=0; skipped=0; n=0

ok()
{
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"; passed=$((passed + 1))
    else
        echo "not ok $n - $2"; failed=$((failed + 1))
    fi
}

check() { desc=$1; shift; if "$@"; then ok 0 "$desc"; else ok 1 "$desc"; fi; }

skip()
{
    n=$((n + 1)); skipped=$((skipped + 1))
    echo "ok $n - # skip $*"
}

summary()
{
    echo "$1: $passed passed, $failed failed, $skipped skipped"
}

test_prefix()
{
    if ! command -v wine >/dev/null 2>&1; then
        skip "wine is not installed"
        return 1
    fi
    if ! sh "$top/winetest/prefix.sh" "$1" win10 >/dev/null 2>&1; then
        ok 1 "create the test prefix $1"
        return 1
    fi
}

winetest_step()
{
    step_label=$1; step_prefix=$2; step_test=$3; shift 3
    step_out=$(WINEPREFIX=$step_prefix WINEDEBUG=-all WINEDLLOVERRIDES=vssapi=n,b \
        timeout 300 wine "$exe" "$step_test" "$@" 2>&1)
    printf '%s\n' "$step_out" | sed "s/^/$step_label: /"
    step_counts=$(printf '%s\n' "$step_out" | sed -n "s/^[0-9a-f]*:$step_test: \([0-9]*\) tests executed ([0-9]* marked as todo, [0-9]* as flaky, \([0-9]*\) failures\{0,1\}), \([0-9]*\) skipped\./\1 \2 \3/p" | tail -n 1)
    if [ -z "$step_counts" ]; then
        ok 1 "$step_label: the test printed no summary"
        return
    fi
    set -- $step_counts
    passed=$((passed + $1 - $2)); failed=$((failed + $2)); skipped=$((skipped + $3))
}
