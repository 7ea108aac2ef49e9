#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 15 (1): a directory renamed out of the tree while `capgate fix` empties it. The rename is
# made at an exact unlinkat() of the removal (tests/hostile/raceshim.c: the same point every run),
# of the directory being emptied and of its parent, at several points, as root and as the
# unprivileged owner of the directory (uid nobody, into a sticky 1777 directory beside the root,
# where root-owned files sit), with openat2 and with the component walk; then a bounded renamer
# (tests/hostile/renamer.c, as nobody via setpriv) moves it back and forth while fixes run. In
# every run nothing outside the root is removed, truncated or chmodded.
. "$(dirname "$0")/../scenario-lib.sh"
hostile=$(dirname "$CAPGATE_BIN")/tests/hostile
shim=$hostile/libcapgate_raceshim.so
[ -f "$shim" ] && [ -x "$hostile/capgate_renamer" ] || { echo "no race helpers in $hostile"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root: the racer drops to nobody, the canaries are root's"; exit 77; }
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
nobody=$(id -u nobody)
chmod 755 "$scratch"
img=$scratch/img
sticky=$scratch/sticky
log=$scratch/race.log

# the sticky directory beside the root: root's files and a root-owned tree, the canaries
mkdir -p "$sticky/rootdir/sub"
chmod 1777 "$sticky"
for i in 1 2 3 4 5; do echo "canary $i" >"$sticky/root$i"; echo "deep $i" >"$sticky/rootdir/sub/f$i"; done
canary() { (cd "$sticky" && find . -path ./moved -prune -o -printf '%p %y %m %U:%G %s\n' | LC_ALL=C sort &&
	find . -path ./moved -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum); }
canary >"$scratch/canary.before"

mkimg() { # the cloud-init state the fix removes, owned by nobody as a build user's would be
	rm -rf "$img" "$sticky/moved"
	mkdir -p "$img/etc" "$img/tmp" "$img/var/lib/cloud/instances/i-1/sub/deep"
	echo 'root:x:0:0:root:/root:/bin/bash' >"$img/etc/passwd"
	for i in $(seq 1 20); do
		echo x >"$img/var/lib/cloud/instances/i-1/f$i"
		echo y >"$img/var/lib/cloud/instances/i-1/sub/g$i"
	done
	for i in 1 2 3 4 5; do echo z >"$img/var/lib/cloud/instances/i-1/sub/deep/h$i"; done
	chown -R "$nobody:$nobody" "$img/var/lib/cloud/instances"
}

judge() { # DESC
	if canary | cmp -s - "$scratch/canary.before"; then ok "$1: nothing outside the root changed"
	else not_ok "$1: the outside changed"; canary | diff "$scratch/canary.before" - | head -5; fi
}

renamed=0 runs=0
for mode in openat2 fallback; do
	nof=0; [ $mode = fallback ] && nof=1
	for who in root nobody; do
		for from in i-1 i-1/sub; do
			for nth in 1 5 21 25 43; do
				mkimg
				rm -f "$log"
				uidvar=""; [ $who = nobody ] && uidvar=$nobody
				set +e
				env CAPGATE_NO_OPENAT2=$nof LD_PRELOAD="$shim" CAPGATE_RACE_NTH=$nth \
					CAPGATE_RACE_FROM="$img/var/lib/cloud/instances/$from" CAPGATE_RACE_TO="$sticky/moved" \
					${uidvar:+CAPGATE_RACE_UID=$uidvar} CAPGATE_RACE_LOG="$log" \
					"$CAPGATE_BIN" fix --root "$img" --only gen.cloud-init-state >"$scratch/out" 2>"$scratch/err"
				rc=$?
				set -e
				runs=$((runs + 1))
				grep -qx renamed "$log" 2>/dev/null && renamed=$((renamed + 1))
				judge "$mode, racer $who, $from renamed out at unlinkat #$nth (exit $rc)"
				[ "$rc" -le 3 ] || not_ok "exit $rc"
			done
		done
	done
done
# the shim must really have raced: every rename is made before the removal ends
[ "$renamed" -ge $((runs * 3 / 4)) ] && ok "$renamed of $runs runs renamed mid-removal" ||
	not_ok "only $renamed of $runs runs renamed mid-removal"
# a removal stopped by a move says so, and the outside is whole
mkimg
rm -f "$log"
set +e
LD_PRELOAD="$shim" CAPGATE_RACE_NTH=2 CAPGATE_RACE_FROM="$img/var/lib/cloud/instances/i-1" CAPGATE_RACE_TO="$sticky/moved" \
	CAPGATE_RACE_LOG="$log" "$CAPGATE_BIN" fix --root "$img" --only gen.cloud-init-state >"$scratch/out" 2>"$scratch/err"
rc=$?
set -e
[ "$rc" = 3 ] && ok "a removal stopped by a rename fails the fix (exit 3)" || not_ok "exit $rc after a rename, wanted 3"
contains "$scratch/err" "changed since the plan" "the failure says the tree changed"

# the bounded renamer, unprivileged, back and forth while fixes run (both resolvers)
for mode in openat2 fallback; do
	nof=0; [ $mode = fallback ] && nof=1
	for round in 1 2 3; do
		mkimg
		setpriv --reuid="$nobody" --regid="$nobody" --clear-groups "$hostile/capgate_renamer" \
			"$img/var/lib/cloud/instances/i-1/sub" "$sticky/moved" 20000 >"$scratch/renamer" &
		racer=$!
		set +e
		CAPGATE_NO_OPENAT2=$nof "$CAPGATE_BIN" fix --root "$img" --only gen.cloud-init-state >/dev/null 2>&1
		rc=$?
		set -e
		wait "$racer"
		judge "$mode, round $round: unprivileged renamer looping during the fix (exit $rc)"
	done
done
rm -rf "$sticky/moved"
finish
