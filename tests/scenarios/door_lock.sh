#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 15 (9): one fix per root. A holder of the root's lock (RUNTIME/fix-DEV-INO.lock, flock)
# makes a second fix wait and say the holder's pid, then go on when it is released; two fixes
# started together on one root both finish without failures and leave what one fix leaves. Both
# resolvers.
. "$(dirname "$0")/../scenario-lib.sh"
export CAPGATE_RUNTIME_DIR=$scratch/run
pristine=$scratch/pristine
"$CAPGATE_SRC/tests/fixtures/fixable.sh" "$pristine" >/dev/null
cp -a "$pristine" "$scratch/ref"
"$CAPGATE_BIN" fix --root "$scratch/ref" >/dev/null 2>&1 || true
"$CAPGATE_BIN" fix --root "$scratch/ref" >/dev/null 2>&1 || true
tree() { (cd "$1" && find . -printf '%p %y %m %s\n' | LC_ALL=C sort); }
tree "$scratch/ref" >"$scratch/ref.tree"

for mode in openat2 fallback; do
	nof=0; [ $mode = fallback ] && nof=1
	export CAPGATE_NO_OPENAT2=$nof
	img=$scratch/img
	rm -rf "$img" && cp -a "$pristine" "$img"
	# a holder: takes the lock, writes its pid as capgate does, says so, holds it 2 s
	lock=$CAPGATE_RUNTIME_DIR/fix-$(printf '%x-%x' "$(stat -c %d "$img")" "$(stat -c %i "$img")").lock
	mkdir -p "$CAPGATE_RUNTIME_DIR"
	rm -f "$scratch/held"
	python3 - "$lock" "$scratch/held" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0); os.write(fd, b"%d\n" % os.getpid())
open(sys.argv[2], "w").write("%d" % os.getpid())
time.sleep(2)
PY
	holder=$!
	while [ ! -s "$scratch/held" ]; do sleep 0.05; done
	start=$(date +%s%N)
	expect 1 "$mode: a fix behind a held lock finishes (exit 1: the fixture keeps a guarded finding)" -- \
		"$CAPGATE_BIN" fix --root "$img"
	waited=$((($(date +%s%N) - start) / 1000000))
	wait "$holder"
	contains "$scratch/err" "another fix holds this root (pid $(cat "$scratch/held")); waiting" "$mode: it said who holds the lock"
	[ "$waited" -ge 1000 ] && ok "$mode: it waited for the holder (${waited} ms)" || not_ok "$mode: it did not wait (${waited} ms)"

	# two fixes at once, five times over: no failure, and the result of one fix
	for round in 1 2 3 4 5; do
		rm -rf "$img" && cp -a "$pristine" "$img"
		"$CAPGATE_BIN" fix --root "$img" >"$scratch/a.out" 2>"$scratch/a.err" & a=$!
		"$CAPGATE_BIN" fix --root "$img" >"$scratch/b.out" 2>"$scratch/b.err" & b=$!
		set +e
		wait $a; ra=$?
		wait $b; rb=$?
		set -e
		if [ $ra = 1 ] && [ $rb = 1 ] && ! grep -q "^  failed" "$scratch/a.out" "$scratch/b.out"; then
			ok "$mode, round $round: two concurrent fixes, no failure"
		else
			not_ok "$mode, round $round: exits $ra $rb"; grep -h "^  failed" "$scratch/a.out" "$scratch/b.out" | head -3
		fi
		tree "$img" | cmp -s - "$scratch/ref.tree" && ok "$mode, round $round: the image is what one fix leaves" ||
			{ not_ok "$mode, round $round: the image differs"; tree "$img" | diff "$scratch/ref.tree" - | head -5; }
	done
done
finish
