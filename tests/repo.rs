//! Repository mode, the rollback window and `wirecompat.toml`, end to end:
//! real temporary git repositories with release tags, checked through the
//! command line.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::git::{commit, git, init, tag, write};
use serde_json::Value;

fn wirecompat(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirecompat"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run wirecompat")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a check with `--format json`, asserts the exit code and that the
/// report follows `schemas/report.schema.json`, and returns it.
fn json(dir: &Path, args: &[&str], code: i32) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = wirecompat(dir, &all);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{args:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON report");
    let validator = common::report_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "report breaks its schema: {errors:?}");
    v
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// `(rule, against)` of every finding of a window report.
fn rules(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["against"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn statement(v: &Value) -> String {
    v["rollback"]["statement"].as_str().unwrap().to_string()
}

/// `orders.v1.Order` with the given field lines.
fn order(fields: &str) -> String {
    format!("syntax = \"proto3\";\npackage orders.v1;\n\nmessage Order {{\n{fields}}}\n")
}

const ORDER: &str = "proto/orders/v1/order.proto";

/// Releases v1.0.0 ... v1.10.0, each adding a field. v1.9.0 is a hotfix
/// branched from v1.8.0 and tagged after v1.10.0, so creation order,
/// name order and semantic-version order all differ. Then a pre-release
/// v1.11.0-rc.1 on main, and a work tree that adds one more field.
fn eleven_releases() -> tempfile::TempDir {
    let dir = init();
    let root = dir.path();
    let mut fields = "  string id = 1;\n".to_string();
    for minor in 0..=8 {
        fields.push_str(&format!("  string f{minor} = {};\n", minor + 2));
        write(root, ORDER, &order(&fields));
        commit(root, &format!("release 1.{minor}"));
        tag(root, &format!("v1.{minor}.0"));
    }
    let at_1_8 = fields.clone();
    fields.push_str("  string f10 = 12;\n");
    write(root, ORDER, &order(&fields));
    commit(root, "release 1.10");
    tag(root, "v1.10.0");
    // The hotfix, created last.
    git(root, &["checkout", "-q", "-b", "hotfix", "v1.8.0"]);
    write(
        root,
        ORDER,
        &order(&format!("{at_1_8}  string f9 = 11;\n  string f10 = 12;\n")),
    );
    commit(root, "hotfix 1.9");
    tag(root, "v1.9.0");
    git(root, &["checkout", "-q", "main"]);
    fields.push_str("  string f11 = 13;\n");
    write(root, ORDER, &order(&fields));
    commit(root, "1.11 candidate");
    tag(root, "v1.11.0-rc.1");
    // Not a release tag.
    tag(root, "nightly");
    fields.push_str("  string f12 = 14;\n");
    write(root, ORDER, &order(&fields));
    dir
}

#[test]
fn the_window_takes_release_tags_in_semantic_version_order() {
    let dir = eleven_releases();
    let root = dir.path();
    let v = json(root, &["check", "--window", "3"], 0);
    assert_eq!(v["mode"], "window");
    assert_eq!(strings(&v["window"]), ["v1.10.0", "v1.9.0", "v1.8.0"]);
    assert_eq!(v["new_root"], "work tree");
    let pairs = v["pairs"].as_array().unwrap();
    let distances: Vec<u64> = pairs
        .iter()
        .map(|p| p["distance"].as_u64().unwrap())
        .collect();
    assert_eq!(distances, [1, 2, 3]);
    // FULL guards N-1 only.
    let guarded: Vec<bool> = pairs
        .iter()
        .map(|p| p["guarded"].as_bool().unwrap())
        .collect();
    assert_eq!(guarded, [true, false, false]);

    // Pre-releases only when asked for.
    let v = json(root, &["check", "--window", "3", "--prereleases"], 0);
    assert_eq!(strings(&v["window"]), ["v1.11.0-rc.1", "v1.10.0", "v1.9.0"]);

    // Another glob; and a window larger than the releases it matches.
    let v = json(root, &["check", "--window", "5", "--tags", "v1.[0-2].*"], 0);
    assert_eq!(strings(&v["window"]), ["v1.2.0", "v1.1.0", "v1.0.0"]);
    let notes = strings(&v["notes"]);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("asks for 5") && n.contains("has 3")),
        "{notes:?}"
    );

    // The whole history: eleven releases, v1.10.0 first, v1.0.0 last.
    let v = json(
        root,
        &["check", "--window", "20", "--level", "FULL_TRANSITIVE"],
        0,
    );
    let window = strings(&v["window"]);
    assert_eq!(window.len(), 11);
    assert_eq!(window.first().unwrap(), "v1.10.0");
    assert_eq!(window.last().unwrap(), "v1.0.0");
    assert_eq!(&window[..3], ["v1.10.0", "v1.9.0", "v1.8.0"]);
    // The candidate lacks the hotfix's f9 (deleted without reserving its
    // number and name): only the v1.9.0 pair has findings, and
    // FULL_TRANSITIVE guards it.
    assert_eq!(
        rules(&v),
        [
            ("PB401".to_string(), "v1.9.0".to_string()),
            ("PB402".to_string(), "v1.9.0".to_string())
        ]
    );
    let pair = &v["pairs"][1];
    assert_eq!(pair["old"], "v1.9.0");
    assert_eq!(pair["guarded"], true);
}

