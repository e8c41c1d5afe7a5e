#!/bin/sh
# Tests of the tools: vssadmin.exe (arguments, exit codes, the layout of
# its output, a real shadow copy of a plain-directory drive U: read back
# through GLOBALROOT) and the winevss host CLI (install, status, list,
# delete, and an uninstall that leaves the registry and system32 exactly as
# they were).
#
#   sh tests/test-tools.sh BUILD
#
# Uses its own prefix, BUILD/prefixes/tools, and U: = BUILD/tools-u.
# Ends with "test-tools: N passed, N failed, N skipped".
set -u

build=${1:-build}
top=$(pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
prefix=$build/prefixes/tools
udir=$build/tools-u
tmp=$build/tools-test

. "$top/tests/lib/shtest.sh"

finish()
{
    summary test-tools
    exit $([ $failed = 0 ] && echo 0 || echo 1)
}

export WINEPREFIX=$prefix WINEDEBUG=-all
unset WINEDLLOVERRIDES

# vssadmin ARGS...: output in $out (no CRs), exit status in $rc.
vssadmin()
{
    out=$(wine "$exe" "$@" < "${stdin:-/dev/null}" 2>/dev/null); rc=$?
    out=$(printf '%s\n' "$out" | tr -d '\r')
}

has_line() { printf '%s\n' "$out" | grep -q -e "$1"; }
has_exact_line() { printf '%s\n' "$out" | grep -q -F -x -e "$1"; }

for arch in x86_64 i686; do
    check "vssadmin.exe built for $arch" test -s "$build/$arch/tools/vssadmin.exe"
done

test_prefix "$prefix" || finish
mkdir -p "$tmp"
wineserver -k 2>/dev/null
# A run that died half-way may have left winevss installed.
[ -d "$prefix/winevss/install" ] && sh "$top/tools/winevss" uninstall --prefix "$prefix" --build "$build" >/dev/null 2>&1
wineserver -w
rm -rf "$udir"; mkdir -p "$udir"
ln -sfn "$udir" "$prefix/dosdevices/u:"

# The state install must give back: registry without timestamps, the
# system directories' files and checksums.
state()
{
    for f in system.reg user.reg; do
        # Wine rewrites DriverDateData of its devices at every start.
        sed -e '/^#time=/d' -e '/^"DriverDateData"=/d' -e 's/^\(\[.*\]\) [0-9]*$/\1/' "$prefix/$f"
    done
    for d in system32 syswow64; do
        [ -d "$prefix/drive_c/windows/$d" ] || continue
        (cd "$prefix/drive_c/windows/$d" && find . -maxdepth 1 -type f -name '*ss*' | sort | xargs md5sum)
        (cd "$prefix/drive_c/windows/$d" && find . | sort)
    done
}
state > "$tmp/before"

install_out=$(sh "$top/tools/winevss" install --prefix "$prefix" --build "$build" 2>&1); rc=$?
printf '%s\n' "$install_out" | sed 's/^/# /'
ok $rc "winevss install exits 0"
check "install copied vssapi.dll (x86_64) to system32" \
    cmp -s "$build/x86_64/vssapi.dll" "$prefix/drive_c/windows/system32/vssapi.dll"
check "install copied vssadmin.exe to system32" \
    cmp -s "$build/x86_64/tools/vssadmin.exe" "$prefix/drive_c/windows/system32/vssadmin.exe"
if [ -d "$prefix/drive_c/windows/syswow64" ]; then
    check "install copied vssapi.dll (i686) to syswow64" \
        cmp -s "$build/i686/vssapi.dll" "$prefix/drive_c/windows/syswow64/vssapi.dll"
else
    skip "no syswow64 in the prefix"
fi
reg=$(wine reg query 'HKCU\Software\Wine\DllOverrides' /v vssapi 2>/dev/null | tr -d '\r')
check "install set the vssapi override to native,builtin" \
    sh -c 'printf "%s\n" "$1" | grep -q "vssapi *REG_SZ *native,builtin$"' - "$reg"
reg=$(wine reg query 'HKLM\Software\Wine\winevss' /v AgentPath 2>/dev/null | tr -d '\r')
check "install set AgentPath to the built agent" \
    sh -c 'printf "%s\n" "$1" | grep -q "AgentPath *REG_SZ *$2$"' - "$reg" "$build/native/winevssd/winevssd"
reg=$(wine reg query 'HKLM\Software\Classes\CLSID\{0b5a2c52-3eb9-470a-96e2-6c6d4570e40f}\InprocServer32' 2>/dev/null | tr -d '\r')
check "install registered CLSID_VssSnapshotMgmt (vssapi.dll, ThreadingModel Both)" \
    sh -c 'printf "%s\n" "$1" | grep -q "(Default) *REG_SZ *vssapi.dll$" && printf "%s\n" "$1" | grep -q "ThreadingModel *REG_SZ *Both$"' - "$reg"

exe=vssadmin.exe

# Arguments and exit codes.
vssadmin
ok $([ $rc = 1 ] && has_line '^Error: Invalid command' && echo 0 || echo 1) "no arguments: 'Invalid command', exit 1 (got $rc)"
check "the header comes first" sh -c 'printf "%s\n" "$1" | head -n 1 | grep -qx "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool"' - "$out"
vssadmin frobnicate shadows
ok $([ $rc = 1 ] && has_line '^Error: Invalid command\.$' && echo 0 || echo 1) "unknown verb: exit 1 (got $rc)"
vssadmin list shadows /bogus
ok $([ $rc = 1 ] && has_line '^Error: Invalid option\.$' && echo 0 || echo 1) "unknown option: exit 1 (got $rc)"
vssadmin list shadows /for=UU:
ok $([ $rc = 1 ] && has_line '^Error: Invalid option value\.$' && echo 0 || echo 1) "bad /for= value: exit 1 (got $rc)"
vssadmin list shadows /shadow=not-a-guid
ok $([ $rc = 1 ] && has_line '^Error: Invalid option value\.$' && echo 0 || echo 1) "bad /shadow= value: exit 1 (got $rc)"
vssadmin create shadow
ok $([ $rc = 1 ] && echo 0 || echo 1) "create shadow without /for=: exit 1 (got $rc)"
vssadmin create shadow /for=U: /autoretry=x
ok $([ $rc = 1 ] && echo 0 || echo 1) "create shadow /autoretry=x: exit 1 (got $rc)"
vssadmin delete shadows
ok $([ $rc = 1 ] && echo 0 || echo 1) "delete shadows without a selection: exit 1 (got $rc)"
vssadmin delete shadows /oldest
ok $([ $rc = 1 ] && echo 0 || echo 1) "delete shadows /oldest without /for=: exit 1 (got $rc)"
vssadmin delete shadows /all /for=U:
ok $([ $rc = 1 ] && echo 0 || echo 1) "delete shadows /all /for=: exit 1 (got $rc)"
vssadmin create shadow /for=Q:
ok $([ $rc = 2 ] && has_line '^Error: Either the specified volume was not found' && echo 0 || echo 1) \
    "create shadow of a missing drive: the HRESULT's message, exit 2 (got $rc)"
vssadmin delete shadows /shadow={01234567-89ab-cdef-0123-456789abcdef} /quiet
ok $([ $rc = 2 ] && has_line 'not found' && echo 0 || echo 1) "delete an unknown shadow: exit 2 (got $rc)"
vssadmin list writers
ok $rc "list writers: exit 0"
vssadmin list shadowstorage
ok $([ $rc = 0 ] && has_line '^No items found that satisfy the query\.$' && echo 0 || echo 1) "list shadowstorage: none"

vssadmin list shadows
ok $([ $rc = 0 ] && has_line '^No items found that satisfy the query\.$' && echo 0 || echo 1) "list shadows: none at first"
vssadmin list providers
ok $([ $rc = 0 ] && has_line "^Provider name: '.*'$" && has_line '^   Provider Id: {[0-9a-f-]\{36\}}$' && echo 0 || echo 1) \
    "list providers: names and ids"
vssadmin list volumes
ok $([ $rc = 0 ] && has_line '^Volume path: U:\\$' && has_line '^    Volume name: \\\\?\\Volume{[0-9a-f-]\{36\}}\\$' && echo 0 || echo 1) \
    "list volumes: U: with its volume name"

# A real shadow copy of U:.
printf 'before\r\n' > "$udir/a.txt"
vssadmin create shadow /for=U:
printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "create shadow /for=U: exits 0"
check "create: 'Successfully created shadow copy for 'U:\\''" has_line "^Successfully created shadow copy for 'U:\\\\'$"
check "create: Shadow Copy ID line" has_line '^    Shadow Copy ID: {[0-9a-f-]\{36\}}$'
check "create: Shadow Copy Volume Name line" has_line '^    Shadow Copy Volume Name: \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy[0-9][0-9]*$'
id=$(printf '%s\n' "$out" | sed -n 's/^    Shadow Copy ID: //p')
device=$(printf '%s\n' "$out" | sed -n 's/^    Shadow Copy Volume Name: //p')

printf 'after\r\n' > "$udir/a.txt"
text=$(wine cmd /c type "$device\\a.txt" 2>/dev/null | tr -d '\r')
check "the shadow copy holds the old a.txt (cmd /c type through GLOBALROOT)" [ "$text" = before ]

vssadmin list shadows
printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "list shadows exits 0"
check "list: header line" has_line '^vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool$'
check "list: set ID" has_line '^Contents of shadow copy set ID: {[0-9a-f-]\{36\}}$'
check "list: creation time" has_line '^   Contained 1 shadow copies at creation time: [0-9].* [0-9][0-9]*:[0-9][0-9]:[0-9][0-9]'
check "list: shadow copy ID is the created one" has_line "^      Shadow Copy ID: $id\$"
check "list: original volume (U:)\\\\?\\Volume{...}\\" has_line '^         Original Volume: (U:)\\\\?\\Volume{[0-9a-f-]\{36\}}\\$'
check "list: shadow copy volume is the created device" has_exact_line "         Shadow Copy Volume: $device"
check "list: originating machine" has_line '^         Originating Machine: [^ ]'
check "list: service machine" has_line '^         Service Machine: [^ ]'
check "list: provider" has_line "^         Provider: '[^']*'\$"
check "list: type ClientAccessible" has_line '^         Type: ClientAccessible$'
check "list: attributes" has_line '^         Attributes: Persistent, Client-accessible, No auto release, No writers'
vssadmin list shadows /for=U:
check "list /for=U: finds it" has_line "^      Shadow Copy ID: $id\$"
vssadmin list shadows /shadow=$id
check "list /shadow=ID finds it" has_line "^      Shadow Copy ID: $id\$"
vssadmin list shadows /for=C:
check "list /for=C: does not" has_line '^No items found that satisfy the query\.$'

# The snapshot outlived vssadmin (persistent context); a declined deletion keeps it.
printf 'n\n' > "$tmp/no"
stdin=$tmp/no vssadmin delete shadows /all
ok $([ $rc = 3 ] && has_line '^Do you really want to delete 1 shadow copies' && echo 0 || echo 1) \
    "delete shadows /all answered N: asks, exit 3 (got $rc)"
text=$(wine cmd /c type "$device\\a.txt" 2>/dev/null | tr -d '\r')
check "the shadow copy is still there" [ "$text" = before ]

status=$(sh "$top/tools/winevss" status --prefix "$prefix" --build "$build" 2>&1); rc=$?
printf '%s\n' "$status" | sed 's/^/# /'
ok $rc "winevss status exits 0"
check "status: override, drives and one snapshot" sh -c 'printf "%s\n" "$1" | grep -q "^vssapi override: native,builtin" &&
    printf "%s\n" "$1" | grep -q "^  U: .*: copy" && printf "%s\n" "$1" | grep -q "^snapshots: 1$"' - "$status"
list=$(sh "$top/tools/winevss" list --prefix "$prefix" --build "$build" 2>&1)
check "winevss list shows the snapshot" sh -c 'printf "%s\n" "$1" | grep -q "Shadow Copy ID: $2"' - "$list" "$id"

vssadmin create shadow /for=U:
id2=$(printf '%s\n' "$out" | sed -n 's/^    Shadow Copy ID: //p')
[ -n "$id2" ] || printf '%s\n' "$out" | sed 's/^/# /'
ok $([ $rc = 0 ] && [ -n "$id2" ] && echo 0 || echo 1) "a second create shadow /for=U: (exit $rc)"
vssadmin delete shadows /for=U: /oldest /quiet
ok $([ $rc = 0 ] && has_line '^Successfully deleted the shadow copy\.$' && echo 0 || echo 1) "delete /for=U: /oldest /quiet"
vssadmin list shadows
check "/oldest deleted the first one only" sh -c 'printf "%s\n" "$1" | grep -q "Shadow Copy ID: $2" && ! printf "%s\n" "$1" | grep -q "Shadow Copy ID: $3"' - "$out" "$id2" "$id"
sh "$top/tools/winevss" delete --prefix "$prefix" --build "$build" "$id2" >/dev/null 2>&1
ok $? "winevss delete ID"

vssadmin create shadow /for=U:
vssadmin create shadow /for=U:
vssadmin delete shadows /all /quiet
ok $([ $rc = 0 ] && has_line '^Successfully deleted the 2 shadow copies\.$' && echo 0 || echo 1) "delete shadows /all /quiet (got $rc)"
vssadmin list shadows
check "no shadow copies left" has_line '^No items found that satisfy the query\.$'
check "no GLOBALROOT device left" sh -c '! ls "$1"/dosdevices/globalroot/Device/ 2>/dev/null | grep -q HarddiskVolumeShadowCopy' - "$prefix"

if [ -x /usr/lib/wine/wine ]; then
    exe=C:\\windows\\syswow64\\vssadmin.exe
    vssadmin list providers
    ok $rc "32-bit vssadmin list providers"
    exe=vssadmin.exe
else
    skip "32-bit vssadmin: this Wine cannot run i686 programs (wine32 is not installed)"
fi

uninstall_out=$(sh "$top/tools/winevss" uninstall --prefix "$prefix" --build "$build" 2>&1); rc=$?
printf '%s\n' "$uninstall_out" | sed 's/^/# /'
ok $rc "winevss uninstall exits 0"
wineserver -w
state > "$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
    ok 0 "uninstall left the registry, system32 and syswow64 as they were"
else
    diff "$tmp/before" "$tmp/after" | head -n 20 | sed 's/^/# /'
    ok 1 "uninstall left the registry, system32 and syswow64 as they were"
fi

wineserver -k 2>/dev/null
rm -f "$prefix/dosdevices/u:"
rm -rf "$tmp" "$udir"
finish
