#!/bin/sh
# The demonstration behind "make demo": a throwaway Wine prefix whose C: is
# a btrfs subvolume on a loop-mounted image (as root; a plain directory and
# the copy provider otherwise), winevss installed into it, and a shadow copy
# taken, read, listed and deleted by Windows programs (vssadmin.exe and
# cmd.exe), while the live files change.  Everything it made is removed at
# the end, also when a step fails.
#
#   BUILD=build sh tools/demo.sh
#
# DEMO_STORAGE=plain takes the non-root path (copy provider on a D: drive
# of its own) even as root.
set -eu

BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
top=$(pwd)
case $BUILD in /*) build=$BUILD ;; *) build=$top/$BUILD ;; esac
demo=$build/demo
prefix=$demo/prefix
image=$demo/c.img
mnt=$demo/mnt
log=$build/demo-build.log
loop=
step_no=0
started=$(date +%s)

step()
{
    step_no=$((step_no + 1))
    printf '\n[%d] %s\n' "$step_no" "$*"
}

note() { printf '    %s\n' "$*"; }

# Windows programs in the demo prefix; output indented, without CRs.
win()
{
    WINEPREFIX=$prefix WINEDEBUG=-all wine "$@" 2>/dev/null | tr -d '\r' | sed 's/^/    | /'
}

agent_pid()
{
    pgrep -f -- "winevssd --prefix $prefix\$" 2>/dev/null || true
}

cleanup()
{
    status=$?
    trap - EXIT INT TERM
    set +e
    printf '\n[%s] cleaning up\n' "$( [ $status = 0 ] && echo done || echo failed)"
    if [ -d "$prefix" ]; then
        WINEPREFIX=$prefix wineserver -k 2>/dev/null
        for pid in $(agent_pid); do
            kill "$pid" 2>/dev/null && note "stopped winevssd (pid $pid)"
        done
        note "stopped the prefix's wineserver"
    fi
    if mountpoint -q "$mnt" 2>/dev/null; then
        i=0
        until umount "$mnt" 2>/dev/null; do
            i=$((i + 1))
            [ $i -ge 20 ] && { umount -l "$mnt"; break; }
            sleep 0.25
        done
        note "unmounted $mnt"
    fi
    if [ -n "$loop" ]; then
        losetup -d "$loop" 2>/dev/null
        note "detached $loop"
    fi
    rm -rf "$demo"
    note "removed $demo"
    if [ $status = 0 ]; then
        rm -f "$log"
        printf '\nmake demo: finished in %d s\n' $(($(date +%s) - started))
    else
        printf '\nmake demo: FAILED (exit status %d)\n' "$status" >&2
    fi
    exit $status
}

fail() { echo "demo: $*" >&2; exit 1; }

# A leftover of an interrupted run goes first.
if [ -d "$demo" ]; then
    WINEPREFIX=$prefix wineserver -k 2>/dev/null || true
    for pid in $(agent_pid); do kill "$pid" 2>/dev/null || true; done
    mountpoint -q "$mnt" 2>/dev/null && umount -l "$mnt"
    for l in $(losetup -j "$image" 2>/dev/null | cut -d: -f1); do losetup -d "$l"; done
    rm -rf "$demo"
fi
trap cleanup EXIT
trap 'exit 130' INT TERM

step "building (make -j2 all)"
mkdir -p "$build"
if ! $MAKE -s -j2 all > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "the build failed (full log: $log)"
fi
note "vssapi.dll, vssadmin.exe (x86_64, i686) and winevssd are built"
command -v wine >/dev/null || fail "wine is not installed (tools/install-deps.sh)"

step "storage for drive C:"
mkdir -p "$prefix"
provider=copy
if [ "${DEMO_STORAGE:-}" != plain ] && [ "$(id -u)" = 0 ] && command -v mkfs.btrfs >/dev/null && command -v losetup >/dev/null; then
    mkdir -p "$mnt"
    truncate -s 2G "$image"
    mkfs.btrfs -q "$image" >/dev/null 2>&1 || fail "mkfs.btrfs failed"
    loop=$(losetup -f --show "$image") || fail "no loop device"
    mount "$loop" "$mnt" || fail "cannot mount $loop"
    btrfs subvolume create "$mnt/c" >/dev/null || fail "cannot create a subvolume"
    ln -s "$mnt/c" "$prefix/drive_c"
    provider=btrfs
    note "2 GB btrfs image $image on $loop, mounted at $mnt"
    note "C: is the subvolume $mnt/c (snapshots are O(1) btrfs snapshots)"
else
    if [ "${DEMO_STORAGE:-}" = plain ]; then
        note "DEMO_STORAGE=plain: no btrfs image; the copy provider is used"
    else
        note "not root (or no btrfs-progs): no btrfs image; the copy provider is used"
        note "(run 'make demo' as root for a btrfs C: on a loop image)"
    fi
fi

step "creating the Wine prefix $prefix"
t0=$(date +%s)
WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i >/dev/null 2>&1 \
    || fail "wineboot failed"
WINEPREFIX=$prefix wineserver -w
note "wineboot took $(($(date +%s) - t0)) s"
if [ $provider = copy ]; then
    # Copying all of C:\windows would take long: the demo's files go on a
    # small drive D: of their own, which the copy provider snapshots.
    mkdir -p "$demo/d"
    ln -s "$demo/d" "$prefix/dosdevices/d:"
    drive=D
    note "D: is the plain directory $demo/d (copy provider)"
else
    drive=C
fi

step "installing winevss into the prefix (tools/winevss install)"
sh tools/winevss install --prefix "$prefix" --build "$build" | sed 's/^/    /'

step "writing sample files to $drive:\\demo"
data=$prefix/dosdevices/$(echo $drive | tr A-Z a-z):/demo
mkdir -p "$data"
printf 'Quarterly report, version 1: revenue 100\r\n' > "$data/report.txt"
printf 'notes that will be deleted\r\n' > "$data/notes.txt"
win cmd /c dir /b "$drive:\\demo"
win cmd /c type "$drive:\\demo\\report.txt"

step "taking a shadow copy of $drive: (vssadmin create shadow /for=$drive:)"
out=$(WINEPREFIX=$prefix WINEDEBUG=-all wine vssadmin create shadow "/for=$drive:" 2>/dev/null | tr -d '\r') \
    || { printf '%s\n' "$out" | sed 's/^/    | /'; fail "vssadmin create shadow failed; see $prefix/winevss/agent.log"; }
printf '%s\n' "$out" | sed 's/^/    | /'
id=$(printf '%s\n' "$out" | sed -n 's/^ *Shadow Copy ID: *//p')
device=$(printf '%s\n' "$out" | sed -n 's/^ *Shadow Copy Volume Name: *//p')
[ -n "$id" ] && [ -n "$device" ] || fail "vssadmin printed no shadow copy"
used=$(sqlite3 -readonly "$prefix/winevss/catalog.db" "SELECT provider FROM snapshots WHERE id LIKE '%$(echo "$id" | tr -d '{}')%';" 2>/dev/null || true)
[ -n "$used" ] && note "winevssd used the $used provider"

