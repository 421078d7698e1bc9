//! What the machine-readable formats (SARIF, JUnit, GitHub, GitLab,
//! Markdown) read: the JSON report (the contract of `--format json`), for a
//! single comparison or a rollback window alike, with paths said the way a
//! code host wants them (relative to the repository or the working
//! directory, not to an input root).

use std::path::Path;

use serde_json::Value;

/// One finding of the report, with the fields the formats use.
pub struct Item<'a> {
    /// The contract format (`protobuf`, `avro`, `jsonschema`).
    pub format: &'a str,
    pub rule: &'a str,
    pub name: &'a str,
    pub severity: &'a str,
    pub blocking: bool,
    pub accepted: bool,
    /// Who accepted the change, why and until when (`accepted`).
    pub acceptance: Option<[&'a str; 3]>,
    pub message: &'a str,
    pub advice: &'a str,
    pub fingerprint: &'a str,
    /// The version compared with (window mode), else the OLD input.
    pub against: &'a str,
    pub breaks: Vec<&'a str>,
    pub unknown: Vec<&'a str>,
    pub new: Option<Place>,
    pub old: Option<Place>,
    /// A rollback window's finding: the old version has a name.
    pub window: bool,
}

/// A file position, path relative to where the command ran (or to the
/// repository root for git inputs and repository mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
}

impl Item<'_> {
    /// Where the finding is: the new version's location, else the old one's.
    pub fn anchor(&self) -> Option<&Place> {
        self.new.as_ref().or(self.old.as_ref())
    }

    /// The directions, in words, for one line.
    pub fn directions(&self) -> String {
        let old = if self.window { self.against } else { "N-1" };
        let mut parts = Vec::new();
        for d in &self.breaks {
            parts.push(match *d {
                "backward" => format!("breaks backward (rollout: N cannot read {old}'s data)"),
                "forward" => {
                    format!("breaks forward (rollback: {old} cannot read N's data; irreversible)")
                }
                other => format!("breaks {other}"),
            });
        }
        for d in &self.unknown {
            parts.push(format!("{d} undecided"));
        }
        if parts.is_empty() {
            "breaks no direction today".to_string()
        } else {
            parts.join("; ")
        }
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn list(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether the report covers a rollback window.
pub fn is_window(report: &Value) -> bool {
    report["mode"] == "window"
}

/// The path of a file of an input, from the input as given and the path
/// relative to it. Git inputs and repository mode already have paths
/// relative to the repository root; `git:REF:PATH` puts PATH in front; a
/// directory input puts itself in front; a single-file input is the file.
pub fn place_path(root: &str, rel: &str, window: bool) -> String {
    if window || root == "work tree" {
        return rel.to_string();
    }
    if let Some(spec) = root.strip_prefix("git:") {
        return match spec.split_once(':') {
            Some((_, dir)) if !dir.is_empty() => join(dir, rel),
            _ => rel.to_string(),
        };
    }
    let p = Path::new(root);
    if p.is_file() || rel.is_empty() {
        return clean(root);
    }
    join(root, rel)
}

fn join(dir: &str, rel: &str) -> String {
    let d = clean(dir);
    if d.is_empty() || d == "." {
        rel.to_string()
    } else if d.ends_with('/') {
        format!("{d}{rel}")
    } else {
        format!("{d}/{rel}")
    }
}

fn clean(p: &str) -> String {
    let mut p = p;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.trim_end_matches('/').to_string()
}

fn place(loc: &Value, root: &str, window: bool) -> Option<Place> {
    if loc.is_null() {
        return None;
    }
    let n = |k: &str| loc[k].as_u64().unwrap_or(0);
    Some(Place {
        path: place_path(root, s(&loc["path"]), window),
        line: n("line"),
        column: n("column"),
        end_line: n("end_line"),
        end_column: n("end_column"),
    })
}

/// Every finding of the report, in order.
pub fn items(report: &Value) -> Vec<Item<'_>> {
    report["findings"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|f| item(report, f))
        .collect()
}

/// One finding of the report (`f`, an element of its `findings`; the
/// report's other keys say how to name its places).
pub fn item<'a>(report: &'a Value, f: &'a Value) -> Item<'a> {
    let window = is_window(report);
    let new_root = s(&report["new_root"]);
    let old_root = s(&report["old_root"]);
    let against = if window { s(&f["against"]) } else { old_root };
    let a = &f["accepted"];
    Item {
        format: s(&f["format"]),
        rule: s(&f["rule"]),
        name: s(&f["name"]),
        severity: s(&f["severity"]),
        blocking: f["blocking"] == true,
        accepted: !a.is_null(),
        acceptance: (!a.is_null()).then(|| [s(&a["reason"]), s(&a["by"]), s(&a["expires"])]),
        message: s(&f["message"]),
        advice: s(&f["advice"]),
        fingerprint: s(&f["fingerprint"]),
        against,
        breaks: list(&f["breaks"]),
        unknown: list(&f["unknown"]),
        new: place(&f["new"], new_root, window),
        old: place(&f["old"], old_root, window),
        window,
    }
}

/// Every finding of a single comparison, read from the report itself: the
/// same items as [`items`] of its JSON report (`head`, the report's keys
/// but its findings), without making a JSON value of every finding.
pub fn items_of<'a>(head: &'a Value, r: &'a super::Report) -> Vec<Item<'a>> {
    let roots = (s(&head["new_root"]), s(&head["old_root"]));
    r.findings
        .iter()
        .map(|f| item_of(f, r.blocks(f), roots.1, roots, false))
        .collect()
}

/// Every finding of rollback windows, read from their reports: the same
/// items as [`items`] of their JSON report (`head`, the report's keys but
/// its findings: one window's, or several merged).
pub fn items_of_windows<'a>(
    head: &'a Value,
    windows: &[&'a crate::window::WindowReport],
) -> Vec<Item<'a>> {
    let roots = (s(&head["new_root"]), s(&head["old_root"]));
    windows
        .iter()
        .flat_map(|w| w.pairs.iter().map(move |p| (w, p)))
        .flat_map(|(w, p)| {
            p.report
                .findings
                .iter()
                .map(move |f| item_of(f, w.blocks(p, f), &p.against, roots, true))
        })
        .collect()
}

