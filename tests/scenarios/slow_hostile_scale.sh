#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Scale as an attack: one directory with a million entries and a 20 GB sparse file (in /tmp, in a
# home and in /etc). The scan must finish, report them, and keep its time and memory bounded;
# the figures are printed for README. Slow (creating and removing a million files): release only.
. "$(dirname "$0")/../scenario-lib.sh"
entries=${CAPGATE_SCALE_ENTRIES:-1000000}
img=$scratch/img
mkdir -p "$img/etc" "$img/tmp/million" "$img/var/tmp" "$img/root" "$img/home/builder"
: >"$img/etc/machine-id"
printf 'root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000::/home/builder:/bin/bash\n' >"$img/etc/passwd"
printf 'root:*:19000:0:99999:7:::\nbuilder:!:19000:0:99999:7:::\n' >"$img/etc/shadow"
printf 'root:x:0:\nbuilder:x:1000:\n' >"$img/etc/group"
printf 'root:*::\nbuilder:!::\n' >"$img/etc/gshadow"
chmod 0640 "$img/etc/shadow" "$img/etc/gshadow"

# measure PROG ARGS: wall seconds and peak RSS (KiB) of one child, on fd 3 as "SECONDS KIB"
measure() {
	python3 - "$@" 3>&1 >/dev/null <<'PY'
import os, resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=open(os.environ["OUT"], "w"), stderr=subprocess.DEVNULL)
took = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
os.write(3, f"{took:.2f} {rss} {rc}\n".encode())
PY
}
export OUT=$scratch/report.json
read -r t0 rss0 rc0 <<EOF2
$(measure "$CAPGATE_BIN" scan --root "$img" --format json)
EOF2
echo "# baseline scan of a near-empty image: ${t0} s, ${rss0} KiB peak RSS"

start=$(date +%s)
python3 - "$img/tmp/million" "$entries" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
for i in range(int(sys.argv[2])):
    os.close(os.open("e%07d" % i, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
os.close(fd)
PY
for f in "$img/tmp/sparse-20g" "$img/home/builder/disk.img" "$img/etc/sparse.conf"; do
	truncate -s 20G "$f"
done
echo "# fixtures: $entries entries and three 20 GB sparse files made in $(($(date +%s) - start)) s"

read -r t1 rss1 rc1 <<EOF2
$(measure "$CAPGATE_BIN" scan --root "$img" --format json)
EOF2
echo "# scan with $entries entries in one directory and 3 x 20 GB sparse files: ${t1} s, ${rss1} KiB peak RSS, exit $rc1"
[ "$rc1" -le 1 ] && ok "scan finished with a verdict (exit $rc1)" || not_ok "scan exit $rc1"
python3 - "$OUT" "$entries" <<'PY' && ok "the million entries and the sparse file are reported" || not_ok "report wrong"
import json, sys
d = json.load(open(sys.argv[1]))
f = {x["path"]: x["message"] for c in d["checks"] for x in c["findings"]}
assert f"with {sys.argv[2]} files" in f["/tmp/million"], f["/tmp/million"]
assert "21474836480 bytes" in f["/tmp/sparse-20g"], f["/tmp/sparse-20g"]
PY
# bounded: well under a minute here, and memory that does not grow with the entry count
awk -v t="$t1" 'BEGIN { exit !(t < 120) }' && ok "scan time bounded: ${t1} s < 120 s" || not_ok "scan took ${t1} s"
grow=$(( (rss1 - rss0) / 1024 ))
[ "$grow" -lt 64 ] && ok "memory bounded: peak RSS ${rss1} KiB, ${grow} MiB over the empty image" ||
	not_ok "peak RSS grew by ${grow} MiB"
echo "scale: entries=$entries scan_s=$t1 rss_kib=$rss1 baseline_rss_kib=$rss0"
finish
