#!/bin/sh
# The real VM end-to-end test: build (once) the cached Debian 12 disk, build the capgate .deb from
# BUILD, run the Packer template for each scenario, and judge the result:
#   ready   - packer succeeds; the captured disk, extracted without mounting (debugfs rdump), is
#             judged `ready` by `capgate scan --root`
#   blocked - packer fails at the gate, and its log names the check that blocked
# Usage: run.sh BUILD [ready|blocked]...   (default: both). Prints timings. Exit 0 only if all pass.
# CAPGATE_E2E_START / _GATE / _FINAL replace the template's commands (for trying other flows);
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

fail=0
for s in $scenarios; do
	log="$work/packer-$s.log"
	t0=$(now)
	set +e
	# PACKER_* state stays in the scratch folder; -color=false keeps the log plain
	PACKER_CONFIG_DIR="$work/packer-config" PACKER_CACHE_DIR="$work/packer-cache" \
	PACKER_LOG=1 PACKER_LOG_PATH="$work/packer-debug-$s.log" \
	packer build -color=false -var "vmdir=$vm" -var "deb=$deb" -var "scenario=$s" \
		-var "output_dir=$work/out-$s" -var "serial_log=$work/serial-$s.log" \
		${CAPGATE_E2E_START:+-var "start_command=$CAPGATE_E2E_START"} \
		${CAPGATE_E2E_GATE:+-var "gate_command=$CAPGATE_E2E_GATE"} \
		${CAPGATE_E2E_FINAL:+-var "final_command=$CAPGATE_E2E_FINAL"} \
		"$here/capgate.pkr.hcl" >"$log" 2>&1
	rc=$?
	set -e
	t1=$(now)
	echo "e2e: $s: packer exit $rc after $(secs "$t0" "$t1") s"
	case $s in
	ready)
		if [ "$rc" -ne 0 ]; then
			echo "e2e: ready: the packer build failed"; tail -n 60 "$log"; fail=1; continue
		fi
		img="$work/out-$s/disk.img"
		tree="$work/tree-$s"
		mkdir "$tree"
		# the captured disk, opened without a mount: debugfs copies the tree out of the ext4 image
		debugfs -R "rdump / $tree" "$img" >"$work/rdump.log" 2>&1 || { cat "$work/rdump.log"; fail=1; continue; }
		set +e
		"$build/capgate" scan --root "$tree" --format json --output "$work/final.json"
		src=$?
		set -e
		t2=$(now)
		verdict=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$work/final.json")
		echo "e2e: ready: offline scan of the captured image: $verdict (exit $src), extract+scan $(secs "$t1" "$t2") s"
		if [ "$src" -ne 0 ] || [ "$verdict" != ready ]; then
			"$build/capgate" scan --root "$tree" || true
			fail=1
		fi
		;;
	blocked)
		if [ "$rc" -eq 0 ]; then
			echo "e2e: blocked: the packer build passed the gate with a leftover that has no safe fix"; tail -n 60 "$log"; fail=1
		elif ! grep -q "${CAPGATE_E2E_BLOCKER:-secrets.tokens}" "$log"; then
			echo "e2e: blocked: packer failed, but not at capgate's gate naming ${CAPGATE_E2E_BLOCKER:-secrets.tokens}"
			tail -n 60 "$log"; fail=1
		else
			echo "e2e: blocked: the gate failed the build, naming ${CAPGATE_E2E_BLOCKER:-secrets.tokens}"
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
