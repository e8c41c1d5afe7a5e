#!/bin/sh
# Tests of the upkeep tools: vssadmin create shadow's progress line,
# winevss prune (--keep per volume, --older-than, --for, --dry-run and its
# usage errors) and winevss prepare-volume (its refusals, the dry run, the
# rollback after each step, and a real conversion on the btrfs test volume).
#
#   sh tests/test-maintenance.sh BUILD
#
# Uses its own prefix, BUILD/prefixes/maintenance, with two plain-directory
# drives U: and W: (BUILD/maintenance-u, -w) for the shadow copies, and
# directories on the btrfs volume of tests/volumes.sh (root only; those
# tests are skipped without it).  Ends with
# "test-maintenance: N passed, N failed, N skipped".
set -u

build=${1:-build}
top=$(pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
prefix=$build/prefixes/maintenance
udir=$build/maintenance-u
wdir=$build/maintenance-w
tmp=$build/maintenance-test
btrfs_base=$build/volumes/btrfs
bdir=$btrfs_base/maintenance

. "$top/tests/lib/shtest.sh"

export WINEPREFIX=$prefix WINEDEBUG=-all
unset WINEDLLOVERRIDES

# winevss ARGS...: the CLI on our prefix; stdout in $out, stderr in $err,
# exit status in $rc.
winevss()
{
    out=$(sh "$top/tools/winevss" "$@" --prefix "$prefix" --build "$build" 2>"$tmp/stderr"); rc=$?
    err=$(cat "$tmp/stderr")
}

# vssadmin ARGS...: the installed vssadmin.exe; as winevss, without CRs.
vssadmin()
{
    out=$(wine vssadmin.exe "$@" < /dev/null 2>"$tmp/stderr"); rc=$?
    out=$(printf '%s\n' "$out" | tr -d '\r')
    err=$(tr -d '\r' < "$tmp/stderr")
}

in_out() { printf '%s\n' "$out" | grep -q -e "$1"; }
in_err() { printf '%s\n' "$err" | grep -q -e "$1"; }
show() { printf '%s\n' "$out" "$err" | grep . | sed 's/^/# /'; }

# create X: -> the new shadow copy's ID on stdout.
create()
{
    vssadmin create shadow "/for=$1"
    printf '%s\n' "$out" | sed -n 's/^    Shadow Copy ID: //p'
}

# The shadow copy IDs vssadmin lists, one a line.
listed_ids()
{
    vssadmin list shadows
    printf '%s\n' "$out" | sed -n 's/^      Shadow Copy ID: //p'
}

# age ID SECONDS: moves the creation time of a shadow copy back, so that
# --older-than can be tested without waiting: the catalog keeps FILETIMEs
# (100 ns units), which the agent reads again for every query.
age()
{
    sqlite3 "$prefix/winevss/catalog.db" \
        "UPDATE snapshots SET created = created - $2 * 10000000 WHERE lower(id) = lower('$1');"
}

# The agent, started on demand by vssapi.dll, exits 60 s after its last
# client; prepare-volume refuses while it runs, so the test ends it (by the
# pid whose command line names our prefix) and waits for its lock.
stop_agent()
{
    pids=$(ps -eo pid=,args= | P="--prefix $prefix" awk '
        index($0, "winevssd") && substr($0, length($0) - length(ENVIRON["P"]) + 1) == ENVIRON["P"] { print $1 }')
    for pid in $pids; do kill "$pid" 2>/dev/null; done
    i=0
    while [ $i -lt 50 ] && [ -f "$prefix/winevss/agent.lock" ] && ! flock -n "$prefix/winevss/agent.lock" true; do
        sleep 0.2; i=$((i + 1))
    done
}

finish()
{
    if [ -d "$prefix/winevss/install" ]; then
        sh "$top/tools/winevss" uninstall --prefix "$prefix" --build "$build" --delete-snapshots >/dev/null 2>&1
        ok $? "winevss uninstall from the test prefix"
    fi
    wineserver -k 2>/dev/null
    stop_agent
    rm -f "$prefix/dosdevices/p:" "$prefix/dosdevices/q:"
    rm -rf "$tmp" "$udir" "$wdir" "$build/maintenance-plink"
    if [ -d "$bdir" ]; then
        for sub in "$bdir"/*; do
            [ "$(stat -c %i "$sub" 2>/dev/null)" = 256 ] && btrfs subvolume delete "$sub" >/dev/null 2>&1
        done
        rm -rf "$bdir"
    fi
    summary test-maintenance
    exit $([ $failed = 0 ] && echo 0 || echo 1)
}

test_prefix "$prefix" || finish
mkdir -p "$tmp"
wineserver -k 2>/dev/null
stop_agent
# Drives exist before wineserver starts, so that they get volume names.
rm -rf "$udir" "$wdir"; mkdir -p "$udir" "$wdir"
echo u > "$udir/u.txt"; echo w > "$wdir/w.txt"
ln -sfn "$udir" "$prefix/dosdevices/u:"
ln -sfn "$wdir" "$prefix/dosdevices/w:"
sh "$top/tools/winevss" install --prefix "$prefix" --build "$build" >/dev/null 2>&1
ok $? "winevss install into the test prefix"
vssadmin delete shadows /all /quiet

# ---- vssadmin create shadow: progress on stderr, stdout as Windows lays it out

started=$(date +%s%N)
vssadmin create shadow /for=U:
took=$((($(date +%s%N) - started) / 1000000))
ok $rc "a quick create shadow exits 0"
# The whole of vssadmin took less than a second, so its snapshot did too
# (on a loaded machine it may not: then nothing can be concluded).
if [ $took -lt 1000 ]; then
    check "a quick create prints no progress line" sh -c '! printf "%s\n" "$1" | grep -q "Creating shadow copy"' - "$err"
else
    skip "a quick create prints no progress line: vssadmin took $took ms"
fi

# WINEVSS_ASYNC_DELAY_MS makes DoSnapshotSet wait 4.5 s before working.
# stderr is a file here, not a console: a line at 1 s, then every 3 s.
WINEVSS_ASYNC_DELAY_MS=4500 vssadmin create shadow /for=U:
show
ok $rc "a slow create shadow exits 0"
check "slow create: 'Creating shadow copy... 1 s' on stderr" in_err '^Creating shadow copy\.\.\. 1 s$'
later=$(printf '%s\n' "$err" | sed -n 's/^Creating shadow copy\.\.\. \([0-9]*\) s$/\1/p' | tail -n 1)
check "slow create: a later line with the elapsed seconds (got ${later:-none})" [ "${later:-0}" -ge 3 ]
check "slow create: one progress line per few seconds, not one per poll (got $(printf '%s\n' "$err" | grep -c Creating))" \
    [ "$(printf '%s\n' "$err" | grep -c 'Creating shadow copy')" -le 3 ]
check "slow create: no progress on stdout" sh -c '! printf "%s\n" "$1" | grep -q "Creating shadow copy"' - "$out"
layout=$(printf '%s\n' "$out" | sed -e 's/{[0-9a-f-]\{36\}}/{ID}/' -e 's/ShadowCopy[0-9][0-9]*$/ShadowCopyN/')
expected=$(printf '%s\n' \
    'vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool' \
    '(C) winevss contributors: shadow copies for Windows programs under Wine' \
    '' \
    "Successfully created shadow copy for 'U:\\'" \
    '    Shadow Copy ID: {ID}' \
    '    Shadow Copy Volume Name: \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN')
if [ "$layout" = "$expected" ]; then
    ok 0 "slow create: stdout is exactly the Windows layout"
else
    printf '%s\n' "$layout" | sed 's/^/# got: /'
    ok 1 "slow create: stdout is exactly the Windows layout"
fi
vssadmin delete shadows /all /quiet
ok $rc "delete the progress test's shadow copies"

# ---- winevss prune: usage errors (exit 2, a message naming the problem)

prune_error()
{
    pattern=$1; shift
    winevss prune "$@"
    ok $([ $rc = 2 ] && in_err "$pattern" && echo 0 || echo 1) "prune $*: exit 2 and '$pattern' (got $rc)"
}
prune_error 'give --keep N or --older-than AGE'
prune_error 'not both' --keep 1 --older-than 1d
prune_error "not 'x'" --keep x
prune_error "not '-1'" --keep -1
prune_error "not '1.5'" --keep 1.5
prune_error "not '5'" --older-than 5
prune_error "not '1y'" --older-than 1y
prune_error "not '0d'" --older-than 0d
prune_error "not '-3h'" --older-than -3h
prune_error "not 'd'" --older-than d
prune_error "a drive such as C:" --keep 1 --for UU
winevss prune --keep 1 --for Q:
ok $([ $rc = 1 ] && in_err 'volume was not found' && echo 0 || echo 1) "prune --for a missing drive: vssadmin's error, exit 1 (got $rc)"

# ---- winevss prune --keep: per volume, oldest first, --for, --dry-run

u1=$(create U:); sleep 1
u2=$(create U:); sleep 1
w1=$(create W:)
u3=$(create U:)
check "four shadow copies to prune (U: three, W: one)" [ -n "$u1" -a -n "$u2" -a -n "$u3" -a -n "$w1" ]
before=$(listed_ids | sort)

winevss prune --keep 1 --dry-run
show
ok $rc "prune --keep 1 --dry-run exits 0"
check "dry run: names the two oldest of U:" sh -c 'printf "%s\n" "$1" | grep -q "would delete $2 of U:" && printf "%s\n" "$1" | grep -q "would delete $3 of U:"' - "$out" "$u1" "$u2"
check "dry run: keeps the newest of U: and the only one of W:" sh -c '! printf "%s\n" "$1" | grep -q -e "$2" -e "$3"' - "$out" "$u3" "$w1"
check "dry run: nothing deleted" [ "$(listed_ids | sort)" = "$before" ]

winevss prune --keep 1 --for W:
ok $([ $rc = 0 ] && in_out 'nothing to prune' && echo 0 || echo 1) "prune --keep 1 --for W:: nothing to prune"
check "prune --for W: deleted nothing" [ "$(listed_ids | sort)" = "$before" ]

winevss prune --keep 2
show
ok $([ $rc = 0 ] && in_out "deleting $u1 of U:" && echo 0 || echo 1) "prune --keep 2: deletes the oldest of U:"
check "prune --keep 2: says how many" in_out '^winevss: deleted 1 of 4 shadow copies$'
left=$(listed_ids | sort)
check "prune --keep 2: the other three remain" [ "$left" = "$(printf '%s\n' "$u2" "$u3" "$w1" | sort)" ]

winevss prune --keep 0 --for w:
ok $([ $rc = 0 ] && in_out "deleting $w1 of W:" && echo 0 || echo 1) "prune --keep 0 --for w:: deletes W:'s one"
check "prune --keep 0 --for w:: U:'s two remain" [ "$(listed_ids | sort)" = "$(printf '%s\n' "$u2" "$u3" | sort)" ]

# ---- winevss prune --older-than

if command -v sqlite3 >/dev/null 2>&1; then
    age "$u2" 172800       # two days
    age "$u3" 36000        # ten hours
    winevss prune --older-than 2w
    ok $([ $rc = 0 ] && in_out 'nothing to prune' && echo 0 || echo 1) "prune --older-than 2w: nothing that old"
    winevss prune --older-than 1d --dry-run
    show
    ok $([ $rc = 0 ] && in_out "would delete $u2 of U:" && ! in_out "$u3" && echo 0 || echo 1) \
        "prune --older-than 1d --dry-run: names the two-day-old one only"
    check "--older-than --dry-run deleted nothing" [ "$(listed_ids | sort)" = "$(printf '%s\n' "$u2" "$u3" | sort)" ]
    winevss prune --older-than 1d
    ok $([ $rc = 0 ] && in_out "deleting $u2 of U:" && echo 0 || echo 1) "prune --older-than 1d: deletes it"
    check "prune --older-than 1d: the ten-hour-old one remains" [ "$(listed_ids)" = "$u3" ]
    winevss prune --older-than 12h
    ok $([ $rc = 0 ] && in_out 'nothing to prune' && echo 0 || echo 1) "prune --older-than 12h: a ten-hour-old one stays"
    winevss prune --older-than 30m --for U:
    ok $([ $rc = 0 ] && in_out "deleting $u3 of U:" && echo 0 || echo 1) "prune --older-than 30m --for U:: deletes it"
    check "no shadow copy left" [ -z "$(listed_ids)" ]
else
    skip "prune --older-than: no sqlite3 to age a shadow copy"
    vssadmin delete shadows /all /quiet
fi

# ---- winevss prepare-volume

winevss prepare-volume
ok $([ $rc = 2 ] && in_err 'which drive' && echo 0 || echo 1) "prepare-volume without a drive: exit 2 (got $rc)"
winevss prepare-volume PP:
ok $([ $rc = 2 ] && in_err "a drive such as D:, not 'PP:'" && echo 0 || echo 1) "prepare-volume PP:: exit 2 (got $rc)"
winevss prepare-volume K:
ok $([ $rc = 1 ] && in_err 'K: is not a drive of' && echo 0 || echo 1) "prepare-volume of a missing drive: exit 1 (got $rc)"
winevss prepare-volume --keep 1 U:
ok $([ $rc = 2 ] && echo 0 || echo 1) "prepare-volume with a prune option: exit 2 (got $rc)"

wineserver -k 2>/dev/null; wineserver -w
stop_agent
winevss prepare-volume U:
show
ok $([ $rc = 1 ] && in_err 'not btrfs' && echo 0 || echo 1) "prepare-volume of a non-btrfs drive (U:): refused, exit 1 (got $rc)"
check "the refused drive is unchanged" [ "$(cat "$udir/u.txt")" = u -a ! -e "$build/.maintenance-u-winevss-new" ]

if ! mountpoint -q "$btrfs_base" 2>/dev/null || ! command -v btrfs >/dev/null 2>&1; then
    skip "prepare-volume on btrfs: no btrfs test volume (tests/volumes.sh setup, as root)"
    finish
fi

# P: is a plain directory on btrfs, reached through a chain of links:
# dosdevices/p: -> BUILD/maintenance-plink -> the directory.
rm -rf "$bdir"; mkdir -p "$bdir/p/sub dir/deep"
p=$bdir/p
printf 'hello\r\n' > "$p/a.txt"
head -c 1048576 /dev/urandom > "$p/sub dir/random.bin"
: > "$p/empty"
echo secret > "$p/sub dir/deep/private"; chmod 600 "$p/sub dir/deep/private"; chown 1234:2345 "$p/sub dir/deep/private"
ln -s a.txt "$p/link"
ln "$p/a.txt" "$p/hardlink"
chmod 750 "$p/sub dir"
ln -sfn "$p" "$build/maintenance-plink"
ln -sfn "$build/maintenance-plink" "$prefix/dosdevices/p:"

# snapshot_of DIR: everything the conversion must keep, with contents.
snapshot_of()
{
    (cd "$1" && find . -printf '%y %m %U %G %n %l %p\n' | LC_ALL=C sort &&
        find . -type f -exec md5sum {} + | LC_ALL=C sort -k 2)
}
original=$(snapshot_of "$p")
not_subvolume() { [ "$(stat -c %i "$p")" != 256 ] && ! btrfs subvolume show "$p" >/dev/null 2>&1; }
intact() { [ "$(snapshot_of "$p")" = "$original" ] && not_subvolume && [ -z "$(ls -A "$bdir" | grep winevss)" ]; }

winevss status
check "before: winevss status gives P: the reflink provider" in_out "^  P: $p: reflink\$"

# Refused while the prefix's wineserver runs.
wineserver -p
sleep 1
winevss prepare-volume P:
show
ok $([ $rc = 1 ] && in_err 'Wine runs in' && echo 0 || echo 1) "prepare-volume while the prefix's wineserver runs: refused, exit 1 (got $rc)"
check "refused: the directory is intact" intact
wineserver -k; wineserver -w

# Refused while the agent runs (vssadmin started it; Wine itself is gone).
vssadmin list providers
wineserver -k; wineserver -w
winevss prepare-volume P:
ok $([ $rc = 1 ] && in_err 'agent' && echo 0 || echo 1) "prepare-volume while the prefix's agent runs: refused, exit 1 (got $rc)"
wineserver -k; wineserver -w
stop_agent

winevss prepare-volume --dry-run P:
show
ok $rc "prepare-volume --dry-run P: exits 0"
check "dry run: prints the six steps and the final directory" sh -c '
    for s in 1 2 3 4 5 6; do printf "%s\n" "$1" | grep -q "^winevss: step $s (dry run, not done): " || exit 1; done
    printf "%s\n" "$1" | grep -q "^winevss: P: is $2\$"' - "$out" "$p"
check "dry run: nothing changed" intact

# Each step failing (WINEVSS_PREPARE_FAIL_AT) leaves the original directory.
for step in 1 2 3 4 5; do
    WINEVSS_PREPARE_FAIL_AT=$step winevss prepare-volume P:
    ok $([ $rc = 1 ] && in_err "step $step failed" && intact && echo 0 || echo 1) \
        "a failure at step $step is rolled back: exit 1, directory intact, nothing left over"
done

winevss prepare-volume P:
show
ok $rc "prepare-volume P: exits 0"
check "P: is a btrfs subvolume (btrfs subvolume show)" sh -c 'btrfs subvolume show "$1" >/dev/null' - "$p"
check "its root has the subvolume inode number 256" [ "$(stat -c %i "$p")" = 256 ]
check "every file is intact: types, modes, owners, links, contents" [ "$(snapshot_of "$p")" = "$original" ]
check "nothing is left next to it" [ -z "$(ls -A "$bdir" | grep winevss)" ]
check "the chain of links still leads to it" [ "$(readlink -f "$prefix/dosdevices/p:")" = "$p" ]
winevss prepare-volume P:
ok $([ $rc = 0 ] && in_out 'already a subvolume' && echo 0 || echo 1) "a second prepare-volume: 'already a subvolume', exit 0"
winevss status
check "winevss status now gives P: the btrfs provider" in_out "^  P: $p: btrfs\$"

# Refusals inside btrfs: a mount point below the directory, a directory
# that is a mount point, a subvolume below the directory.
mkdir -p "$bdir/m/inner" "$bdir/b" "$bdir/s"
mount -t tmpfs -o size=1m tmpfs "$bdir/m/inner"
ln -sfn "$bdir/m" "$prefix/dosdevices/p:"
winevss prepare-volume P:
ok $([ $rc = 1 ] && in_err 'holds mount points' && echo 0 || echo 1) "a directory holding a mount point: refused, exit 1 (got $rc)"
umount "$bdir/m/inner"
mount --bind "$bdir/b" "$bdir/b"
ln -sfn "$bdir/b" "$prefix/dosdevices/p:"
winevss prepare-volume P:
ok $([ $rc = 1 ] && in_err 'is a mount point' && echo 0 || echo 1) "a directory that is a mount point: refused, exit 1 (got $rc)"
umount "$bdir/b"
btrfs subvolume create "$bdir/s/inner" >/dev/null
ln -sfn "$bdir/s" "$prefix/dosdevices/p:"
winevss prepare-volume P:
ok $([ $rc = 1 ] && in_err 'holds subvolumes' && echo 0 || echo 1) "a directory holding a subvolume: refused, exit 1 (got $rc)"
btrfs subvolume delete "$bdir/s/inner" >/dev/null
# A drive whose directory holds the prefix (only the files prepare-volume
# looks at: it refuses before Wine is needed).
fake=$bdir/home/fake-prefix
mkdir -p "$fake/drive_c/windows/system32" "$fake/dosdevices"
: > "$fake/system.reg"
ln -sfn "$bdir/home" "$fake/dosdevices/h:"
out=$(sh "$top/tools/winevss" prepare-volume --prefix "$fake" H: 2>&1); rc=$?; err=$out
ok $([ $rc = 1 ] && in_err 'holds the prefix' && echo 0 || echo 1) "a directory holding the prefix itself: refused, exit 1 (got $rc)"

finish
