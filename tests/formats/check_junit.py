#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Parse a capgate JUnit report with a real XML parser and assert its structure against the JSON
report of the same scan: one testcase per check, a <failure> for each blocking check listing every
finding's path, <skipped>/<error> where the JSON says so, and counts that add up."""
import json
import re
import sys
import xml.etree.ElementTree as ET


def main(junit_path, json_path):
    root = ET.parse(junit_path).getroot()
    rep = json.load(open(json_path, encoding="utf-8"))
    order = ["info", "low", "medium", "high", "critical"]
    fail_on = order.index(rep["fail_on"])
    assert root.tag == "testsuites", root.tag
    cases = {}
    action_errors = 0
    failed_actions = [a for a in rep.get("actions", []) if a.get("result") == "failed"]
    for suite in root.findall("testsuite"):
        n = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for tc in suite.findall("testcase"):
            n["tests"] += 1
            n["errors"] += len(tc.findall("error"))
            if suite.get("name") == "capgate.actions":
                # a failed fix: an <error> testcase of its own
                assert tc.find("error") is not None, tc.get("name")
                action_errors += 1
                continue
            # the testcase name is the check id, exactly (stable); the title is a property
            check_id = tc.get("name")
            assert check_id not in cases, f"check {check_id} twice"
            assert tc.get("classname") == suite.get("name"), tc.get("classname")
            props = {p.get("name"): p.get("value") for p in tc.findall("properties/property")}
            cases[check_id] = tc
            c = next((c for c in rep["checks"] if c["id"] == check_id), None)
            assert c is not None, f"testcase {check_id!r} is no check of the report"
            assert props.get("title") == c["title"], (check_id, props)
            assert props.get("severity") == c["severity"], (check_id, props)
            assert props.get("fix") in ("fix", "guarded", "refused", "report-only"), (check_id, props)
            n["failures"] += len(tc.findall("failure"))
            n["skipped"] += len(tc.findall("skipped"))
        for k, v in n.items():
            assert int(suite.get(k)) == v, f"suite {suite.get('name')}: {k}={suite.get(k)}, counted {v}"
    assert set(cases) == {c["id"] for c in rep["checks"]}, "testcases differ from the checks run"
    assert action_errors == len(failed_actions), (action_errors, len(failed_actions))
    assert int(root.get("tests")) == len(rep["checks"]) + len(failed_actions)
    failures = 0
    for c in rep["checks"]:
        tc = cases[c["id"]]
        blocking = bool(c["status"] in ("fail", "error") and c["findings"] and order.index(c["severity"]) >= fail_on)
        fail = tc.find("failure")
        assert (fail is not None) == bool(blocking), f"{c['id']}: failure element {fail is not None}, blocking {blocking}"
        text = (fail.text if fail is not None else (tc.findtext("system-out") or ""))
        for f in c["findings"]:
            # the JSON escapes undecodable bytes as \xNN; the XML also writes control bytes that way
            path = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: "\\x%02x" % ord(m.group()), f["path"])
            assert path in text, f"{c['id']}: finding {f['path']!r} not in the testcase text"
        failures += blocking
        assert (tc.find("skipped") is not None) == (c["status"] == "skip"), c["id"]
        assert (tc.find("error") is not None) == (c["status"] == "error"), c["id"]
    assert int(root.get("failures")) == failures
    blocked = rep["verdict"] == "blocked"
    assert (failures > 0) == blocked or rep["verdict"] == "error", "failures disagree with the verdict"
    errors = int(root.get("errors"))
    assert (errors > 0) == (rep["verdict"] == "error"), f"{errors} errors, verdict {rep['verdict']}"
    print(f"{junit_path}: JUnit parsed, {len(cases)} testcases, {failures} failures, verdict {rep['verdict']}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
