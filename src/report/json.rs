//! `--format json`: the contract outside scripts rely on (DESIGN.md), with
//! its JSON Schema in `schemas/report.schema.json`.

use serde_json::{Map, Value, json};

use super::{Expired, Report};
use crate::finding::{Direction, Finding, Location, Severity};
use crate::window::{Rollback, WindowReport};

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

pub(super) fn finding(r: &Report, f: &Finding, guarded: bool) -> Value {
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
        "blocking": guarded && r.blocks(f),
        "message": f.message,
        "old": location(&f.old),
        "new": location(&f.new),
        "args": args,
        "advice": f.advice,
        "fingerprint": f.fingerprint,
        "accepted": f.accepted.as_ref().map(|a| json!({
            "reason": a.reason, "by": a.by, "expires": a.expires,
        })),
        "level": f.level.map(|l| l.as_str()),
        "witness": f.witnesses.first().map(witness_value),
        "witnesses": f.witnesses.iter().map(witness_value).collect::<Vec<_>>(),
        "witness_note": f.witness_note,
    })
}

fn witness_value(w: &crate::witness::Witness) -> Value {
    json!({
        "direction": w.direction.as_str(),
        "encoding": w.encoding,
        "payload": w.payload,
        "datum": w.datum,
        "of": w.of,
        "writer_sees": w.writer_sees,
        "reader_sees": w.reader_sees,
        "checked_with": w.checked_with,
        "verified": w.verified,
    })
}

fn rollback_value(rb: &Rollback) -> Value {
    json!({
        "statement": rb.statement,
        "safe_to": rb.safe_to,
        "unsafe_at": rb.unsafe_at,
        "whole_window": rb.whole_window,
    })
}

fn expired_value(e: &[Expired]) -> Value {
    e.iter()
        .map(|e| json!({"fingerprint": e.fingerprint, "expires": e.expires, "by": e.by}))
        .collect()
}

pub fn to_value(r: &Report) -> Value {
    let mut v = head(r);
    v["findings"] = r
        .findings
        .iter()
        .map(|f| finding(r, f, true))
        .collect::<Vec<_>>()
        .into();
    v
}

/// The report as [`to_value`] gives it, written one finding at a time: a
/// report of 100,000 findings never holds them all as JSON values (about
/// 15 KB each, against 2 KB written).
pub fn write(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut v = head(r);
    v["findings"] = Value::Array(Vec::new());
    let findings = super::Stream(|| r.findings.iter().map(|f| finding(r, f, true)));
    super::write_spliced(&v, &[(super::at(&["findings"]), findings)], out)
}

/// Every key of the report but its findings.
pub(super) fn head(r: &Report) -> Value {
    let rollback = crate::window::rollback_of(r);
    json!({
        "version": REPORT_VERSION,
        "tool": { "name": "wirecompat", "version": env!("CARGO_PKG_VERSION") },
        "format": r.format.as_str(),
        "formats": r.formats.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
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
        "rollback": rollback_value(&rollback),
        "notes": r.notes,
        "expired": expired_value(&r.expired),
        "stale": r.stale,
    })
}

/// The report of a rollback window: the same top-level keys as a single
/// comparison (the findings of every pair, each naming the version it was
/// found against), then the pairs and the rollback verdict.
pub fn window_value(w: &WindowReport) -> Value {
    let mut v = window_head(w);
    let all: Vec<Value> = window_findings(w, None).collect();
    for (i, p) in v["pairs"].as_array_mut().into_iter().flatten().enumerate() {
        p["findings"] = Value::Array(window_findings(w, Some(i)).collect());
    }
    v["findings"] = Value::Array(all);
    v
}

/// The findings of a window's pair `pair`, or of every pair in turn, as
/// its JSON report lists them (each naming the version it was found
/// against).
fn window_findings(w: &WindowReport, pair: Option<usize>) -> impl Iterator<Item = Value> + '_ {
    let pairs = match pair {
        Some(i) => &w.pairs[i..=i],
        None => &w.pairs[..],
    };
    pairs.iter().flat_map(|p| {
        p.report.findings.iter().map(move |f| {
            let mut v = finding(&p.report, f, p.guarded);
            v["against"] = json!(p.against);
            v
        })
    })
}

/// A window's findings (of one pair, or of all), written one at a time.
struct WindowFindings<'a> {
    w: &'a WindowReport,
    pair: Option<usize>,
}

impl serde::Serialize for WindowFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let n = match self.pair {
            Some(i) => self.w.pairs[i].report.findings.len(),
            None => self.w.pairs.iter().map(|p| p.report.findings.len()).sum(),
        };
        let mut seq = s.serialize_seq(Some(n))?;
        for v in window_findings(self.w, self.pair) {
            seq.serialize_element(&v)?;
        }
        seq.end()
    }
}

/// Where a window report's findings go (its `findings` and each pair's),
/// under `prefix`, with what writes them.
fn window_parts<'a>(
    w: &'a WindowReport,
    prefix: &[&str],
) -> Vec<(Vec<String>, WindowFindings<'a>)> {
    let path = |more: &[&str]| super::at(&[prefix, more].concat());
    let mut parts = vec![(path(&["findings"]), WindowFindings { w, pair: None })];
    for i in 0..w.pairs.len() {
        let i_ = i.to_string();
        parts.push((
            path(&["pairs", &i_, "findings"]),
            WindowFindings { w, pair: Some(i) },
        ));
    }
    parts
}

/// [`window_value`] written out, its findings one at a time: a window of
/// two releases with 100,000 findings each is 0.9 GB of JSON text, and
/// was 9 GB of JSON values.
pub fn write_window(w: &WindowReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::write_spliced(&window_head(w), &window_parts(w, &[]), out)
}

