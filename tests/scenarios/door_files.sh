#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 15 (4, 6, 7, 8, 10): devices at config paths are never opened and are reported; traps at
# the manifest's temp name (a hard link, a FIFO); names with newlines in fix's output; a second fix
# is a no-op; sshd_config.d as a symlink inside the image, an immutable file, a directory at the
# temp name. Both resolvers; nothing outside the root changes.
. "$(dirname "$0")/../scenario-lib.sh"
command -v strace >/dev/null || { echo "no strace"; exit 77; }
img=$scratch/img
outside=$scratch/outside
mkdir -p "$outside"
echo victim >"$outside/victim"
outside_state() { (cd "$outside" && find . -printf '%p %y %m %n %s\n' | LC_ALL=C sort && cat victim); }

for mode in openat2 fallback; do
	nof=0; [ $mode = fallback ] && nof=1
	export CAPGATE_NO_OPENAT2=$nof
	outside_state >"$scratch/outside.before"

	# ---- 4: character devices at /etc/os-release, /etc/shadow, /etc/ssh/sshd_config
	rm -rf "$img"
	mkdir -p "$img/etc/ssh" "$img/root"
	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$img/etc/passwd"
	for f in etc/os-release etc/shadow etc/ssh/sshd_config; do mknod "$img/$f" c 1 3; done
	strace -f -y -e trace=open,openat,openat2 -o "$scratch/strace" "$CAPGATE_BIN" fix --root "$img" --dry-run >"$scratch/out" 2>&1 || true
	opens=$(grep -v O_PATH "$scratch/strace" | grep -cE "= [0-9]+<$img/etc/(shadow|os-release|ssh/sshd_config)>\$" || true)
	[ "$opens" = 0 ] && ok "$mode: a dry run opens none of the three devices" || not_ok "$mode: the devices were opened $opens times"
	contains "$scratch/out" "sshd-dropin          /etc/ssh/sshd_config.d/00-capgate.conf (ssh.idle-timeouts): cannot read /etc/ssh/sshd_config: not a regular file" \
		"$mode: a device at sshd_config is reported in the plan"
	contains "$scratch/out" "/etc/shadow: cannot read: not a regular file" "$mode: a device at /etc/shadow is reported by the scan"

	# ---- the fixable image, with the traps of 7, 8 and 10
	rm -rf "$img"
	"$CAPGATE_SRC/tests/fixtures/fixable.sh" "$img" >/dev/null
	printf 'root:$6$salt$hash:19000:0:99999:7:::\n' >"$img/etc/shadow"
	rmdir "$img/etc/ssh/sshd_config.d"
	mkdir "$img/etc/ssh/dropins"
	ln -s /etc/ssh/dropins "$img/etc/ssh/sshd_config.d"
	mkdir "$img/etc/.shadow.capgate-tmp"
	touch "$img/tmp/$(printf 'x\napplied: 0 done, 0 failed')"
	chown root:root "$img/home/builder" && chmod 0750 "$img/home/builder"
	echo hist >"$img/root/.bash_history"
	immutable=no
	chattr +i "$img/root/.bash_history" 2>/dev/null && immutable=yes
	# ---- 6: a hard link to a file outside and a FIFO at the manifest's temp names
	ln "$outside/victim" "$scratch/m1.json.capgate-tmp"
	mkfifo "$scratch/m2.json.capgate-tmp"
	set +e
	timeout 120 "$CAPGATE_BIN" fix --root "$img" --manifest "$scratch/m1.json" >"$scratch/out1" 2>"$scratch/err1"
	rc=$?
	set -e
	[ "$rc" -le 3 ] && ok "$mode: first fix exit $rc" || not_ok "$mode: first fix exit $rc"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$scratch/m1.json" && [ ! -e "$scratch/m1.json.capgate-tmp" ] &&
		ok "$mode: manifest written past a hard link at its temp name" || not_ok "$mode: no manifest"
	outside_state | cmp -s - "$scratch/outside.before" && ok "$mode: the hard-linked file outside is untouched" ||
		not_ok "$mode: the file outside changed"
	# ---- 7
	[ "$(grep -c '^applied:' "$scratch/out1")" = 1 ] && ok "$mode: one 'applied:' line, no forged one" ||
		not_ok "$mode: forged lines in the output"
	contains "$scratch/out1" '/tmp/x\x0aapplied: 0 done, 0 failed' "$mode: the newline name printed escaped"
	# ---- 10
	[ -f "$img/etc/ssh/dropins/00-capgate.conf" ] && ok "$mode: the sshd drop-in went through sshd_config.d -> /etc/ssh/dropins (in the image)" ||
		not_ok "$mode: no drop-in in /etc/ssh/dropins"
	contains "$scratch/out1" "lock-account         /etc/shadow: '/etc/.shadow.capgate-tmp' is in the way: a directory sits at the temp name" \
		"$mode: the directory at the temp name is named"
	[ -d "$img/etc/.shadow.capgate-tmp" ] && ok "$mode: that directory is left alone" || not_ok "$mode: the directory was removed"
	if [ $immutable = yes ]; then
		contains "$scratch/out1" "remove-file          /root/.bash_history: immutable or append-only (chattr +i/+a)" "$mode: an immutable file says chattr"
		chattr -i "$img/root/.bash_history"
	else
		echo "# chattr +i unsupported on this file system: immutable case not run"
	fi
	rmdir "$img/etc/.shadow.capgate-tmp"
	# ---- 8: converge, then a second fix changes nothing and records no 'done'
	"$CAPGATE_BIN" fix --root "$img" >/dev/null 2>&1 || true
	snapshot "$img" >"$scratch/img.before"
	set +e
	timeout 120 "$CAPGATE_BIN" fix --root "$img" --manifest "$scratch/m2.json" >"$scratch/out2" 2>"$scratch/err2"
	set -e
	[ ! -p "$scratch/m2.json.capgate-tmp" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$scratch/m2.json" &&
		ok "$mode: manifest written past a FIFO at its temp name (no hang)" || not_ok "$mode: FIFO trap"
	python3 - "$scratch/m2.json" <<'PY' && ok "$mode: the second fix's manifest has no 'done' entry" || not_ok "$mode: the second fix did something"
import json, sys
d = json.load(open(sys.argv[1]))
done = [e for e in d["entries"] if e["result"] == "done"]
assert not done, done
PY
	snapshot "$img" | cmp -s - "$scratch/img.before" && ok "$mode: the second fix changed no byte, mode or time" ||
		{ not_ok "$mode: the second fix changed the image"; snapshot "$img" | diff "$scratch/img.before" - | head -5; }
	contains "$scratch/out2" "applied: 0 done, 0 failed" "$mode: the second fix says it did nothing"
	rm -f "$scratch/m1.json" "$scratch/m2.json"
done
finish
