#!/usr/bin/env bash
# Does memory grow in proportion to the input, in every format? Runs
# wirecompat on one message / record / object of N fields (N = 25,000 to
# 200,000, written as tersely as each format allows), the same
# version against itself and with the last field retyped, and prints the
# peak resident memory against the input's size. Then, per format and
# case, the marginal multiple: how many bytes of memory each further byte
# of input costs between the smallest and the largest N (the fixed cost of
# the process left out). A multiple that rises with N would be growth
# beyond linear; a flat one is a bound that holds for any size the
# --max-file-size limit lets in.
#
#   bench/linearity.sh            # wirecompat only
#   BUF=path/to/buf bench/linearity.sh
#                                 # and `buf breaking` on the same .proto
#                                 # inputs, side by side (time and memory)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
WC=$PWD/target/release/wirecompat
G=$(mktemp -d)
trap 'rm -rf "$G"' EXIT
SIZES="25000 50000 100000 200000"

python3 - "$G" $SIZES <<'PY'
import json, os, sys
g = sys.argv[1]
def w(name, text):
    p = os.path.join(g, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "w").write(text)
for n in map(int, sys.argv[2:]):
    nums = [i for i in range(1, n + 2000) if not 19000 <= i <= 19999][:n]
    def proto(last):
        return ('syntax = "proto3";\npackage wide.v1;\nmessage M {\n' + "".join(
            f"  {'int64' if i + 1 < n else last} f{x} = {x};\n" for i, x in enumerate(nums)) + "}\n")
    def avro(last):
        return json.dumps({"type": "record", "name": "R", "fields": [
            {"name": f"f{i}", "type": "long" if i + 1 < n else last} for i in range(n)]})
    def js(last):
        return json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {f"f{i}": {"type": "integer" if i + 1 < n else last} for i in range(n)}})
    for side, last in (("old", 0), ("new", 1)):
        w(f"{n}/{side}/m.proto", proto(["int64", "string"][last]))
        w(f"{n}/{side}/m.avsc", avro(["long", "string"][last]))
        w(f"{n}/{side}/m.json", js(["integer", "string"][last]))
PY

measure() { # out-file, command... : writes "seconds kilobytes exit"
  local out=$1 rc=0; shift
  /usr/bin/time -f "%e %M" -o "$out" timeout 900 "$@" > /dev/null 2>&1 || rc=$?
  echo "$(tail -n 1 "$out") $rc" > "$out"
}

: > "$G/rows"
for ext in proto avsc json; do
  for n in $SIZES; do
    for case in same retyped; do
      new=old; [ "$case" = retyped ] && new=new
      bytes=$(( $(stat -c %s "$G/$n/old/m.$ext") + $(stat -c %s "$G/$n/$new/m.$ext") ))
      measure "$G/t" "$WC" check "$G/$n/old/m.$ext" "$G/$n/$new/m.$ext"
      read -r secs kb rc < "$G/t"
      peer=""
      if [ "$ext" = proto ] && [ -n "${BUF:-}" ]; then
        # buf reads modules (directories): the same files, alone in one.
        mkdir -p "$G/buf/$n/old" "$G/buf/$n/$new"
        cp "$G/$n/old/m.proto" "$G/buf/$n/old/"; cp "$G/$n/$new/m.proto" "$G/buf/$n/$new/"
        (cd "$G/buf/$n" && measure "$G/b" "$BUF" breaking "$new" --against old)
        read -r bsecs bkb brc < "$G/b"
        peer="$bsecs $bkb $brc"
      fi
      echo "$ext $case $n $bytes $secs $kb $rc $peer" >> "$G/rows"
    done
  done
done

python3 - "$G/rows" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
print(f"{'format':<6} {'case':<8} {'fields':>7} {'input':>8} {'exit':>4} {'time':>7} {'peak':>8} {'peak/input':>10}"
      + ("   buf: time, peak, peak/input; wirecompat faster, smaller" if any(len(r) > 7 for r in rows) else ""))
for r in rows:
    ext, case, n, size, secs, kb, rc = r[:7]
    size, secs, kb = int(size), float(secs), int(kb)
    line = (f"{ext:<6} {case:<8} {int(n):>7,} {size/2**20:6.1f} MB {rc:>4} {secs:6.2f}s {kb/1024:6.0f} MB"
            f" {kb*1024/size:9.1f}x")
    if len(r) > 7:
        bs, bkb, brc = float(r[7]), int(r[8]), r[9]
        line += (f"   {bs:6.2f}s {bkb/1024:6.0f} MB {bkb*1024/size:6.1f}x (exit {brc});"
                 f" {bs/max(secs, 0.01):4.1f}x, {bkb/kb:4.1f}x")
    print(line)
print()
print("marginal multiple (extra memory per extra byte of input, smallest to largest N):")
by = {}
for r in rows:
    by.setdefault((r[0], r[1]), []).append((int(r[3]), int(r[5]) * 1024))
for (ext, case), pts in by.items():
    pts.sort()
    (s0, m0), (s1, m1) = pts[0], pts[-1]
    steps = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(pts, pts[1:])]
    print(f"  {ext:<6} {case:<8} {(m1 - m0) / (s1 - s0):6.1f}x   (each doubling: "
          + ", ".join(f"{x:.1f}x" for x in steps) + ")")
PY
