#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build capgate and run its main job on demo image trees under /tmp (never this host's /):
#  1. a build that only left things capgate can fix: `scan` says blocked, `fix` removes and resets
#     them (with a manifest) and ends ready; `scan` then agrees;
#  2. a build with everything planted (credentials, weak SSH, build users): fix does what is safe
#     and says what needs a decision.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
if [ "${CAPGATE_DEMO_NO_BUILD:-}" != 1 ]; then
	"$src/scripts/deps.sh"
	"$src/scripts/build.sh" "$src/build"
fi
cg=${CAPGATE_BIN:-$src/build/capgate}
base=${CAPGATE_DEMO:-/tmp/capgate-demo}
case "$base" in /tmp/?*) ;; *) echo "demo.sh: CAPGATE_DEMO must be a folder under /tmp, not '$base'" >&2; exit 2 ;; esac
mkdir -p "$base"
# the demo is judged with no configuration of this host's
export CAPGATE_CONFDIR="$base/conf"
mkdir -p "$CAPGATE_CONFDIR"

# 1. a tree that can be made ready: root only, and a build's leftovers that all have a safe fix
ready=$base/ready
rm -rf --one-file-system "$ready"
mkdir -p "$ready/etc" "$ready/root" "$ready/tmp" "$ready/var/tmp" "$ready/var/lib/cloud/instance"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$ready/etc/passwd"
printf 'root:*:19000:0:99999:7:::\n' >"$ready/etc/shadow"
printf 'root:x:0:\n' >"$ready/etc/group"
chmod 640 "$ready/etc/shadow"
printf 'ENCRYPT_METHOD YESCRYPT\n' >"$ready/etc/login.defs"
echo 0123456789abcdef0123456789abcdef >"$ready/etc/machine-id"
printf 'apt-get install -y nginx\n' >"$ready/root/.bash_history"
printf 'echo provisioning\n' >"$ready/tmp/packer-provision.sh"
echo '{}' >"$ready/var/lib/cloud/instance/obj.pkl"

echo "== 1. capgate scan --root $ready   (changes nothing)"
"$cg" scan --root "$ready" && rc=0 || rc=$?
echo "== exit code $rc (0 ready, 1 blocked, 2 usage, 3 error)"
echo
echo "== 2. capgate fix --root $ready --manifest $ready.manifest.json   (plan, apply, scan again)"
"$cg" fix --root "$ready" --manifest "$ready.manifest.json" && rc=0 || rc=$?
echo "== exit code $rc; what was removed or changed, with SHA-256 before, is in $ready.manifest.json"
echo
echo "== 3. capgate scan --root $ready   (the gate agrees)"
"$cg" scan --root "$ready" && rc=0 || rc=$?
echo "== exit code $rc"
echo

# 2. a build with everything planted: what fix may not decide stays, with its reason
demo=$base/full
"$src/tests/fixtures/demo-image.sh" "$demo"
echo "== 4. capgate fix --root $demo   (credentials, weak SSH, build users planted)"
"$cg" fix --root "$demo" --manifest "$demo.manifest.json" && rc=0 || rc=$?
echo "== exit code $rc; what is left needs a decision: 'capgate checks' says which checks fix,"
echo "== which are guarded (remediate.allow or --force), refused or report-only; capgate explain ID"
exit 0
