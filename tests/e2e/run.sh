#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The real VM end-to-end test: build (once) the cached Debian 12 disk, build the capgate .deb from
# BUILD, run the Packer template for each scenario with capgate's shipped flow (the "capgate flow"
# lines of packaging/packer/azure-capgate.pkr.hcl, unchanged) and the default profile, and judge:
#   ready   - packer succeeds; the captured disk, extracted without mounting (debugfs rdump), is
#             judged `ready` by `capgate scan --root` with the default configuration, and its
#             azure.* results equal those of the live scan of the booted VM
#   blocked - packer fails at the gate, and its log names the check that blocked (gen.swap-files)
# Usage: run.sh BUILD [ready|blocked]...   (default: both). Prints timings. Exit 0 when all pass, else 1.
# CAPGATE_E2E_KEEP=1 keeps the scratch folder (logs, serial console, captured disk).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
shift
scenarios=${*:-ready blocked}
for t in packer qemu-system-x86_64 debugfs cpack; do
	command -v "$t" >/dev/null || { echo "e2e: '$t' is missing"; exit 77; }
done
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

t0=$(now)
vm=$("$here/mkimage.sh")
t1=$(now)
echo "e2e: image $vm ($(secs "$t0" "$t1") s)"
work=$(mktemp -d /var/tmp/capgate-e2e.XXXXXX)
[ -n "${CAPGATE_E2E_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/capgate_*.deb)
# the template: the test's VM and setup, and the shipped flow spliced in byte for byte
mkdir "$work/tpl"
"$src/tests/packer/template.sh" flow "$src/packaging/packer/azure-capgate.pkr.hcl" >"$work/flow.hcl"
"$src/tests/packer/template.sh" splice "$here/capgate.pkr.hcl" "$work/flow.hcl" >"$work/tpl/capgate.pkr.hcl"
cp "$here/plant.sh" "$work/tpl/plant.sh"

fail=0
blocker=${CAPGATE_E2E_BLOCKER:-gen.swap-files}
for s in $scenarios; do
	log="$work/packer-$s.log"
	t0=$(now)
	set +e
	# PACKER_* state stays in the scratch folder; -color=false keeps the log plain
	PACKER_CONFIG_DIR="$work/packer-config" PACKER_CACHE_DIR="$work/packer-cache" \
	PACKER_LOG=1 PACKER_LOG_PATH="$work/packer-debug-$s.log" \
	packer build -color=false -timestamp-ui -var "vmdir=$vm" -var "deb=$deb" -var "scenario=$s" \
		-var "output_dir=$work/out-$s" -var "serial_log=$work/serial-$s.log" -var "live_report=$work/azure-live-$s.json" \
		"$work/tpl/capgate.pkr.hcl" >"$log" 2>&1
	rc=$?
	set -e
	t1=$(now)
	# boot to SSH: from Packer starting the VM to its SSH login (RFC 3339 stamps of -timestamp-ui)
	boot=$(python3 - "$log" <<'PY'
import datetime, re, sys
stamps = {}
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"(\S+): ==> .*(Starting VM|Connected to SSH)", line)
    if m and m.group(2) not in stamps:
        stamps[m.group(2)] = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
if len(stamps) == 2:
    print("%.0f" % (stamps["Connected to SSH"] - stamps["Starting VM"]).total_seconds())
else:
    print("?")
PY
)
	echo "e2e: $s: packer exit $rc after $(secs "$t0" "$t1") s (boot to SSH $boot s)"
	case $s in
	ready)
		if [ "$rc" -ne 0 ]; then
			echo "e2e: ready: the packer build failed"; tail -n 60 "$log"
			# the checks the gate ('capgate wait' prints "fail ID [severity]") still failed on
			gate=$(sed -n 's/.*qemu\.debian: fail \([a-z0-9.-]*\) \[.*/\1/p' "$log" | sort -u | xargs)
			echo "e2e: ready: failing at the gate: ${gate:-none listed}"
			fail=1
			continue
		fi
		img="$work/out-$s/disk.img"
		tree="$work/tree-$s"
		mkdir "$tree"
		# the captured disk, opened without a mount: debugfs copies the tree out of the ext4 image
		debugfs -R "rdump / $tree" "$img" >"$work/rdump.log" 2>&1 || { cat "$work/rdump.log"; fail=1; continue; }
		# rdump drops the sticky, setuid and setgid bits: give them back from the image, for the
		# world-writable directories and the executables (the ones that can carry them)
		python3 - "$tree" "$img" <<'PY' || { echo "e2e: ready: modes not restored"; fail=1; continue; }
