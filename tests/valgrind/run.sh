#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# valgrind memcheck over the unit tests, the fuzz corpora replays and a scan of a stock Debian
# tree: no invalid access, no definite or indirect leak. Usage: tests/valgrind/run.sh [BUILD_DIR]
# (a release build without sanitizers; scripts/build.sh build makes one).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
command -v valgrind >/dev/null || { echo "valgrind: not installed" >&2; exit 2; }
logs=$(mktemp -d "${TMPDIR:-/var/tmp}/capgate-valgrind.XXXXXX")
trap 'rm -rf "$logs"' EXIT
# children too: unit tests run the capgate binary through tu_run(); not the system's own tools a
# test runs to make a fixture (bsdcpio's leaks are not capgate's)
vg="valgrind --quiet --trace-children=yes --trace-children-skip=/bin/*,/usr/bin/*,/sbin/*,/usr/sbin/*
 --leak-check=full --show-leak-kinds=definite,indirect
 --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no
 --suppressions=$src/tests/valgrind/capgate.supp --log-file=$logs/%p.log"
export CK_FORK=no CK_DEFAULT_TIMEOUT=600 CAPGATE_BIN="$build/capgate" CAPGATE_UNDER_VALGRIND=1
runs=0 failed=0
check() {
	name=$1; shift
	start=$(date +%s)
	rc=0
	$vg "$@" >"$logs/out" 2>&1 || rc=$?
	runs=$((runs + 1))
	if [ "$rc" = 99 ] || grep -lqE 'definitely lost|indirectly lost|Invalid (read|write)|uninitialised' "$logs"/*.log 2>/dev/null; then
		failed=$((failed + 1))
		echo "not ok - $name: memcheck errors"
		cat "$logs"/*.log | head -n 60
	elif [ "$rc" != 0 ]; then
		failed=$((failed + 1))
		echo "not ok - $name: exit $rc under valgrind"
		tail -n 20 "$logs/out"
	else
		echo "ok - $name ($(($(date +%s) - start)) s)"
	fi
	rm -f "$logs"/*.log
}
for t in "$build"/tests/test_*; do
	[ -x "$t" ] && check "$(basename "$t")" "$t"
done
for t in "$build"/tests/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t"); target=${name#fuzz_}
	set -- "$src/tests/fuzz/corpus/$target"
	[ -d "$src/tests/fuzz/regress/$target" ] && set -- "$@" "$src/tests/fuzz/regress/$target"
	check "$name replay" "$t" "$@"
done
rootfs=$("$src/tests/fixtures/rootfs.sh" 2>/dev/null || true)
if [ -n "$rootfs" ]; then
	for fmt in json text; do
		# exit 1 (blocked) is a normal verdict for a stock tree; only memcheck errors fail here
		set +e; $vg "$build/capgate" scan --root "$rootfs" --format $fmt >/dev/null 2>"$logs/out"; rc=$?; set -e
		runs=$((runs + 1))
		if [ "$rc" = 99 ] || [ "$rc" -gt 3 ]; then
			failed=$((failed + 1)); echo "not ok - scan of a Debian tree ($fmt): exit $rc"; cat "$logs"/*.log | head -40
		else
			echo "ok - scan of a Debian tree ($fmt), exit $rc"
		fi
		rm -f "$logs"/*.log
	done
fi
echo "valgrind: $runs runs, $failed with errors"
[ "$failed" = 0 ]
