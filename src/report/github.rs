//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding at its place in the new version (`::error file=…,line=…,col=…::`),
//! then the verdict. The Markdown job summary is [`super::markdown`]'s, which
//! the command line appends to `$GITHUB_STEP_SUMMARY` when it is set.

use std::fmt::Write as _;

use serde_json::Value;

use super::view::{self, Item};

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(i: &Item) -> &'static str {
    match i.severity {
        _ if i.blocking => "error",
        "error" | "warning" => "warning",
        _ => "notice",
    }
}

pub fn render(report: &Value) -> String {
    let mut text = super::Pieces::whole();
    write_items(report, view::items(report), &mut text);
    text.finish().expect("a report writes into memory")
}

/// [`render`] of the report's findings as `items` (the report's other keys
/// from `report`), written to `out`.
pub fn write_items(report: &Value, items: Vec<Item>, out: &mut super::Pieces) {
    let window = view::is_window(report);
    for i in items {
        let mut props = Vec::new();
        if let Some(p) = i.anchor() {
            props.push(format!("file={}", property(&p.path)));
            if p.line > 0 {
                props.push(format!("line={}", p.line));
                if p.column > 0 {
                    props.push(format!("col={}", p.column));
                }
                if p.end_line >= p.line {
                    props.push(format!("endLine={}", p.end_line));
                }
            }
        }
        let mut title = format!("{} {}", i.rule, i.name);
        if window {
            title.push_str(&format!(" (against {})", i.against));
        }
        if i.accepted {
            title.push_str(" (accepted)");
        }
        props.push(format!("title={}", property(&title)));
        let old = match &i.old {
            Some(p) if p.line > 0 => format!("\nold: {}:{}:{}", p.path, p.line, p.column),
            Some(p) => format!("\nold: {}", p.path),
            None => String::new(),
        };
        let msg = format!(
            "{}\n{}{old}\nsafe change: {}",
            i.message,
            i.directions(),
            i.advice
        );
        let _ = writeln!(out, "::{} {}::{}", command(&i), props.join(","), data(&msg));
    }
    let verdict = report["verdict"].as_str().unwrap_or("");
    let rollback = report["rollback"]["statement"].as_str().unwrap_or("");
    let kind = if report["compatible"] == true {
        "notice"
    } else {
        "error"
    };
    let _ = writeln!(
        out,
        "::{kind} title=wirecompat::{}",
        data(&format!("{verdict}\nrollback: {rollback}"))
    );
}
