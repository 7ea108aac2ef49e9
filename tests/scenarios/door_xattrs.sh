#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 15 (5): every atomic rewrite keeps the file's extended attributes: a security.selinux
# label, a POSIX ACL (system.posix_acl_access) and user.* on /etc/shadow (lock root), a sudoers.d
# file (sudoers edit), an existing sshd drop-in (drop-in rewrite) and /etc/machine-id (reset). The
# image is a tmpfs (it takes all three kinds without SELinux loaded) in a private mount namespace.
# Both resolvers.
if [ -z "${CAPGATE_DOOR_NS:-}" ]; then
	[ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null || { echo "needs root and unshare -m"; exit 77; }
	CAPGATE_DOOR_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$(dirname "$0")/../scenario-lib.sh"
command -v setfattr >/dev/null && command -v setfacl >/dev/null || { echo "no setfattr/setfacl (attr, acl)"; exit 77; }
img=$scratch/img
files="etc/shadow etc/sudoers.d/90-cloud-init-users etc/ssh/sshd_config.d/00-capgate.conf etc/machine-id"
label() { case $1 in etc/shadow) echo system_u:object_r:shadow_t:s0 ;; *) echo system_u:object_r:etc_t:s0 ;; esac; }
xattrs() { (cd "$img" && for f in $files; do getfattr -h -d -m - -e hex "$f"; done) 2>&1; }

for mode in openat2 fallback; do
	[ $mode = fallback ] && export CAPGATE_NO_OPENAT2=1 || export CAPGATE_NO_OPENAT2=0
	mkdir -p "$img"
	mount -t tmpfs -o mode=0755 capgate-xattr "$img"
	"$CAPGATE_SRC/tests/fixtures/fixable.sh" "$img" >/dev/null
	printf 'root:$6$salt$hash:19000:0:99999:7:::\nbuilder:!:19000:0:99999:7:::\n' >"$img/etc/shadow"
	chmod 0640 "$img/etc/shadow"
	mkdir -p "$img/usr/lib/systemd" && : >"$img/usr/lib/systemd/systemd" # machine-id is emptied, not removed
	printf '# an older capgate drop-in\nX11Forwarding no\n' >"$img/etc/ssh/sshd_config.d/00-capgate.conf"
	chmod 0600 "$img/etc/ssh/sshd_config.d/00-capgate.conf"
	for f in $files; do
		[ -f "$img/$f" ] || { not_ok "fixture lacks $f"; continue; }
		setfattr -n security.selinux -v "$(label "$f")" "$img/$f"
		setfattr -n user.origin -v "build-42" "$img/$f"
		setfacl -m u:nobody:r,g:adm:r "$img/$f"
	done
	xattrs >"$scratch/before"
	for f in $files; do stat -c "%n %i" "$img/$f"; done >"$scratch/inodes.before"
	set +e
	"$CAPGATE_BIN" fix --root "$img" >"$scratch/out" 2>"$scratch/err"
	set -e
	# every file was really rewritten (a new inode), and carries the same attributes
	for f in $files; do
		if [ "$(stat -c "%n %i" "$img/$f")" = "$(grep "^$img/$f " "$scratch/inodes.before")" ]; then
			not_ok "$mode: $f was not rewritten"; sed -n '/^  done\|^  failed/p' "$scratch/out" | head -20
		else ok "$mode: $f rewritten"; fi
	done
	grep -q '^root:\*:' "$img/etc/shadow" && ok "$mode: root is locked" || not_ok "$mode: root not locked"
	xattrs | cmp -s - "$scratch/before" && ok "$mode: SELinux labels, ACLs and user.* kept on every rewrite" ||
		{ not_ok "$mode: extended attributes lost"; xattrs | diff "$scratch/before" - | head -20; }
	getfacl -p "$img/etc/shadow" 2>/dev/null | grep -q '^user:nobody:r--' && ok "$mode: /etc/shadow's ACL entry is there" ||
		not_ok "$mode: /etc/shadow lost its ACL"
	[ "$(stat -c %a "$img/etc/shadow")" = 640 ] && ok "$mode: /etc/shadow mode 0640 kept" || not_ok "$mode: shadow mode $(stat -c %a "$img/etc/shadow")"
	# a label that cannot be set (fsetxattr fails: tests/faults) fails the rewrite, with the reason;
	# the file stays as it was, never rewritten without its label
	shim=$(dirname "$CAPGATE_BIN")/tests/faults/libcapgate_faults.so
	if [ -f "$shim" ]; then
		printf 'root:$6$salt$hash:19000:0:99999:7:::\n' >"$img/etc/shadow"
		setfattr -n security.selinux -v "$(label etc/shadow)" "$img/etc/shadow"
		ino=$(stat -c %i "$img/etc/shadow")
		set +e
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD=$shim \
			CAPGATE_FAULTS="xattr:EOPNOTSUPP:path=$img/etc/*" "$CAPGATE_BIN" fix --root "$img" --only gen.root-password \
			>"$scratch/out" 2>"$scratch/err"
		rc=$?
		set -e
		[ "$rc" = 3 ] && ok "$mode: a label that cannot be kept fails the fix (exit 3)" || not_ok "$mode: exit $rc"
		contains "$scratch/out" "could not be kept on the new file: not rewritten" "$mode: the reason is said"
		[ "$(stat -c %i "$img/etc/shadow")" = "$ino" ] && grep -q '^root:\$6\$' "$img/etc/shadow" &&
			[ -z "$(ls -a "$img/etc" | grep capgate-tmp)" ] && ok "$mode: /etc/shadow untouched, no temp file left" ||
			not_ok "$mode: /etc/shadow was rewritten without its label"
	fi
	umount "$img"
	rmdir "$img"
done
finish
