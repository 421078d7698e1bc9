//! `--format json`: the contract outside scripts rely on (DESIGN.md), with
//! its JSON Schema in `schemas/report.schema.json`.

use serde_json::{Map, Value, json};

use super::Report;
use crate::finding::{Direction, Finding, Location, Severity};

pub const REPORT_VERSION: u32 = 1;

fn location(l: &Option<Location>) -> Value {
    match l {
        None => Value::Null,
        Some(l) => {
            let mut v = json!({
                "path": l.path,
                "line": l.line,
                "column": l.column,
                "end_line": l.end_line,
                "end_column": l.end_column,
                "element": l.element,
            });
            if !l.pointer.is_empty() {
                v["pointer"] = json!(l.pointer);
            }
            v
        }
    }
}

fn finding(r: &Report, f: &Finding) -> Value {
    let args: Map<String, Value> = f
        .args
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
        .collect();
    json!({
        "rule": f.rule.code,
        "name": f.rule.name,
        "format": f.rule.format.as_str(),
        "breaks": f.breaks.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        "unknown": f.unknown.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        "severity": f.severity.as_str(),
        "blocking": r.blocks(f),
        "message": f.message,
        "old": location(&f.old),
        "new": location(&f.new),
        "args": args,
        "advice": f.advice,
        "fingerprint": f.fingerprint,
    })
}

pub fn to_value(r: &Report) -> Value {
    json!({
        "version": REPORT_VERSION,
        "tool": { "name": "wirecompat", "version": env!("CARGO_PKG_VERSION") },
        "format": r.format.as_str(),
        "profile": r.profile,
        "level": r.level.as_str(),
        "compatible": r.compatible(),
        "old_root": r.old_root,
        "new_root": r.new_root,
        "directions": {
            "backward": r.direction_word(Direction::Backward),
            "forward": r.direction_word(Direction::Forward),
        },
        "irreversible": r.broken(Direction::Forward),
        "verdict": r.verdict(),
        "summary": {
            "errors": r.count(Severity::Error),
            "warnings": r.count(Severity::Warning),
            "infos": r.count(Severity::Info),
            "blocking": r.findings.iter().filter(|f| r.blocks(f)).count(),
            "breaking_backward": r.count_breaking(Direction::Backward),
            "breaking_forward": r.count_breaking(Direction::Forward),
        },
        "findings": r.findings.iter().map(|f| finding(r, f)).collect::<Vec<_>>(),
    })
}

pub fn render(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(r)).expect("report serializes");
    s.push('\n');
    s
}
