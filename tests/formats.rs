//! Every report format on shared fixtures: the bundled example (one
//! comparison, a rollout and a rollback hazard) and a rollback window over a
//! git repository (a number reused across three releases, an accepted
//! finding). Snapshots for each format, and checks with real parsers: SARIF
//! against the SARIF 2.1.0 JSON Schema, JUnit as XML, GitLab Code Quality's
//! required keys, GitHub workflow-command syntax.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::git::{commit, init, tag, write};
use serde_json::Value;
use wirecompat::report::{self, OutputFormat};
use wirecompat::run::{self, ConfigChoice, Outcome, Request};

/// The bundled example, as `wirecompat check testdata/example/old
/// testdata/example/new` sees it.
fn example() -> Outcome {
    run::run(&Request {
        old: Some("testdata/example/old".into()),
        new: Some("testdata/example/new".into()),
        cwd: common::root(),
        config: ConfigChoice::Off,
        ..Default::default()
    })
    .expect("the example checks")
}

/// A window of two releases: v1.0.0 has `string note = 7`, v1.1.0 deletes
/// it, the work tree reuses 7 for `int64 qty` and retypes `count`; the
/// configuration accepts one finding.
fn window() -> (tempfile::TempDir, Outcome) {
    let dir = init();
    let root = dir.path();
    let order = |fields: &str| {
        format!("syntax = \"proto3\";\npackage orders.v1;\n\nmessage Order {{\n{fields}}}\n")
    };
    let path = "proto/orders/v1/order.proto";
    write(
        root,
        path,
        &order("  string id = 1;\n  int32 count = 2;\n  string note = 7;\n"),
    );
    commit(root, "1.0");
    tag(root, "v1.0.0");
    write(root, path, &order("  string id = 1;\n  int32 count = 2;\n"));
    commit(root, "1.1");
    tag(root, "v1.1.0");
    write(
        root,
        path,
        &order("  string id = 1;\n  uint64 count = 2;\n  int64 qty = 7;\n"),
    );
    let req = Request {
        window: Some(2),
        cwd: root.to_path_buf(),
        ..Default::default()
    };
    // Accept the number reuse against v1.0.0, so that the fixture shows an
    // accepted finding.
    let first = run::run(&req).unwrap();
    let value = report::render(&first, OutputFormat::Json, false);
    let v: Value = serde_json::from_str(&value).unwrap();
    let fp = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "PB304")
        .expect("the number reuse")["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    write(
        root,
        "wirecompat.toml",
        &format!(
            "[[accept]]\nfingerprint = \"{fp}\"\nreason = \"no stored data uses 7\"\nby = \
             \"alice@example.com\"\nexpires = \"2999-01-31\"\n"
        ),
    );
    let outcome = run::run(&req).unwrap();
    (dir, outcome)
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => common::root().join("tests/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// The version string changes with releases; snapshots keep a placeholder.
fn stable(text: &str) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn every_format_on_the_example() {
    let o = example();
    for f in OutputFormat::ALL {
        snapshot(
            &format!("example.{}", f.as_str()),
            &stable(&report::render(&o, f, false)),
        );
    }
    snapshot(
        "example.text-color",
        &stable(&report::render(&o, OutputFormat::Text, true)),
    );
}

/// JSON, SARIF and GitLab reports of a single comparison are written one
/// finding at a time (`report::write`), and every machine format reads the
/// findings from the report rather than from its JSON value: the bytes are
/// those made from the whole report built as one JSON value.
#[test]
fn streamed_reports_are_the_whole_value_written() {
    let Outcome::Pair(mut r) = example() else {
        panic!("the example is a single comparison")
    };
    assert!(r.findings.len() >= 5, "{} findings", r.findings.len());
    // One finding accepted, as wirecompat.toml would.
    r.findings[1].accepted = Some(Box::new(wirecompat::finding::Accepted {
        reason: "no reader left".into(),
        by: "alice@example.com".into(),
        expires: "2999-12-31".into(),
    }));
    let o = Outcome::Pair(r);
    let Outcome::Pair(r) = &o else { unreachable!() };
    let whole = report::json::to_value(r);
    let pretty = |v: &Value| format!("{}\n", serde_json::to_string_pretty(v).unwrap());
    let written = |f: OutputFormat| {
        let mut out = Vec::new();
        report::write(&o, f, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert_eq!(written(OutputFormat::Json), pretty(&whole));
    let sarif = written(OutputFormat::Sarif);
    assert!(sarif.contains("accepted by alice@example.com until 2999-12-31"));
    assert_eq!(sarif, pretty(&report::sarif::to_value(&whole)));
    // The other formats read a single comparison's findings from the report
    // itself rather than from its JSON value.
    assert_eq!(
        written(OutputFormat::Gitlab),
        report::gitlab::render(&whole)
    );
    assert_eq!(written(OutputFormat::Junit), report::junit::render(&whole));
    assert_eq!(
        written(OutputFormat::Github),
        report::github::render(&whole)
    );
    assert_eq!(
        written(OutputFormat::Markdown),
        report::markdown::render(&whole)
    );
}

#[test]
fn every_format_on_a_window() {
    let (_dir, o) = window();
    for f in OutputFormat::ALL {
        snapshot(
            &format!("window.{}", f.as_str()),
            &stable(&report::render(&o, f, false)),
        );
    }
}

/// The SARIF 2.1.0 JSON Schema as published by OASIS, from the `serde-sarif`
/// crate's sources (a dev-dependency, so cargo has unpacked it; it ships the
/// schema its model is generated from): nothing is copied here.
fn sarif_schema() -> Value {
    let lock = std::fs::read_to_string(common::root().join("Cargo.lock")).unwrap();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"serde-sarif\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .expect("serde-sarif in Cargo.lock")
        .trim_matches('"')
        .to_string();
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let registries = std::fs::read_dir(home.join("registry/src")).expect("cargo's registry");
    let schema = registries
        .filter_map(Result::ok)
        .map(|r| {
            r.path()
                .join(format!("serde-sarif-{version}"))
                .join("src/schema.json")
        })
        .find(|p| p.is_file())
        .expect("serde-sarif's sources with its schema");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&schema).unwrap()).unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    schema
}

fn url_like(uri: &str) -> bool {
    !uri.is_empty()
        && !uri.starts_with('/')
        && uri
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '\\' | '"' | '<' | '>' | '^' | '`'))
}

