//! `wirecompat.toml`: the committed schema, the starter file, the sample
//! configurations in `testdata/config/` and the helpers.
//!
//! `WIRECOMPAT_BLESS=1 cargo test --test config` rewrites
//! `schemas/config.schema.json` and every `testdata/config/bad/*.err` from the
//! current code (review the diff).

use std::path::{Path, PathBuf};

use serde_json::Value;
use wirecompat::config::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var_os("WIRECOMPAT_BLESS").is_some()
}

const SCHEMA: &str = "schemas/config.schema.json";

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join(SCHEMA)).expect("read the committed schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the config schema compiles")
}

/// TOML text as JSON, the way an editor validating the file sees it.
fn as_json(text: &str) -> Value {
    let v: toml::Value = toml::from_str(text).expect("valid TOML");
    serde_json::to_value(v).expect("TOML converts to JSON")
}

fn schema_errors(text: &str) -> Vec<String> {
    validator()
        .iter_errors(&as_json(text))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The `.toml` files in a directory, sorted.
fn tomls(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read testdata dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

fn parse_ok(text: &str) -> Config {
    parse(text, FILE_NAME).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn committed_schema_is_current() {
    let path = root().join(SCHEMA);
    let want = json_schema();
    if bless() {
        std::fs::write(&path, &want).expect("write schema");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{SCHEMA} is stale: regenerate it with `WIRECOMPAT_BLESS=1 cargo test --test config`"
    );
}

#[test]
fn starter_parses_and_validates() {
    let c = parse_ok(STARTER);
    assert_eq!(c.default_level(), "FULL");
    assert_eq!(c.window.size(), 1);
    let errors = schema_errors(STARTER);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Uncommenting the starter's example lines gives a valid file using every
/// key the schema knows.
#[test]
fn starter_shows_every_key() {
    let uncommented: String = STARTER
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || rest.contains(" = ") => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    parse_ok(&uncommented);
    let errors = schema_errors(&uncommented);
    assert!(errors.is_empty(), "{errors:#?}");

    fn keys(v: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if prefix.ends_with("map_ref") || prefix.ends_with("registry/headers") {
                        continue;
                    }
                    let p = format!("{prefix}/{k}");
                    keys(v, &p, out);
                    out.insert(p);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, prefix, out)),
            _ => {}
        }
    }
    let mut shown = Default::default();
    keys(&as_json(&uncommented), "", &mut shown);

    // Every property the schema declares, by the same paths.
    let schema: Value = serde_json::from_str(&json_schema()).expect("schema JSON");
    fn declared(
        s: &Value,
        root: &Value,
        prefix: &str,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        let s = match s.get("$ref").and_then(Value::as_str) {
            Some(r) => root
                .pointer(r.trim_start_matches('#'))
                .expect("ref resolves"),
            None => s,
        };
        if let Some(items) = s.get("items") {
            declared(items, root, prefix, out);
        }
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                let p = format!("{prefix}/{k}");
                declared(v, root, &p, out);
                out.insert(p);
            }
        }
    }
    let mut want = Default::default();
    declared(&schema, &schema, "", &mut want);
    assert_eq!(shown, want, "STARTER should show every key");
}

#[test]
fn good_configs_parse_and_validate() {
    let files = tomls(&root().join("testdata/config/good"));
    assert!(files.len() >= 3);
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        if let Err(e) = load(&f) {
            panic!("{}: {e}", f.display());
        }
        let errors = schema_errors(&text);
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
    }
}

