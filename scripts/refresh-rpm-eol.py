#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Refresh checks/data/rpm-eol.csv from a checkout of the endoflife.date project (the products/*.md
front matter of the RPM-family distributions), then re-embed it with scripts/gen-distroinfo.sh.

    scripts/refresh-rpm-eol.py PATH-TO-endoflife.date-CHECKOUT [COMMIT-OR-DATE]

Columns: id (os-release ID), cycle (the release as os-release's VERSION_ID names it, or its major),
eol (end of the vendor's maintenance), eol_ext (end of paid extended support, empty when none).
The front matter is read with a small reader of its own (no YAML module needed): it takes the
`releases:` list of flat `key: value` maps."""
import os
import re
import subprocess
import sys

# endoflife.date product -> os-release ID(s); Azure Linux 1.0 and 2.0 say ID=mariner
PRODUCTS = [
    ("rhel", lambda cycle: ["rhel"]),
    ("almalinux", lambda cycle: ["almalinux"]),
    ("rocky-linux", lambda cycle: ["rocky"]),
    ("oracle-linux", lambda cycle: ["ol"]),
    ("centos", lambda cycle: ["centos"]),
    ("sles", lambda cycle: ["sles", "sles_sap"]),
    ("opensuse", lambda cycle: ["opensuse-leap"] if re.match(r"^(15|16)\.", cycle) else []),
    ("azure-linux", lambda cycle: ["mariner"] if cycle.split(".")[0] in ("1", "2") else ["azurelinux"]),
]


def releases(text, name):
    m = re.search(r"^---\n(.*?)\n---", text, re.S | re.M)
    if not m:
        sys.exit(f"{name}: no front matter")
    out, cur, inside = [], None, False
    for n, line in enumerate(m.group(1).splitlines(), 2):
        if re.match(r"^releases:\s*$", line):
            inside = True
            continue
        if not inside:
            continue
        if line and not line[0].isspace() and not line.startswith("-"):
            break  # the next top-level key
        item = re.match(r"^\s*-\s+(\w+):\s*(.*)$", line)
        kv = item or re.match(r"^\s+(\w+):\s*(.*)$", line)
        if item:
            cur = {}
            out.append(cur)
        if kv and cur is not None:
            cur[kv.group(1)] = kv.group(2).strip().strip('"').strip("'")
        elif line.strip() and not kv:
            sys.exit(f"{name}:{n}: cannot read: {line!r}")
    return out


def date(v):
    return v if re.match(r"^\d{4}-\d{2}-\d{2}$", v or "") else ""


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    rows = []
    for product, ids in PRODUCTS:
        path = os.path.join(src, "products", product + ".md")
        with open(path, encoding="utf-8") as f:
            for r in releases(f.read(), path):
                cycle = r.get("releaseCycle", "")
                if not cycle or not date(r.get("eol")):
                    continue  # no end date yet (eol: false): nothing to judge by
                for i in ids(cycle):
                    rows.append((i, cycle, date(r["eol"]), date(r.get("eoes", ""))))
    out = os.path.join(here, "..", "checks", "data", "rpm-eol.csv")
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        f.write("id,cycle,eol,eol_ext\n")
        for row in rows:
            f.write(",".join(row) + "\n")
    os.replace(out + ".tmp", out)
    print(f"{out}: {len(rows)} releases")
    subprocess.run([os.path.join(here, "gen-distroinfo.sh")], check=True)


if __name__ == "__main__":
    main()
