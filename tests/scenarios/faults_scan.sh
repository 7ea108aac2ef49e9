#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault injection on scans (tests/faults shim), every check of every family: every open, read,
# stat and readdir of the image failing in turn, with EIO, EACCES, EROFS or ENOSPC, must give
# exit 3 with the error reported, never a crash and never a verdict; EIO and EACCES on a
# representative file of each family must make that family's check `error` naming the file while
# every other check reports as without the fault; short reads and EINTR must change nothing; a
# report file that cannot be written completely (fsync/rename fail, full file system) must not be
# left behind.
. "$(dirname "$0")/../scenario-lib.sh"
shim=$(dirname "$CAPGATE_BIN")/tests/faults/libcapgate_faults.so
[ -f "$shim" ] || { echo "no fault shim at $shim"; exit 77; }
# an ASan binary wants its runtime first; the shim only forwards calls
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
img=$scratch/img
mkdir -p "$img/etc" "$img/tmp/junk/deeper" "$img/root" "$img/var/tmp" "$img/var/lib/dbus"
echo 0123456789abcdef0123456789abcdef >"$img/etc/machine-id"
cp "$img/etc/machine-id" "$img/var/lib/dbus/machine-id"
printf 'root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000::/home/builder:/bin/bash\n' >"$img/etc/passwd"
printf 'root:*:19000:0:99999:7:::\nbuilder:!:19000:0:99999:7:::\n' >"$img/etc/shadow"
printf 'root:x:0:\nbuilder:x:1000:\n' >"$img/etc/group"
printf 'root:*::\nbuilder:!::\n' >"$img/etc/gshadow"
chmod 0640 "$img/etc/shadow" "$img/etc/gshadow"
mkdir -p "$img/home/builder"
printf 'ls\nexport TOKEN=abc\n' >"$img/home/builder/.bash_history"
echo leftover >"$img/tmp/junk/a"
echo leftover >"$img/tmp/junk/deeper/b"
echo pkg >"$img/var/tmp/build.deb"
# and a representative configuration file of every family (ssh, acct, perm, svc, kernel, net,
# fw, log, audit, agent, pkg, os, secrets)
"$CAPGATE_SRC/tests/faults/family-image.sh" "$img"
log=$scratch/faults.log
before=$(snapshot "$img")

faulty() { # RULES, then capgate arguments
	rules=$1; shift
	rm -f "$log"
	set +e
	LD_PRELOAD=$shim CAPGATE_FAULTS=$rules CAPGATE_FAULTS_LOG=$log "$CAPGATE_BIN" "$@" >"$scratch/out" 2>"$scratch/err"
	rc=$?
	set -e
}
# strip what differs between two runs of the same scan
stable() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); d.pop("started_at"); d.pop("duration_ms")
for c in d["checks"]: c.pop("duration_ms")
print(json.dumps(d, sort_keys=True))' "$1"; }

# every check of the catalog (CAPGATE_FAULTS_STRICT=IDS narrows the sweep of part 1 when
# hunting a failure)
if [ -n "${CAPGATE_FAULTS_STRICT:-}" ]; then sel="--only $CAPGATE_FAULTS_STRICT"; else sel="--profile full"; fi
set +e; "$CAPGATE_BIN" scan --root "$img" --profile full --format json >"$scratch/clean.json"; clean_rc=$?
"$CAPGATE_BIN" scan --root "$img" $sel --format json >/dev/null 2>&1; strict_rc=$?; set -e
[ "$clean_rc" -le 1 ] && ok "the fixture scans cleanly without faults (exit $clean_rc)" || not_ok "clean scan exit $clean_rc"
stable "$scratch/clean.json" >"$scratch/clean.stable"

