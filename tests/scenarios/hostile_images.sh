#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Hostile images beyond the foundation's fixtures: symlink and directory swaps racing the walk,
# a bind of an ancestor, 255-byte names, paths past 4096 bytes and trees deeper than the walker's
# descriptor budget, unknown owners, immutable and append-only files, ACLs, control bytes in
# names, special files, symlink loops and magic links. Every scan must finish with a verdict or
# exit 3, produce valid JSON, change nothing, and never read outside the root: canaries outside
# carry an atime of 2000-01-01 on a relatime file system, and any read or listing would move it.
. "$(dirname "$0")/../scenario-lib.sh"
swapper=$(dirname "$CAPGATE_BIN")/tests/hostile/capgate_swapper
[ -x "$swapper" ] || { echo "no swapper at $swapper"; exit 77; }
race_secs=${CAPGATE_RACE_SECONDS:-8}
img=$scratch/img
outside=$scratch/outside
pids=""
bound=""
cleanup_hostile() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for m in $bound; do umount "$m" 2>/dev/null || true; done
	chattr -R -i -a "$img" 2>/dev/null || true
}
trap 'cleanup_hostile; rm -rf --one-file-system "$scratch"' EXIT
fixtures=0
fixture() { fixtures=$((fixtures + 1)); echo "# fixture $fixtures: $1"; }

# ---- the canaries outside the root: a secret, a tree, a fake passwd
mkdir -p "$outside/dir/sub" "$outside/etc"
echo 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' >"$outside/secret"
echo 'canary:x:0:0::/:/bin/sh' >"$outside/etc/passwd"
echo canary >"$outside/dir/sub/file"
canaries=$(find "$outside")

# ---- the base images: one for the static fixtures, one for the races (so racing scans are short)
race=$scratch/race
for i in "$img" "$race"; do
	mkdir -p "$i/etc" "$i/tmp" "$i/var/tmp" "$i/root" "$i/home/builder" "$i/var/lib/dbus" "$i/proc"
	: >"$i/etc/machine-id"
	printf 'root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000::/home/builder:/bin/bash\n' >"$i/etc/passwd"
done

