#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The reports one gate run wrote agree with its exit code: ready <-> 0, blocked <-> 1, error <-> 3.
Usage: check_agree.py RC REPORT.json REPORT.sarif REPORT.junit
JSON: the verdict. SARIF: the run's verdict property, executionSuccessful false only on error, and
a blocked run has a result at or above fail_on. JUnit: no <failure> and no <error> when ready, a
<failure> when blocked, an <error> when error (what Azure DevOps' failTaskOnFailedTests reads)."""
import json
import sys
import xml.etree.ElementTree as ET

VERDICT = {0: "ready", 1: "blocked", 3: "error"}
ORDER = ["info", "low", "medium", "high", "critical"]


def main(rc, json_path, sarif_path, junit_path):
    rc = int(rc)
    assert rc in VERDICT, f"exit {rc} is not a gate answer"
    want = VERDICT[rc]
    rep = json.load(open(json_path, encoding="utf-8"))
    assert rep["verdict"] == want, f"JSON verdict {rep['verdict']}, exit {rc}"

    sarif = json.load(open(sarif_path, encoding="utf-8"))
    run = sarif["runs"][0]
    assert run["properties"]["verdict"] == want, f"SARIF verdict {run['properties']['verdict']}, exit {rc}"
    assert run["invocations"][0]["executionSuccessful"] == (rc != 3), run["invocations"]
    fail_on = ORDER.index(rep["fail_on"])
    sev = {c["id"]: ORDER.index(c["severity"]) for c in rep["checks"]}
    status = {c["id"]: c["status"] for c in rep["checks"]}
    blocking = [r for r in run["results"] if sev[r["ruleId"]] >= fail_on and status[r["ruleId"]] == "fail"]
    assert bool(blocking) == (rc == 1) or rc == 3, f"{len(blocking)} blocking SARIF results, exit {rc}"

    root = ET.parse(junit_path).getroot()
    failures, errors = int(root.get("failures")), int(root.get("errors"))
    assert failures == len(root.findall(".//testcase/failure")), "JUnit failures count"
    assert errors == len(root.findall(".//testcase/error")), "JUnit errors count"
    if rc == 0:
        assert failures == 0 and errors == 0, f"ready, but JUnit has {failures} failures, {errors} errors"
    elif rc == 1:
        assert failures > 0 and errors == 0, f"blocked, but JUnit has {failures} failures, {errors} errors"
    else:
        assert errors > 0, f"error, but JUnit has no <error>"
    for suite in root.findall("testsuite"):
        props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
        assert props.get("verdict", want) == want, (suite.get("name"), props)
    print(f"exit {rc}: JSON, SARIF and JUnit say {want} ({failures} failures, {errors} errors)")


if __name__ == "__main__":
    main(*sys.argv[1:5])
