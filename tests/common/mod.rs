//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod git;
pub mod registry;

use std::path::{Path, PathBuf};

use wirecompat::{CheckOptions, Finding, Location, Report};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The validator of `schemas/report.schema.json`, the JSON report's contract.
pub fn report_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas/report.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("report schema compiles")
}

/// `../shared` beside the repository (CI provides it).
pub fn shared() -> PathBuf {
    root().join("..").join("shared")
}

/// A testdata case: its directory and its two inputs.
pub struct Case {
    pub dir: PathBuf,
    pub name: String,
    /// `<format>/<name>`.
    pub label: String,
    pub old: PathBuf,
    pub new: PathBuf,
    /// Options from the case's `args` file (command-line flags), if any.
    pub opts: CheckOptions,
}

/// The options a case's `args` file asks for (`--format-assertion`,
/// `--lenient`, `--draft 7`).
fn case_options(dir: &Path) -> CheckOptions {
    let mut opts = CheckOptions::default();
    let Ok(text) = std::fs::read_to_string(dir.join("args")) else {
        return opts;
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "--format-assertion" => opts.format_assertion = true,
            "--lenient" => opts.lenient = true,
            "--allow-unknown" => opts.allow_unknown = true,
            "--draft" => {
                i += 1;
                opts.draft = words
                    .get(i)
                    .and_then(|d| wirecompat::formats::jsonschema::Draft::parse(d));
            }
            other => panic!("{}: unknown flag {other} in args", dir.display()),
        }
        i += 1;
    }
    opts
}

fn input(dir: &Path, stem: &str) -> Option<PathBuf> {
    let d = dir.join(stem);
    if d.is_dir() {
        return Some(d);
    }
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.is_file() && p.file_stem().is_some_and(|s| s == stem))
}

/// Every `testdata/<format>/<rule>/` case, sorted.
pub fn cases(format: &str) -> Vec<Case> {
    let base = root().join("testdata").join(format);
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&base) else {
        return out;
    };
    for e in rd.filter_map(|e| e.ok()) {
        let dir = e.path();
        if !dir.is_dir() {
            continue;
        }
        let (Some(old), Some(new)) = (input(&dir, "old"), input(&dir, "new")) else {
            continue;
        };
        let name = e.file_name().to_string_lossy().into_owned();
        out.push(Case {
            label: format!("{format}/{name}"),
            name,
            opts: case_options(&dir),
            dir,
            old,
            new,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub fn check(old: &Path, new: &Path) -> Report {
    check_with(old, new, &CheckOptions::default())
}

pub fn check_with(old: &Path, new: &Path, opts: &CheckOptions) -> Report {
    wirecompat::check(old, new, opts)
        .unwrap_or_else(|e| panic!("check {} {}: {e}", old.display(), new.display()))
}

fn loc(l: &Option<Location>) -> String {
    match l {
        None => "-".into(),
        Some(l) => format!("{}:{}:{} ({})", l.path, l.line, l.column, l.element),
    }
}

/// The snapshot text of a report: every finding, then the verdict.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    for f in &r.findings {
        let breaks: Vec<&str> = f.breaks.iter().map(|d| d.as_str()).collect();
        let unknown: Vec<&str> = f.unknown.iter().map(|d| d.as_str()).collect();
        s.push_str(&format!(
            "{} {} {} breaks=[{}]{}\n  old: {}\n  new: {}\n  {}\n",
            f.rule.code,
            f.rule.name,
            f.severity,
            breaks.join(","),
            if unknown.is_empty() {
                String::new()
            } else {
                format!(" unknown=[{}]", unknown.join(","))
            },
            loc(&f.old),
            loc(&f.new),
            f.message
        ));
        for w in &f.witnesses {
            s.push_str(&format!(
                "  witness {} {} ({}): {}\n",
                w.direction, w.encoding, w.checked_with, w.payload
            ));
            if let Some(of) = &w.of {
                s.push_str(&format!("    of: {of}\n"));
            }
            if let Some(d) = &w.datum {
                s.push_str(&format!("    value: {d}\n"));
            }
            s.push_str(&format!(
                "    {} wrote: {}\n",
                w.writer_label(),
                w.writer_sees
            ));
            s.push_str(&format!(
                "    {} read: {}\n",
                w.reader_label(),
                w.reader_sees
            ));
        }
        if let Some(n) = &f.witness_note {
            s.push_str(&format!("  no witness for {n}\n"));
        }
    }
    s.push_str(&format!("verdict: {}\n", r.verdict()));
    s
}

/// Findings that break a direction, as comparable keys (old, new, breaks).
pub fn breaking_keys(findings: &[Finding], swap: bool) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .filter(|f| !f.breaks.is_empty())
        .map(|f| {
            let pos = |l: &Option<Location>| {
                l.as_ref()
                    .map(|l| format!("{}:{}:{}", l.path, l.line, l.column))
                    .unwrap_or_default()
            };
            let (a, b) = if swap {
                (pos(&f.new), pos(&f.old))
            } else {
                (pos(&f.old), pos(&f.new))
            };
            let mut d: Vec<&str> = f
                .breaks
                .iter()
                .map(|d| if swap { d.swapped() } else { *d })
                .map(|d| d.as_str())
                .collect();
            d.sort();
            format!("{a} | {b} | {}", d.join(","))
        })
        .collect();
    v.sort();
    v
}
