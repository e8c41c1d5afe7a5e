#!/bin/sh
# Test volumes for the end-to-end snapshot tests, one file system per
# provider, and drive letters for them in a prefix:
#
#   tests/volumes.sh setup BUILD      mount (as root) build/volumes/{btrfs,xfs}
#   tests/volumes.sh drives BUILD PREFIX
#                                     S: btrfs subvolume (with 65 mount folders
#                                     S:\vols\vNN\), T: XFS (reflink),
#                                     U: plain directory (copy); a drive whose
#                                     file system is missing is left out;
#                                     V: a directory W:\v that a test removes
#                                     to make a commit fail; X: 5 MiB on its
#                                     own 8 MiB tmpfs, so its copy snapshot
#                                     runs out of space
#                                     R: a btrfs subvolume with nothing
#                                     nested in it, the one volume a
#                                     revert can swap (winetest/revert.c)
#   tests/volumes.sh teardown BUILD   unmount and detach
#
# Drives must exist before the prefix's wineserver starts, so that the mount
# manager gives them volume names.  Without root only U: is made.
set -eu

cmd=${1:?usage: volumes.sh setup|drives|teardown BUILD [PREFIX]}
build=${2:?usage: volumes.sh setup|drives|teardown BUILD [PREFIX]}
base=$(cd "$build" && pwd)/volumes

mount_image()
{
    name=$1; size=$2; shift 2
    image=$base/$name.img
    dir=$base/$name
    mountpoint -q "$dir" 2>/dev/null && return 0
    mkdir -p "$dir"
    rm -f "$image"
    truncate -s "$size" "$image"
    "$@" "$image" >/dev/null 2>&1 || { echo "volumes: mkfs for $name failed" >&2; return 1; }
    mount -o loop "$image" "$dir" || { echo "volumes: cannot mount $name" >&2; return 1; }
}

case $cmd in
setup)
    mkdir -p "$base/plain"
    if [ "$(id -u)" != 0 ]; then
        echo "volumes: not root: only the copy provider's volume is available" >&2
        exit 0
    fi
    mount_image btrfs 512M mkfs.btrfs -q || true
    mount_image xfs 512M mkfs.xfs -q -m reflink=1 || true
    ;;
drives)
    prefix=${3:?usage: volumes.sh drives BUILD PREFIX}
    id=$(basename "$prefix")
    dosdevices=$prefix/dosdevices
    if mountpoint -q "$base/btrfs" 2>/dev/null; then
        [ -d "$base/btrfs/$id" ] || btrfs subvolume create "$base/btrfs/$id" >/dev/null
        ln -sfn "$base/btrfs/$id" "$dosdevices/s:"
        # 65 mount folders (subvolumes) for the volume limit of a set.
        if [ ! -d "$base/btrfs/$id/vols/v65" ]; then
            mkdir -p "$base/btrfs/$id/vols"
            for n in $(seq -w 1 65); do
                btrfs subvolume create "$base/btrfs/$id/vols/v$n" >/dev/null
            done
        fi
    else
        rm -f "$dosdevices/s:"
    fi
    # R: for the revert tests: a subvolume of its own, without the nested
    # ones of S:, which a revert would have to drop.
    if mountpoint -q "$base/btrfs" 2>/dev/null; then
        [ -d "$base/btrfs/$id-r" ] || btrfs subvolume create "$base/btrfs/$id-r" >/dev/null
        ln -sfn "$base/btrfs/$id-r" "$dosdevices/r:"
    else
        rm -f "$dosdevices/r:"
    fi
    if mountpoint -q "$base/xfs" 2>/dev/null; then
        mkdir -p "$base/xfs/$id"
        ln -sfn "$base/xfs/$id" "$dosdevices/t:"
    else
        rm -f "$dosdevices/t:"
    fi
    mkdir -p "$base/plain/$id"
    ln -sfn "$base/plain/$id" "$dosdevices/u:"
    # X: holds 5 MiB on its own 8 MiB file system: its snapshot, which
    # must be stored there too, cannot fit (root only).
    full=$base/full-$id
    if [ "$(id -u)" = 0 ] && { mountpoint -q "$full" 2>/dev/null || \
            { mkdir -p "$full" && mount -t tmpfs -o size=8m tmpfs "$full"; }; }; then
        mkdir -p "$full/x"
        [ -f "$full/x/big" ] || head -c 5242880 /dev/zero > "$full/x/big"
        ln -sfn "$full/x" "$dosdevices/x:"
    else
        rm -f "$dosdevices/x:"
    fi
    mkdir -p "$base/vanish/$id/v"
    ln -sfn "$base/vanish/$id" "$dosdevices/w:"
    ln -sfn "$base/vanish/$id/v" "$dosdevices/v:"
    ;;
teardown)
    for name in btrfs xfs; do
        if mountpoint -q "$base/$name" 2>/dev/null; then
            umount "$base/$name" || umount -l "$base/$name"
        fi
        rm -f "$base/$name.img"
    done
    for full in "$base"/full-*; do
        mountpoint -q "$full" 2>/dev/null && { umount "$full" || umount -l "$full"; }
    done
    true
    ;;
*)
    echo "usage: volumes.sh setup|drives|teardown BUILD [PREFIX]" >&2
    exit 2
    ;;
esac
