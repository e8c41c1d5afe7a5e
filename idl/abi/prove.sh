#!/bin/sh
# prove.sh: compile-time proof that our widl-generated VSS headers have the
# same binary interface as mingw-w64's vss.h, vswriter.h, vsbackup.h and
# vsmgmt.h, for one target.
#
#   prove.sh CC OUR_INCLUDE_DIR WORK_DIR RESULT_FILE
#
# 1. scan.awk lists every struct, union, vtable, member, enum, enumerator,
#    VSS_* macro, GUID, typedef and function of both header sets.  The two
#    lists must name exactly the same things.
# 2. A probe compiled against mingw-w64's headers with -S turns each size,
#    alignment, offset and value into a "const int"; the numbers are read
#    back from the assembly into mingw-values.h.
# 3. A check file compiled against our headers holds one _Static_assert per
#    fact: sizes, alignments, offsets and sizes of every member, every
#    vtable slot, member and prototype types (__builtin_types_compatible_p
#    against mingw-w64's text, so bool/BOOL and calling conventions count),
#    enumerator and macro values, and every GUID.
# Nothing is listed by hand; a new method or field in either header set is
# picked up automatically.  On success RESULT_FILE gets the number of checks.

set -eu

if [ $# -ne 4 ]; then
    echo "usage: $0 CC OUR_INCLUDE_DIR WORK_DIR RESULT_FILE" >&2
    exit 2
fi
cc=$1
ours=$2
work=$3
result=$4
here=$(dirname "$0")
headers="vss vswriter vsbackup vsmgmt"

fail()
{
    echo "abi proof ($cc): $*" >&2
    exit 1
}

mkdir -p "$work"
rm -f "$result"
: > "$work/ours.rec"
: > "$work/mingw.rec"

for h in $headers; do
    # The copy of the header this compiler really uses.
    path=$(printf '#include <%s.h>\n' "$h" | $cc -E -x c - 2>/dev/null |
           sed -n "s|^# [0-9]* \"\\(.*/$h\\.h\\)\".*|\\1|p" | head -n 1)
    [ -n "$path" ] || fail "cannot locate mingw-w64's $h.h"
    [ -f "$ours/$h.h" ] || fail "missing generated $ours/$h.h"
    awk -f "$here/scan.awk" "$path" >> "$work/mingw.rec"
    awk -f "$here/scan.awk" "$ours/$h.h" >> "$work/ours.rec"
done

# Same names on both sides (members keyed by type and name).
keys()
{
    awk -F '\t' '{ print ($1 == "member") ? $1 " " $2 " " $3 : $1 " " $2 }' "$1" | LC_ALL=C sort -u
}
keys "$work/mingw.rec" > "$work/mingw.keys"
keys "$work/ours.rec" > "$work/ours.keys"
only_ours=$(LC_ALL=C comm -23 "$work/ours.keys" "$work/mingw.keys")
only_mingw=$(LC_ALL=C comm -13 "$work/ours.keys" "$work/mingw.keys")
if [ -n "$only_ours$only_mingw" ]; then
    [ -z "$only_ours" ] || printf 'only in our headers:\n%s\n' "$only_ours" >&2
    [ -z "$only_mingw" ] || printf 'only in mingw-w64 headers:\n%s\n' "$only_mingw" >&2
    fail "declarations differ"
fi
[ -s "$work/mingw.keys" ] || fail "nothing found to check"

# One record per name, with mingw-w64's type text.
awk -F '\t' '{ k = ($1 == "member") ? $1 " " $2 " " $3 : $1 " " $2 }
             !(k in seen) { seen[k] = 1; print }' "$work/mingw.rec" > "$work/records"

awk -v mode=probe -f "$here/gen.awk" "$work/records" > "$work/probe.c"
$cc -S -O0 -o "$work/probe.s" "$work/probe.c" || fail "probe does not compile against mingw-w64's headers"

# Each const int is a label followed by .long N, or .space/.zero when 0.
awk '
    /^_?WVP_[A-Za-z0-9_]+:/ { name = $0; sub(/:.*$/, "", name); sub(/^_/, "", name); next }
    name != "" && $1 == ".long" { print "#define WVM_" substr(name, 5) " " $2; name = ""; n++; next }
    name != "" && ($1 == ".space" || $1 == ".zero") && $2 == 4 { print "#define WVM_" substr(name, 5) " 0"; name = ""; n++; next }
    name != "" && $1 !~ /^\./ { print "unexpected line after " name ": " $0 > "/dev/stderr"; exit 1 }
' "$work/probe.s" > "$work/mingw-values.h" || fail "cannot read the probe assembly"

expected=$(grep -c '^const int WVP_' "$work/probe.c" || true)
guids=$(grep -c '^guid' "$work/records" || true)
expected=$((expected + 11 * guids))
got=$(grep -c '^#define WVM_' "$work/mingw-values.h" || true)
[ "$got" -eq "$expected" ] || fail "read $got values from the probe, expected $expected"

awk -v mode=check -v arch="$($cc -dumpmachine)" -v count="$work/count" \
    -f "$here/gen.awk" "$work/mingw-values.h" "$work/records" > "$work/check.c"
$cc -fsyntax-only -I"$work" -I"$ours" "$work/check.c" || fail "our headers differ from mingw-w64's (see above)"

n=$(cat "$work/count")
[ "$n" -gt 0 ] || fail "no checks made"
echo "$n" > "$result"
echo "abi proof ($($cc -dumpmachine)): $n checks passed"
