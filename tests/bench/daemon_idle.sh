#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark: an idle capgate daemon — resident memory (VmRSS, VmHWM) and wake-ups (context
# switches of all its threads over a quiet window), before and after a run, without and with a
# watchdog. Target (issue 6): RSS < 8 MiB, 0 wake-ups idle without a watchdog.
# Usage: tests/bench/daemon_idle.sh [BUILD_DIR] [SECONDS]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$src/build}/capgate
secs=${2:-10}
[ -x "$bin" ] || { echo "build first: $bin missing" >&2; exit 2; }
scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/capgate-bench.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$scratch"' EXIT
export CAPGATE_CONFDIR="$scratch/noconf"

root=$(sh "$src/tests/fixtures/rootfs.sh" 2>/dev/null || true)
if [ -z "$root" ] || [ ! -d "$root" ]; then
	root="$scratch/root"; mkdir -p "$root/etc" "$root/tmp"; : >"$root/etc/machine-id"
fi

switches() { # total context switches of every thread of $1
	cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ {n += $2} END {print n}'
}
kib() { awk -v k="$2" '$1 == k":" {print $2}' /proc/"$1"/status; }

measure() { # LABEL
	a=$(switches "$pid"); sleep "$secs"; b=$(switches "$pid")
	printf '%-34s RSS %5s KiB  peak %5s KiB  threads %s  wake-ups in %ss: %s\n' "$1" \
		"$(kib "$pid" VmRSS)" "$(kib "$pid" VmHWM)" "$(ls /proc/"$pid"/task | wc -l)" "$secs" "$((b - a))"
}

start() { # extra env...
	rm -rf "$scratch/rt"; mkdir -m 700 "$scratch/rt"
	env "$@" "$bin" daemon --root "$root" --listen 127.0.0.1:0 --runtime-dir "$scratch/rt" 2>"$scratch/log" &
	pid=$!
	while [ ! -s "$scratch/rt/url" ]; do sleep 0.05; done
	sleep 0.5
}

echo "capgate daemon idle benchmark: $bin; image root $root"
start
measure "idle, before any run"
"$bin" wait --runtime-dir "$scratch/rt" --trigger --timeout 5m >/dev/null 2>&1 || true
sleep 0.5
measure "idle, after a full run"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
start WATCHDOG_USEC=2000000
measure "idle, WatchdogSec=2s (expected ~1/s)"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
