#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kill -9 at random points of `capgate fix`, hundreds of rounds on a fixture: after every kill each
# entry of the image is either as it was or as a complete fix leaves it (never half-written; a
# capgate drop-in may hold a subset of its final lines; safefs's own complete temporary may stay
# until the next write), the next fix converges to exactly the complete fix's result, and a fix after
# that changes nothing. Rounds: CAPGATE_KILL_ROUNDS (default 200). Slow: release pass only.
. "$(dirname "$0")/../scenario-lib.sh"
rounds=${CAPGATE_KILL_ROUNDS:-200}
state=$CAPGATE_SRC/tests/faults/fixstate.py
pristine=$scratch/pristine
"$CAPGATE_SRC/tests/fixtures/fixable.sh" "$pristine"
python3 "$state" save "$pristine" "$scratch/before.json"

# the reference: one complete fix, and how long it takes
cp -a "$pristine" "$scratch/ref"
start=$(date +%s%N)
set +e; "$CAPGATE_BIN" fix --root "$scratch/ref" >/dev/null 2>&1; ref_rc=$?; set -e
fix_ms=$((($(date +%s%N) - start) / 1000000))
python3 "$state" save "$scratch/ref" "$scratch/after.json"
[ "$ref_rc" -le 1 ] && ok "a complete fix of the fixture: exit $ref_rc in $fix_ms ms" || not_ok "reference fix exit $ref_rc"
cmp -s "$scratch/before.json" "$scratch/after.json" && not_ok "the fix changed nothing: no test" || true

killed=0 finished=0 torn=0 diverged=0 noop_bad=0 strays=0
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	img=$scratch/img
	rm -rf "$img"
	cp -a "$pristine" "$img"
	# a random point in [0, 0.9 x the reference fix's time]: most kills land mid-run, some before
	# the first change; on a loaded machine a run may take longer, so a few land after the end
	# (seeded by the round: the same points every run, scaled by this machine's fix time)
	delay=$(awk -v s="$i" -v m="$fix_ms" 'BEGIN { srand(s); printf "%.3f", rand() * m * 0.9 / 1000 }')
	"$CAPGATE_BIN" fix --root "$img" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
	wait "$pid" 2>/dev/null || true
	if ! python3 "$state" check "$img" "$scratch/before.json" "$scratch/after.json" >"$scratch/why" 2>"$scratch/stray"; then
		torn=$((torn + 1))
		echo "# round $i (kill after ${delay}s): entries in neither state:"; sed 's/^/#   /' "$scratch/why"
	fi
	[ -s "$scratch/stray" ] && strays=$((strays + 1))
	set +e; "$CAPGATE_BIN" fix --root "$img" >/dev/null 2>&1; rc=$?; set -e
	if [ "$rc" -gt 1 ] || ! python3 "$state" same "$img" "$scratch/after.json" >"$scratch/why"; then
		diverged=$((diverged + 1))
		echo "# round $i: the next fix (exit $rc) did not converge:"; sed 's/^/#   /' "$scratch/why"
	fi
	# every few rounds: a fix after convergence must change nothing
	if [ $((i % 20)) = 0 ]; then
		"$CAPGATE_BIN" fix --root "$img" >/dev/null 2>&1 || true
		python3 "$state" same "$img" "$scratch/after.json" >/dev/null || noop_bad=$((noop_bad + 1))
	fi
done
echo "kill rounds: $rounds ($killed killed mid-run, $finished finished before the kill); fix takes $fix_ms ms;" \
	"rounds that left safefs's named temporary (removed by the next fix): $strays"
[ "$torn" = 0 ] && ok "$rounds kill -9 rounds: no half-written file, no stray entry" || not_ok "$torn rounds left torn state"
[ "$diverged" = 0 ] && ok "the next fix converged to the complete fix's result every time" || not_ok "$diverged rounds diverged"
[ "$noop_bad" = 0 ] && ok "a fix after convergence changed nothing" || not_ok "$noop_bad no-op fixes changed the image"
[ "$killed" -ge $((rounds / 4)) ] && ok "$killed of the kills landed mid-run" || not_ok "only $killed kills landed mid-run"
finish
