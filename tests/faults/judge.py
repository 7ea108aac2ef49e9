#!/usr/bin/env python3
"""Judge a scan made under fault injection against the clean scan of the same image.
Usage: judge.py CLEAN.json FAULTY.json PATH EXIT [--quiet]
Prints nothing when the fault was handled: exit 3, verdict error, an error naming PATH (or a
directory above it), and every check that is not `error` reported exactly as in the clean scan
(no silent pass, no false finding). Otherwise prints one line saying what went wrong."""
import json
import sys


def outcome(c):
    return (c["status"], sorted((f["path"], f.get("line") or 0, f.get("rule") or "", f["message"]) for f in c.get("findings", [])))


def judge(clean_path, out_path, path, rc):
    try:
        clean = {c["id"]: c for c in json.load(open(clean_path))["checks"]}
        d = json.load(open(out_path))
    except (OSError, ValueError, KeyError) as e:
        return f"exit {rc}, no report ({e})"
    named = [c["id"] for c in d["checks"]
             if any(e["path"] == path or path.startswith(e["path"].rstrip("/") + "/") for e in c.get("errors", []))]
    changed = [c["id"] for c in d["checks"]
               if c["status"] != "error" and c["id"] in clean and outcome(c) != outcome(clean[c["id"]])]
    problems = []
    if rc != 3:
        problems.append(f"exit {rc}")
    if d.get("verdict") != "error":
        problems.append(f"verdict {d.get('verdict')}")
    if not named:
        others = sorted({e["path"] for c in d["checks"] for e in c.get("errors", [])})
        problems.append(f"no error names it (errors on {others[:3]})")
    if changed:
        problems.append(f"silently changed: {', '.join(changed)}")
    return "; ".join(problems) + (f" [error in: {', '.join(named)}]" if named and problems else "")


if __name__ == "__main__":
    print(judge(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])), end="")
