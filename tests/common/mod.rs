//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use wirecompat::{CheckOptions, Finding, Location, Report};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
            dir,
            old,
            new,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub fn check(old: &Path, new: &Path) -> Report {
    wirecompat::check(old, new, &CheckOptions::default())
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
        s.push_str(&format!(
            "{} {} {} breaks=[{}]\n  old: {}\n  new: {}\n  {}\n",
            f.rule.code,
            f.rule.name,
            f.severity,
            breaks.join(","),
            loc(&f.old),
            loc(&f.new),
            f.message
        ));
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