#[test]
fn head_names_the_candidate_and_its_own_tag_leaves_the_window() {
    let dir = eleven_releases();
    let root = dir.path();
    // The candidate is v1.10.0 itself: the window starts below it.
    let v = json(root, &["check", "--window", "2", "--head", "v1.10.0"], 0);
    assert_eq!(strings(&v["window"]), ["v1.9.0", "v1.8.0"]);
    assert_eq!(v["new_root"], "git:v1.10.0");

    // A work tree identical to HEAD is the release tagged there.
    git(root, &["checkout", "-q", "--", "."]);
    git(root, &["checkout", "-q", "v1.4.0"]);
    let v = json(root, &["check", "--window", "2"], 0);
    assert_eq!(strings(&v["window"]), ["v1.3.0", "v1.2.0"]);
}

/// v1.0.0 has `string note = 7`, v1.1.0 deletes it without reserving the
/// number, the work tree adds `int64 qty = 7`.
fn number_reuse() -> tempfile::TempDir {
    let dir = init();
    let root = dir.path();
    write(
        root,
        ORDER,
        &order("  string id = 1;\n  string note = 7;\n"),
    );
    commit(root, "1.0");
    tag(root, "v1.0.0");
    write(root, ORDER, &order("  string id = 1;\n"));
    commit(root, "1.1");
    tag(root, "v1.1.0");
    write(root, ORDER, &order("  string id = 1;\n  int64 qty = 7;\n"));
    dir
}

#[test]
fn a_number_reused_across_three_releases_is_caught_by_the_window() {
    let dir = number_reuse();
    let root = dir.path();
    // Each step alone breaks no direction.
    let v = json(root, &["check", "git:v1.0.0", "git:v1.1.0"], 0);
    assert_eq!(v["summary"]["errors"], 0);
    let v = json(root, &["check", "git:v1.1.0"], 0);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);

    // The window sees v1.0.0's readers.
    let v = json(root, &["check", "--window", "2"], 0);
    assert_eq!(rules(&v), [("PB304".to_string(), "v1.0.0".to_string())]);
    assert_eq!(v["findings"][0]["blocking"], false);
    assert_eq!(
        statement(&v),
        "rollback-safe to v1.1.0, irreversible past it: v1.0.0 readers cannot read \
         orders.v1.Order.qty written by N (number 7 of `orders.v1.Order` now carries a \
         different field: `string note` became `int64 qty`; each version misreads the \
         other's values)"
    );
    assert_eq!(v["rollback"]["safe_to"], "v1.1.0");
    assert_eq!(v["rollback"]["unsafe_at"], "v1.0.0");
    assert_eq!(v["rollback"]["whole_window"], false);

    // A transitive level guards it.
    let v = json(
        root,
        &["check", "--window", "2", "--level", "FULL_TRANSITIVE"],
        1,
    );
    assert_eq!(v["findings"][0]["blocking"], true);
    assert_eq!(v["compatible"], false);
    let o = wirecompat(
        root,
        &["check", "--window", "2", "--level", "BACKWARD_TRANSITIVE"],
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("== N (work tree) against v1.1.0 (N-1): protobuf"),
        "{text}"
    );
    assert!(
        text.contains("== N (work tree) against v1.0.0 (N-2): protobuf"),
        "{text}"
    );
    assert!(
        text.contains("rollback hazard: v1.0.0 readers cannot read data written by v(N)"),
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with(&format!("rollback: {}", statement(&v))),
        "{text}"
    );
}

