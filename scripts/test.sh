#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The whole test suite, and what .ci/run calls: install what is missing, build (gcc -O3 Release,
# clang, ASan+UBSan), run every test in the release and sanitizer builds (the fuzz corpora and
# regression inputs are replayed there as ctest tests), valgrind, static analysis.
# Only what gives the same answer every time runs here: the exploratory, time-boxed fuzz pass is
# scripts/fuzz.sh, run before resolving work on a parser or the API (its finds go to
# tests/fuzz/regress/, which this replays).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
# Debian's own tools first: the python3 apt installs (with the modules the tests need),
# not a version manager's shim earlier in an interactive PATH, which also costs 0.3 s a start
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
"$src/scripts/deps.sh" --test
export CAPGATE_CACHE=${CAPGATE_CACHE:-/var/cache/capgate-test}
jobs=$(nproc)

echo "== build (release: gcc -O3 with Debian's hardening build flags; the .deb is packaged from it)"
(eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
	"$src/scripts/build.sh" "$src/build" -DCMAKE_BUILD_TYPE=Release)
echo "== build (clang, warnings as errors)"
CC=clang "$src/scripts/build.sh" "$src/build-clang" -DBUILD_TESTING=ON
echo "== build (ASan+UBSan)"
"$src/scripts/build.sh" "$src/build-asan" -DCAPGATE_SANITIZE=ON

echo "== tests (release)"
(cd "$src/build" && ctest --output-on-failure -j"$jobs")
echo "== tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions="$src/tests/lsan.supp" \
	sh -c "cd '$src/build-asan' && ctest --output-on-failure -j$jobs -LE 'slow|layers'"
echo "== valgrind memcheck (unit tests, fuzz replays, a scan)"
"$src/tests/valgrind/run.sh" "$src/build"
echo "== static analysis (cppcheck, clang-tidy)"
"$src/tests/static/run.sh" "$src/build-static"
echo "== all tests passed"
