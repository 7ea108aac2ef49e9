#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Which check drops a read error on a file it needs? For every check, list the image files it
# opens through the one door (openat2, as traced by strace), then fail each file's open or read
# with ERR (EIO by default) in a scan of that check alone: the check must end `error` with an
# error naming the file (or a directory above it), and the scan must exit 3. Prints the pairs
# where that did not happen. Not a gate: a work list (faults_scan.sh is the gate).
# Usage: tests/faults/audit_files.sh IMAGE [BUILD_DIR] [ERR] [OPS] [CHECK-GLOB]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
img=$(cd "${1:?usage: audit_files.sh IMAGE [BUILD_DIR] [ERR] [OPS] [CHECK-GLOB]}" && pwd)
build=${2:-$src/build}
err=${3:-EIO}
ops=${4:-open read}
only=${5:-*}
bin=$build/capgate
shim=$build/tests/faults/libcapgate_faults.so
work=$(mktemp -d "${TMPDIR:-/var/tmp}/capgate-audit.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v strace >/dev/null || { echo "audit_files.sh: needs strace" >&2; exit 2; }
export ASAN_OPTIONS=verify_asan_link_order=0 JUDGE_ROOT="$img"
checks=$("$bin" checks 2>/dev/null | awk '/^  [a-z]+\./ {print $1}')
points=0 dropped=0 pairs=0
for id in $checks; do
	case "$id" in $only) ;; *) continue ;; esac
	strace -f -qq -e trace=openat2 -e signal=none -o "$work/st" \
		"$bin" scan --root "$img" --profile full --only "$id" --format json >"$work/clean.json" 2>/dev/null || true
	# regular files the check opened (the call succeeded), at most 40 per check
	grep -E '= [0-9]+$' "$work/st" | grep -oE 'openat2\([0-9]+, "[^"]+"' | sed 's/.*"\(.*\)"/\1/' |
		grep -v '^\.$' | sort -u | while read -r p; do
			if [ -f "$img/$p" ] && [ ! -L "$img/$p" ]; then echo "/$p"; fi
		done | head -n 40 >"$work/files"
	for p in $(cat "$work/files"); do
		pairs=$((pairs + 1))
		for op in $ops; do
			rm -f "$work/log"
			set +e
			LD_PRELOAD=$shim CAPGATE_FAULTS="$op:$err:path=$img$p" CAPGATE_FAULTS_LOG=$work/log \
				"$bin" scan --root "$img" --profile full --only "$id" --format json >"$work/out" 2>/dev/null
			rc=$?
			set -e
			[ -s "$work/log" ] || continue
			points=$((points + 1))
			why=$(python3 "$src/tests/faults/judge.py" "$work/clean.json" "$work/out" "$p" "$rc")
			if [ -n "$why" ]; then
				dropped=$((dropped + 1))
				echo "$id $op $p: $why"
			fi
		done
	done
done
echo "# check/file pairs: $pairs, fault points: $points, not reported: $dropped"