#[test]
fn sarif_follows_the_sarif_2_1_0_schema() {
    let schema = sarif_schema();
    // The published schema's `language` patterns have a stray `]` that
    // ECMA-262 rejects (and the validator with it, as it checks the schema
    // against its metaschema); it is corrected in memory, nothing else is
    // touched. wirecompat does not emit `language`.
    let mut schema = schema;
    let mut fixed = 0;
    for def in schema["definitions"].as_object_mut().unwrap().values_mut() {
        let pattern = def
            .pointer_mut("/properties/language/pattern")
            .filter(|p| **p == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        if let Some(pattern) = pattern {
            *pattern = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
            fixed += 1;
        }
    }
    assert!(fixed > 0);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let (_dir, w) = window();
    for (name, o) in [("example", example()), ("window", w)] {
        let text = report::render(&o, OutputFormat::Sarif, false);
        let v: Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        // The typed model reads it too.
        let sarif: serde_sarif::sarif::Sarif = serde_json::from_str(&text).unwrap();
        let results = sarif.runs[0].results.as_ref().unwrap();
        assert!(!results.is_empty());
        // Every result names a rule the driver describes, with help.
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        for r in v["runs"][0]["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
            assert!(rules[i]["help"]["text"].as_str().unwrap().len() > 20);
            assert!(
                rules[i]["helpUri"]
                    .as_str()
                    .unwrap()
                    .ends_with(&r["ruleId"].as_str().unwrap().to_ascii_lowercase())
            );
            assert!(r["partialFingerprints"]["wirecompatFingerprint/v1"].is_string());
            // Artifact URIs are relative references (format "uri-reference").
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(url_like(uri), "{uri}");
        }
    }
}

#[test]
fn sarif_places_results_in_the_new_version_and_relates_the_old() {
    let text = report::render(&example(), OutputFormat::Sarif, false);
    let v: Value = serde_json::from_str(&text).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let both: Vec<&Value> = results
        .iter()
        .filter(|r| r["relatedLocations"].is_array())
        .collect();
    assert!(!both.is_empty());
    for r in both {
        let new = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        let old = r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(new.starts_with("testdata/example/new/"), "{new}");
        assert!(old.starts_with("testdata/example/old/"), "{old}");
    }
    // Blocking findings are errors.
    assert!(results.iter().any(|r| r["level"] == "error"));
}

#[test]
fn junit_is_xml_with_a_failure_per_blocking_finding() {
    let (_dir, w) = window();
    for o in [example(), w] {
        let json: Value =
            serde_json::from_str(&report::render(&o, OutputFormat::Json, false)).unwrap();
        let blocking = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["blocking"] == true)
            .count();
        let xml = report::render(&o, OutputFormat::Junit, false);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let failures = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(failures, blocking);
        assert_eq!(
            root.attribute("failures")
                .unwrap()
                .parse::<usize>()
                .unwrap(),
            blocking
        );
        let cases = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert_eq!(
            root.attribute("tests").unwrap().parse::<usize>().unwrap(),
            cases
        );
    }
}