step "changing the live files"
printf 'Quarterly report, version 2: revenue 250 (REWRITTEN)\r\n' > "$data/report.txt"
rm -f "$data/notes.txt"
printf 'created after the snapshot\r\n' > "$data/new.txt"
note "report.txt rewritten, notes.txt deleted, new.txt created"

step "reading both: the live $drive:\\demo and the shadow copy (cmd /c dir, type)"
note "live $drive:\\demo:"
win cmd /c dir /b "$drive:\\demo"
win cmd /c type "$drive:\\demo\\report.txt"
note "shadow copy $device\\demo (cmd's dir cannot list GLOBALROOT paths in Wine 8; type can read them):"
shadow=$(WINEPREFIX=$prefix WINEDEBUG=-all wine cmd /c type "$device\\demo\\report.txt" 2>/dev/null | tr -d '\r')
printf '%s\n' "$shadow" | sed 's/^/    | /'
win cmd /c type "$device\\demo\\notes.txt"
win cmd /c "if exist $device\\demo\\new.txt (echo new.txt: present) else (echo new.txt: not in the shadow copy)"
case $shadow in
*"version 1: revenue 100"*) note "=> the shadow copy still holds the old contents" ;;
*) fail "the shadow copy does not hold the old report.txt" ;;
esac

step "listing shadow copies (vssadmin list shadows)"
win vssadmin list shadows

step "deleting the shadow copy (vssadmin delete shadows /shadow=$id /quiet)"
win vssadmin delete shadows "/shadow=$id" /quiet
win vssadmin list shadows | grep -v '^    | vssadmin 1.1\|^    | (C)\|^    | *$' || true
