#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 15 (2, 3): mounts under the root that are not the image. In a private mount namespace
# (unshare -m: nothing shows on the host, nothing outlives the test): a bind mount of a directory
# of the same file system inside a tree fix removes, a tmpfs at /home (as schroot does) and a host
# package cache bound at /var/cache/apt/archives. Without --cross-mounts nothing across them is
# removed, truncated or chmodded, the plan says why, the scan notes them; with it, the fix acts.
# Both resolvers.
if [ -z "${CAPGATE_DOOR_NS:-}" ]; then
	[ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null || { echo "needs root and unshare -m"; exit 77; }
	CAPGATE_DOOR_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$(dirname "$0")/../scenario-lib.sh"
img=$scratch/img
outside=$scratch/outside

mkimg() {
	rm -rf "$img" "$outside"
	mkdir -p "$img/etc" "$img/root" "$img/home" "$img/var/cache/apt/archives/partial" \
		"$img/var/lib/cloud/instances/i-1/bound" "$outside/bound/sub" "$outside/pkgs/partial" "$outside/home"
	printf 'root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000::/home/builder:/bin/bash\n' >"$img/etc/passwd"
	echo state >"$img/var/lib/cloud/instances/i-1/obj.pkl"
	for i in 1 2 3; do echo "keep $i" >"$outside/bound/f$i"; echo "keep $i" >"$outside/bound/sub/g$i"; done
	echo deb >"$outside/pkgs/curl_8.0_amd64.deb"
	echo part >"$outside/pkgs/partial/x.deb"
	mount --bind "$outside/bound" "$img/var/lib/cloud/instances/i-1/bound"
	mount --bind "$outside/pkgs" "$img/var/cache/apt/archives"
	mount -t tmpfs -o mode=0755 capgate-test "$img/home"
	mkdir -p "$img/home/builder"
	echo 'ls -la' >"$img/home/builder/.bash_history"
	chmod 0777 "$img/home/builder"
	chown 1000:1000 "$img/home/builder"
}
unmount() {
	umount "$img/home" "$img/var/cache/apt/archives" "$img/var/lib/cloud/instances/i-1/bound" 2>/dev/null || true
}
state() { # what must not change without --cross-mounts: the outside, and the tmpfs /home
	(cd "$outside" && find . -printf '%p %y %m %s\n' | LC_ALL=C sort)
	(cd "$img/home" && find . -printf '%p %y %m %s\n' | LC_ALL=C sort)
}

for mode in openat2 fallback; do
	nof=0; [ $mode = fallback ] && nof=1
	export CAPGATE_NO_OPENAT2=$nof
	mkimg
	state >"$scratch/before"
	expect 1 "$mode: scan exits 1 (blocked)" -- "$CAPGATE_BIN" scan --root "$img"
	contains "$scratch/err" "note: /home is not the image" "$mode: the scan notes the tmpfs at /home"
	contains "$scratch/err" "note: /var/cache/apt/archives is not the image (a bind mount" "$mode: the scan notes the bound package cache"
	contains "$scratch/err" "note: /var/lib/cloud/instances/i-1/bound is not the image" "$mode: the scan notes the bind of the same file system"
	"$CAPGATE_BIN" fix --root "$img" --dry-run >"$scratch/plan" 2>&1 || true
	contains "$scratch/plan" "skip any   apt-clean            /var/cache/apt/archives (gen.package-caches): on a mount that is not the image" \
		"$mode: the plan skips apt-clean, with the reason"
	contains "$scratch/plan" "skip late  remove-file          /home/builder/.bash_history (gen.shell-history): on a mount" \
		"$mode: the plan skips the history on the tmpfs"
	contains "$scratch/plan" "skip any   fix-perms            /home/builder [&0750] (acct.home-dirs): on a mount" \
		"$mode: the plan skips the chmod on the tmpfs"
	set +e
	"$CAPGATE_BIN" fix --root "$img" --manifest "$scratch/m.json" >"$scratch/out" 2>"$scratch/err"
	rc=$?
	set -e
	state | cmp -s - "$scratch/before" && ok "$mode: fix (exit $rc) left the bind mounts, their sources and the tmpfs alone" ||
		{ not_ok "$mode: fix changed something across a mount"; state | diff "$scratch/before" - | head; }
	[ ! -e "$img/var/lib/cloud/instances" ] || [ -z "$(ls "$img/var/lib/cloud/instances/i-1" | grep -v '^bound$')" ] &&
		ok "$mode: the image's own cloud-init state went around the bind" || not_ok "$mode: cloud state left"
	contains "$scratch/err" "not the image" "$mode: fix says why"
	unmount

	# --cross-mounts: the user says those mounts are the image's; the fix acts across them
	mkimg
	set +e
	"$CAPGATE_BIN" fix --root "$img" --cross-mounts >"$scratch/out" 2>"$scratch/err"
	set -e
	[ ! -e "$img/home/builder/.bash_history" ] && ok "$mode: --cross-mounts: the history on the tmpfs is removed" ||
		not_ok "$mode: --cross-mounts did not remove the history"
	[ ! -e "$outside/pkgs/curl_8.0_amd64.deb" ] && ok "$mode: --cross-mounts: apt-clean acts in the bound cache" ||
		not_ok "$mode: --cross-mounts: apt-clean did not act"
	[ "$(stat -c %a "$img/home/builder")" = 1750 ] || [ "$(stat -c %a "$img/home/builder")" = 750 ] &&
		ok "$mode: --cross-mounts: the home on the tmpfs is chmodded" || not_ok "$mode: home mode $(stat -c %a "$img/home/builder")"
	unmount
done
finish