#[test]
fn the_rollback_statement_has_three_forms() {
    let dir = init();
    let root = dir.path();
    write(root, ORDER, &order("  string id = 1;\n"));
    commit(root, "1.0");
    tag(root, "v1.0.0");
    write(
        root,
        ORDER,
        &order("  string id = 1;\n  string note = 2;\n"),
    );
    commit(root, "1.1");
    tag(root, "v1.1.0");

    // Adding a field: every version of the window reads N's data.
    write(
        root,
        ORDER,
        &order("  string id = 1;\n  string note = 2;\n  string extra = 3;\n"),
    );
    let v = json(root, &["check", "--window", "2"], 0);
    assert_eq!(
        statement(&v),
        "safe to roll back to v1.0.0 (the whole window)"
    );
    assert_eq!(v["rollback"]["whole_window"], true);

    // Retyping the field v1.1.0 added breaks its readers: nothing is safe.
    write(root, ORDER, &order("  string id = 1;\n  int64 note = 2;\n"));
    let v = json(root, &["check", "--window", "2"], 1);
    let s = statement(&v);
    assert!(
        s.starts_with(
            "irreversible: rolling back to v1.1.0 leaves it unable to read orders.v1.Order.note"
        ),
        "{s}"
    );
    assert_eq!(v["irreversible"], true);
    assert_eq!(v["rollback"]["safe_to"], Value::Null);
}

