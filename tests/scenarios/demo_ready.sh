#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scripts/demo.sh as a newcomer sees it: the first tree is blocked, `fix` makes it ready and a
# second scan agrees; the fully planted tree stays blocked with what needs a decision. The demo
# refuses a folder outside /tmp.
. "$(dirname "$0")/../scenario-lib.sh"
demo=$(mktemp -d /tmp/capgate-demo-test.XXXXXX)
trap 'rm -rf --one-file-system "$scratch" "$demo"' EXIT
CAPGATE_DEMO_NO_BUILD=1 CAPGATE_DEMO=$demo expect 0 "demo.sh runs" -- sh "$CAPGATE_SRC/scripts/demo.sh"
grep -E '^== exit code|^(ready|blocked):' "$scratch/out" >"$scratch/seq"
python3 - "$scratch/seq" <<'PY' && ok "the demo shows blocked, then ready after fix, ready again, then blocked for the full tree" || { not_ok "demo sequence"; sed 's/^/    /' "$scratch/seq"; }
import sys
lines = [l.strip() for l in open(sys.argv[1])]
verdicts = [l.split(":")[0] for l in lines if not l.startswith("==")]
codes = [l.split()[3].rstrip(";") for l in lines if l.startswith("== exit code")]
assert verdicts == ["blocked", "ready", "ready", "blocked"], verdicts
assert codes == ["1", "0", "0", "1"], codes
PY
[ -s "$demo/ready.manifest.json" ] && ok "the fix wrote its manifest under the demo folder" || not_ok "no manifest"
CAPGATE_DEMO_NO_BUILD=1 CAPGATE_DEMO=/var/tmp/capgate-demo expect 2 "the demo refuses a folder outside /tmp" -- sh "$CAPGATE_SRC/scripts/demo.sh"
finish