#[test]
fn bad_configs_fail_with_their_messages() {
    let files = tomls(&root().join("testdata/config/bad"));
    assert!(files.len() >= 10);
    let mut failures = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        let err_file = f.with_extension("err");
        let got = match parse(&text, FILE_NAME) {
            Ok(_) => "(parsed without error)".to_string(),
            Err(e) => e.to_string(),
        };
        if bless() {
            std::fs::write(&err_file, format!("{got}\n")).expect("write .err");
        }
        let want = std::fs::read_to_string(&err_file).unwrap_or_default();
        if got != want.trim_end() {
            failures.push(format!(
                "{}:\n  want: {}\n  got:  {got}",
                f.display(),
                want.trim_end()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_carry_file_line_and_column() {
    let e = parse("\n\n[window]\nsize = 0\n", "repo/wirecompat.toml").unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("repo/wirecompat.toml", 4, 8)
    );
    assert!(e.message.contains("window.size"), "{e}");
    let bom = parse("\u{feff}level = \"x\"\n", FILE_NAME).unwrap_err();
    assert_eq!((bom.line, bom.column), (1, 9), "{bom}");
    let missing = load(Path::new("/nonexistent/wirecompat.toml")).unwrap_err();
    assert_eq!(missing.line, 0);
    assert!(
        missing
            .to_string()
            .starts_with("/nonexistent/wirecompat.toml: cannot read")
    );
}

#[test]
fn find_reads_the_file_at_the_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(find(dir.path()).expect("no file is fine").is_none());
    std::fs::write(dir.path().join(FILE_NAME), "level = \"backward\"\n").expect("write");
    let c = find(dir.path()).expect("parses").expect("found");
    assert_eq!(c.default_level(), "BACKWARD");
    std::fs::write(dir.path().join(FILE_NAME), "level = 3\n").expect("write");
    let e = find(dir.path()).unwrap_err();
    assert!(e.file.ends_with(FILE_NAME) && e.line == 1, "{e}");
}

#[test]
fn values_are_normalised() {
    let c = parse_ok(
        r#"
level = "full-transitive"
[[levels]]
path = "a/**"
level = "Backward"
[protobuf]
profile = "WIRE"
[jsonschema]
draft = "draft-07"
content_model = "Lenient"
[[rules]]
rule = "pb502"
severity = "WARNING"
"#,
    );
    assert_eq!(c.default_level(), "FULL_TRANSITIVE");
    assert_eq!(c.level.as_deref(), Some("FULL_TRANSITIVE"));
    assert_eq!(c.levels[0].level, "BACKWARD");
    assert_eq!(c.protobuf.profile(), "wire");
    assert_eq!(c.jsonschema.draft(), "7");
    assert!(c.jsonschema.lenient());
    assert_eq!(c.rules[0].severity, RuleSeverity::Warning);
}

#[test]
fn defaults() {
    let c = parse_ok("");
    assert_eq!(c.default_level(), "FULL");
    assert_eq!(c.window.size(), 1);
    assert_eq!(c.window.tags(), "v*");
    assert!(!c.window.prereleases());
    assert!(c.window.matches_tag("v1.2.3") && !c.window.matches_tag("release-1"));
    assert_eq!(c.protobuf.profile(), "wire-json");
    assert_eq!(c.jsonschema.draft(), "2020-12");
    assert!(!c.jsonschema.lenient() && !c.jsonschema.format_assertion());
    assert!(!c.is_excluded("a.proto"));
    assert_eq!(c.level_for_path("a.proto"), None);
    assert_eq!(c.rule_setting("PB502", "enum-value-added", None), None);
}

#[test]
fn level_for_path_first_match_wins() {
    let c = parse_ok(
        r#"
[[levels]]
subject = "orders-value"
level = "BACKWARD_TRANSITIVE"
[[levels]]
path = "proto/internal/**"
level = "NONE"
[[levels]]
path = "proto/**"
level = "FORWARD"
[[levels]]
path = "proto/internal/x.proto"
level = "FULL"
[[levels]]
path = "avro"
level = "BACKWARD"
"#,
    );
    assert_eq!(c.level_for_path("proto/internal/x.proto"), Some("NONE"));
    assert_eq!(c.level_for_path("proto/public/y.proto"), Some("FORWARD"));
    assert_eq!(c.level_for_path("./proto/a.proto"), Some("FORWARD"));
    // A glob naming a directory covers what is under it.
    assert_eq!(c.level_for_path("avro/orders/o.avsc"), Some("BACKWARD"));
    assert_eq!(c.level_for_path("avroish/o.avsc"), None);
    assert_eq!(c.level_for_path("other/z.proto"), None);
    assert_eq!(
        c.level_for_subject("orders-value"),
        Some("BACKWARD_TRANSITIVE")
    );
    assert_eq!(c.level_for_subject("orders-key"), None);
}

#[test]
fn rule_setting_last_match_wins() {
    let c = parse_ok(
        r#"
[[rules]]
rule = "PB502"
severity = "warning"
[[rules]]
rule = "enum-value-added"
paths = ["proto/public/**"]
severity = "off"
[[rules]]
rule = "PB502"
paths = ["proto/public/legacy/*.proto"]
severity = "info"
"#,
    );
    let s = |path| c.rule_setting("PB502", "enum-value-added", path);
    assert_eq!(s(None), Some(RuleSeverity::Warning));
    assert_eq!(
        s(Some("proto/internal/a.proto")),
        Some(RuleSeverity::Warning)
    );
    assert_eq!(s(Some("proto/public/a.proto")), Some(RuleSeverity::Off));
    assert_eq!(
        s(Some("proto/public/legacy/a.proto")),
        Some(RuleSeverity::Info)
    );
    // `*` does not cross `/`.
    assert_eq!(
        s(Some("proto/public/legacy/deep/a.proto")),
        Some(RuleSeverity::Off)
    );
    assert_eq!(c.rule_setting("PB103", "other-rule", None), None);
    assert_eq!(
        c.rule_setting("pb502", "x", None),
        Some(RuleSeverity::Warning)
    );
}

#[test]
fn acceptances_and_expiry() {
    let c = parse_ok(
        r#"
[[accept]]
fingerprint = "aaaaaaaaaaaaaaaa"
reason = "old"
expires = "2000-01-01"
[[accept]]
fingerprint = "bbbbbbbbbbbbbbbb"
reason = "far away"
by = "alice@example.com"
expires = "2999-12-31"
"#,
    );
    let today = Date::today();
    let old = c.acceptance("aaaaaaaaaaaaaaaa").expect("accepted");
    assert!(old.expired(today));
    assert_eq!(old.expires.to_string(), "2000-01-01");
    assert!(!old.expired(Date::parse("2000-01-01").expect("date")));
    assert!(old.expired(Date::parse("2000-01-02").expect("date")));
    let far = c.acceptance("bbbbbbbbbbbbbbbb").expect("accepted");
    assert!(!far.expired(today));
    assert_eq!(far.by.as_deref(), Some("alice@example.com"));
    assert!(c.acceptance("cccc").is_none());
}

#[test]
fn exclusion() {
    let c = parse_ok("exclude = [\"testdata/**\", \"vendor\", \"**/*_test.proto\"]\n");
    assert!(c.is_excluded("testdata/a/b.proto"));
    assert!(c.is_excluded("vendor/x/y.proto"));
    assert!(c.is_excluded("proto/a_test.proto"));
    assert!(c.is_excluded("a_test.proto"));
    assert!(!c.is_excluded("proto/a.proto"));
    assert!(!c.is_excluded("vendored/y.proto"));
}

#[test]
fn dates() {
    let d = Date::parse("2027-01-31").expect("date");
    assert_eq!((d.year, d.month, d.day), (2027, 1, 31));
    assert_eq!(d.to_string(), "2027-01-31");
    assert_eq!(
        Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
        Some("2024-02-29")
    );
    for bad in [
        "2027-02-30",
        "2023-02-29",
        "1900-02-29",
        "2027-13-01",
        "2027-00-10",
        "2027-1-31",
        "27-01-31",
        "2027-01-31T00:00",
        "2027/01/31",
        "",
    ] {
        assert!(Date::parse(bad).is_none(), "{bad}");
    }
    assert!(Date::parse("2000-02-29").is_some());
    assert!(Date::parse("2026-12-31") < Date::parse("2027-01-01"));
    let today = Date::today();
    assert!(today.year >= 2024 && (1..=12).contains(&today.month) && (1..=31).contains(&today.day));
    assert_eq!(Date::parse(&today.to_string()), Some(today));
}

#[test]
fn config_errors_convert_to_input_errors() {
    let e = parse("level = \"x\"\n", FILE_NAME).unwrap_err();
    let text = e.to_string();
    let lib: wirecompat::Error = e.into();
    assert_eq!(lib.to_string(), text);
}

#[test]
fn schema_defaults_are_the_parsers_defaults() {
    let schema: Value = serde_json::from_str(&json_schema()).expect("schema JSON");
    let default = |ptr: &str| {
        schema
            .pointer(&format!("{ptr}/default"))
            .cloned()
            .unwrap_or_else(|| panic!("no default at {ptr}"))
    };
    let c = parse_ok("");
    assert_eq!(default("/properties/level"), c.default_level());
    assert_eq!(default("/$defs/Window/properties/size"), c.window.size());
    assert_eq!(default("/$defs/Window/properties/tags"), c.window.tags());
    assert_eq!(
        default("/$defs/Window/properties/prereleases"),
        c.window.prereleases()
    );
    assert_eq!(
        default("/$defs/Protobuf/properties/profile"),
        c.protobuf.profile()
    );
    let js = "/$defs/JsonSchemaSettings/properties";
    assert_eq!(default(&format!("{js}/draft")), c.jsonschema.draft());
    assert_eq!(default(&format!("{js}/content_model")), "strict");
    assert!(!c.jsonschema.lenient());
    assert_eq!(
        default(&format!("{js}/format_assertion")),
        c.jsonschema.format_assertion()
    );
}

/// The schema catches what it can express of the bad samples (not globs,
/// calendar dates or rule names).
#[test]
fn schema_rejects_the_bad_samples_it_can() {
    for name in [
        "unknown_top_level_key",
        "unknown_window_key",
        "unknown_levels_key",
        "bad_level",
        "bad_level_in_levels",
        "bad_severity",
        "window_size_zero",
        "window_size_string",
        "levels_path_and_subject",
        "levels_neither_path_nor_subject",
        "accept_without_reason",
        "empty_fingerprint",
        "unquoted_date",
        "bad_profile",
        "bad_draft",
        "bad_content_model",
        "exclude_not_array",
        "rules_empty_paths",
    ] {
        let path = root().join(format!("testdata/config/bad/{name}.toml"));
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(!schema_errors(&text).is_empty(), "{name} passes the schema");
    }
}
