#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run libFuzzer targets for a set time and print executions per target.
#   tests/fuzz/run.sh TARGET|all SECONDS [BUILD_DIR]
# BUILD_DIR (default build-fuzz) is configured with clang and CAPGATE_FUZZ=ON if needed. New
# corpus entries go to BUILD_DIR/fuzz-work/TARGET, never into the repository; a crash leaves its
# input in BUILD_DIR/fuzz-work/crash-TARGET-* (commit it to tests/fuzz/regress/TARGET/ once fixed:
# ctest replays that folder). Exit status 1 when any target crashed.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?usage: run.sh TARGET|all SECONDS [BUILD_DIR]}
secs=${2:?usage: run.sh TARGET|all SECONDS [BUILD_DIR]}
build=${3:-$src/build-fuzz}
fuzzdir=$src/tests/fuzz

if [ "$target" = all ]; then
	targets=$(cd "$fuzzdir" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
else
	targets=$target
fi
# only the fuzz targets (and the library under them) are built with clang here
# clang warns where gcc does not (positional initializers): -Werror is the gcc builds' job
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCAPGATE_FUZZ=ON -DCAPGATE_WERROR=OFF >/dev/null
cmake --build "$build" -j2 --target $(for t in $targets; do printf 'fuzz_%s ' "$t"; done) >"$build/fuzz-build.log" 2>&1 ||
	{ grep -E 'error' "$build/fuzz-build.log" | head -n 20 >&2; echo "run.sh: build failed" >&2; exit 2; }

work=$build/fuzz-work
mkdir -p "$work"
failed=0
printf '%-10s %12s %8s %10s %8s %s\n' target execs seconds execs/s corpus result
for t in $targets; do
	bin=$build/tests/fuzz/fuzz_$t
	[ -x "$bin" ] || { echo "run.sh: no fuzz target '$t'" >&2; exit 2; }
	mkdir -p "$work/$t"
	set -- "$work/$t" "$fuzzdir/corpus/$t"
	[ -d "$fuzzdir/regress/$t" ] && set -- "$@" "$fuzzdir/regress/$t"
	dict=""
	[ -f "$fuzzdir/dict/$t.dict" ] && dict="-dict=$fuzzdir/dict/$t.dict"
	log=$work/$t.log
	start=$(date +%s.%N)
	rc=0
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -seed="${CAPGATE_FUZZ_SEED:-1}" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/crash-$t-" $dict "$@" >"$log" 2>&1 || rc=$?
	end=$(date +%s.%N)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	execs=${execs:-0}
	took=$(echo "$end - $start" | bc)
	rate=$(echo "scale=0; $execs / $took" | bc)
	ncorp=$(ls "$work/$t" | wc -l)
	if [ "$rc" = 0 ]; then
		result=ok
	else
		result="CRASH (see $log)"
		failed=1
		grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$log" | head -n 5 >&2 || true
	fi
	printf '%-10s %12s %8.1f %10s %8s %s\n' "$t" "$execs" "$took" "$rate" "$ncorp" "$result"
done
exit $failed
