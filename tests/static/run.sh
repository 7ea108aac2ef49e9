#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Static analysis: cppcheck and clang-tidy (.clang-tidy) over every C file the build compiles.
# Both must be clean; scripts/test.sh runs this. Usage: tests/static/run.sh [BUILD_DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build-static}
jobs=${CAPGATE_STATIC_JOBS:-2}
cd "$src"

# a configure-only tree for compile_commands.json (clang-tidy reads the exact flags from it)
cmake -S "$src" -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_C_COMPILER=clang >/dev/null
dirs=$(for d in agent checks remediate tests; do [ -d "$d" ] && echo "$d"; done)
files=$(find $dirs -name '*.c' | sort)

echo "== cppcheck ($(echo "$files" | wc -l) files)"
# readdirCalled: readdir_r is deprecated in glibc; readdir is safe per directory stream.
# resourceLeak: cppcheck does not model _cleanup_close_ (__attribute__((cleanup))); descriptor
# leaks are measured instead (api_abuse.sh compares /proc/PID/fd, the walker's budget is tested).
start=$(date +%s)
cppcheck --enable=warning,portability,performance --std=c11 --library=posix \
	--library="$src/tests/static/capgate.cfg" --inline-suppr --error-exitcode=1 --quiet \
	-D_GNU_SOURCE -D__GNUC__ -DCAPGATE_VERSION='"0"' $(find agent checks remediate -type d -printf "-I %p ") \
	--suppress=missingIncludeSystem --suppress=readdirCalled --suppress=resourceLeak -j"$jobs" $files
echo "cppcheck: clean in $(($(date +%s) - start)) s"

echo "== clang-tidy"
start=$(date +%s)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# the product's sources and the reliability harnesses; unit tests (tests/test_*.c) are left to
# cppcheck: dead stores and strcpy into fixtures are how tests read, not bugs
if ! run-clang-tidy -p "$build" -j "$jobs" -quiet "$src/(agent|checks|remediate|tests/fuzz|tests/faults|tests/hostile)/" >"$out" 2>&1; then
	# each finding with the analyser's path to it (the notes), then the count
	sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -vE '^(clang-tidy|Suppressed|Use -header-filter|[0-9]+ warnings?)' >&2
	n=$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E ': (warning|error):' | sort -u | wc -l)
	echo "clang-tidy: $n findings above" >&2
	exit 1
fi
echo "clang-tidy: clean in $(($(date +%s) - start)) s"