#[test]
fn git_revisions_are_inputs_and_the_work_tree_is_the_default_new() {
    let dir = number_reuse();
    let root = dir.path();
    let before = git(root, &["status", "--porcelain"]);
    // Whole revisions.
    let v = json(root, &["check", "git:v1.0.0", "git:HEAD"], 0);
    assert_eq!(v["old_root"], "git:v1.0.0");
    assert_eq!(v["summary"]["warnings"], 2);
    // A path in a revision against the same path in the work tree, with
    // its uncommitted edit.
    let v = json(root, &["check", "git:v1.0.0:proto"], 1);
    assert_eq!(v["old_root"], "git:v1.0.0:proto");
    assert_eq!(v["findings"][0]["rule"], "PB304");
    assert_eq!(v["findings"][0]["new"]["path"], "orders/v1/order.proto");
    // A revision against a directory.
    let v = json(
        root,
        &["check", "git:v1.1.0:proto/orders", "proto/orders"],
        0,
    );
    assert_eq!(v["new_root"], "proto/orders");
    // Nothing was checked out: the work tree is as it was.
    assert_eq!(git(root, &["status", "--porcelain"]), before);
    assert!(
        std::fs::read_to_string(root.join(ORDER))
            .unwrap()
            .contains("qty")
    );
    // Bad revisions are input errors.
    let o = wirecompat(root, &["check", "git:v9.9.9", "git:HEAD"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("v9.9.9"), "{}", stderr(&o));
    let o = wirecompat(root, &["check", "git:v1.0.0:nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nowhere"), "{}", stderr(&o));
}

#[test]
fn repository_mode_finds_every_format_and_pairs_moved_files() {
    let dir = init();
    let root = dir.path();
    write(root, "proto/order.proto", &order("  string id = 1;\n"));
    write(
        root,
        "avro/order.avsc",
        r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"}]}"#,
    );
    write(
        root,
        "schemas/order.json",
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://acme.example/order.json","type":"object","properties":{"id":{"type":"string"}}}"#,
    );
    write(
        root,
        "schemas/customer.schema.json",
        r#"{"type":"object","properties":{"name":{"type":"string"}}}"#,
    );
    // Not contracts: plain JSON data, and anything .gitignore'd.
    write(root, "data/sample.json", r#"{"id": "x"}"#);
    write(root, ".gitignore", "build/\n");
    write(root, "build/generated.proto", "this is not protobuf {{{");
    commit(root, "1.0");
    tag(root, "v1.0.0");

    // Move every contract; change none.
    for d in ["proto/orders/v1", "avro/com/acme", "schemas/v1"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    git(
        root,
        &["mv", "proto/order.proto", "proto/orders/v1/order.proto"],
    );
    git(root, &["mv", "avro/order.avsc", "avro/com/acme/Order.avsc"]);
    git(root, &["mv", "schemas/order.json", "schemas/v1/order.json"]);
    let v = json(root, &["check"], 0);
    assert_eq!(strings(&v["formats"]), ["avro", "jsonschema", "protobuf"]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(
        statement(&v),
        "safe to roll back to v1.0.0 (the whole window)"
    );

    // A real change in each format is reported, one report for all.
    write(
        root,
        "proto/orders/v1/order.proto",
        &order("  int64 id = 1;\n"),
    );
    write(
        root,
        "avro/com/acme/Order.avsc",
        r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}"#,
    );
    write(
        root,
        "schemas/customer.schema.json",
        r#"{"type":"object","properties":{"name":{"type":"integer"}}}"#,
    );
    let v = json(root, &["check"], 1);
    let formats: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["format"].as_str().unwrap().to_string())
        .collect();
    for f in ["protobuf", "avro", "jsonschema"] {
        assert!(formats.iter().any(|x| x == f), "{f} missing: {v}");
    }
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["new"]["path"].as_str())
        .collect();
    assert!(paths.contains(&"proto/orders/v1/order.proto"), "{paths:?}");
    assert!(paths.contains(&"avro/com/acme/Order.avsc"), "{paths:?}");
    assert!(paths.contains(&"schemas/customer.schema.json"), "{paths:?}");

    // A type that really disappears is a deletion.
    write(
        root,
        "avro/com/acme/Order.avsc",
        r#"{"type":"record","name":"Invoice","namespace":"com.acme","fields":[{"name":"id","type":"string"}]}"#,
    );
    let v = json(root, &["check", "--level", "NONE"], 0);
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["format"] == "avro")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("com.acme.Order")),
        "{messages:?}"
    );
}

#[test]
fn without_release_tags_the_work_tree_is_compared_with_head() {
    let dir = number_reuse();
    let root = dir.path();
    git(root, &["tag", "-d", "v1.0.0", "v1.1.0"]);
    let v = json(root, &["check"], 0);
    assert_eq!(strings(&v["window"]), ["HEAD"]);
    assert!(
        strings(&v["notes"])
            .iter()
            .any(|n| n.contains("no release tag matches")),
        "{v}"
    );
}

/// A repository whose work tree breaks forward in `proto/internal` and both
/// directions in `proto/public`, with a `wirecompat.toml`.
fn configured(config: &str) -> tempfile::TempDir {
    let dir = init();
    let root = dir.path();
    let msg = |name: &str, ty: &str| {
        format!(
            "syntax = \"proto3\";\npackage acme.{name};\n\nmessage M {{\n  {ty} v = 1;\n  string s = 2;\n}}\n"
        )
    };
    write(root, "proto/internal/a.proto", &msg("internal", "int32"));
    write(root, "proto/public/b.proto", &msg("public", "string"));
    commit(root, "1.0");
    tag(root, "v1.0.0");
    tag(root, "release-1");
    write(root, "proto/internal/a.proto", &msg("internal", "int64"));
    write(root, "proto/public/b.proto", &msg("public", "bytes"));
    write(root, "wirecompat.toml", config);
    commit(root, "1.1");
    tag(root, "v1.1.0");
    // The candidate changes them again.
    write(root, "proto/internal/a.proto", &msg("internal", "fixed64"));
    write(root, "proto/public/b.proto", &msg("public", "int32"));
    dir
}

