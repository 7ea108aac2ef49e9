#!/bin/sh
# packaging/examples parse: the CI files are valid YAML with the steps that publish SARIF and JUnit,
# the Packer template passes `packer validate -syntax-only` (its Packer >= 1.7 `packer {}` block
# removed for Debian's 1.6), and the cloud-init hook is valid sh.
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
	sed '/^packer {/,/^}/d' "$ex/packer/azure-ubuntu.pkr.hcl" >"$work/t.pkr.hcl"
	(cd "$work" && packer validate -syntax-only t.pkr.hcl)
	grep -q 'capgate wait --trigger --remediate' "$ex/packer/azure-ubuntu.pkr.hcl"
fi
# the published reports come from the gate's run, never from a second scan
grep -q 'capgate wait .*--format sarif --output /run/capgate-report/capgate.sarif' "$ex/packer/azure-ubuntu.pkr.hcl"
grep -q 'capgate wait .*--format junit --output /run/capgate-report/capgate.junit.xml' "$ex/packer/azure-ubuntu.pkr.hcl"
! grep -q 'capgate scan' "$ex/packer/azure-ubuntu.pkr.hcl" || { echo "a template publishes a fresh scan"; exit 1; }
grep -q 'capgate-reports/capgate.sarif' "$ex/github-actions.yml"
grep -q 'reportDir)/capgate.junit.xml' "$ex/azure-pipelines.yml"
sh -n "$ex/cloud-init/50-capgate"
[ -x "$ex/cloud-init/50-capgate" ]
echo "examples: ok"
