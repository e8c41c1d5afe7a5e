#!/bin/sh
# Put a built vssapi.dll into a prefix's system directory, over Wine's
# builtin placeholder, as a user installing winevss by hand would.
#
#   winetest/install-dll.sh PREFIX ARCH DLL
#
# ARCH x86_64 goes to system32; i686 goes to syswow64 (a 64-bit prefix
# made without wine32 has none, and then nothing is installed).
# The builtin is still chosen unless the caller sets WINEDLLOVERRIDES=vssapi=n,b.
set -eu

prefix=${1:?usage: install-dll.sh PREFIX ARCH DLL}
arch=${2:?usage: install-dll.sh PREFIX ARCH DLL}
dll=${3:?usage: install-dll.sh PREFIX ARCH DLL}

case $arch in
    x86_64) dir=$prefix/drive_c/windows/system32 ;;
    i686)   dir=$prefix/drive_c/windows/syswow64 ;;
    *) echo "install-dll.sh: unknown architecture '$arch'" >&2; exit 2 ;;
esac
[ -d "$dir" ] || { echo "install-dll.sh: $dir does not exist; is $prefix a Wine prefix?" >&2; exit 1; }
cp "$dll" "$dir/vssapi.dll"
