//! `--format markdown`: a pull-request comment (and the GitHub job summary):
//! the verdict first, the rollback statement, then one table row per
//! finding, blocking ones first.

use std::fmt::Write as _;

use serde_json::Value;

use super::sarif::RULES_URL;
use super::view::{self, Item, cell};

fn mark(i: &Item) -> &'static str {
    if i.blocking {
        "❌ blocking"
    } else if i.accepted {
        "☑️ accepted"
    } else {
        match i.severity {
            "error" => "⚠️ error, not blocking",
            "warning" => "⚠️ warning",
            _ => "ℹ️ info",
        }
    }
}

fn at(p: &Option<view::Place>) -> String {
    match p {
        Some(p) if p.line > 0 => format!("`{}:{}:{}`", p.path, p.line, p.column),
        Some(p) => format!("`{}`", p.path),
        None => "(absent)".to_string(),
    }
}

pub fn render(report: &Value) -> String {
    let mut text = super::Pieces::whole();
    write_items(report, view::items(report), &mut text);
    text.finish().expect("a report writes into memory")
}

/// [`render`] of the report's findings as `items`, written to `out`.
pub fn write_items(report: &Value, items: Vec<Item>, out: &mut super::Pieces) {
    let window = view::is_window(report);
    let s = |k: &str| report[k].as_str().unwrap_or("").to_string();
    let ok = report["compatible"] == true;
    let _ = writeln!(
        out,
        "### {} wirecompat: {}\n",
        if ok { "✅" } else { "❌" },
        cell(&s("verdict"))
    );
    let _ = writeln!(
        out,
        "**Rollback:** {}\n",
        cell(report["rollback"]["statement"].as_str().unwrap_or(""))
    );
    let _ = writeln!(
        out,
        "<sub>wirecompat {} · {} · level {}</sub>\n",
        env!("CARGO_PKG_VERSION"),
        cell(&view::versions(report)),
        s("level")
    );
    let mut items = items;
    items.sort_by_key(|i| (!i.blocking, i.accepted, i.severity != "error"));
    if items.is_empty() {
        let _ = writeln!(out, "No findings.");
    } else {
        let blocking = items.iter().filter(|i| i.blocking).count();
        let _ = writeln!(out, "{} finding(s), {blocking} blocking.\n", items.len());
        let against = if window { " Against |" } else { "" };
        let _ = writeln!(
            out,
            "| |{against} Rule | Where (old → new) | Directions | Finding | Safe change |"
        );
        let _ = writeln!(
            out,
            "|---|{}---|---|---|---|---|",
            if window { "---|" } else { "" }
        );
        for i in &items {
            let against = if window {
                format!(" {} |", cell(i.against))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| {} |{against} [{} {}]({RULES_URL}#{}) | {} → {} | {} | {} | {} |",
                mark(i),
                i.rule,
                i.name,
                i.rule.to_ascii_lowercase(),
                at(&i.old),
                at(&i.new),
                cell(&i.directions()),
                cell(i.message),
                cell(i.advice)
            );
        }
    }
    let list = |k: &str| -> Vec<String> {
        report[k]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    let notes = list("notes");
    let expired: Vec<String> = report["expired"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|e| {
            format!(
                "the acceptance of `{}` expired on {}: renew or remove it in `wirecompat.toml`",
                e["fingerprint"].as_str().unwrap_or(""),
                e["expires"].as_str().unwrap_or("")
            )
        })
        .collect();
    let stale: Vec<String> = list("stale")
        .iter()
        .map(|f| format!("the acceptance of `{f}` matches no finding any more: remove it"))
        .collect();
    if !(notes.is_empty() && expired.is_empty() && stale.is_empty()) {
        let _ = writeln!(out);
        for n in notes {
            let _ = writeln!(out, "* Note: {n}");
        }
        for e in expired {
            let _ = writeln!(out, "* ❌ {e}");
        }
        for s in stale {
            let _ = writeln!(out, "* ⚠️ {s}");
        }
    }
}