fn blocking(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["blocking"] == true)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["new"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn fingerprint_of(v: &Value, path: &str) -> String {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["new"]["path"] == path && f["severity"] == "error")
        .unwrap_or_else(|| panic!("no error at {path}: {v}"))["fingerprint"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn configuration_levels_window_and_rules() {
    // No configuration: FULL, N-1, both files block.
    let dir = configured("");
    let root = dir.path();
    let v = json(root, &["check"], 1);
    assert_eq!(v["level"], "FULL");
    assert_eq!(strings(&v["window"]), ["v1.1.0"]);
    let b = blocking(&v);
    assert!(
        b.iter().any(|(_, p)| p == "proto/internal/a.proto"),
        "{b:?}"
    );
    assert!(b.iter().any(|(_, p)| p == "proto/public/b.proto"), "{b:?}");

    // Default level, a level per path, window size and tag glob.
    let dir = configured(
        "level = \"BACKWARD\"\n\n[window]\nsize = 5\ntags = \"release-*\"\n\n[[levels]]\npath = \
         \"proto/internal/**\"\nlevel = \"NONE\"\n",
    );
    let root = dir.path();
    let v = json(root, &["check"], 1);
    assert_eq!(v["level"], "BACKWARD");
    assert_eq!(strings(&v["window"]), ["release-1"]);
    let b = blocking(&v);
    assert!(!b.is_empty());
    assert!(b.iter().all(|(_, p)| p == "proto/public/b.proto"), "{b:?}");
    let internal = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["new"]["path"] == "proto/internal/a.proto")
        .expect("internal finding shown");
    assert_eq!(internal["level"], "NONE");
    // The command line wins over the file.
    let v = json(root, &["check", "--window", "1", "--tags", "v*"], 1);
    assert_eq!(strings(&v["window"]), ["v1.1.0"]);
    // --no-config ignores it.
    let v = json(root, &["check", "--no-config"], 1);
    assert_eq!(v["level"], "FULL");
    assert_eq!(strings(&v["window"]), ["v1.1.0"]);

    // A level per subject: the package of the public contract.
    let dir = configured("[[levels]]\nsubject = \"acme.public\"\nlevel = \"NONE\"\n");
    let v = json(dir.path(), &["check"], 1);
    let b = blocking(&v);
    assert!(!b.is_empty());
    assert!(
        b.iter().all(|(_, p)| p == "proto/internal/a.proto"),
        "{b:?}"
    );

    // Rules: off everywhere, or a warning under one path.
    let dir = configured("");
    let v = json(dir.path(), &["check"], 1);
    let rule = v["findings"][0]["rule"].as_str().unwrap().to_string();
    let dir = configured(&format!(
        "[[rules]]\nrule = \"{rule}\"\nseverity = \"off\"\n"
    ));
    let v = json(dir.path(), &["check"], 0);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != rule.as_str()),
        "{v}"
    );
    let dir = configured(&format!(
        "[[rules]]\nrule = \"{rule}\"\nseverity = \"warning\"\npaths = [\"proto/public/**\"]\n"
    ));
    let v = json(dir.path(), &["check"], 1);
    let public: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["new"]["path"] == "proto/public/b.proto" && f["rule"] == rule.as_str())
        .collect();
    assert!(!public.is_empty());
    assert!(public.iter().all(|f| f["severity"] == "warning"));
    assert!(
        blocking(&v)
            .iter()
            .all(|(_, p)| p == "proto/internal/a.proto")
    );
}

