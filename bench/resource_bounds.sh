#!/usr/bin/env bash
# Whole-run time and peak memory on large inputs, against their size:
# the googleapis pair in ../shared/bench/googleapis, generated schemas of
# 100,000 fields in each format, 50 MB files, SchemaStore-like JSON Schemas
# of many definitions (the same and with a few edits), and hostile nesting.
#
#   bench/resource_bounds.sh
#
# Prints one line per input: seconds, peak resident memory, the input's
# size, and peak memory as a multiple of the input's size. The input is
# what the run reads: both versions, a file given as both counting twice.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
WC=$PWD/target/release/wirecompat
G=$(mktemp -d)
trap 'rm -rf "$G"' EXIT

row() { # label, expected exit codes (e.g. "0 1"), paths to size..., -- command...
  local label=$1 want=$2; shift 2
  local paths=()
  while [ "$1" != "--" ]; do paths+=("$1"); shift; done
  shift
  local bytes
  bytes=$(du -cbl "${paths[@]}" | tail -n 1 | cut -f1)
  local rc=0
  /usr/bin/time -f "%e %M" -o "$G/time" timeout 600 "$@" > "$G/out" 2> "$G/err" || rc=$?
  read -r secs kb < <(tail -n 1 "$G/time")
  case " $want " in *" $rc "*) ;; *) echo "$label: exit $rc, expected $want"; tail -n 3 "$G/err"; exit 1 ;; esac
  python3 - "$label" "$secs" "$kb" "$bytes" "$rc" <<'PY'
import sys
label, secs, kb, size, rc = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
print(f"{label:<44} exit {rc}  {secs:6.2f} s  {kb/1024:7.0f} MB peak  "
      f"input {size/2**20:7.1f} MB  peak/input {kb*1024/size:6.1f}x")
PY
}

# googleapis, if the data is beside the repository.
DATA=../shared/bench/googleapis
if [ -f "$DATA/old.tar.gz" ]; then
  mkdir -p "$G/gapis/old" "$G/gapis/new"
  tar -xzf "$DATA/old.tar.gz" -C "$G/gapis/old"
  tar -xzf "$DATA/new.tar.gz" -C "$G/gapis/new"
  find "$G/gapis" -type f -name '*.proto' -exec cat {} + > /dev/null
  row "googleapis (about 7,000 files a side)" "0 1" "$G/gapis/old" "$G/gapis/new" -- \
    "$WC" check "$G/gapis/old" "$G/gapis/new" --format json
  rm -rf "$G/gapis"
fi

python3 - "$G" <<'PY'
import json, os, random, sys
g = sys.argv[1]
n = 100_000
def w(name, text):
    p = os.path.join(g, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "w").write(text)
nums = [i for i in range(1, n + 2000) if not 19000 <= i <= 19999][:n]
def proto(last):
    return ('syntax = "proto3";\npackage wide.v1;\nmessage M {\n' +
            "".join(f"  {'int64' if i + 1 < n else last} f{x} = {x};\n" for i, x in enumerate(nums)) + "}\n")
w("wide/old/m.proto", proto("int64")); w("wide/new/m.proto", proto("string"))
def avro(last):
    return json.dumps({"type": "record", "name": "R", "fields": [
        {"name": f"f{i}", "type": "long" if i + 1 < n else last} for i in range(n)]})
w("wide/old/m.avsc", avro("long")); w("wide/new/m.avsc", avro("string"))
def js(last):
    return json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": {f"f{i}": {"type": "integer" if i + 1 < n else last} for i in range(n)}})
w("wide/old/m.json", js("integer")); w("wide/new/m.json", js("string"))
# The same type with one field left: 99,999 findings.
w("wide/tiny/m.proto", 'syntax = "proto3";\npackage wide.v1;\nmessage M {\n  int64 f1 = 1;\n}\n')
w("wide/tiny/m.avsc", json.dumps({"type": "record", "name": "R", "fields": [{"name": "f0", "type": "long"}]}))
w("wide/tiny/m.json", json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "properties": {"f0": {"type": "integer"}}}))

big = "x" * (50 << 20)
w("big/m.json", '{"$schema": "https://json-schema.org/draft/2020-12/schema", "description": "'
  + big + '", "type": "string"}\n')
w("big/m.proto", 'syntax = "proto3";\n// ' + big + '\nmessage M {\n  string a = 1;\n}\n')

