#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault injection during `capgate fix` (tests/faults shim): ENOSPC, EROFS, EACCES and EIO on the
# writes, fsyncs, renames, unlinks and opens of the actions. Each run must exit 3 with the failure
# reported, leave every entry as it was or as a complete fix leaves it, and the next clean fix
# must converge to exactly the complete fix's result.
. "$(dirname "$0")/../scenario-lib.sh"
shim=$(dirname "$CAPGATE_BIN")/tests/faults/libcapgate_faults.so
[ -f "$shim" ] || { echo "no fault shim at $shim"; exit 77; }
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
state=$CAPGATE_SRC/tests/faults/fixstate.py
pristine=$scratch/pristine
"$CAPGATE_SRC/tests/fixtures/fixable.sh" "$pristine"
python3 "$state" save "$pristine" "$scratch/before.json"
cp -a "$pristine" "$scratch/ref"
"$CAPGATE_BIN" fix --root "$scratch/ref" >/dev/null 2>&1 || true
python3 "$state" save "$scratch/ref" "$scratch/after.json"
log=$scratch/faults.log
runs=0
# the image's own paths only: the shim sees the host too (the report on stdout, /dev/urandom)
for rule in \
	"write:ENOSPC:path=$scratch/img/*" "write:EIO:path=$scratch/img/*:nth=2" \
	"fsync:EIO:path=$scratch/img/*" "fsync:ENOSPC:path=$scratch/img/*:nth=3" \
	"rename:EROFS:path=$scratch/img/*" "rename:EACCES:path=$scratch/img/*:nth=2" \
	"unlink:EROFS:path=$scratch/img/*" "unlink:EIO:path=$scratch/img/tmp/*" "unlink:EACCES:path=$scratch/img/root/*" \
	"open:EACCES:path=$scratch/img/etc/ssh/*" "open:EROFS:path=$scratch/img/etc/sudoers.d/*" \
	"link:ENOSPC:path=$scratch/img/*" "chmod:EPERM:path=$scratch/img/*" "truncate:EIO:path=$scratch/img/*"; do
	rm -rf "$scratch/img" "$log"
	cp -a "$pristine" "$scratch/img"
	set +e
	LD_PRELOAD=$shim CAPGATE_FAULTS=$rule CAPGATE_FAULTS_LOG=$log "$CAPGATE_BIN" fix --root "$scratch/img" >"$scratch/out" 2>"$scratch/err"
	rc=$?
	set -e
	runs=$((runs + 1))
	what=$(echo "$rule" | cut -d: -f1-2)
	if [ ! -s "$log" ]; then
		# this kind of call is not made by these actions: nothing to judge, but say so
		echo "# '$what': no such call during this fix"
		continue
	fi
	n=$(wc -l <"$log")
	if [ "$rc" = 3 ] && grep -qiE 'failed|cannot|error' "$scratch/out" "$scratch/err"; then
		ok "'$what' ($n injected): exit 3, reported"
	else
		not_ok "'$what' ($n injected): exit $rc"
		tail -n 3 "$scratch/err" | sed 's/^/    /'
	fi
	if python3 "$state" check "$scratch/img" "$scratch/before.json" "$scratch/after.json" >"$scratch/why" 2>/dev/null; then
		ok "'$what': nothing half-written"
	else
		not_ok "'$what': entries in neither state"; sed 's/^/    /' "$scratch/why"
	fi
	set +e; "$CAPGATE_BIN" fix --root "$scratch/img" >/dev/null 2>&1; rc=$?; set -e
	if [ "$rc" -le 1 ] && python3 "$state" same "$scratch/img" "$scratch/after.json" >"$scratch/why"; then
		ok "'$what': the next fix converges"
	else
		not_ok "'$what': the next fix (exit $rc) did not converge"; sed 's/^/    /' "$scratch/why" | head -5
	fi
done
echo "# $runs faulty fix runs"
finish
