#!/usr/bin/env bash
# Side-by-side benchmark on the googleapis pair in ../shared/bench/googleapis:
# wirecompat (default wire-json profile) against `buf breaking` (WIRE_JSON),
# same machine, same run, wall time and peak memory from /usr/bin/time, each
# run starting with the input files in the page cache.
#
#   bench/googleapis.sh [RUNS] [BUF]
#
# BUF defaults to node_modules/@bufbuild/buf-linux-x64/bin/buf under
# $BUF_PREFIX (install with `npm install --prefix "$BUF_PREFIX" @bufbuild/buf`,
# outside this repository). Prints one line per run and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
BUF=${2:-${BUF_PREFIX:-/tmp/peers}/node_modules/@bufbuild/buf-linux-x64/bin/buf}
DATA=../shared/bench/googleapis

cargo build --release --quiet
WC=$PWD/target/release/wirecompat

G=$(mktemp -d)
trap 'rm -rf "$G"' EXIT
mkdir -p "$G/old" "$G/new"
tar -xzf "$DATA/old.tar.gz" -C "$G/old"
tar -xzf "$DATA/new.tar.gz" -C "$G/new"

warm() { # both tools read the same files: start each run with them in the page cache
  find "$G/old" "$G/new" -type f -name '*.proto' -exec cat {} + > /dev/null
}

. bench/lib.sh

wc_s=(); wc_m=(); buf_s=(); buf_m=()
for i in $(seq "$RUNS"); do
  read -r _ s m < <(measure wirecompat "$WC" check "$G/old" "$G/new" --format json)
  wc_s+=("$s"); wc_m+=("$m")
  echo "run $i wirecompat: ${s}s, $((m / 1024)) MB"
  if [ -x "$BUF" ]; then
    read -r _ s m < <(cd "$G/new" && measure buf "$BUF" breaking --against ../old \
      --config '{version: v2, breaking: {use: [WIRE_JSON]}}' --error-format json)
    buf_s+=("$s"); buf_m+=("$m")
    echo "run $i buf breaking: ${s}s, $((m / 1024)) MB"
  fi
done

ws=$(median "${wc_s[@]}"); wm=$(median "${wc_m[@]}")
echo "wirecompat median: ${ws}s, $((wm / 1024)) MB, findings: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["findings"]), "(", sum(f["severity"]=="error" for f in d["findings"]), "errors )")' "$G/out.wirecompat")"
if [ ${#buf_s[@]} -gt 0 ]; then
  bs=$(median "${buf_s[@]}"); bm=$(median "${buf_m[@]}")
  echo "buf median: ${bs}s, $((bm / 1024)) MB, findings: $(grep -c '"type"' "$G/out.buf" || true)"
  ratio "$ws" "$wm" "$bs" "$bm"
  if [ -n "${KEEP:-}" ]; then cp "$G/out.buf" "$KEEP.buf.json"; cp "$G/out.wirecompat" "$KEEP.wirecompat.json"; fi
fi