/// One finding as [`item`] reads it from the JSON report, `roots` the
/// report's new and old roots.
fn item_of<'a>(
    f: &'a crate::finding::Finding,
    blocking: bool,
    against: &'a str,
    (new_root, old_root): (&str, &str),
    window: bool,
) -> Item<'a> {
    let place = |l: &Option<crate::finding::Location>, root: &str| {
        l.as_ref().map(|l| Place {
            path: place_path(root, &l.path, window),
            line: l.line.into(),
            column: l.column.into(),
            end_line: l.end_line.into(),
            end_column: l.end_column.into(),
        })
    };
    Item {
        format: f.rule.format.as_str(),
        rule: f.rule.code,
        name: f.rule.name,
        severity: f.severity.as_str(),
        blocking,
        accepted: f.accepted.is_some(),
        acceptance: f
            .accepted
            .as_ref()
            .map(|a| [a.reason.as_str(), a.by.as_str(), a.expires.as_str()]),
        message: &f.message,
        advice: &f.advice,
        fingerprint: &f.fingerprint,
        against,
        breaks: f.breaks.iter().map(|d| d.as_str()).collect(),
        unknown: f.unknown.iter().map(|d| d.as_str()).collect(),
        new: place(&f.new, new_root),
        old: place(&f.old, old_root),
        window,
    }
}

/// The versions compared, for headings: "v1.0.0 → work tree".
pub fn versions(report: &Value) -> String {
    if is_window(report) {
        let w = list(&report["window"]);
        format!("{} against {}", s(&report["new_root"]), w.join(", "))
    } else {
        format!("{} → {}", s(&report["old_root"]), s(&report["new_root"]))
    }
}

/// Escapes text for a Markdown table cell.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::place_path;

    #[test]
    fn paths_are_said_from_the_repository_or_the_working_directory() {
        assert_eq!(place_path("git:v1.0.0", "a/b.proto", false), "a/b.proto");
        assert_eq!(
            place_path("git:v1.0.0:proto", "a/b.proto", false),
            "proto/a/b.proto"
        );
        assert_eq!(place_path("work tree", "x.avsc", false), "x.avsc");
        assert_eq!(place_path("v1.0.0", "x.avsc", true), "x.avsc");
        assert_eq!(place_path("./old/", "x.avsc", false), "old/x.avsc");
        assert_eq!(place_path("old", "x.avsc", false), "old/x.avsc");
    }
}
