//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues
//! with `description`, `check_name`, `fingerprint`, `severity` and
//! `location.path`/`location.lines.begin`), for merge-request widgets.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::view::{self, Item};

fn severity(i: &Item) -> &'static str {
    match i.severity {
        _ if i.blocking => "critical",
        "error" => "major",
        "warning" => "minor",
        _ => "info",
    }
}

pub fn to_value(report: &Value) -> Value {
    to_value_items(report, &view::items(report))
}

/// [`to_value`] of the report's findings as `items`.
pub fn to_value_items(report: &Value, items: &[Item]) -> Value {
    let window = view::is_window(report);
    Value::Array(items.iter().map(|i| issue(i, window)).collect())
}

/// The report's findings as `items`, written one issue at a time.
pub fn write_items(
    report: &Value,
    items: &[Item],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let window = view::is_window(report);
    let issues = super::Stream(|| items.iter().map(|i| issue(i, window)));
    super::write_spliced(&Value::Null, &[(Vec::new(), issues)], out)
}

fn issue(i: &Item, window: bool) -> Value {
    // The same finding against two releases of a window is two
    // issues: GitLab wants fingerprints unique in a report.
    let fingerprint = if window {
        let h = Sha256::digest(format!("{}\0{}", i.fingerprint, i.against));
        h.iter().take(16).map(|b| format!("{b:02x}")).collect()
    } else {
        i.fingerprint.to_string()
    };
    let (path, line) = match i.anchor() {
        Some(p) => (p.path.clone(), p.line.max(1)),
        None => (String::new(), 1),
    };
    let mut description = format!("{} {}: {} ({})", i.rule, i.name, i.message, i.directions());
    if window {
        description.push_str(&format!(" [against {}]", i.against));
    }
    if i.accepted {
        description.push_str(" [accepted]");
    }
    json!({
        "type": "issue",
        "check_name": format!("wirecompat/{}", i.rule),
        "description": description,
        "content": { "body": format!("Safe change: {}", i.advice) },
        "categories": ["Compatibility"],
        "fingerprint": fingerprint,
        "severity": severity(i),
        "location": { "path": path, "lines": { "begin": line } },
    })
}

pub fn render(report: &Value) -> String {
    render_items(report, &view::items(report))
}

/// [`render`] of the report's findings as `items`.
pub fn render_items(report: &Value, items: &[Item]) -> String {
    let mut out = Vec::new();
    write_items(report, items, &mut out).expect("a report serializes into memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}
