#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Judge a scan made under fault injection against the clean scan of the same image.
Usage: judge.py CLEAN.json FAULTY.json PATH EXIT [CHECK [REASON]]
Prints nothing when the fault was handled: exit 3, verdict error, an error naming PATH (or a
directory above it, or an entry below it) in CHECK (any check when not given) whose message says REASON (when given:
"Input/output error"), and every check that is not `error`
reported exactly as in the clean scan (no silent pass, no false finding), none missing. With
JUDGE_ROOT set to the image, an error on a symlink that leads to PATH names it too.
Otherwise prints one line saying what went wrong.
judge.py CLEAN.json --batch reads tab-separated lines "LABEL FAULTY.json PATH EXIT CHECK REASON"
from stdin and prints a TAP line per run ("ok - LABEL" or "not ok - LABEL: what went wrong")."""
import json
import os
import sys


def in_image(path):
    """PATH with every symlink resolved inside the image root $JUDGE_ROOT (unset: PATH as is)."""
    root = os.environ.get("JUDGE_ROOT")
    if not root:
        return path
    parts, done, hops = path.strip("/").split("/"), [], 0
    while parts and hops < 40:
        name = parts.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            done = done[:-1]
            continue
        host = os.path.join(root, *done, name)
        if os.path.islink(host):
            hops += 1
            target = os.readlink(host)
            if target.startswith("/"):
                done = []
            parts = target.strip("/").split("/") + parts
        else:
            done.append(name)
    return "/" + "/".join(done)


def related(a, b):
    """A and B are the same path, or one is a directory above the other."""
    a, b = a.rstrip("/") or "/", b.rstrip("/") or "/"
    return a == b or a.startswith(b.rstrip("/") + "/") or b.startswith(a.rstrip("/") + "/")


def names(err_path, path):
    """An error on ERR_PATH speaks of PATH: the same file, a directory above it, an entry below it
    (the directory failed on the way to that entry), or a link to either."""
    return related(err_path, path) or related(in_image(err_path), in_image(path))


def outcome(c):
    return (c["status"], sorted((f["path"], f.get("line") or 0, f.get("rule") or "", f["message"]) for f in c.get("findings", [])))


def judge(clean_path, out_path, path, rc, want=None, reason=None):
    try:
        clean = {c["id"]: c for c in json.load(open(clean_path))["checks"]}
        d = json.load(open(out_path))
    except (OSError, ValueError, KeyError) as e:
        return f"exit {rc}, no report ({e})"
    named = [c["id"] for c in d["checks"] if (want is None or c["id"] == want) and c["status"] == "error"
             and any(names(e["path"], path) and (not reason or reason in e["message"]) for e in c.get("errors", []))]
    changed = [c["id"] for c in d["checks"]
               if c["status"] != "error" and c["id"] in clean and outcome(c) != outcome(clean[c["id"]])]
    missing = sorted(set(clean) - {c["id"] for c in d["checks"]})
    problems = []
    if missing:
        problems.append(f"checks missing from the report: {', '.join(missing)}")
    if rc != 3:
        problems.append(f"exit {rc}")
    if d.get("verdict") != "error":
        problems.append(f"verdict {d.get('verdict')}")
    if not named:
        others = sorted({e["path"] for c in d["checks"] for e in c.get("errors", [])})
        problems.append(f"{want or 'no check'} has no error naming it{' with ' + repr(reason) if reason else ''} "
                        f"(errors on {others[:3]})")
    if changed:
        problems.append(f"silently changed: {', '.join(changed)}")
    return "; ".join(problems) + (f" [error in: {', '.join(named)}]" if named and problems else "")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[2] == "--batch":
        for line in sys.stdin:
            label, out, path, rc, check, reason = line.rstrip("\n").split("\t")
            why = judge(sys.argv[1], out, path, int(rc), check or None, reason or None)
            print(f"not ok - {label}: {why}" if why else f"ok - {label}")
        sys.exit()
    a = sys.argv[1:] + [None, None]
    print(judge(a[0], a[1], a[2], int(a[3]), a[4], a[5]), end="")
