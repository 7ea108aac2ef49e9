#!/bin/sh
# Build capgate and run its main job on a demo image tree with a build's typical leftovers:
# judge it, fix what has a safe fix (with a manifest), and judge it again.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/deps.sh"
"$src/scripts/build.sh" "$src/build"
demo=${CAPGATE_DEMO:-/var/tmp/capgate-demo}
cg="$src/build/capgate"
"$src/tests/fixtures/demo-image.sh" "$demo"
# the demo is judged with no configuration of this host's
export CAPGATE_CONFDIR="$demo.conf"
mkdir -p "$CAPGATE_CONFDIR"
echo "== 1. capgate scan --root $demo   (changes nothing)"
"$cg" scan --root "$demo" && rc=0 || rc=$?
echo "== exit code $rc (0 ready, 1 blocked, 2 usage, 3 error)"
echo
echo "== 2. capgate fix --root $demo --manifest $demo.manifest.json   (plan, apply, scan again)"
"$cg" fix --root "$demo" --manifest "$demo.manifest.json" && rc=0 || rc=$?
echo "== exit code $rc; what was removed or changed, with SHA-256 before, is in $demo.manifest.json"
echo "== what is left needs a decision (guarded fixes, hardening without a safe fix): capgate explain ID"
exit 0
