#!/bin/sh
# Bench: a full scan (every family, profile "full") of the stock Debian 12 rootfs, warm cache.
# Prints the wall time of each run, min and median, and the slowest checks. Target: < 0.5 s.
# For scale, on such a rootfs here: Lynis --rootdir 86 s, OpenSCAP CIS profile 17-21 s
# (research/hardening.md §3). Usage: tests/bench/hardening.sh [BUILD_DIR] [RUNS]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$src/build}/capgate
runs=${2:-10}
root=$("$src/tests/fixtures/rootfs.sh")
out=$(mktemp)
"$bin" scan --root "$root" --profile full --format json >/dev/null 2>&1 || true # warm the page cache
tf=$(mktemp)
trap 'rm -f "$out" "$tf"' EXIT
i=0
while [ $i -lt "$runs" ]; do
	/usr/bin/time -a -o "$tf" -f "%e %U %S" "$bin" scan --root "$root" --profile full --format json >"$out" 2>/dev/null || true
	i=$((i + 1))
done
echo "capgate full scan (profile full) of $root, $runs warm runs; $(nproc) cores, load $(cut -d" " -f1 /proc/loadavg)"
python3 - "$tf" <<'PY'
import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l[:1].isdigit()]
w = sorted(r[0] * 1000 for r in rows)
c = sorted((r[1] + r[2]) * 1000 for r in rows)
m = lambda v: v[(len(v) - 1) // 2]
print("wall: min %d ms, median %d ms, max %d ms (target < 500 ms)" % (w[0], m(w), w[-1]))
print("cpu (user+sys): min %d ms, median %d ms, max %d ms (wall above cpu is time spent waiting for a core)" % (c[0], m(c), c[-1]))
PY
python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("checks: %d (%s); the report's own duration: %d ms" % (len(d["checks"]),
      ", ".join("%s %d" % (k, v) for k, v in d["summary"].items() if k != "findings"), d["duration_ms"]))
slow = sorted(d["checks"], key=lambda c: -c.get("duration_ms", 0))[:5]
print("slowest checks: " + ", ".join("%s %d ms" % (c["id"], c.get("duration_ms", 0)) for c in slow))
PY
