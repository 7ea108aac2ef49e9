#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Where does capgate drop an I/O error? Fail the Nth open/stat/readdir/read of a scan, one N at a
# time, over every check, and list the call sites (from the stack at the fault) of the faults
# that did not end in exit 3. Not a gate: a work list. Usage: tests/faults/audit.sh [BUILD_DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
bin=$build/capgate
shim=$build/tests/faults/libcapgate_faults.so
work=$(mktemp -d "${TMPDIR:-/var/tmp}/capgate-audit.XXXXXX")
trap 'rm -rf "$work"' EXIT
img=$work/img
mkdir -p "$img/etc" "$img/tmp/junk" "$img/root" "$img/home/builder" "$img/var/lib/dbus" "$img/var/tmp"
echo 0123456789abcdef0123456789abcdef >"$img/etc/machine-id"
printf 'root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000::/home/builder:/bin/bash\n' >"$img/etc/passwd"
printf 'root:*:19000:0:99999:7:::\nbuilder:!:19000:0:99999:7:::\n' >"$img/etc/shadow"
printf 'root:x:0:\nbuilder:x:1000:\n' >"$img/etc/group"
printf 'root:*::\nbuilder:!::\n' >"$img/etc/gshadow"
echo ls >"$img/home/builder/.bash_history"
echo x >"$img/tmp/junk/a"
points=0 dropped=0
for op in open stat readdir read; do
	n=1
	while :; do
		rm -f "$work/log"
		set +e
		LD_PRELOAD=$shim CAPGATE_FAULTS="$op:EIO:nth=$n" CAPGATE_FAULTS_LOG=$work/log CAPGATE_FAULTS_BT=1 \
			"$bin" scan --root "$img" >/dev/null 2>"$work/bt"
		rc=$?
		set -e
		[ -f "$work/log" ] || break
		points=$((points + 1))
		case "$(cut -d' ' -f3- "$work/log")" in "$img"*) ;; *) n=$((n + 1)); continue ;; esac
		if [ "$rc" != 3 ]; then
			dropped=$((dropped + 1))
			# the first frame outside safefs/imgdir/imgfile helpers is the caller that dropped it
			site=$(grep -oE 'capgate\(\+0x[0-9a-f]+\)' "$work/bt" | sed 's/capgate(+//; s/)//' |
				xargs -r addr2line -f -e "$bin" | paste - - | sed "s|$src/||" |
				grep -vE '^(safefs_|imgdir_|imgfile_|resolve|walk_|\?\?)' | head -n1 | awk '{print $2 " " $1}')
			echo "$op $site" >>"$work/sites"
		fi
		n=$((n + 1))
	done
done
echo "fault points: $points, dropped (exit != 3): $dropped"
[ -f "$work/sites" ] && sort "$work/sites" | uniq -c | sort -rn
exit 0
