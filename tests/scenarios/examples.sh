#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# packaging/examples parse: the CI files are valid YAML with the steps that publish SARIF and JUnit,
# the Packer template passes `packer validate` (its Packer >= 1.7 sections removed for Debian's
# 1.6), and the cloud-init hook is valid sh.
set -eu
: "${CAPGATE_SRC:?}"
ex="$CAPGATE_SRC/packaging/examples"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$ex" <<'PY'
import sys
try:
    import yaml
except ImportError:
    print("no PyYAML: the CI files are not parsed"); sys.exit(0)
ex = sys.argv[1]
gh = yaml.safe_load(open(f"{ex}/github-actions.yml"))
steps = gh["jobs"]["image"]["steps"]
uses = [s.get("uses", "") for s in steps]
assert any(u.startswith("github/codeql-action/upload-sarif") for u in uses), uses
assert gh["permissions"]["security-events"] == "write"
az = yaml.safe_load(open(f"{ex}/azure-pipelines.yml"))
tasks = {s.get("task"): s for s in az["steps"] if "task" in s}
assert tasks["PublishTestResults@2"]["inputs"]["testResultsFormat"] == "JUnit"
assert tasks["PublishTestResults@2"]["condition"] == "always()"
assert tasks["PublishBuildArtifacts@1"]["inputs"]["ArtifactName"] == "CodeAnalysisLogs"
print("examples: CI files parse and publish SARIF and JUnit")
PY
if command -v packer >/dev/null; then
	# full validation (not -syntax-only), without the sections Packer 1.6 cannot parse; every
	# shipped template is validated and its capgate flow compared in packer_gate.sh too
	"$CAPGATE_SRC/tests/packer/template.sh" packer16 "$ex/packer/azure-ubuntu.pkr.hcl" >"$work/t.pkr.hcl"
	: >"$work/capgate.deb"
	(cd "$work" && CHECKPOINT_DISABLE=1 HOME="$work" packer validate -var subscription_id=00000000-0000-0000-0000-000000000000 \
		-var resource_group=rg -var capgate_deb="$work/capgate.deb" t.pkr.hcl)
	grep -q 'capgate wait --trigger --remediate' "$ex/packer/azure-ubuntu.pkr.hcl"
fi
# reports come from the gate's run, never from a second scan (the flow's gate line writes none yet:
# downloading them from a blocked build needs a step after the failing gate; see docs/packer.md)
! grep -q 'capgate scan' "$ex/packer/azure-ubuntu.pkr.hcl" || { echo "a template publishes a fresh scan"; exit 1; }
grep -q 'capgate-reports/capgate.sarif' "$ex/github-actions.yml"
grep -q 'reportDir)/capgate.junit.xml' "$ex/azure-pipelines.yml"
sh -n "$ex/cloud-init/50-capgate"
[ -x "$ex/cloud-init/50-capgate" ]
echo "examples: ok"