/// [`many_value`] written out, findings one at a time.
pub fn write_many(
    all: &[(String, WindowReport)],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let value = many_of(all, window_head);
    let parts: Vec<_> = all
        .iter()
        .enumerate()
        .flat_map(|(k, (_, w))| window_parts(w, &["reports", &k.to_string()]))
        .collect();
    super::write_spliced(&value, &parts, out)
}

/// A window report's keys, its findings and its pairs' findings empty.
pub(super) fn window_head(w: &WindowReport) -> Value {
    let mut pairs = Vec::new();
    for p in &w.pairs {
        let r = &p.report;
        pairs.push(json!({
            "old": p.against,
            "new": w.candidate,
            "distance": p.distance,
            "guarded": p.guarded,
            "compatible": r.compatible(),
            "directions": {
                "backward": r.direction_word(Direction::Backward),
                "forward": r.direction_word(Direction::Forward),
            },
            "formats": r.formats.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "verdict": r.verdict(),
            "notes": r.notes,
            "findings": [],
        }));
    }
    let count = |s: Severity| -> usize { w.pairs.iter().map(|p| p.report.count(s)).sum() };
    let blocking: usize = w
        .pairs
        .iter()
        .map(|p| p.report.findings.iter().filter(|f| w.blocks(p, f)).count())
        .sum();
    let breaking =
        |d: Direction| -> usize { w.pairs.iter().map(|p| p.report.count_breaking(d)).sum() };
    let mut formats: Vec<&str> = w
        .pairs
        .iter()
        .flat_map(|p| p.report.formats.iter().map(|f| f.as_str()))
        .collect();
    formats.sort();
    formats.dedup();
    json!({
        "version": REPORT_VERSION,
        "tool": { "name": "wirecompat", "version": env!("CARGO_PKG_VERSION") },
        "mode": "window",
        "formats": formats,
        "level": w.level.as_str(),
        "compatible": w.compatible(),
        "new_root": w.candidate,
        "window": w.pairs.iter().map(|p| p.against.clone()).collect::<Vec<_>>(),
        "irreversible": w.pairs.first().is_some_and(|p| p.report.broken(Direction::Forward)),
        "verdict": w.verdict(),
        "rollback": rollback_value(&w.rollback),
        "summary": {
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "infos": count(Severity::Info),
            "blocking": blocking,
            "breaking_backward": breaking(Direction::Backward),
            "breaking_forward": breaking(Direction::Forward),
        },
        "findings": [],
        "pairs": pairs,
        "notes": w.notes,
        "expired": expired_value(&w.expired),
        "stale": w.stale,
    })
}

/// Several window reports: `{"mode": "many", "reports": [{"title", ...}]}`.
pub fn many_value(all: &[(String, WindowReport)]) -> Value {
    many_of(all, window_value)
}

/// Several window reports, each made by `report`.
fn many_of(all: &[(String, WindowReport)], report: fn(&WindowReport) -> Value) -> Value {
    json!({
        "version": REPORT_VERSION,
        "tool": { "name": "wirecompat", "version": env!("CARGO_PKG_VERSION") },
        "mode": "many",
        "compatible": all.iter().all(|(_, w)| w.compatible()),
        "reports": all.iter().map(|(title, w)| {
            let mut v = report(w);
            v["title"] = json!(title);
            v
        }).collect::<Vec<_>>(),
    })
}

/// Several window reports as one, for the formats that show findings
/// (SARIF, JUnit, GitHub, GitLab, Markdown): every version of every report
/// in `window`, every finding in `findings`.
pub fn merged_value(all: &[(String, WindowReport)]) -> Value {
    merged_of(all, window_value)
}

/// [`merged_value`]'s keys but its findings.
pub(super) fn merged_head(all: &[(String, WindowReport)]) -> Value {
    merged_of(all, window_head)
}

/// Several window reports as one, each made by `report`.
fn merged_of(all: &[(String, WindowReport)], report: fn(&WindowReport) -> Value) -> Value {
    let values: Vec<Value> = all.iter().map(|(_, w)| report(w)).collect();
    let mut window = Vec::new();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    for ((title, _), v) in all.iter().zip(&values) {
        window.extend(v["window"].as_array().cloned().unwrap_or_default());
        findings.extend(v["findings"].as_array().cloned().unwrap_or_default());
        for n in v["notes"].as_array().cloned().unwrap_or_default() {
            notes.push(json!(format!("{title}: {}", n.as_str().unwrap_or(""))));
        }
    }
    let compatible = all.iter().all(|(_, w)| w.compatible());
    let failing: Vec<String> = all
        .iter()
        .filter(|(_, w)| !w.compatible())
        .map(|(t, w)| format!("{t}: {}", w.verdict()))
        .collect();
    let verdict = if compatible {
        format!("all {} compatible", all.len())
    } else {
        format!("NOT compatible: {}", failing.join("; "))
    };
    let rollback: Vec<String> = all
        .iter()
        .map(|(t, w)| format!("{t}: {}", w.rollback.statement))
        .collect();
    json!({
        "version": REPORT_VERSION,
        "mode": "window",
        "level": values.first().map(|v| v["level"].clone()).unwrap_or(Value::Null),
        "compatible": compatible,
        "new_root": "work tree",
        "window": window,
        "verdict": verdict,
        "rollback": { "statement": rollback.join("; "), "whole_window": false },
        "findings": findings,
        "notes": notes,
        "expired": [],
        "stale": [],
    })
}

pub fn render_window(w: &WindowReport) -> String {
    let mut s = serde_json::to_string_pretty(&window_value(w)).expect("report serializes");
    s.push('\n');
    s
}

pub fn render(r: &Report) -> String {
    let mut out = Vec::new();
    write(r, &mut out).expect("a report serializes into memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}