# 1. the Nth call of each kind fails: every N up to 12, then sparser (a full scan makes
# thousands), over every check of every family.
errs="EIO EACCES EROFS ENOSPC"
injected=0
: >"$scratch/sweep"
for op in open read stat readdir; do
	n=1
	probe_seen=no
	while :; do
		err=$(echo $errs | cut -d' ' -f$(((n - 1) % 4 + 1)))
		faulty "$op:$err:nth=$n" scan --root "$img" $sel --format json
		[ -f "$log" ] || break # fewer than N such calls: done with this kind
		path=$(cut -d' ' -f3- "$log")
		injected=$((injected + 1))
		if [ "$op" = open ] && [ "$path" = "$img/." ] && [ $probe_seen = no ]; then
			# the first open of the root's "." is safefs_init's openat2 probe: capgate falls back
			# to the component-by-component resolver, and the verdict stays the same
			probe_seen=yes
			[ "$rc" = "$strict_rc" ] && ok "$op #$n ($err) on the openat2 probe: fallback resolver, same verdict" ||
				not_ok "$op #$n ($err) on the openat2 probe: exit $rc"
			n=$((n + 1))
			continue
		fi
		case "$path" in
		"$img"|"$img/"|"$img/.")
			# the root itself: nothing can be judged, no report
			[ "$rc" = 3 ] && ok "$op #$n ($err) on the root: exit 3" || not_ok "$op #$n ($err) on the root: exit $rc" ;;
		"$img"/*)
			inside=${path#"$img"}
			# judged below, all at once: exit 3, an error naming the path (or a directory
			# above it, or a link to it), every other check as in the clean scan
			mv "$scratch/out" "$scratch/sweep-$injected.json"
			printf '%s\t%s\t%s\t%s\t\t\n' "$op #$n ($err) on '${inside:-/}': exit 3, named, other checks unchanged" \
				"$scratch/sweep-$injected.json" "${inside:-/}" "$rc" >>"$scratch/sweep" ;;
		*) # the host's own files (/dev/urandom for the hash seed): must not crash
			[ "$rc" -le 3 ] && ok "$op #$n ($err) on host file '$path': exit $rc" ||
				not_ok "$op #$n ($err) on host file '$path': exit $rc" ;;
		esac
		if [ $n -lt 12 ]; then n=$((n + 1)); else n=$((n + 7 + n / 3)); fi
	done
done
JUDGE_ROOT=$img python3 "$CAPGATE_SRC/tests/faults/judge.py" "$scratch/clean.json" --batch <"$scratch/sweep" |
	while IFS= read -r line; do echo "$line"; done >"$scratch/judged"
while IFS= read -r line; do
	case "$line" in "ok - "*) ok "${line#ok - }" ;; *) not_ok "${line#not ok - }" ;; esac
done <"$scratch/judged"
echo "# $injected faults injected into scans"
[ "$injected" -ge 20 ] && ok "$injected distinct fault points exercised" || not_ok "only $injected fault points"

# 2. short reads and EINTR: the same report as without them
for rules in "read:short" "read:EINTR:every=2" "read:short;read:EINTR:every=3"; do
	faulty "$rules" scan --root "$img" --profile full --format json
	stable "$scratch/out" >"$scratch/faulty.stable"
	if [ -s "$log" ] && cmp -s "$scratch/clean.stable" "$scratch/faulty.stable"; then
		ok "reads with '$rules' ($(wc -l <"$log") injected): identical report"
	else
		not_ok "reads with '$rules': report differs or nothing injected (exit $rc)"
		diff "$scratch/clean.stable" "$scratch/faulty.stable" | head -5
	fi
done

# 3. the report file: nothing half-written when fsync or rename fail
out=$scratch/reports
mkdir -p "$out"
for rules in "fsync:EIO" "fsync:ENOSPC" "rename:EROFS" "rename:EACCES"; do
	faulty "$rules" scan --root "$img" --format json --output "$out/report.json"
	left=$(ls -A "$out")
	if [ "$rc" = 3 ] && [ -z "$left" ] && [ -s "$log" ]; then
		ok "report with '$rules': exit 3, nothing left in the output folder"
	else
		not_ok "report with '$rules': exit $rc, left: '$left'"
	fi
	rm -rf "$out" && mkdir -p "$out"
done
# a full file system (stdio writes are not seen by the shim): a 4 KiB tmpfs
small=$scratch/small
mkdir -p "$small"
if mount -t tmpfs -o size=4k,mode=0755 capgate-full "$small" 2>/dev/null; then
	head -c 4096 /dev/zero >"$small/fill" 2>/dev/null || true
	set +e; "$CAPGATE_BIN" scan --root "$img" --format json --output "$small/report.json" >/dev/null 2>"$scratch/err"; rc=$?; set -e
	left=$(ls -A "$small" | grep -v '^fill$' || true)
	if [ "$rc" = 3 ] && [ -z "$left" ] && grep -q 'No space left' "$scratch/err"; then
		ok "report on a full file system: exit 3, '$(head -n1 "$scratch/err")', nothing left"
	else
		not_ok "report on a full file system: exit $rc, left '$left'"
	fi
	umount "$small"
else
	echo "# no tmpfs mount here: full-file-system case skipped"
fi

# 4. every family: EIO and EACCES on the open and on the read of a representative file of each
# family, in a full-profile scan. The family's check that needs the file must be `error` naming
# the file and the errno, the scan exit 3, and every check that is not `error` report exactly
# what the clean scan reported (other checks still run: no silent pass, no false finding).
# FAMILY CHECK FILE:
fam=$img
matrix_runs=0 matrix_files=0
: >"$scratch/matrix"
while read -r family check file; do
	[ -n "$family" ] || continue
	[ -f "$fam$file" ] || { not_ok "$family: fixture lacks $file"; continue; }
	matrix_files=$((matrix_files + 1))
	for err in EIO EACCES; do
		case $err in EIO) why_text="Input/output error" ;; EACCES) why_text="Permission denied" ;; esac
		for op in open read; do
			matrix_runs=$((matrix_runs + 1))
			faulty "$op:$err:path=$fam$file" scan --root "$fam" --profile full --format json
			mv "$scratch/out" "$scratch/matrix-$matrix_runs.json"
			label="$family: $op $err on $file: exit 3, $check error '$why_text' names it, other checks unchanged"
			[ -s "$log" ] || label="$family: $op $err on $file: never injected"
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$scratch/matrix-$matrix_runs.json" "$file" "$rc" "$check" \
				"$why_text" >>"$scratch/matrix"
		done
	done
done <<EOF2
secrets secrets.tokens /etc/cloud/cloud.cfg
gen gen.machine-id /etc/machine-id
ssh ssh.permit-root-login /etc/ssh/sshd_config
acct acct.empty-password /etc/shadow
perm perm.banner-files /etc/issue
svc svc.time-sync /usr/lib/systemd/system/systemd-timesyncd.service
kernel kernel.aslr /etc/sysctl.d/60-image.conf
net net.ip-forwarding /usr/lib/sysctl.d/50-default.conf
fw fw.default-deny /etc/nftables.conf
log log.journald-persistent /etc/systemd/journald.conf
log log.no-remote-listen /etc/rsyslog.conf
audit audit.rules /etc/audit/rules.d/50-image.rules
agent agent.provisioning /usr/lib/systemd/system/walinuxagent.service
pkg pkg.repo-auth /etc/apt/sources.list.d/debian.sources
pkg pkg.dpkg-consistency /var/lib/dpkg/status
os os.release-eol /etc/os-release
EOF2
python3 "$CAPGATE_SRC/tests/faults/judge.py" "$scratch/clean.json" --batch <"$scratch/matrix" >"$scratch/judged"
while IFS= read -r line; do
	case "$line" in "ok - "*" never injected"*) not_ok "${line#ok - }" ;; "ok - "*) ok "${line#ok - }" ;; *) not_ok "${line#not ok - }" ;; esac
done <"$scratch/judged"
echo "# family matrix: $matrix_runs faulty scans, EIO and EACCES on open and read of $matrix_files files"

# the image was never changed by any of it
[ "$(snapshot "$img")" = "$before" ] && ok "image unchanged after $((injected + matrix_runs)) faulty scans" ||
	not_ok "image changed"
finish
