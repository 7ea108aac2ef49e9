#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SARIF and JUnit reports of a scan with leftovers: SARIF validates against the official 2.1.0
# schema (ajv + ajv-formats), JUnit parses (xml.etree) and matches the JSON report check by check;
# then the same for the whole catalog on the cached Debian 12 tree.
set -eu
: "${CAPGATE_BIN:?}" "${CAPGATE_SRC:?}"
command -v node >/dev/null || { echo "node is missing"; exit 77; }
modules=$("$CAPGATE_SRC/tests/formats/install-ajv.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
img="$work/img"
mkdir -p "$img/etc" "$img/root" "$img/home/builder" "$img/tmp" "$img/var/tmp"
printf 'root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000::/home/builder:/bin/bash\n' > "$img/etc/passwd"
printf 'root:x:0:\nbuilder:x:1000:\n' > "$img/etc/group"
echo 0123456789abcdef0123456789abcdef > "$img/etc/machine-id"
printf 'export TOKEN=abc\nls\n' > "$img/home/builder/.bash_history"
# names that need escaping: spaces, XML markup, a control byte, a byte that is not UTF-8
touch "$img/tmp/packer script <&>.sh" "$img/tmp/$(printf 'ctl\001x\377y')" "$img/var/tmp/é-ünïcode"

for fmt in json sarif junit; do
	set +e
	# the generalization family: its findings on this tree are known, and it has no error
	"$CAPGATE_BIN" scan --root "$img" --only 'gen.*' --format "$fmt" --output "$work/report.$fmt"
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || { echo "scan --format $fmt: exit $rc, expected 1 (blocked)"; exit 1; }
done
NODE_PATH="$modules" node "$CAPGATE_SRC/tests/formats/validate.js" "$work/report.sarif"
python3 "$CAPGATE_SRC/tests/formats/check_junit.py" "$work/report.junit" "$work/report.json"

# SARIF content: one rule per check run, a result per finding at its path inside the image
python3 - "$work/report.sarif" "$work/report.json" <<'PY'
import json, sys, urllib.parse
sarif, rep = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
run = sarif["runs"][0]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert rules == [c["id"] for c in rep["checks"]], rules
want = sorted((c["id"], f["path"]) for c in rep["checks"] if c["status"] == "fail" for f in c["findings"])
got = []
for res in run["results"]:
    assert rules[res["ruleIndex"]] == res["ruleId"]
    loc = res["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc["uriBaseId"] == "IMAGEROOT" and not loc["uri"].startswith("/")
    path = "/" + urllib.parse.unquote(loc["uri"], errors="backslashreplace")
    got.append((res["ruleId"], path))
    sev = next(c["severity"] for c in rep["checks"] if c["id"] == res["ruleId"])
    rank = ["info", "low", "medium", "high", "critical"].index
    want_level = "error" if rank(sev) >= rank(rep["fail_on"]) else "warning" if rank(sev) >= rank("medium") else "note"
    assert res["level"] == want_level, (res, sev, rep["fail_on"])
# the JSON escapes undecodable bytes as \xNN; compare the decodable paths exactly
def norm(p): return p.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
got = sorted((i, norm(p)) for i, p in got)
assert [g for g in got if "\\x" not in g[1]] == [w for w in want if "\\x" not in w[1]], (got, want)
assert len(got) == len(want), (len(got), len(want))
assert "/etc/machine-id" in [p for _, p in got]
assert "/tmp/packer script <&>.sh" in [p for _, p in got]
assert run["properties"]["verdict"] == "blocked"
print(f"sarif: {len(rules)} rules, {len(got)} results match the JSON report")
PY

# a usage error names the formats
set +e
"$CAPGATE_BIN" scan --root "$img" --format xml 2>"$work/err"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "expected text, json, sarif or junit" "$work/err" || { cat "$work/err"; exit 1; }
echo "report formats: ok"

# every check of the catalog on a stock Debian 12 tree: still valid SARIF, still consistent JUnit
rootfs=$("$CAPGATE_SRC/tests/fixtures/rootfs.sh")
for fmt in json sarif junit; do
	"$CAPGATE_BIN" scan --root "$rootfs" --profile full --format "$fmt" --output "$work/full.$fmt" || [ $? -le 1 ]
done
NODE_PATH="$modules" node "$CAPGATE_SRC/tests/formats/validate.js" "$work/full.sarif"
python3 "$CAPGATE_SRC/tests/formats/check_junit.py" "$work/full.junit" "$work/full.json"
echo "report formats (full catalog): ok"
