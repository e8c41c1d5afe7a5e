#!/bin/sh
# Create (or reuse) a throwaway Wine prefix emulating one Windows version.
#
#   winetest/prefix.sh DIR VERSION [workstation|server]
#
# VERSION is a name winecfg /v accepts (winxp64 win2003 vista win2008 win7
# win2008r2 win8 win81 win10).  winecfg sets the product type that goes with
# the name (win2003, win2008 and win2008r2 are servers); "server" forces a
# server product type on top, which is how Windows 10's server siblings are
# emulated.  The HKLM route is used rather than HKCU\Software\Wine\Version
# because Wine 8 swaps win7 and win2008r2 when the version comes from HKCU
# (reference/WINE8.md section 6).
#
# A prefix is reused while its stamp matches the request and its registry
# exists; otherwise it is recreated.  Never points at ~/.wine.
set -eu

dir=${1:?usage: prefix.sh DIR VERSION [workstation|server]}
version=${2:?usage: prefix.sh DIR VERSION [workstation|server]}
product=${3:-default}

case "$dir" in
    /*) ;;
    *) dir=$(pwd)/$dir ;;
esac
stamp="$dir/.winevss-prefix"
want="version=$version product=$product"

if [ -f "$stamp" ] && [ -f "$dir/system.reg" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

export WINEPREFIX="$dir" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
rm -rf "$dir"
mkdir -p "$dir"
echo "prefix: creating $dir ($version, $product)" >&2
wineboot -i >/dev/null 2>&1
wineserver -w
wine winecfg -v "$version" >/dev/null 2>&1
wineserver -w
if [ "$product" = server ]; then
    wine reg add 'HKLM\System\CurrentControlSet\Control\ProductOptions' \
        /v ProductType /t REG_SZ /d ServerNT /f >/dev/null 2>&1
    wineserver -w
fi
echo "$want" > "$stamp"
