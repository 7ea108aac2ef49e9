#!/bin/sh
# The whole test suite: install what is missing, build twice (release and ASan+UBSan), run every
# test in both. This is what .ci/run calls.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/deps.sh" --test
export CAPGATE_CACHE=${CAPGATE_CACHE:-/var/cache/capgate-test}
jobs=$(nproc)

echo "== build (release)"
"$src/scripts/build.sh" "$src/build"
echo "== build (ASan+UBSan)"
"$src/scripts/build.sh" "$src/build-asan" -DCAPGATE_SANITIZE=ON

echo "== tests (release)"
(cd "$src/build" && ctest --output-on-failure -j"$jobs")
echo "== tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	sh -c "cd '$src/build-asan' && ctest --output-on-failure -j$jobs -LE slow"
echo "== valgrind memcheck (unit tests, fuzz replays, a scan)"
"$src/tests/valgrind/run.sh" "$src/build"
echo "== static analysis (cppcheck, clang-tidy)"
"$src/tests/static/run.sh" "$src/build-static"
echo "== fuzz (short pass; figures per target)"
# a 240 s budget shared by the targets (at least 10 s each); CAPGATE_FUZZ_SECONDS sets it per target;
# the seed is fixed (CAPGATE_FUZZ_SEED, default 1) so a run is reproducible and new finds follow code changes
ntargets=$(ls "$src"/tests/fuzz/fuzz_*.c | wc -l)
fuzz_secs=${CAPGATE_FUZZ_SECONDS:-$((240 / ntargets > 10 ? 240 / ntargets : 10))}
"$src/tests/fuzz/run.sh" all "$fuzz_secs" "$src/build-fuzz"
echo "== all tests passed"
