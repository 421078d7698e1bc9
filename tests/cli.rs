//! The command line end to end: exit codes, reports, the JSON contract and
//! its schema, bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn wirecompat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirecompat"))
        .args(args)
        .current_dir(common::root())
        .output()
        .expect("run wirecompat")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn the_bundled_example_shows_both_hazards_and_exits_1() {
    let o = wirecompat(&["check", "testdata/example/old", "testdata/example/new"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("rollout hazard: v(N) readers cannot read data written by v(N-1)"),
        "{out}"
    );
    assert!(out.contains("rollback hazard: v(N-1) readers cannot read data written by v(N); this release is irreversible"), "{out}");
    assert!(out.contains("shop/orders/v1/orders.proto:10:3"), "{out}");
    assert!(
        out.contains("-   int64 quantity = 2;") && out.contains("+   int32 quantity = 2;"),
        "{out}"
    );
    assert!(out.contains("verdict: NOT compatible at FULL"), "{out}");
}

#[test]
fn a_version_against_itself_exits_0() {
    let o = wirecompat(&["check", "testdata/example/old", "testdata/example/old"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("verdict: compatible at FULL"));
}

#[test]
fn levels_decide_what_blocks() {
    // The example breaks both directions, so each single level blocks.
    for level in ["BACKWARD", "FORWARD", "full"] {
        let o = wirecompat(&[
            "check",
            "testdata/example/old",
            "testdata/example/new",
            "--level",
            level,
        ]);
        assert_eq!(o.status.code(), Some(1), "{level}");
    }
    let o = wirecompat(&[
        "check",
        "testdata/example/old",
        "testdata/example/new",
        "--level",
        "NONE",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("compatible at NONE (not checked at this level"));

    // Only a rollback hazard: BACKWARD passes, FORWARD blocks.
    let t = tempfile::tempdir().unwrap();
    let old = write(
        t.path(),
        "old.proto",
        "syntax = \"proto3\";\nmessage M { string note = 1; }\n",
    );
    let new = write(
        t.path(),
        "new.proto",
        "syntax = \"proto3\";\nmessage M { bytes note = 1; }\n",
    );
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let o = wirecompat(&[
        "check",
        old,
        new,
        "--level",
        "BACKWARD",
        "--profile",
        "wire",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = wirecompat(&["check", old, new, "--level", "FORWARD", "--profile", "wire"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

#[test]
fn json_report_follows_its_schema_and_the_contract() {
    let o = wirecompat(&[
        "check",
        "testdata/example/old",
        "testdata/example/new",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    let validator = common::report_validator();
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(v["version"], 1);
    assert_eq!(v["level"], "FULL");
    assert_eq!(v["compatible"], false);
    assert_eq!(v["irreversible"], true);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "PB103")
        .expect("the narrowing finding");
    assert_eq!(f["name"], "field-integer-range-changed");
    assert_eq!(f["format"], "protobuf");
    assert_eq!(f["breaks"], serde_json::json!(["backward"]));
    assert_eq!(f["severity"], "error");
    assert_eq!(f["old"]["path"], "shop/orders/v1/orders.proto");
    assert_eq!(f["old"]["line"], 10);
    assert_eq!(f["new"]["column"], 3);
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 16);

    // The schema really constrains: a broken report is refused.
    let mut bad = v.clone();
    bad["findings"][0]["breaks"] = serde_json::json!(["sideways"]);
    assert!(!validator.is_valid(&bad));
}

#[test]
fn fingerprints_ignore_line_moves() {
    let t = tempfile::tempdir().unwrap();
    let a = write(
        t.path(),
        "a/old.proto",
        "syntax = \"proto3\";\nmessage M { int64 n = 1; }\n",
    );
    let b = write(
        t.path(),
        "a/new.proto",
        "syntax = \"proto3\";\nmessage M { int32 n = 1; }\n",
    );
    let c = write(
        t.path(),
        "b/old.proto",
        "syntax = \"proto3\";\n\n\n// moved\nmessage M {\n  int64 n = 1;\n}\n",
    );
    let d = write(
        t.path(),
        "b/new.proto",
        "syntax = \"proto3\";\n\n\n// moved\nmessage M {\n  int32 n = 1;\n}\n",
    );
    let fp = |o: &Path, n: &Path| {
        let out = wirecompat(&[
            "check",
            o.to_str().unwrap(),
            n.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        (
            v["findings"][0]["fingerprint"]
                .as_str()
                .unwrap()
                .to_string(),
            v["findings"][0]["new"]["line"].as_u64().unwrap(),
        )
    };
    let (f1, l1) = fp(&a, &b);
    let (f2, l2) = fp(&c, &d);
    assert_ne!(l1, l2);
    assert_eq!(f1, f2);
}

#[test]
fn syntax_errors_exit_2_with_file_line_and_column() {
    let t = tempfile::tempdir().unwrap();
    let old = write(
        t.path(),
        "old/a.proto",
        "syntax = \"proto3\";\nmessage M {}\n",
    );
    write(
        t.path(),
        "new/a.proto",
        "syntax = \"proto3\";\nmessage M {\n  int32 x = ;\n}\n",
    );
    let o = wirecompat(&[
        "check",
        old.parent().unwrap().to_str().unwrap(),
        t.path().join("new").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("a.proto:3:13:"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn missing_imports_exit_2_at_the_import() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "old/a.proto",
        "syntax = \"proto3\";\nmessage M {}\n",
    );
    write(
        t.path(),
        "new/a.proto",
        "syntax = \"proto3\";\n\nimport \"missing/dep.proto\";\nmessage M {}\n",
    );
    let o = wirecompat(&[
        "check",
        t.path().join("old").to_str().unwrap(),
        t.path().join("new").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("a.proto:3:1:") && err.contains("import \"missing/dep.proto\" not found"),
        "{err}"
    );
}

#[test]
fn unresolved_types_and_cycles_exit_2() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "ok/a.proto",
        "syntax = \"proto3\";\nmessage M {}\n",
    );
    write(
        t.path(),
        "bad/a.proto",
        "syntax = \"proto3\";\nmessage M {\n  Nope n = 1;\n}\n",
    );
    let o = wirecompat(&[
        "check",
        t.path().join("ok").to_str().unwrap(),
        t.path().join("bad").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a.proto:3:3:"), "{}", stderr(&o));

    write(
        t.path(),
        "cyc/a.proto",
        "syntax = \"proto3\";\nimport \"b.proto\";\n",
    );
    write(
        t.path(),
        "cyc/b.proto",
        "syntax = \"proto3\";\nimport \"a.proto\";\n",
    );
    let o = wirecompat(&[
        "check",
        t.path().join("ok").to_str().unwrap(),
        t.path().join("cyc").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("import cycle"), "{}", stderr(&o));
}

#[test]
fn binary_garbage_and_usage_errors_exit_2() {
    let t = tempfile::tempdir().unwrap();
    let garbage = t.path().join("set.binpb");
    std::fs::write(&garbage, [0xff, 0xff, 0xff, 0x07, 0x01]).unwrap();
    let ok = write(t.path(), "ok.proto", "syntax = \"proto3\";\nmessage M {}\n");
    let o = wirecompat(&["check", ok.to_str().unwrap(), garbage.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a valid FileDescriptorSet"),
        "{}",
        stderr(&o)
    );

    let o = wirecompat(&[
        "check",
        "testdata/example/old",
        "testdata/example/new",
        "--level",
        "SIDEWAYS",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown level"));
    let o = wirecompat(&["check", "testdata/example/old"]);
    assert_eq!(o.status.code(), Some(2));
    let o = wirecompat(&["check", "no/such/dir", "testdata/example/new"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/dir"), "{}", stderr(&o));
}

#[test]
fn descriptor_sets_compare_like_sources() {
    let t = tempfile::tempdir().unwrap();
    let mk = |side: &str| -> PathBuf {
        let root = common::root().join("testdata/example").join(side);
        let fds = protox::compile(["shop/orders/v1/orders.proto"], [&root]).expect("compile");
        let p = t.path().join(format!("{side}.binpb"));
        std::fs::write(&p, prost::Message::encode_to_vec(&fds)).unwrap();
        p
    };
    let (old, new) = (mk("old"), mk("new"));
    let from_sets = wirecompat(&[
        "check",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let from_src = wirecompat(&[
        "check",
        "testdata/example/old",
        "testdata/example/new",
        "--format",
        "json",
    ]);
    assert_eq!(from_sets.status.code(), Some(1), "{}", stderr(&from_sets));
    let rules = |o: &Output| -> Vec<(String, Value)> {
        let v: Value = serde_json::from_str(&stdout(o)).unwrap();
        let mut r: Vec<(String, Value)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["rule"].as_str().unwrap().to_string(), f["breaks"].clone()))
            .collect();
        r.sort_by(|a, b| a.0.cmp(&b.0));
        r
    };
    assert_eq!(rules(&from_sets), rules(&from_src));
}

#[test]
fn rules_and_explain_come_from_the_catalogue() {
    let o = wirecompat(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for r in wirecompat::rule::catalogue() {
        assert!(
            out.contains(r.code) && out.contains(r.name),
            "{} missing",
            r.code
        );
    }
    let o = wirecompat(&["rules", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        wirecompat::rule::catalogue().len()
    );

    let o = wirecompat(&["explain", "pb103"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("PB103 field-integer-range-changed"));
    assert!(out.contains("**Safe change**"));
    let o = wirecompat(&["explain", "field-integer-range-changed"]);
    assert_eq!(o.status.code(), Some(0));
    let o = wirecompat(&["explain", "PB999"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn editions_files_compile_and_resolve_features() {
    let t = tempfile::tempdir().unwrap();
    let old = write(
        t.path(),
        "old.proto",
        "edition = \"2023\";\npackage p;\nenum Color {\n  option features.enum_type = CLOSED;\n  COLOR_UNSPECIFIED = 0;\n}\nmessage M {\n  int32 n = 1 [default = 7];\n  Color c = 2;\n}\n",
    );
    let new = write(
        t.path(),
        "new.proto",
        "edition = \"2023\";\npackage p;\nenum Color {\n  option features.enum_type = CLOSED;\n  COLOR_UNSPECIFIED = 0;\n  COLOR_RED = 1;\n}\nmessage M {\n  int32 n = 1 [default = 8];\n  Color c = 2;\n}\n",
    );
    let o = wirecompat(&[
        "check",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--profile",
        "wire",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // A value added to a closed enum is dropped by v(N-1); the default changed.
    assert!(rules.contains(&"PB502"), "{rules:?}");
    assert!(rules.contains(&"PB702"), "{rules:?}");

    let bad = write(
        t.path(),
        "bad.proto",
        "edition = \"2023\";\nmessage M {\n  optional int32 n = 1;\n}\n",
    );
    let o = wirecompat(&["check", old.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.proto:3:3:") && stderr(&o).contains("not allowed in editions"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn avro_directories_resolve_names_across_files() {
    let t = tempfile::tempdir().unwrap();
    let money = r#"{"type": "record", "name": "Money", "namespace": "shop",
  "fields": [{"name": "units", "type": "long"}, {"name": "currency", "type": "string"}]}"#;
    // Order refers to Money, defined in another file that sorts after it.
    write(
        t.path(),
        "old/a_order.avsc",
        r#"{"type": "record", "name": "Order", "namespace": "shop",
  "fields": [{"name": "id", "type": "string"}, {"name": "total", "type": "Money"}]}"#,
    );
    write(t.path(), "old/b_money.avsc", money);
    write(
        t.path(),
        "new/a_order.avsc",
        r#"{"type": "record", "name": "Order", "namespace": "shop",
  "fields": [{"name": "id", "type": "string"}, {"name": "total", "type": "Money"}]}"#,
    );
    write(
        t.path(),
        "new/b_money.avsc",
        &money.replace(r#""type": "long""#, r#""type": "int""#),
    );
    let (old, new) = (t.path().join("old"), t.path().join("new"));
    let o = wirecompat(&[
        "check",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["format"], "avro");
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "AV103", "{v}");
    assert_eq!(f["breaks"], serde_json::json!(["backward"]));
    // Located in the file that defines Money, at the field's type.
    assert_eq!(f["new"]["path"], "b_money.avsc");
    assert_eq!(f["new"]["line"], 2);
    assert_eq!(f["new"]["pointer"], "/fields/0/type");
    assert!(common::report_validator().is_valid(&v));
}

#[test]
fn avro_input_errors_exit_2_with_positions() {
    let t = tempfile::tempdir().unwrap();
    let ok = write(
        t.path(),
        "ok.avsc",
        r#"{"type": "record", "name": "R", "fields": []}"#,
    );
    let cases = [
        (
            "syntax.avsc",
            "{\"type\": \"record\",\n  \"name\": \"R\" \"fields\": []}",
            "syntax.avsc:2:15:",
        ),
        (
            "unknown.avsc",
            "{\"type\": \"record\", \"name\": \"R\",\n \"fields\": [{\"name\": \"a\", \"type\": \"Nope\"}]}",
            "unknown.avsc:2:35: unknown type `Nope`",
        ),
        (
            "default.avsc",
            "{\"type\": \"record\", \"name\": \"R\",\n \"fields\": [{\"name\": \"amount\", \"type\": \"int\", \"default\": \"ten\"}]}",
            "default.avsc:2:58: invalid Avro schema",
        ),
    ];
    for (name, text, want) in cases {
        let bad = write(t.path(), name, text);
        let o = wirecompat(&["check", ok.to_str().unwrap(), bad.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(stderr(&o).contains(want), "{name}: {}", stderr(&o));
    }
    let idl = write(
        t.path(),
        "bad.avdl",
        "protocol P {\n  record R { int x }\n}\n",
    );
    let o = wirecompat(&["check", idl.to_str().unwrap(), idl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.avdl:2:"), "{}", stderr(&o));
    // Two formats cannot be compared.
    let proto = write(t.path(), "x.proto", "syntax = \"proto3\";\nmessage M {}\n");
    let o = wirecompat(&["check", proto.to_str().unwrap(), ok.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is protobuf and NEW"), "{}", stderr(&o));
}

#[test]
fn jsonschema_strict_content_model_is_explained_and_lenient_passes() {
    let case = "testdata/jsonschema/open-content-property-changed";
    let (old, new) = (format!("{case}/old.json"), format!("{case}/new.json"));
    let o = wirecompat(&["check", &old, &new]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("JS202 open-content-property-changed"), "{out}");
    assert!(out.contains("new.json:9:5"), "{out}");
    assert!(out.contains("for example {\"nickname\":0}"), "{out}");
    assert!(
        out.contains("strict content model: an open object accepts any undeclared property"),
        "{out}"
    );
    let o = wirecompat(&["check", &old, &new, "--lenient"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // The JSON report carries the pointer and per-direction verdicts.
    let o = wirecompat(&["check", &old, &new, "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(common::report_validator().is_valid(&v), "{v}");
    assert_eq!(v["directions"]["backward"], "incompatible");
    assert_eq!(v["directions"]["forward"], "compatible");
    assert_eq!(v["findings"][0]["new"]["pointer"], "/properties/nickname");
}

#[test]
fn jsonschema_unknown_blocks_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    // oneOf alternatives that overlap: whether v(N-1) reads all of v(N)'s
    // data is not decided.
    let old = write(
        tmp.path(),
        "old.json",
        r#"{"oneOf": [{"type": "string"}, {"maxLength": 5}]}"#,
    );
    let new = write(
        tmp.path(),
        "new.json",
        r#"{"oneOf": [{"type": "string"}, {"maxLength": 10}]}"#,
    );
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let r = wirecompat(&["check", o, n, "--level", "FORWARD"]);
    assert_eq!(r.status.code(), Some(1), "{}", stdout(&r));
    assert!(
        stdout(&r).contains("UNDECIDED at FORWARD"),
        "{}",
        stdout(&r)
    );
    let r = wirecompat(&["check", o, n, "--level", "FORWARD", "--allow-unknown"]);
    assert_eq!(r.status.code(), Some(0), "{}", stdout(&r));
    // Backward is decided, with an example: "xxxxxx" matched one branch
    // of v(N-1) and matches both of v(N).
    let r = wirecompat(&["check", o, n, "--level", "BACKWARD"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(
        stdout(&r).contains(r#"for example "xxxxxx""#),
        "{}",
        stdout(&r)
    );
}

#[test]
fn jsonschema_input_errors_exit_2_with_positions() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(tmp.path(), "good.json", r#"{"type": "string"}"#);
    let g = good.to_str().unwrap();
    for (name, text, expect) in [
        (
            "syntax.json",
            "{\n  \"type\": \"string\",\n}",
            "syntax.json:3:1: invalid JSON",
        ),
        (
            "meta.json",
            "{\n  \"type\": \"strin\"\n}",
            "meta.json:2:11: not a valid 2020-12 schema",
        ),
        (
            "ref.json",
            "{\n  \"$ref\": \"#/$defs/nope\"\n}",
            "ref.json:2:11: reference \"#/$defs/nope\": no schema",
        ),
        (
            "remote.json",
            "{\"$ref\": \"https://schemas.example.com/a.json\"}",
            "remote reference \"https://schemas.example.com/a.json\"",
        ),
        (
            "deep.json",
            &"[".repeat(5000),
            "nested deeper than the depth limit of 64",
        ),
    ] {
        let bad = write(tmp.path(), name, text);
        let o = wirecompat(&["check", g, bad.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stdout(&o));
        assert!(stderr(&o).contains(expect), "{name}: {}", stderr(&o));
    }
    let bad = write(tmp.path(), "bad-draft.json", r#"{"type": "string"}"#);
    let o = wirecompat(&["check", g, bad.to_str().unwrap(), "--draft", "5"]);
    assert_eq!(o.status.code(), Some(2));
    // A UTF-8 byte order mark is accepted.
    let bom = write(tmp.path(), "bom.json", "\u{feff}{\"type\": \"string\"}");
    let o = wirecompat(&["check", g, bom.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn jsonschema_remote_refs_are_served_only_from_mapped_files() {
    let tmp = tempfile::tempdir().unwrap();
    let mirror = tmp.path().join("mirror");
    write(
        &mirror,
        "address.json",
        r#"{"type": "object", "properties": {"city": {"type": "string"}}}"#,
    );
    let old = write(
        &tmp.path().join("old"),
        "customer.json",
        r#"{"properties": {"address": {"$ref": "https://schemas.example.com/address.json"}}}"#,
    );
    let new = write(
        &tmp.path().join("new"),
        "customer.json",
        r#"{"properties": {"address": {"$ref": "https://schemas.example.com/address.json", "required": ["city"]}}}"#,
    );
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let r = wirecompat(&["check", o, n]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        stderr(&r).contains("customer.json:1:37: remote reference"),
        "{}",
        stderr(&r)
    );
    assert!(stderr(&r).contains("--map-ref"), "{}", stderr(&r));
    let map = format!("https://schemas.example.com/={}/", mirror.display());
    let r = wirecompat(&["check", o, n, "--map-ref", &map]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    assert!(
        stdout(&r).contains("objects without `city`"),
        "{}",
        stdout(&r)
    );
    // Reference cycles terminate.
    let cyc = write(
        tmp.path(),
        "cycle.json",
        r##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##,
    );
    let r = wirecompat(&["check", cyc.to_str().unwrap(), cyc.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
}

#[test]
fn json_directions_say_unknown_when_undecided() {
    let tmp = tempfile::tempdir().unwrap();
    let old = write(
        tmp.path(),
        "old.json",
        r#"{"oneOf": [{"type": "string"}, {"maxLength": 5}]}"#,
    );
    let new = write(
        tmp.path(),
        "new.json",
        r#"{"oneOf": [{"type": "string"}, {"maxLength": 10}]}"#,
    );
    let o = wirecompat(&[
        "check",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(common::report_validator().is_valid(&v), "{v}");
    assert_eq!(v["directions"]["backward"], "incompatible");
    assert_eq!(v["directions"]["forward"], "unknown");
    assert_eq!(v["compatible"], false);
}
