#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/, not committed)
# from the repository's own testdata: every contract file of the target's
# kind, and for check_pair every old/new pair of a testdata case.
set -euo pipefail
cd "$(dirname "$0")"
T=../testdata
C=corpus
mkdir -p $C/protobuf_source $C/protobuf_descriptor_set $C/avro_json $C/avro_idl \
  $C/jsonschema $C/config $C/check_pair
n=0
seed() { # target file [prefix-byte]
  local out="$C/$1/$(sha1sum "$2" | cut -c1-16)"
  if [ $# -ge 3 ]; then { printf "$3"; cat "$2"; } > "$out"; else cp "$2" "$out"; fi
  n=$((n + 1))
}
while IFS= read -r -d '' f; do seed protobuf_source "$f"; done < <(find $T -type f -name '*.proto' -print0)
cargo run -q --release --bin make_descriptor_seeds -- $T $C/protobuf_descriptor_set || true
while IFS= read -r -d '' f; do seed avro_json "$f" '\x01'; done < <(find $T -type f -name '*.avsc' -print0)
while IFS= read -r -d '' f; do seed avro_json "$f" '\x00'; done < <(find $T -name '*.avpr' -print0)
while IFS= read -r -d '' f; do seed avro_idl "$f"; done < <(find $T -name '*.avdl' -print0)
while IFS= read -r -d '' f; do seed jsonschema "$f"; done < <(find $T/jsonschema -type f -name '*.json' -print0)
while IFS= read -r -d '' f; do seed config "$f"; done < <(find $T .. -maxdepth 3 -name '*.toml' -not -path '*/target/*' -print0)
# Pairs: a format byte, OLD, a line "--", NEW.
pair() { # selector old new
  local out="$C/check_pair/$(cat "$2" "$3" | sha1sum | cut -c1-16)"
  { printf "$1"; cat "$2"; printf '\n--\n'; cat "$3"; } > "$out"
  n=$((n + 1))
}
for d in $T/protobuf/*/; do [ -f "$d/old.proto" ] && pair '\x00' "$d/old.proto" "$d/new.proto"; done
for d in $T/avro/*/; do [ -f "$d/old.avsc" ] && pair '\x01' "$d/old.avsc" "$d/new.avsc"; done
for d in $T/jsonschema/*/; do [ -f "$d/old.json" ] && pair '\x02' "$d/old.json" "$d/new.json"; done
echo "seeded $n inputs under fuzz/$C"
