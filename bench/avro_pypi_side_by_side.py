#!/usr/bin/env python3
"""Runs PyPI avro's checker (avro.compatibility, a port of Java's
SchemaCompatibility) beside wirecompat on every testdata/avro case and
prints, per case and direction, both verdicts and where they differ.

    python3 -m venv /tmp/pyavro && /tmp/pyavro/bin/pip install avro
    cargo build --release
    /tmp/pyavro/bin/python bench/avro_pypi_side_by_side.py

Protocol cases (.avpr, .avdl) are skipped: avro.compatibility compares
schemas, not protocols. Directory cases are parsed file by file with shared
names, in whatever order resolves their references.
"""
import copy
import json
import os
import subprocess
import sys

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WIRECOMPAT = os.path.join(ROOT, "target", "release", "wirecompat")


def parse_side(path):
    """The schema to compare: a file's, or for a directory, every file parsed
    with shared names, keyed by full name."""
    if os.path.isfile(path):
        with open(path) as f:
            return {"": avro.schema.parse(f.read())}
    pending = sorted(
        os.path.join(d, n) for d, _, ns in os.walk(path) for n in ns if n.endswith(".avsc")
    )
    names = avro.schema.Names()
    out = {}
    while pending:
        progress = False
        for p in list(pending):
            # A failed attempt may leave half a file's names behind: try on a copy.
            trial = copy.deepcopy(names)
            try:
                with open(p) as f:
                    s = avro.schema.make_avsc_object(json.load(f), trial)
            except avro.errors.SchemaParseException:
                continue
            names = trial
            out[getattr(s, "fullname", p)] = s
            pending.remove(p)
            progress = True
        if not progress:
            raise RuntimeError(f"cannot resolve {pending}")
    return out


def pypi(reader, writer):
    r = ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
    return r.compatibility == SchemaCompatibilityType.compatible


def side(case_dir, stem):
    for ext in (".avsc",):
        p = os.path.join(case_dir, stem + ext)
        if os.path.exists(p):
            return p
    d = os.path.join(case_dir, stem)
    if os.path.isdir(d) and any(n.endswith(".avsc") for _, _, ns in os.walk(d) for n in ns):
        return d
    return None


def main():
    base = os.path.join(ROOT, "testdata", "avro")
    rows, differ = [], []
    for case in sorted(os.listdir(base)):
        cdir = os.path.join(base, case)
        old, new = side(cdir, "old"), side(cdir, "new")
        if not old or not new:
            rows.append((case, "skipped (protocol)", "", "", ""))
            continue
        out = subprocess.run([WIRECOMPAT, "check", old, new, "--format", "json"], capture_output=True, text=True)
        report = json.loads(out.stdout)
        ours = report["directions"]
        o, n = parse_side(old), parse_side(new)
        keys = [k for k in o if k in n] or ([next(iter(o))] if len(o) == 1 and len(n) == 1 else [])
        if len(o) == 1 and len(n) == 1:
            pairs = [(next(iter(o.values())), next(iter(n.values())))]
        else:
            pairs = [(o[k], n[k]) for k in keys]
        back = all(pypi(nn, oo) for oo, nn in pairs)
        fwd = all(pypi(oo, nn) for oo, nn in pairs)
        theirs = {"backward": "compatible" if back else "incompatible",
                  "forward": "compatible" if fwd else "incompatible"}
        for d in ("backward", "forward"):
            if ours[d] != theirs[d]:
                differ.append((case, d, ours[d], theirs[d]))
        rows.append((case, ours["backward"], theirs["backward"], ours["forward"], theirs["forward"]))
    print(f"{'case':36} {'backward ours/pypi':32} {'forward ours/pypi':32}")
    for r in rows:
        if r[2] == "":
            print(f"{r[0]:36} {r[1]}")
        else:
            print(f"{r[0]:36} {r[1] + ' / ' + r[2]:32} {r[3] + ' / ' + r[4]:32}")
    print(f"\n{len(rows)} cases, {sum(1 for r in rows if r[2])} compared, {len(differ)} direction verdicts differ:")
    for c, d, a, b in differ:
        print(f"  {c} {d}: wirecompat {a}, pypi avro {b}")


if __name__ == "__main__":
    sys.exit(main())
