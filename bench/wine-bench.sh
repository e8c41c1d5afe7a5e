#!/bin/sh
# The benchmarks that go through Wine, side by side with the raw primitive
# in the same run, on the same trees:
#   - DoSnapshotSet of a btrfs drive holding 50,000 files, against the raw
#     btrfs snapshot ioctl of the same subvolume;
#   - reading a tree through \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN
#     against reading it through the drive letter, both under Wine.
#
#   bench/wine-bench.sh BUILD CSV [FILES]
#
# Needs root (a loop-mounted btrfs image); otherwise it says why and
# succeeds.  Reports, never fails on timing.
set -eu

build=$1; csv=$2; files=${3:-50000}
top=$(pwd)
runs=5
if [ "$(id -u)" != 0 ]; then
    echo "wine-bench: needs root for a loop-mounted btrfs image; skipped"
    exit 0
fi

work=$top/$build/bench/wine
image=$work/btrfs.img
mnt=$work/mnt
prefix=$top/$build/prefixes/bench
raw=$top/$build/native/bench/raw-snapshot
exe=$top/$build/x86_64/bench/wine-bench.exe
cleanup()
{
    WINEPREFIX=$prefix wineserver -k 2>/dev/null || true
    mountpoint -q "$mnt" && umount "$mnt"
    rm -f "$image"
}
trap cleanup EXIT

mkdir -p "$work" "$mnt"
rm -f "$image"
truncate -s 3G "$image"
mkfs.btrfs -q "$image"
mount -o loop "$image" "$mnt"
btrfs subvolume create "$mnt/vol" >/dev/null
mkdir -p "$mnt/vol/tree" "$mnt/vol/read" "$mnt/raw"
"$raw" mktree "$mnt/vol/tree" "$files" 1024
"$raw" mktree "$mnt/vol/read" 256 1048576
sync

winetest/prefix.sh "$prefix" win10
winetest/install-dll.sh "$prefix" x86_64 "$build/x86_64/vssapi.dll"
ln -sfn "$mnt/vol" "$prefix/dosdevices/s:"
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES=vssapi=n,b
export WINEVSS_AGENT="$top/$build/native/winevssd/winevssd"

ours=$(wine "$exe" snapshot 'S:\' "$runs" | sed -n 's/^dosnapshotset_ms //p' | tr -d '\r')
theirs=$("$raw" "$mnt/vol" "$mnt/raw" "$runs")
# Let btrfs finish cleaning the deleted snapshots before reads are timed.
btrfs subvolume sync "$mnt" >/dev/null 2>&1 || true
sync
rates=$(wine "$exe" read 'S:\' read 7 | tr -d '\r')
live=$(echo "$rates" | sed -n 's/^live_mb_per_s //p')
shadow=$(echo "$rates" | sed -n 's/^globalroot_mb_per_s //p')

diff=$(awk "BEGIN { printf \"%.3f\", $ours - $theirs }")
ratio=$(awk "BEGIN { printf \"%.4f\", $shadow / $live }")
printf '\n%-40s %12s %12s %10s  %s\n' "Wine path (median of $runs)" ours raw "result" target
printf '%-40s %10s ms %10s ms %+8s ms  within 10 ms\n' "DoSnapshotSet, btrfs, $files files" "$ours" "$theirs" "$diff"
printf '%-40s %7s MB/s %7s MB/s %9sx  >= 0.95 x\n' "read via GLOBALROOT vs via S: (256 MiB)" "$shadow" "$live" "$ratio"
echo "btrfs,DoSnapshotSet,btrfs ioctl,$files,$ours,$theirs,,$diff,within 10 ms" >> "$csv"
echo "btrfs,GLOBALROOT read MB/s,drive letter read MB/s,256,$shadow,$live,$ratio,,>= 0.95 x" >> "$csv"
