//! `--format sarif`: SARIF 2.1.0 for code scanning. Each result sits at its
//! location in the new version, with the old version's location as a related
//! location; rules carry the catalogue's summary, documentation, advice and a
//! link; fingerprints are wirecompat's own, so a finding keeps its identity
//! across runs. Accepted findings are results with an external suppression.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::view::{self, Item, Place};
use crate::rule;

/// Where each rule's documentation is published (`docs/rules.md`).
pub const RULES_URL: &str = "https://wirecompat.dev/rules";

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(i: &Item) -> &'static str {
    match i.severity {
        _ if i.blocking => "error",
        "error" | "warning" => "warning",
        _ => "note",
    }
}

fn physical(p: &Place) -> Value {
    let mut region = serde_json::Map::new();
    if p.line > 0 {
        region.insert("startLine".into(), json!(p.line));
        if p.column > 0 {
            region.insert("startColumn".into(), json!(p.column));
        }
        if p.end_line >= p.line && p.end_line > 0 {
            region.insert("endLine".into(), json!(p.end_line));
            if p.end_column > 0 && (p.end_line > p.line || p.end_column > p.column) {
                region.insert("endColumn".into(), json!(p.end_column));
            }
        }
    }
    let mut v = json!({ "artifactLocation": { "uri": uri(&p.path) } });
    if !region.is_empty() {
        v["region"] = Value::Object(region);
    }
    v
}

/// A relative URI reference for a path (spaces and `%` escaped).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '\\' => out.push('/'),
            c => out.push(c),
        }
    }
    out
}

fn rule_value(code: &str, name: &str) -> Value {
    let anchor = format!("{RULES_URL}#{}", code.to_ascii_lowercase());
    match rule::find(code) {
        Some(r) => {
            let default = match r.severity.as_str() {
                "error" => "error",
                "warning" => "warning",
                _ => "note",
            };
            let mut tags = vec![r.format.as_str().to_string()];
            tags.extend(r.breaks.iter().map(|d| d.as_str().to_string()));
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.doc().trim() },
                "help": {
                    "text": format!("{}\n\nSafe change: {}", r.summary, r.advice),
                    "markdown": format!(
                        "**{}** `{}`\n\n{}\n\n**Safe change:** {}\n\n[Documentation]({anchor})",
                        r.code, r.name, r.doc().trim(), r.advice
                    ),
                },
                "helpUri": anchor,
                "defaultConfiguration": { "level": default },
                "properties": { "tags": tags },
            })
        }
        None => json!({ "id": code, "name": name, "helpUri": anchor }),
    }
}

fn message(i: &Item, window: bool) -> String {
    let mut m = format!("{} [{} {}]: {}.", i.message, i.rule, i.name, i.directions());
    if window {
        m.push_str(&format!(" Compared with {}.", i.against));
    }
    if !i.advice.is_empty() {
        m.push_str(&format!(" Safe change: {}", i.advice));
    }
    m
}

pub fn to_value(report: &Value) -> Value {
    let window = view::is_window(report);
    let items = view::items(report);
    let (index, rules) = rules_of(items.iter().map(|i| (i.rule, i.name)));
    let results = items
        .iter()
        .map(|i| result_value(i, &index, window))
        .collect();
    document(report, rules, results)
}

/// The report (`head`, its keys but its findings) of the findings
/// `items`, written one result at a time (see [`super::write`]): the same
/// bytes as [`render`] of the whole JSON report.
pub fn write_items(
    head: &Value,
    items: &[Item],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let window = view::is_window(head);
    let (index, rules) = rules_of(items.iter().map(|i| (i.rule, i.name)));
    let doc = document(head, rules, Vec::new());
    let results = super::Stream(|| items.iter().map(|i| result_value(i, &index, window)));
    super::write_spliced(
        &doc,
        &[(super::at(&["runs", "0", "results"]), results)],
        out,
    )
}

/// The rules the findings name, each once, in order of first use, and
/// their index by code.
fn rules_of<'a>(
    named: impl Iterator<Item = (&'a str, &'a str)>,
) -> (BTreeMap<&'a str, usize>, Vec<Value>) {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for (code, name) in named {
        if !index.contains_key(code) {
            index.insert(code, rules.len());
            rules.push(rule_value(code, name));
        }
    }
    (index, rules)
}

fn result_value(i: &Item, index: &BTreeMap<&str, usize>, window: bool) -> Value {
    let mut r = json!({
        "ruleId": i.rule,
        "ruleIndex": index[i.rule],
        "level": level(i),
        "message": { "text": message(i, window) },
        "partialFingerprints": { "wirecompatFingerprint/v1": i.fingerprint },
        "properties": {
            "breaks": i.breaks,
            "unknown": i.unknown,
            "severity": i.severity,
            "blocking": i.blocking,
            "against": i.against,
        },
    });
    if let Some(p) = i.anchor() {
        r["locations"] = json!([{ "physicalLocation": physical(p) }]);
    }
    if let (Some(_), Some(old)) = (&i.new, &i.old) {
        r["relatedLocations"] = json!([{
            "id": 1,
            "physicalLocation": physical(old),
            "message": { "text": format!("the element in the old version ({})", i.against) },
        }]);
    }
    if let Some([reason, by, expires]) = i.acceptance {
        r["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{reason} (accepted by {by} until {expires})"),
        }]);
    }
    r
}

fn document(report: &Value, rules: Vec<Value>, results: Vec<Value>) -> Value {
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "wirecompat",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": RULES_URL,
                    "rules": rules,
                }
            },
            "automationDetails": { "description": { "text": view::versions(report) } },
            "results": results,
            "properties": {
                "level": report["level"],
                "compatible": report["compatible"],
                "verdict": report["verdict"],
                "rollback": report["rollback"]["statement"],
            },
        }],
    })
}

pub fn render(report: &Value) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report)).expect("SARIF serializes");
    s.push('\n');
    s
}
