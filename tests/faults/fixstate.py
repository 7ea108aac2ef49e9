#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Image states for the remediation fault tests: a snapshot is path -> (type, content hash or
link target, mode, uid, gid). 'check IMG BEFORE AFTER' exits 1 listing every entry of IMG that
is neither as it was before the fix nor as a complete fix leaves it: a half-written file, a
stray temporary, a mode applied without its content. 'save DIR FILE' writes a snapshot."""
import hashlib, json, os, stat, sys


def snapshot(root):
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = "/" + os.path.relpath(p, root)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    data = f.read()
                what = hashlib.sha256(data).hexdigest()
                kind = "f"
                if "capgate" in name:
                    # capgate's own drop-ins grow one action at a time: keep their lines
                    snap[rel + "\0lines"] = sorted(set(data.decode("utf-8", "replace").splitlines()))
            elif stat.S_ISLNK(st.st_mode):
                what, kind = os.readlink(p), "l"
            elif stat.S_ISDIR(st.st_mode):
                what, kind = "", "d"
            else:
                what, kind = "", "o"
            snap[rel] = [kind, what, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid]
    return snap


def main():
    if sys.argv[1] == "save":
        json.dump(snapshot(sys.argv[2]), open(sys.argv[3], "w"), sort_keys=True)
        return 0
    if sys.argv[1] == "same":  # a directory (or snapshot) and a snapshot, exactly
        a = snapshot(sys.argv[2]) if os.path.isdir(sys.argv[2]) else json.load(open(sys.argv[2]))
        a = json.loads(json.dumps(a))
        b = json.load(open(sys.argv[3]))
        diff = []
        for p in sorted(set(a) | set(b)):
            x, y = a.get(p), b.get(p)
            # a capgate drop-in converges to the same settings; their order follows the actions
            if x and y and (p + "\0lines") in a and (p + "\0lines") in b:
                x, y = x[:1] + x[2:], y[:1] + y[2:]
            if x != y:
                diff.append(p)
                print(f"{p}: {a.get(p)} vs {b.get(p)}")
        return 1 if diff else 0
    img, before, after = snapshot(sys.argv[2]), json.load(open(sys.argv[3])), json.load(open(sys.argv[4]))
    bad = []
    for p, st in img.items():
        if p.endswith("\0lines"):
            continue
        # safefs's named temporary between link and rename: complete, fsync'd, and removed by the
        # next write of the same file; counted by the caller, not torn
        if os.path.basename(p).endswith(".capgate-tmp"):
            print(f"stray {p}", file=sys.stderr)
            continue
        # a capgate drop-in between two of its actions: every line it holds is a final line
        grown = after.get(p + "\0lines")
        if grown is not None and st[0] == "f" and after.get(p) and st[2:] == after[p][2:] and \
                set(img.get(p + "\0lines", [])) <= set(grown):
            continue
        # everything else must equal one of the two end states
        if st != before.get(p) and st != after.get(p):
            bad.append(f"{p}: {st} (before {before.get(p)}, after {after.get(p)})")
    for line in bad[:10]:
        print(line)
    return 1 if bad else 0


sys.exit(main())
