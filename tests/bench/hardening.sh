#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Bench: scans of the stock Debian 12 rootfs, warm cache, profile "full": the whole catalog (every
# family, secrets' content scan included: issue 4's target is < 0.5 s warm), the hardening families
# alone, then each family alone. Prints wall and CPU (user+sys) min/median/max, the ratio of the
# medians to the 0.5 s target, and the slowest checks.
# For scale (research/hardening.md §3, not measured here): on such a rootfs Lynis --rootdir took
# 86 s and OpenSCAP's CIS profile 17-21 s.
# Usage: tests/bench/hardening.sh [BUILD_DIR] [RUNS]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$src/build}/capgate
runs=${2:-10}
root=$("$src/tests/fixtures/rootfs.sh")
# on a shared machine a root run takes nice -20 so other jobs' load does not count as scan time
prio=""
[ "$(id -u)" = 0 ] && prio="nice -n -20"
echo "rootfs: $root; $(nproc) cores, load $(cut -d" " -f1-3 /proc/loadavg)${prio:+; runs under $prio}"
echo "for scale (research/hardening.md §3, not measured here): Lynis --rootdir 86 s, OpenSCAP CIS profile 17-21 s"
python3 - "$bin" "$root" "$runs" "$prio" <<'PY'
import json, resource, subprocess, sys, tempfile, time
binary, root, runs, prio = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
TARGET = 500.0
hardening = "ssh.*,acct.*,perm.*,svc.*,fw.*,kernel.*,net.*,log.*,audit.*,agent.*,pkg.*,os.*"
families = ["secrets", "gen", "ssh", "acct", "perm", "svc", "kernel", "net", "fw", "log", "audit", "agent", "pkg", "os"]

def once(args, out):
    """One scan: wall ms, CPU ms (user+sys of the child, microsecond resolution)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run(prio + [binary, "scan", "--root", root, "--profile", "full", "--format", "json"] + args,
                   stdout=out, stderr=subprocess.DEVNULL)
    t1 = time.monotonic()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (t1 - t0) * 1000, (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000

def measure(args):
    with tempfile.TemporaryFile("w+") as out:
        once(args, subprocess.DEVNULL)  # warm the page cache
        rows = []
        for _ in range(runs):
            out.seek(0)
            out.truncate()
            rows.append(once(args, out))
        out.seek(0)
        report = json.load(out)
    w = sorted(r[0] for r in rows)
    c = sorted(r[1] for r in rows)
    return w, c, report

med = lambda v: v[(len(v) - 1) // 2]

def full(label, args):
    w, c, d = measure(args)
    s = d["summary"]
    print("== %s: %d warm runs" % (label, runs))
    print("wall: min %.0f ms, median %.0f ms, max %.0f ms; median / 500 ms target = %.2f" % (w[0], med(w), w[-1], med(w) / TARGET))
    print("cpu (user+sys): min %.0f ms, median %.0f ms, max %.0f ms; median / 500 ms target = %.2f" % (c[0], med(c), c[-1], med(c) / TARGET))
    print("  (wall above cpu: waiting for a core; wall below cpu: secrets' content scan runs a worker per core)")
    print("checks: %d (pass %d, fail %d, error %d, skip %d)" % (len(d["checks"]), s["pass"], s["fail"], s["error"], s["skip"]))
    slow = sorted(d["checks"], key=lambda c: -c.get("duration_ms", 0))[:5]
    print("slowest (wall in the last run): " + ", ".join("%s %d ms" % (c["id"], c.get("duration_ms", 0)) for c in slow))
    return med(w), med(c)

wall, cpu = full("whole catalog, all families (issue 4's target < 500 ms)", [])
full("hardening families (ssh acct perm svc fw kernel net log audit agent pkg os)", ["--only", hardening])
print("== per family (--only FAMILY.*): median wall / cpu ms of %d warm runs; 'none' is the process alone" % runs)
for f in ["none"] + families:
    w, c, _ = measure(["--skip", "*"] if f == "none" else ["--only", f + ".*"])
    print("  %-8s %6.0f / %5.0f" % (f, med(w), med(c)))
print("verdict: whole catalog median wall %.0f ms, cpu %.0f ms: %s" % (wall, cpu,
      "under the 0.5 s target" if wall < TARGET else
      "over the 0.5 s target in wall time, under it in cpu (the rest is waiting for a core)" if cpu < TARGET else
      "over the 0.5 s target"))
PY