#[test]
fn gitlab_code_quality_issues_have_the_required_keys() {
    let (_dir, w) = window();
    for o in [example(), w] {
        let v: Value =
            serde_json::from_str(&report::render(&o, OutputFormat::Gitlab, false)).unwrap();
        let issues = v.as_array().unwrap();
        assert!(!issues.is_empty());
        let mut fingerprints = std::collections::BTreeSet::new();
        for i in issues {
            assert!(i["description"].as_str().is_some_and(|d| !d.is_empty()));
            assert!(i["check_name"].as_str().unwrap().starts_with("wirecompat/"));
            assert!(
                ["info", "minor", "major", "critical", "blocker"]
                    .contains(&i["severity"].as_str().unwrap())
            );
            assert!(!i["location"]["path"].as_str().unwrap().is_empty());
            assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
            assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()));
        }
    }
}

#[test]
fn github_lines_are_workflow_commands() {
    let (_dir, w) = window();
    for o in [example(), w] {
        let out = report::render(&o, OutputFormat::Github, false);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() >= 2);
        for l in &lines {
            let (head, _msg) = l
                .strip_prefix("::")
                .and_then(|r| r.split_once("::"))
                .unwrap_or_else(|| panic!("not a workflow command: {l}"));
            let (cmd, props) = head.split_once(' ').unwrap_or((head, ""));
            assert!(["error", "warning", "notice"].contains(&cmd), "{l}");
            for p in props.split(',').filter(|p| !p.is_empty()) {
                let (k, _) = p.split_once('=').expect("key=value");
                assert!(
                    ["file", "line", "col", "endLine", "endColumn", "title"].contains(&k),
                    "{l}"
                );
            }
        }
        assert!(lines.last().unwrap().contains("title=wirecompat::"));
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let bin = env!("CARGO_BIN_EXE_wirecompat");
    let run = |args: &[&str], no_color: bool| {
        let mut c = Command::new(bin);
        c.args(["check", "testdata/example/old", "testdata/example/new"])
            .args(args)
            .current_dir(common::root());
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        String::from_utf8(o.stdout).unwrap()
    };
    // Not a terminal: no colour by default.
    assert!(!run(&[], false).contains('\x1b'));
    assert!(!run(&["--color", "auto"], false).contains('\x1b'));
    assert!(!run(&["--color", "never"], false).contains('\x1b'));
    // Asked for: colour, even with NO_COLOR (the flag is explicit).
    assert!(run(&["--color", "always"], false).contains("\x1b[31m"));
    assert!(run(&["--color", "always"], true).contains("\x1b[31m"));
    // The JSON report never has colour.
    assert!(!run(&["--color", "always", "--format", "json"], false).contains('\x1b'));
}

