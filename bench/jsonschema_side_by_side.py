#!/usr/bin/env python3
"""wirecompat beside IBM's jsonsubschema on jsonsubschema's own test pairs.

For every case of ../shared/peer-suites/jsonschema/jsonsubschema/cases.json
(draft 4 where a schema names no draft), both tools answer both questions:
is OLD a subschema of NEW (backward) and NEW of OLD (forward). The script
prints how often they agree and the time each took in one run:

* jsonsubschema in-process (`jsonsubschema.api.isSubschema`, one call per
  direction, 10 s limit each);
* wirecompat as users run it, one process per case answering both
  directions (so its figure includes process start-up).

Usage (jsonsubschema installed outside the repository):

    python3 -m venv /tmp/jss && /tmp/jss/bin/pip install jsonsubschema
    cargo build --release
    /tmp/jss/bin/python bench/jsonschema_side_by_side.py
"""

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(ROOT, "..", "shared", "peer-suites", "jsonschema", "jsonsubschema", "cases.json")
BIN = os.path.join(ROOT, "target", "release", "wirecompat")


class Timeout(Exception):
    pass


def on_alarm(*_):
    raise Timeout()


def peer(api, a, b):
    """jsonsubschema's answer to "is a a subschema of b", or a failure word."""
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(10)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            ok = api.isSubschema(a, b)
        return "compatible" if ok else "incompatible"
    except Timeout:
        return "timeout"
    except Exception as e:  # the peer refuses what it does not support
        return "error: " + type(e).__name__
    finally:
        signal.alarm(0)


def ours(old, new, tmp):
    o, n = os.path.join(tmp, "old.json"), os.path.join(tmp, "new.json")
    with open(o, "w") as f:
        json.dump(old, f)
    with open(n, "w") as f:
        json.dump(new, f)
    r = subprocess.run([BIN, "check", o, n, "--draft", "4", "--format", "json"],
                       capture_output=True, text=True)
    if r.returncode == 2:
        return {"backward": "error", "forward": "error"}
    return json.loads(r.stdout)["directions"]


def main():
    from jsonsubschema import api

    cases = json.load(open(SUITE))
    tally = {"both": 0, "agree": 0, "disagree": 0, "ours_unknown": 0, "peer_failed": 0}
    t_peer = t_ours = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for c in cases:
            if c.get("expect_error"):
                continue
            t0 = time.perf_counter()
            p = {"backward": peer(api, c["old"], c["new"]), "forward": peer(api, c["new"], c["old"])}
            t1 = time.perf_counter()
            w = ours(c["old"], c["new"], tmp)
            t2 = time.perf_counter()
            t_peer += t1 - t0
            t_ours += t2 - t1
            for d in ("backward", "forward"):
                tally["both"] += 1
                if p[d] not in ("compatible", "incompatible"):
                    tally["peer_failed"] += 1
                elif w[d] == "unknown":
                    tally["ours_unknown"] += 1
                elif w[d] == p[d]:
                    tally["agree"] += 1
                else:
                    tally["disagree"] += 1
    n = sum(1 for c in cases if not c.get("expect_error"))
    print(f"{n} cases, {tally['both']} questions: {tally['agree']} agree, {tally['disagree']} disagree, "
          f"{tally['ours_unknown']} wirecompat unknown, {tally['peer_failed']} jsonsubschema failed")
    print(f"jsonsubschema (in-process): {t_peer:.2f} s")
    print(f"wirecompat (a process per case, both directions): {t_ours:.2f} s")
    print(f"ratio: wirecompat {t_peer / t_ours:.1f}x faster")


if __name__ == "__main__":
    sys.exit(main())
