#!/usr/bin/env bash
# Repository mode on googleapis: a git repository whose tag v1.0.0 holds the
# old googleapis tree and whose work tree holds the new one (uncommitted, as
# a developer's edits are). `wirecompat check` with no inputs finds the
# contracts itself and reads v1.0.0 from the object database; `buf breaking
# --against '.git#tag=v1.0.0'` is the same question asked of buf (WIRE_JSON).
# Same machine, same run, wall time and peak memory from /usr/bin/time.
#
#   bench/googleapis_git.sh [RUNS] [BUF]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
BUF=${2:-${BUF_PREFIX:-/tmp/peers}/node_modules/@bufbuild/buf-linux-x64/bin/buf}
DATA=../shared/bench/googleapis

cargo build --release --quiet
WC=$PWD/target/release/wirecompat
. bench/lib.sh

G=$(mktemp -d)
trap 'rm -rf "$G"' EXIT
R=$G/repo
mkdir -p "$R"
git() { command git -C "$R" -c user.name=bench -c user.email=bench@example.com \
  -c init.defaultBranch=main -c commit.gpgsign=false "$@"; }
git init -q
tar -xzf "$DATA/old.tar.gz" -C "$R"
printf 'version: v2\nbreaking:\n  use: [WIRE_JSON]\n' > "$R/buf.yaml"
git add -A && git commit -qm "googleapis old" && git tag v1.0.0
# The new tree replaces the old one in the work tree.
find "$R" -mindepth 1 -maxdepth 1 ! -name .git ! -name buf.yaml -exec rm -rf {} +
tar -xzf "$DATA/new.tar.gz" -C "$R"
echo "repository: $(git ls-files | wc -l) files at v1.0.0; work tree: $(find "$R" -name '*.proto' | wc -l) .proto files"

warm() { find "$R" -type f -exec cat {} + > /dev/null; }

wc_s=(); wc_m=(); buf_s=(); buf_m=()
for i in $(seq "$RUNS"); do
  read -r _ s m < <(cd "$R" && measure wirecompat "$WC" check --format json)
  wc_s+=("$s"); wc_m+=("$m")
  echo "run $i wirecompat check (repository mode): ${s}s, $((m / 1024)) MB"
  if [ -x "$BUF" ]; then
    read -r _ s m < <(cd "$R" && measure buf "$BUF" breaking --against '.git#tag=v1.0.0' --error-format json)
    buf_s+=("$s"); buf_m+=("$m")
    echo "run $i buf breaking --against .git#tag=v1.0.0: ${s}s, $((m / 1024)) MB"
  fi
done
ws=$(median "${wc_s[@]}"); wm=$(median "${wc_m[@]}")
echo "wirecompat median: ${ws}s, $((wm / 1024)) MB, findings: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["findings"]), "(", sum(f["severity"]=="error" for f in d["findings"]), "errors ); rollback:", d["rollback"]["statement"][:120])' "$G/out.wirecompat")"
if [ ${#buf_s[@]} -gt 0 ]; then
  bs=$(median "${buf_s[@]}"); bm=$(median "${buf_m[@]}")
  echo "buf median: ${bs}s, $((bm / 1024)) MB, findings: $(grep -c '"type"' "$G/out.buf" || true)"
  ratio "$ws" "$wm" "$bs" "$bm"
fi