import os, re, stat, subprocess, sys
tree, img = sys.argv[1], sys.argv[2]
paths = []
for d, dirs, files in os.walk(tree):
    for n in dirs + files:
        p = os.path.join(d, n)
        st = os.lstat(p)
        if (stat.S_ISDIR(st.st_mode) and st.st_mode & 0o002) or (stat.S_ISREG(st.st_mode) and st.st_mode & 0o111):
            paths.append(p)
cmds = "".join('stat "%s"\n' % p[len(tree):] for p in paths)
out = subprocess.run(["debugfs", "-f", "-", img], input=cmds, capture_output=True, text=True).stdout
modes = [int(m, 8) for m in re.findall(r"Mode:\s+(0[0-7]+)", out)]
if len(modes) != len(paths):
    sys.exit("debugfs gave %d modes for %d paths" % (len(modes), len(paths)))
for p, m in zip(paths, modes):
    os.chmod(p, m & 0o7777)
PY
		set +e
		# judged with the default configuration (the default profile), not this host's /etc/capgate
		mkdir -p "$work/noconf"
		CAPGATE_CONFDIR="$work/noconf" "$build/capgate" scan --root "$tree" --format json --output "$work/final.json"
		src=$?
		set -e
		t2=$(now)
		verdict=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$work/final.json")
		echo "e2e: ready: offline scan of the captured image: $verdict (exit $src), extract+scan $(secs "$t1" "$t2") s"
		# Azure readiness judged both ways: live inside the booted VM (before the flow) and offline on
		# the captured disk; every azure.* check must say the same, with the same findings
		python3 - "$work/azure-live-$s.json" "$work/final.json" <<'PY' || fail=1
import json, sys
live, off = (json.load(open(p)) for p in sys.argv[1:3])
def azure(rep):
    return {c["id"]: (c["status"], sorted((f["path"], f.get("rule") or "") for f in c["findings"]))
            for c in rep["checks"] if c["id"].startswith("azure.")}
a, b = azure(live), azure(off)
if live["mode"] != "live" or off["mode"] != "offline" or not a:
    sys.exit(f"e2e: ready: azure.*: no live/offline pair to compare ({live['mode']}: {len(a)} checks)")
differ = sorted(i for i in a.keys() | b.keys() if a.get(i) != b.get(i))
for i in differ:
    print(f"e2e: ready: {i}: live {a.get(i)}, offline {b.get(i)}")
print(f"e2e: ready: azure.* live vs offline: {len(a)} checks, {len(a) - len(differ)} agree; "
      f"live {sum(s == 'pass' for s, _ in a.values())} pass, offline {sum(s == 'pass' for s, _ in b.values())} pass")
sys.exit(1 if differ else 0)
PY
		if [ "$src" -ne 0 ] || [ "$verdict" != ready ]; then
			CAPGATE_CONFDIR="$work/noconf" "$build/capgate" scan --root "$tree" || true
			# capgate-seal.service clears what shutdown writes (journal, wtmp, random seed): nothing may remain
			fail=1
		fi
		;;
	blocked)
		if [ "$rc" -eq 0 ]; then
			echo "e2e: blocked: the packer build passed the gate with a leftover that has no safe fix"; tail -n 60 "$log"; fail=1
		elif grep -qE 'qemu\.debian: (error [a-z0-9.-]+ \[|capgate: error:)' "$log"; then
			echo "e2e: blocked: the gate failed with an error, not (only) on the leftover"; tail -n 60 "$log"; fail=1
		elif ! grep -qE "qemu\.debian: fail $blocker \[|qemu\.debian:   $blocker  " "$log"; then
			echo "e2e: blocked: packer failed, but not at capgate's gate naming $blocker"
			tail -n 60 "$log"; fail=1
		else
			echo "e2e: blocked: the gate failed the build, naming $blocker"
		fi
		;;
	*) echo "e2e: unknown scenario '$s'"; exit 2 ;;
	esac
	# the qemu builder must not have listened beyond loopback (it forwards SSH and VNC)
	qemu_args=$(grep -m1 'Executing /usr/bin/qemu-system-x86_64' "$work/packer-debug-$s.log" || true)
	if ! echo "$qemu_args" | grep -q 'hostfwd=tcp:127.0.0.1:' || echo "$qemu_args" | grep -qE 'hostfwd=tcp::|0\.0\.0\.0'; then
		echo "e2e: $s: a forwarded port was not bound to 127.0.0.1: $qemu_args"; fail=1
	fi
done
exit $fail