# SchemaStore-like: many definitions of objects with described, patterned,
# bounded, enumerated properties, arrays of references, alternatives.
def store(defs, edit):
    rnd = random.Random(7)
    d = {}
    for i in range(defs):
        props = {}
        for j in range(12):
            k = rnd.randrange(6)
            desc = f"Property {j} of definition {i}: " + "lorem ipsum dolor sit amet " * 3
            if k == 0:
                props[f"p{j}"] = {"type": "string", "description": desc, "maxLength": 64,
                                  "pattern": "^[a-z][a-z0-9-]*$"}
            elif k == 1:
                props[f"p{j}"] = {"type": "integer", "description": desc, "minimum": 0, "maximum": 1000}
            elif k == 2:
                props[f"p{j}"] = {"enum": ["alpha", "beta", "gamma", "delta"], "description": desc}
            elif k == 3:
                props[f"p{j}"] = {"type": "array", "items": {"$ref": f"#/$defs/d{rnd.randrange(defs)}"},
                                  "description": desc}
            elif k == 4:
                props[f"p{j}"] = {"anyOf": [{"type": "string"}, {"$ref": f"#/$defs/d{rnd.randrange(defs)}"}],
                                  "description": desc}
            else:
                props[f"p{j}"] = {"type": "boolean", "default": False, "description": desc}
        d[f"d{i}"] = {"type": "object", "properties": props, "additionalProperties": False,
                      "required": ["p0"]}
    if edit:
        for i in range(0, defs, max(1, defs // 10)):
            for p in d[f"d{i}"]["properties"].values():
                if "maxLength" in p:
                    p["maxLength"] = 32
                if "enum" in p:
                    p["enum"] = p["enum"][:3]
    return json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema",
                       "$id": "https://example.com/store.json", "type": "object",
                       "properties": {"root": {"$ref": "#/$defs/d0"}}, "$defs": d}, indent=1)
w("store/old/store.json", store(5000, False)); w("store/new/store.json", store(5000, True))

# Records nested as deep as the default depth limit lets them (15, each
# four JSON levels), 6,600 fields each: a nested named type is held once
# per enclosing one by apache-avro's parser, and every element's pointer
# grows with its depth.
def nested(level, last):
    fields = [{"name": f"f{i}", "type": "long"} for i in range(6600)]
    fields.append({"name": "next", "type": nested(level + 1, last)} if level + 1 < 15
                  else {"name": "leaf", "type": last})
    return {"type": "record", "name": f"R{level}", "fields": fields}
w("nest/old/m.avsc", json.dumps(nested(0, "long"))); w("nest/new/m.avsc", json.dumps(nested(0, "string")))

deep = 10_000
w("deep/m.proto", 'syntax = "proto3";\n' + "message A { " * deep + "}" * deep + "\n")
w("deep/m.json", '{"items": ' * deep + "{}" + "}" * deep + "\n")
PY

for ext in proto avsc json; do
  row "100,000 fields, $ext, same" "0" "$G/wide/old/m.$ext" "$G/wide/old/m.$ext" -- \
    "$WC" check "$G/wide/old/m.$ext" "$G/wide/old/m.$ext"
  row "100,000 fields, $ext, last retyped" "1" "$G/wide/old/m.$ext" "$G/wide/new/m.$ext" -- \
    "$WC" check "$G/wide/old/m.$ext" "$G/wide/new/m.$ext"
  for fmt in json sarif; do
    row "100,000 fields, $ext, all but one removed, $fmt" "0 1" "$G/wide/old/m.$ext" "$G/wide/tiny/m.$ext" -- \
      "$WC" check "$G/wide/old/m.$ext" "$G/wide/tiny/m.$ext" --format $fmt
  done
done
# A rollback window of two releases (the 100,000-field message twice),
# the work tree emptying it: 99,999 findings against each release.
mkdir -p "$G/repo/proto"
git -C "$G/repo" init -q
cp "$G/wide/old/m.proto" "$G/repo/proto/"
git -C "$G/repo" add -A
git -C "$G/repo" -c user.name=bench -c user.email=bench@localhost commit -qm v1
git -C "$G/repo" tag v1.0.0
echo "// v1.1.0" >> "$G/repo/proto/m.proto"
git -C "$G/repo" -c user.name=bench -c user.email=bench@localhost commit -qam v1.1
git -C "$G/repo" tag v1.1.0
cp "$G/wide/tiny/m.proto" "$G/repo/proto/m.proto"
for fmt in json sarif text; do
  row "window of 2 releases, 99,999 findings each, $fmt" "0 1" \
    "$G/wide/old/m.proto" "$G/wide/old/m.proto" "$G/wide/tiny/m.proto" -- \
    sh -c "cd '$G/repo' && exec '$WC' check --window 2 --level FULL_TRANSITIVE --format $fmt"
done
row "Avro, 15 nested records of 6,600 fields, same" "0" "$G/nest/old/m.avsc" "$G/nest/old/m.avsc" -- \
  "$WC" check "$G/nest/old/m.avsc" "$G/nest/old/m.avsc"
row "same, innermost field retyped" "1" "$G/nest/old/m.avsc" "$G/nest/new/m.avsc" -- \
  "$WC" check "$G/nest/old/m.avsc" "$G/nest/new/m.avsc"
for ext in json proto; do
  row "50 MB $ext file" "0" "$G/big/m.$ext" "$G/big/m.$ext" -- \
    "$WC" check "$G/big/m.$ext" "$G/big/m.$ext"
done
row "JSON Schema, 5,000 definitions, same" "0" "$G/store/old/store.json" "$G/store/old/store.json" -- \
  "$WC" check "$G/store/old/store.json" "$G/store/old/store.json"
row "JSON Schema, 5,000 definitions, 500 edited" "1" "$G/store/old/store.json" "$G/store/new/store.json" -- \
  "$WC" check "$G/store/old/store.json" "$G/store/new/store.json"
for ext in proto json; do
  row "10,000 levels of nesting, $ext (refused)" "2" "$G/deep/m.$ext" "$G/deep/m.$ext" -- \
    "$WC" check "$G/deep/m.$ext" "$G/deep/m.$ext"
done
