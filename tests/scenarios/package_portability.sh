#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What the built binaries need, read from them (objdump -T: glibc and OpenSSL symbol versions;
# objdump -p: NEEDED sonames), against docs/install.md: its "needs" line must be exactly that, its
# table must have a column for every soname not every distribution ships, and each row's "runs"
# verdict must follow from its glibc and its columns. A new symbol version or library fails here
# until the document says which build VMs can still run capgate.
set -eu
: "${CAPGATE_BIN:?}" "${CAPGATE_SRC:?}"
command -v objdump >/dev/null || { echo "objdump is missing (binutils)"; exit 77; }
build=$(dirname "$CAPGATE_BIN")
daemon="$build/capgate-daemon"
[ -x "$daemon" ] || { echo "no capgate-daemon beside $CAPGATE_BIN"; exit 1; }
# A sanitizer build links libasan and drops --as-needed: it is not what ships, and the release
# build's run of this scenario is the one that measures the package.
if objdump -p "$CAPGATE_BIN" | grep -Eq 'NEEDED +lib(asan|ubsan|tsan)'; then
    echo "sanitizer build: not the shipped binary (the release build is measured)"; exit 77
fi
python3 - "$CAPGATE_BIN" "$daemon" "$CAPGATE_SRC/docs/install.md" <<'PY'
import re, subprocess, sys

bins, doc = sys.argv[1:3], sys.argv[3]

def ver(v):
    return tuple(int(x) for x in v.split("."))

glibc, openssl, needed = set(), set(), set()
for b in bins:
    t = subprocess.run(["objdump", "-T", b], check=True, capture_output=True, text=True).stdout
    glibc |= set(re.findall(r"\bGLIBC_([0-9.]+)\b", t))
    openssl |= set(re.findall(r"\bOPENSSL_([0-9]+\.[0-9.]+)\b", t))
    p = subprocess.run(["objdump", "-p", b], check=True, capture_output=True, text=True).stdout
    needed |= set(re.findall(r"^\s*NEEDED\s+(\S+)", p, re.M))
need_glibc = max(glibc, key=ver)
need_ssl = max(openssl, key=ver) if openssl else None
line = f"needs: GLIBC_{need_glibc}; " + (f"OPENSSL_{need_ssl}; " if need_ssl else "") + " ".join(sorted(needed))
print(f"the binaries: {line}")

text = open(doc, encoding="utf-8").read()
m = re.search(r"<!-- needs:begin -->\n(.*?)\n<!-- needs:end -->", text, re.S)
assert m, "docs/install.md has no needs block"
assert m.group(1).strip() == line, f"docs/install.md says\n  {m.group(1).strip()}\nthe binaries need\n  {line}"

m = re.search(r"<!-- portability:begin -->\n(.*?)\n<!-- portability:end -->", text, re.S)
assert m, "docs/install.md has no portability table"
rows = [[c.strip() for c in r.strip().strip("|").split("|")] for r in m.group(1).splitlines() if r.startswith("|")]
head, rows = rows[0], [r for r in rows[2:]]
col = {h: i for i, h in enumerate(head)}
# sonames every distribution with glibc 2.34+ ships (systemd, curl, jansson): no column needed
everywhere = {"libc.so.6", "libcurl.so.4", "libjansson.so.4", "libsystemd.so.0"}
lib_cols = {}
for so in sorted(needed - everywhere):
    hits = [h for h in head if so in h]
    assert hits, f"the binaries need {so}, and the table has no column for it"
    lib_cols[so] = col[hits[0]]
assert "glibc" in col and "runs" in col and "source" in col, head
bad = 0
for r in rows:
    assert len(r) == len(head), f"row {r[0]}: {len(r)} cells, {len(head)} columns"
    assert r[col["source"]], f"row {r[0]}: no source"
    ok_glibc = ver(r[col["glibc"]]) >= ver(need_glibc)
    missing = [so for so, i in lib_cols.items() if not re.match(r"(yes|EPEL)\b", r[i])]
    want = "yes" if ok_glibc and not missing else "no"
    why = ("" if ok_glibc else f"glibc {r[col['glibc']]} < {need_glibc}; ") + (f"lacks {', '.join(missing)}" if missing else "")
    if r[col["runs"]] != want:
        print(f"not ok - {r[0]}: the table says {r[col['runs']]}, the binaries say {want} ({why.strip('; ')})")
        bad += 1
    else:
        print(f"ok - {r[0]}: {want}{' (' + why.strip('; ') + ')' if why else ''}")
sys.exit(1 if bad else 0)
PY
echo "portability: ok"