#[test]
fn configuration_acceptances_accepted_expired_and_stale() {
    let dir = configured("");
    let v = json(dir.path(), &["check"], 1);
    let internal = fingerprint_of(&v, "proto/internal/a.proto");
    let public = fingerprint_of(&v, "proto/public/b.proto");
    let accept = |fp: &str, expires: &str| {
        format!(
            "[[accept]]\nfingerprint = \"{fp}\"\nreason = \"no reader left\"\nby = \
             \"alice@example.com\"\nexpires = \"{expires}\"\n"
        )
    };
    let all: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["blocking"] == true)
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    assert!(all.contains(&internal) && all.contains(&public));

    // Accepting every blocking finding: shown as accepted, exit 0.
    let text: String = all.iter().map(|fp| accept(fp, "2999-12-31")).collect();
    let dir = configured(&text);
    let v = json(dir.path(), &["check"], 0);
    let accepted: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["accepted"].is_null())
        .collect();
    assert_eq!(accepted.len(), all.len());
    assert_eq!(accepted[0]["accepted"]["by"], "alice@example.com");
    assert_eq!(accepted[0]["accepted"]["reason"], "no reader left");
    assert_eq!(accepted[0]["blocking"], false);
    assert!(strings(&v["stale"]).is_empty());
    let o = wirecompat(dir.path(), &["check"]);
    let out = stdout(&o);
    assert!(out.contains("(accepted)"), "{out}");
    assert!(
        out.contains(&format!(
            "accepted by alice@example.com until 2999-12-31: no reader left (fingerprint {internal})"
        )),
        "{out}"
    );

    // An expired acceptance fails the check, even with the rest accepted.
    let text: String = all
        .iter()
        .map(|fp| {
            if *fp == internal {
                accept(fp, "2020-01-31")
            } else {
                accept(fp, "2999-12-31")
            }
        })
        .collect();
    let dir = configured(&text);
    let v = json(dir.path(), &["check"], 1);
    let expired = v["expired"].as_array().unwrap();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["fingerprint"], internal.as_str());
    assert_eq!(expired[0]["expires"], "2020-01-31");
    let o = wirecompat(dir.path(), &["check"]);
    assert!(
        stdout(&o).contains(&format!(
            "error: the acceptance of {internal} (by alice@example.com) expired on 2020-01-31"
        )),
        "{}",
        stdout(&o)
    );

    // An acceptance that matches nothing is stale.
    let text = format!("{}{}", text, accept("0123456789abcdef", "2999-12-31"));
    let dir = configured(&text);
    let v = json(dir.path(), &["check"], 1);
    assert_eq!(strings(&v["stale"]), ["0123456789abcdef"]);
    let o = wirecompat(dir.path(), &["check"]);
    assert!(
        stdout(&o)
            .contains("warning: the acceptance of 0123456789abcdef matches no finding any more"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn configuration_errors_exit_2_naming_the_key_and_line() {
    let dir = configured("level = \"FULL\"\n\n[window]\nsize = 2\nsizes = 3\n");
    let o = wirecompat(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("wirecompat.toml:5:"), "{err}");
    assert!(err.contains("sizes"), "{err}");

    let dir = configured("level = \"SIDEWAYS\"\n");
    let o = wirecompat(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("wirecompat.toml:1:"), "{err}");
    assert!(err.contains("SIDEWAYS"), "{err}");

    // An explicit --config file that does not exist.
    let o = wirecompat(dir.path(), &["check", "--config", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
}

#[test]
fn init_writes_a_starter_that_checks() {
    let dir = number_reuse();
    let root = dir.path();
    std::fs::create_dir_all(root.join("proto/deep")).unwrap();
    let o = wirecompat(&root.join("proto/deep"), &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(root.join("wirecompat.toml")).expect("at the root");
    assert_eq!(text, wirecompat::config::STARTER);
    // It is a working configuration.
    let v = json(root, &["check", "--window", "2"], 0);
    assert_eq!(v["level"], "FULL");
    // Never overwritten unless forced.
    let o = wirecompat(root, &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let o = wirecompat(root, &["init", "--force"]);
    assert_eq!(o.status.code(), Some(0));
}
