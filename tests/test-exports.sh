#!/bin/sh
# Compare the export tables of the built vssapi.dll files with the names
# programs import: every import of mingw-w64's libvssapi.a for the same
# architecture, and every function Wine's installed builtin vssapi.dll
# exports.  C++ names must carry the mangling of the DLL's architecture.
#
#   tests/test-exports.sh BUILD_DIR
#
# Prints "ok N - ..." / "not ok N - ..." lines and ends with
# "exports: N passed, N failed".
set -u

build=${1:-build}
builtin=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/vssapi.dll
passed=0
failed=0
count=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

result()
{
    count=$((count + 1))
    if [ "$1" = 0 ]; then
        passed=$((passed + 1)); echo "ok $count - $2"
    else
        failed=$((failed + 1)); echo "not ok $count - $2"
    fi
}

# Export names of a PE file, one per line.
pe_exports()
{
    objdump -p "$1" | awk '/^\[Ordinal\/Name Pointer\] Table/ { t = 1; next } t && NF == 0 { t = 0 } t && NF >= 3 { print $3 }' | sort -u
}

# Names the import library makes programs import: __imp_ symbols without
# the i386 C prefix underscore and stdcall suffix (the library imports the
# undecorated name).
implib_imports()
{
    $1-w64-mingw32-nm "$2" | sed -n 's/.* I __imp_//p' | sed -e 's/^_\([A-Za-z]\)/\1/' -e '/^[A-Za-z]/s/@[0-9]*$//' | sort -u
}

# The function a name stands for, the same on every architecture: a C name
# as is; a C++ name up to the "@@" that ends its qualified name
# (?Name@@ for a free function, ?Name@Class@@ for a member, ??0Class@@ and
# ??1Class@@ for a constructor and a destructor).
identity()
{
    sed -e 's/^\(??[01][^@]*@@\).*/\1/' -e 't' -e 's/^\(?[^@]*@\([^@]*@\)\{0,1\}@\).*/\1/'
}

# C++ names whose calling/pointer codes belong to the other architecture.
wrong_mangling()
{
    case $1 in
    x86_64) grep '^?' | grep -Ev '@@(YA|[A-Z]E[AB]A)' ;;
    i686)   grep '^?' | grep -Ev '@@(YG|[A-Z][AB][EG])' ;;
    esac
}

for arch in x86_64 i686; do
    dll=$build/$arch/vssapi.dll
    implib=/usr/$arch-w64-mingw32/lib/libvssapi.a
    if [ ! -f "$dll" ]; then
        result 1 "$arch: $dll exists"
        continue
    fi
    pe_exports "$dll" > "$tmp/ours"
    identity < "$tmp/ours" | sort -u > "$tmp/ours.id"

    if [ -f "$implib" ]; then
        implib_imports $arch "$implib" > "$tmp/implib"
        comm -23 "$tmp/implib" "$tmp/ours" > "$tmp/missing"
        n=$(wc -l < "$tmp/implib")
        [ -s "$tmp/missing" ] && sed 's/^/#   missing: /' "$tmp/missing"
        result $([ -s "$tmp/missing" ] && echo 1 || echo 0) \
            "$arch: all $n imports of $implib exported ($(wc -l < "$tmp/missing") missing)"
    else
        result 1 "$arch: $implib exists"
    fi

    if [ -f "$builtin" ]; then
        pe_exports "$builtin" | identity | sort -u > "$tmp/builtin.id"
        comm -23 "$tmp/builtin.id" "$tmp/ours.id" > "$tmp/missing"
        n=$(wc -l < "$tmp/builtin.id")
        [ -s "$tmp/missing" ] && sed 's/^/#   missing: /' "$tmp/missing"
        result $([ -s "$tmp/missing" ] && echo 1 || echo 0) \
            "$arch: all $n functions of Wine's builtin exported ($(wc -l < "$tmp/missing") missing)"
    else
        result 1 "$arch: $builtin exists"
    fi

    wrong_mangling $arch < "$tmp/ours" > "$tmp/wrong"
    [ -s "$tmp/wrong" ] && sed 's/^/#   wrong mangling: /' "$tmp/wrong"
    result $([ -s "$tmp/wrong" ] && echo 1 || echo 0) "$arch: every C++ export uses the $arch mangling"

    for name in CreateVssBackupComponentsInternal VssFreeSnapshotProperties VssFreeSnapshotPropertiesInternal; do
        grep -qx "$name" "$tmp/ours"
        result $? "$arch: exports $name"
    done
done

echo "exports: $passed passed, $failed failed"
[ "$failed" = 0 ]
