//! `--format junit`: JUnit XML for CI test tabs. One test suite per version
//! compared (one for a single comparison, one per release of a window), one
//! test case per contract file with findings, one failure per blocking
//! finding; findings that do not block are the test case's output. A
//! comparison without findings is one passing test case, so that a green run
//! still shows what was checked.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::view::{self, Item};

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn where_(i: &Item) -> String {
    let at = |p: &Option<view::Place>| match p {
        Some(p) if p.line > 0 => format!("{}:{}:{}", p.path, p.line, p.column),
        Some(p) => p.path.clone(),
        None => "(absent)".to_string(),
    };
    format!("old: {}\nnew: {}", at(&i.old), at(&i.new))
}

fn details(i: &Item) -> String {
    format!(
        "{} [{} {}]\n{}\n{}\nsafe change: {}",
        i.message,
        i.rule,
        i.name,
        i.directions(),
        where_(i),
        i.advice
    )
}

struct Suite<'a> {
    name: String,
    against: &'a str,
    items: Vec<&'a Item<'a>>,
}

pub fn render(report: &Value) -> String {
    let mut text = super::Pieces::whole();
    write_items(report, view::items(report), &mut text);
    text.finish().expect("a report writes into memory")
}

/// [`render`] of the report's findings as `items`, written to `out`.
pub fn write_items(report: &Value, items: Vec<Item>, out: &mut super::Pieces) {
    let level = report["level"].as_str().unwrap_or("");
    let new = report["new_root"].as_str().unwrap_or("");
    // The suites: one per version compared, in the report's order.
    let mut suites: Vec<Suite> = if view::is_window(report) {
        report["window"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
            .map(|against| Suite {
                name: format!("wirecompat {level}: {new} against {against}"),
                against,
                items: Vec::new(),
            })
            .collect()
    } else {
        let old = report["old_root"].as_str().unwrap_or("");
        vec![Suite {
            name: format!("wirecompat {level}: {old} → {new}"),
            against: old,
            items: Vec::new(),
        }]
    };
    for i in &items {
        if let Some(s) = suites.iter_mut().find(|s| s.against == i.against) {
            s.items.push(i);
        }
    }
    let total_cases: usize = suites.iter().map(|s| cases(s).len().max(1)).sum();
    let total_failures: usize = items.iter().filter(|i| i.blocking).count();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<testsuites name="wirecompat" tests="{total_cases}" failures="{total_failures}" errors="0">"#
    );
    for s in &suites {
        let cases = cases(s);
        let failures: usize = s.items.iter().filter(|i| i.blocking).count();
        let _ = writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="0">"#,
            escape(&s.name),
            cases.len().max(1)
        );
        if cases.is_empty() {
            let _ = writeln!(
                out,
                r#"    <testcase classname="wirecompat" name="{}"/>"#,
                escape(&format!("{new} against {}: no findings", s.against))
            );
        }
        for (path, found) in &cases {
            let format = found
                .first()
                .map(|i| i.format)
                .filter(|f| !f.is_empty())
                .unwrap_or("contract");
            let _ = writeln!(
                out,
                r#"    <testcase classname="wirecompat.{format}" name="{}">"#,
                escape(path)
            );
            for i in found.iter().filter(|i| i.blocking) {
                let _ = writeln!(
                    out,
                    r#"      <failure type="{} {}" message="{}">{}</failure>"#,
                    i.rule,
                    i.name,
                    escape(i.message),
                    escape(&details(i))
                );
            }
            // Findings that do not block, one after another.
            let mut rest = found.iter().filter(|i| !i.blocking).peekable();
            if rest.peek().is_some() {
                let _ = write!(out, "      <system-out>");
                for (n, i) in rest.enumerate() {
                    let tag = if i.accepted { "accepted " } else { "" };
                    let one = format!("{tag}{}: {}", i.severity, details(i));
                    let _ = write!(out, "{}{}", if n > 0 { "\n\n" } else { "" }, escape(&one));
                }
                let _ = writeln!(out, "</system-out>");
            }
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    let expired = report["expired"].as_array().map(|a| a.len()).unwrap_or(0);
    if expired > 0 {
        let _ = writeln!(
            out,
            r#"  <testsuite name="wirecompat.toml acceptances" tests="1" failures="1" errors="0" skipped="0">"#
        );
        let _ = writeln!(
            out,
            r#"    <testcase classname="wirecompat" name="wirecompat.toml"><failure type="expired" message="{expired} accepted change(s) expired">{}</failure></testcase>"#,
            escape(&report["expired"].to_string())
        );
        let _ = writeln!(out, "  </testsuite>");
    }
    let _ = writeln!(out, "</testsuites>");
}

/// The suite's findings by contract file.
fn cases<'a>(s: &Suite<'a>) -> BTreeMap<String, Vec<&'a Item<'a>>> {
    let mut m: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
    for i in &s.items {
        let path = i.anchor().map(|p| p.path.clone()).unwrap_or_default();
        m.entry(path).or_default().push(i);
    }
    m
}