fixture "dir <-> symlink to the outside (absolute host path) exchanged in a loop"
mkdir -p "$race/tmp/race/dir/a/b"
for i in $(seq 1 50); do echo x >"$race/tmp/race/dir/f$i"; echo y >"$race/tmp/race/dir/a/b/g$i"; done
ln -s "$outside" "$race/tmp/race/link"
fixture "dir <-> relative symlink climbing out (../../../..) exchanged in a loop"
mkdir -p "$race/tmp/race2/dir/x"
echo x >"$race/tmp/race2/dir/x/f"
ln -s ../../../../../../../../outside "$race/tmp/race2/link"
fixture "dir <-> magic link (/proc/self/root/...) exchanged in a loop"
mkdir -p "$race/tmp/race3/dir"
echo x >"$race/tmp/race3/dir/f"
ln -s "/proc/self/root$outside" "$race/tmp/race3/link"
fixture "a directory 3 levels into a 90-deep chain exchanged with one elsewhere (walker pops through '..')"
python3 - "$race/tmp/race4" 90 <<'PY'
import os, sys
os.makedirs(sys.argv[1])
fd = os.open(sys.argv[1], os.O_RDONLY)
for i in range(int(sys.argv[2])):
    os.mkdir("l", dir_fd=fd); n = os.open("l", os.O_RDONLY, dir_fd=fd); os.close(fd); fd = n
    os.close(os.open("f", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
PY
mkdir -p "$race/var/elsewhere/l"
ln -s "$outside" "$race/var/elsewhere/l/l"

fixture "bind mount of an ancestor inside the tree (a cycle: /tmp/bindloop/up = /tmp)"
mkdir -p "$img/tmp/bindloop/up"
if mount --bind "$img/tmp" "$img/tmp/bindloop/up" 2>/dev/null; then
	bound="$img/tmp/bindloop/up"
else
	echo "# cannot bind-mount here: the cycle fixture is an empty directory"
fi

fixture "a name of 255 bytes"
long=$(printf 'n%.0s' $(seq 1 255))
echo x >"$img/tmp/$long"
fixture "a path longer than 4096 bytes (25 levels of 200-byte names)"
fixture "a tree 2500 levels deep (5000-byte path, 40 times the walker's descriptor budget)"
python3 - "$img/tmp" <<'PY'
import os, sys
def chain(base, name, levels, every):
    fd = os.open(base, os.O_RDONLY); files = 0
    for i in range(levels):
        os.mkdir(name, dir_fd=fd); n = os.open(name, os.O_RDONLY, dir_fd=fd); os.close(fd); fd = n
        if (i + 1) % every == 0:
            os.close(os.open("file", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd)); files += 1
    os.close(fd)
    return files
os.mkdir(sys.argv[1] + "/longpath"); os.mkdir(sys.argv[1] + "/deep")
assert chain(sys.argv[1] + "/longpath", "p" * 200, 25, 25) == 1
assert chain(sys.argv[1] + "/deep", "d", 2500, 100) == 25
PY
fixture "files and a directory owned by ids no account has (4000000000)"
mkdir -p "$img/tmp/unowned"
echo x >"$img/tmp/unowned/f"
chown -R 4000000000:4000000001 "$img/tmp/unowned"
chown 4000000002:4000000003 "$img/home/builder"
fixture "immutable and append-only files, an immutable directory"
echo x >"$img/tmp/immutable"
echo x >"$img/tmp/appendonly"
mkdir -p "$img/tmp/immdir" && echo x >"$img/tmp/immdir/f"
attrs=no
if chattr +i "$img/tmp/immutable" 2>/dev/null && chattr +a "$img/tmp/appendonly" && chattr +i "$img/tmp/immdir"; then
	attrs=yes
else
	echo "# chattr unsupported here: plain files instead"
fi
fixture "ACLs: a deny entry for root's group, a default ACL, a mask of ---"
mkdir -p "$img/tmp/acl" && echo x >"$img/tmp/acl/f"
setfacl -m g:root:---,m::--- "$img/tmp/acl/f" 2>/dev/null && setfacl -d -m u:nobody:r "$img/tmp/acl" ||
	echo "# setfacl unsupported here"
fixture "names with newline, ESC sequences, invalid UTF-8 and C1 CSI"
evil=$(printf 'evil\n\033[2J\377\302\233x')
echo x >"$img/tmp/$evil"
fixture "a FIFO, a socket and a character device among the files"
mkfifo "$img/tmp/fifo"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$img/tmp/sock"
mknod "$img/tmp/null" c 1 3
fixture "symlink loops, links to /proc/self/root and to the outside in place of a history"
ln -s loop2 "$img/tmp/loop1" && ln -s loop1 "$img/tmp/loop2"
ln -s /proc/self/root "$img/tmp/self"
ln -s "$outside/secret" "$img/home/builder/.bash_history"
ln -s "$outside/etc/passwd" "$img/root/.bash_history"
fixture "hard links (two names, one inode) of a file"
echo x >"$img/tmp/hl1" && ln "$img/tmp/hl1" "$img/tmp/hl2"

# age the canaries last, so nothing above counts
for c in $canaries; do touch -h -a -d '2000-01-01 00:00:00 UTC' "$c"; done
canary_moved() { stat -c '%X %n' $canaries | awk '$1 != 946684800 {print $2}'; }
[ -z "$(canary_moved)" ] && ok "canaries aged to 2000-01-01" || not_ok "canaries could not be aged"

scan_ok() { # FILE: a valid report that names nothing outside
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); s=json.dumps(d)
assert d["schema"]=="capgate.report/v1"
assert "canary" not in s and "wJalr" not in s, "outside content in the report"' "$1"
}

# ---- 1. the static hostile fixtures, both resolvers
for mode in openat2 fallback; do
	nof=0; [ $mode = fallback ] && nof=1
	set +e
	CAPGATE_NO_OPENAT2=$nof timeout 300 "$CAPGATE_BIN" scan --root "$img" --format json >"$scratch/r.json" 2>"$scratch/err"
	rc=$?
	CAPGATE_NO_OPENAT2=$nof timeout 300 "$CAPGATE_BIN" scan --root "$img" --format text >"$scratch/r.txt" 2>&1
	set -e
	[ "$rc" -le 3 ] && scan_ok "$scratch/r.json" && ok "$mode: scan of the hostile tree: exit $rc, valid report" ||
		not_ok "$mode: scan exit $rc"
	if python3 - "$scratch/r.json" "$long" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = {x["path"]: x["message"] for c in d["checks"] for x in c["findings"]}
assert "/tmp/" + sys.argv[2] in f, "255-byte name missing"
assert "with 1 files" in f["/tmp/longpath"], f["/tmp/longpath"]
assert "with 25 files" in f["/tmp/deep"], f["/tmp/deep"]
assert "with 1 files" in f["/tmp/unowned"], f["/tmp/unowned"]
assert "/tmp/immutable" in f and "/tmp/appendonly" in f and "/tmp/acl" in f and "/tmp/fifo" in f
assert "/home/builder/.bash_history" in f and "not followed" in f["/home/builder/.bash_history"]
assert any(p.startswith("/tmp/evil") for p in f), "control-byte name missing"
PY
	then ok "$mode: 255-byte name, >4096-byte path (1 file), 2500-deep tree (25 files), odd owners, attrs, ACLs, controls all reported"
	else not_ok "$mode: findings on the hostile tree are wrong"; fi
	if grep -q "$(printf '\033')" "$scratch/r.txt"; then not_ok "$mode: raw ESC in the text report"; else ok "$mode: text report carries no raw ESC"; fi
done
if [ -n "$bound" ]; then
	# a bind is not recursive: the walk sees /tmp once more through it, then stops
	python3 - "$scratch/r.json" <<'PY' && ok "bind of an ancestor: the walk terminates" || not_ok "bind of an ancestor: walk wrong"
import json, sys
d = json.load(open(sys.argv[1]))
f = {x["path"]: x["message"] for c in d["checks"] for x in c["findings"]}
print("#", "/tmp/bindloop:", f["/tmp/bindloop"])
PY
fi

# ---- 2. the races: swappers (niced, so scans get the CPU) run while scans loop, both resolvers
tree() { (cd "$1" && find . -path ./tmp/race -prune -o -path ./tmp/race2 -prune -o -path ./tmp/race3 -prune \
	-o -path ./tmp/race4 -prune -o -path ./var/elsewhere -prune -o -print 2>/dev/null | LC_ALL=C sort | md5sum); }
before=$(tree "$race")
nice -n 19 "$swapper" "$race/tmp/race/dir" "$race/tmp/race/link" >"$scratch/s1" & pids="$pids $!"
nice -n 19 "$swapper" "$race/tmp/race2/dir" "$race/tmp/race2/link" >"$scratch/s2" & pids="$pids $!"
nice -n 19 "$swapper" "$race/tmp/race3/dir" "$race/tmp/race3/link" >"$scratch/s3" & pids="$pids $!"
nice -n 19 "$swapper" "$race/tmp/race4/l/l/l" "$race/var/elsewhere/l" >"$scratch/s4" & pids="$pids $!"
scans=0 bad=0 codes=""
for mode in openat2 fallback; do
	nof=0; [ $mode = fallback ] && nof=1
	end=$(($(date +%s) + race_secs))
	cap=$((end + 90))
	mine=0
	# at least RACE_SECONDS and at least 10 scans per resolver (sanitizer builds scan slowly)
	while { [ "$(date +%s)" -lt "$end" ] || [ $mine -lt 10 ]; } && [ "$(date +%s)" -lt "$cap" ]; do
		mine=$((mine + 1))
		set +e
		CAPGATE_NO_OPENAT2=$nof "$CAPGATE_BIN" scan --root "$race" --only 'gen.*,secrets.*' --format json >"$scratch/race.json" 2>/dev/null
		rc=$?
		set -e
		scans=$((scans + 1))
		codes="$codes $rc"
		# cheap checks on every report (python's start-up is slow while renames churn the dcache),
		# the full JSON check on every tenth
		if [ "$rc" -gt 3 ] || grep -qE 'canary|wJalr' "$scratch/race.json" || [ "$(tail -c 2 "$scratch/race.json")" != "}" ] ||
			{ [ $((scans % 10)) = 1 ] && ! scan_ok "$scratch/race.json" 2>/dev/null; }; then
			bad=$((bad + 1)); cp "$scratch/race.json" "$scratch/bad-$bad.json"
		fi
	done
done
for p in $pids; do kill -TERM "$p"; done
wait
pids=""
swaps=$(cat "$scratch/s1" "$scratch/s2" "$scratch/s3" "$scratch/s4" | awk '{s += $1} END {print s + 0}')
echo "# races: $scans scans against $swaps renames; exit codes (count code): $(echo $codes | tr ' ' '\n' | sort | uniq -c | tr -s ' \n' ' ')"
[ "$bad" = 0 ] && ok "$scans racing scans: no crash, every report valid and free of outside content" ||
	not_ok "$bad of $scans racing scans crashed or leaked"
[ "$scans" -ge 20 ] && ok "$scans scans raced" || not_ok "only $scans scans raced"
[ "$swaps" -gt 1000 ] && ok "the swappers made $swaps exchanges" || not_ok "only $swaps exchanges"
after=$(tree "$race")
[ "$before" = "$after" ] && ok "race image names unchanged by the scans" || not_ok "race image changed"

# ---- the verdicts
moved=$(canary_moved)
[ -z "$moved" ] && ok "files read outside the root: 0 (all $(echo "$canaries" | wc -l) canary atimes still 2000-01-01)" ||
	not_ok "canaries outside the root were read: $moved"
if [ "$attrs" = yes ]; then
	lsattr -d "$img/tmp/immutable" | grep -q i && ok "immutable flag kept" || not_ok "immutable flag lost"
fi
echo "# hostile fixtures: $fixtures (plus short reads and EINTR in faults_scan.sh)"
finish