#[test]
fn outputs_and_the_github_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_wirecompat"))
        .args(["check", "testdata/example/old", "testdata/example/new"])
        .args(["--format", "github"])
        .arg("--output")
        .arg(format!("sarif={}", sarif.display()))
        .arg("--output")
        .arg(format!("junit={}", junit.display()))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .current_dir(common::root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        stdout,
        report::render(&example(), OutputFormat::Github, false)
    );
    assert_eq!(
        std::fs::read_to_string(&sarif).unwrap(),
        report::render(&example(), OutputFormat::Sarif, false)
    );
    assert_eq!(
        std::fs::read_to_string(&junit).unwrap(),
        report::render(&example(), OutputFormat::Junit, false)
    );
    let s = std::fs::read_to_string(&summary).unwrap();
    assert!(
        s.starts_with("earlier step\n### ❌ wirecompat: NOT compatible at FULL"),
        "{s}"
    );

    // A bad --output is a usage error before anything runs.
    let o = Command::new(env!("CARGO_BIN_EXE_wirecompat"))
        .args(["check", "testdata/example/old", "testdata/example/new"])
        .args(["--output", "pdf=x.pdf"])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("FORMAT=PATH"));
}

#[test]
fn completions_and_man_page_come_from_the_command_definitions() {
    let bin = env!("CARGO_BIN_EXE_wirecompat");
    for (shell, needle) in [
        ("bash", "--window"),
        ("zsh", "--window"),
        ("fish", "window"),
        ("elvish", "--window"),
        ("powershell", "--window"),
    ] {
        let o = Command::new(bin)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(text.contains(needle), "{shell}: {text}");
        assert!(text.contains("explain"), "{shell}");
    }
    let o = Command::new(bin).arg("man").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let man = String::from_utf8(o.stdout).unwrap();
    assert!(man.starts_with(".ie"), "{}", &man[..man.len().min(200)]);
    assert!(man.contains(".TH wirecompat 1"), "{man}");
    for sub in ["check", "rules", "explain", "init", "completions"] {
        assert!(man.contains(sub), "{sub}");
    }
}

/// A rollback window's report and several windows' (`Outcome::Many`),
/// written out (findings read from the reports, never a JSON value of
/// them all), are the very bytes of the report rendered from its whole
/// JSON value, in every format but text (written in pieces, the same as
/// rendered whole).
#[test]
fn windows_written_out_are_rendered_whole() {
    let (_dir, o) = window();
    let Outcome::Window(w) = &o else {
        panic!("a window")
    };
    let many = Outcome::Many(vec![
        ("orders".to_string(), (**w).clone()),
        ("again".to_string(), (**w).clone()),
    ]);
    for outcome in [&o, &many] {
        for f in OutputFormat::ALL.into_iter().skip(1) {
            let mut out = Vec::new();
            report::write(outcome, f, false, &mut out).unwrap();
            let written = String::from_utf8(out).unwrap();
            let whole = report::render_value(&report::value_of(outcome, f), f);
            assert_eq!(written, whole, "{}", f.as_str());
            assert!(written.contains("qty"), "{}: {written}", f.as_str());
        }
        // Text is written in pieces; rendered whole, then coloured.
        for color in [false, true] {
            let mut out = Vec::new();
            report::write(outcome, OutputFormat::Text, color, &mut out).unwrap();
            let written = String::from_utf8(out).unwrap();
            assert_eq!(written, report::render(outcome, OutputFormat::Text, color));
            assert!(written.contains("qty"), "{written}");
        }
    }
}
