#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The text report people read: findings that share a reason are printed once, as a heading with the
# paths below it; a progress line on stderr only on a terminal (script(1) gives the scan a pty) and
# only past the delay (CAPGATE_PROGRESS_AFTER_MS, 1000 by default), erased when the scan ends.
. "$(dirname "$0")/../scenario-lib.sh"
command -v script >/dev/null || { echo "script (bsdutils) is missing"; exit 77; }
cg=$CAPGATE_BIN
export CAPGATE_CONFDIR="$scratch/noconf"
img="$scratch/img"
mkdir -p "$img/etc/ssh" "$img/tmp"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$img/etc/passwd"
for t in rsa ecdsa ed25519; do echo key >"$img/etc/ssh/ssh_host_${t}_key"; done
: >"$img/tmp/one-leftover"

expect 1 "scan of three host keys: blocked" -- "$cg" scan --root "$img" --only gen.ssh-host-keys,gen.tmp-files
reason=$(grep -c 'nothing regenerates keys at first boot' "$scratch/out" || true)
[ "$reason" = 1 ] && ok "the shared reason is printed once" || not_ok "the shared reason is printed $reason times"
contains "$scratch/out" "(3 paths):" "the heading counts the paths"
for t in rsa ecdsa ed25519; do
	grep -qx "      /etc/ssh/ssh_host_${t}_key" "$scratch/out" && ok "$t key listed under the heading" || not_ok "$t key listed under the heading"
done
grep -q '^    /tmp/one-leftover: build leftover' "$scratch/out" && ok "a reason of its own stays on the path's line" || not_ok "a single finding keeps its line"

# no terminal: never a progress line, whatever the delay
CAPGATE_PROGRESS_AFTER_MS=0 "$cg" scan --root "$img" --only 'gen.*' >/dev/null 2>"$scratch/err" || true
grep -q 'scanning' "$scratch/err" && not_ok "progress written to a pipe" || ok "no progress line on a pipe"
# a terminal, delay passed (0): drawn on stderr, then erased; the report is whole
script -qec "NO_COLOR=1 CAPGATE_PROGRESS_AFTER_MS=0 '$cg' scan --root '$img' --only 'gen.*'" /dev/null >"$scratch/tty" 2>&1 || true
grep -q 'capgate: scanning: [0-9]*/15 checks' "$scratch/tty" && ok "progress on a terminal: checks done of the scan's total" || { not_ok "no progress line on a terminal"; cat -v "$scratch/tty" | head -5; }
python3 - "$scratch/tty" <<'PY' && ok "the progress line is erased before the report" || not_ok "the progress line is not erased"
import sys
t = open(sys.argv[1], "rb").read()
last = t.rfind(b"capgate: scanning:")
assert last >= 0 and t.find(b"\r\x1b[K", last) > last, t[:200]
assert b"blocked: 15 checks" in t
PY
# a terminal, the scan shorter than the delay: nothing drawn
script -qec "NO_COLOR=1 CAPGATE_PROGRESS_AFTER_MS=600000 '$cg' scan --root '$img' --only 'gen.*'" /dev/null >"$scratch/tty2" 2>&1 || true
grep -q 'scanning' "$scratch/tty2" && not_ok "progress drawn before the delay" || ok "no progress before the delay"
grep -q 'blocked: 15 checks' "$scratch/tty2" && ok "the report on the terminal" || not_ok "the report on the terminal"
finish
