#!/bin/sh
# Installs the Debian packages winevss needs to build and test, if any is
# missing.  The one list of build and test dependencies.
#
#   tools/install-deps.sh          install what is missing (as root)
#   tools/install-deps.sh --check  only report what is missing
set -eu

PACKAGES="make gcc mingw-w64 wine wine64 wine64-tools libwine-dev \
btrfs-progs libbtrfsutil-dev xfsprogs libsqlite3-dev sqlite3"

missing=
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "${1:-}" = --check ]; then
    echo "missing packages:$missing" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "missing packages:$missing" >&2
    echo "install them with: sudo apt-get install$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q $missing
