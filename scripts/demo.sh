#!/bin/sh
# Build capgate and run its main job on a demo image tree with a build's typical leftovers.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/deps.sh"
"$src/scripts/build.sh" "$src/build"
demo=${CAPGATE_DEMO:-/var/tmp/capgate-demo}
"$src/tests/fixtures/demo-image.sh" "$demo"
echo "== capgate scan --root $demo"
set +e
"$src/build/capgate" scan --root "$demo"
rc=$?
echo "== exit code $rc (0 ready, 1 blocked, 2 usage, 3 error); JSON: capgate scan --root $demo --format json"
exit 0
