//! The report for people: grouped by file, both locations, the directions in
//! words, the old and new lines as a small diff, and the safe change.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::{Expired, Report};
use crate::finding::{Direction, Finding, Location, Severity};
use crate::window::WindowReport;

/// The lines a location covers (a short element whole, a long one by its
/// first line), without trailing whitespace.
/// Byte offsets where each line of a source starts, made once per file
/// and report: a file of 100,000 fields may carry as many findings.
type LineStarts<'a> = BTreeMap<&'a str, Vec<usize>>;

fn snippet<'a>(
    sources: &'a BTreeMap<String, String>,
    starts: &mut LineStarts<'a>,
    loc: &Option<Location>,
) -> String {
    let Some(l) = loc else { return String::new() };
    if !l.has_position() {
        return String::new();
    }
    let Some((path, text)) = sources.get_key_value(&l.path) else {
        return String::new();
    };
    let starts = starts.entry(path.as_str()).or_insert_with(|| {
        std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect()
    });
    let first = l.line as usize;
    let last = if l.end_line >= l.line && l.end_line - l.line <= 2 {
        l.end_line as usize
    } else {
        first
    };
    let Some(&from) = starts.get(first - 1) else {
        return String::new();
    };
    let mut out = String::new();
    for (i, line) in text[from..].lines().take(last + 1 - first).enumerate() {
        let at = if i == 0 { l.column as usize } else { 1 };
        out.push_str(&clip(line.trim_end(), at));
        out.push('\n');
    }
    out
}

/// Characters of a long line shown around a column.
const WINDOW: usize = 100;

/// A long line (minified JSON, say) cut to a window around column `at`
/// (1-based), with `…` where it was cut.
fn clip(line: &str, at: usize) -> String {
    let n = line.chars().count();
    if n <= WINDOW + 20 {
        return line.to_string();
    }
    let start = at.saturating_sub(1 + WINDOW / 4).min(n - WINDOW);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(start).take(WINDOW));
    if start + WINDOW < n {
        out.push('…');
    }
    out
}

fn diff_block<'a>(
    r: &'a Report,
    f: &Finding,
    starts: &mut (LineStarts<'a>, LineStarts<'a>),
    out: &mut String,
) {
    let old = snippet(&r.sources.old, &mut starts.0, &f.old);
    let new = snippet(&r.sources.new, &mut starts.1, &f.new);
    if old.is_empty() && new.is_empty() {
        return;
    }
    let diff = TextDiff::from_lines(&old, &new);
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => "-",
            ChangeTag::Insert => "+",
            ChangeTag::Equal => " ",
        };
        let _ = writeln!(
            out,
            "      {sign} {}",
            change.value().trim_end_matches('\n')
        );
    }
}

fn hazards(f: &Finding) -> Vec<String> {
    if f.severity == Severity::Info {
        return Vec::new();
    }
    let maybe = if f.severity == Severity::Error {
        ""
    } else {
        "possible "
    };
    f.breaks
        .iter()
        .map(|d| format!("{maybe}{}", d.hazard()))
        .collect()
}

/// Says which old version "v(N-1)" is, in a window.
fn name_old(s: &str, old: Option<&str>) -> String {
    match old {
        Some(name) => s.replace("v(N-1)", name),
        None => s.to_string(),
    }
}

fn loc_words(l: &Option<Location>) -> String {
    match l {
        Some(l) => l.to_string(),
        None => "(absent)".to_string(),
    }
}

fn formats(r: &Report) -> String {
    let names: Vec<&str> = r.formats.iter().map(|f| f.as_str()).collect();
    if names.is_empty() {
        "no contracts".to_string()
    } else {
        names.join(" + ")
    }
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    pair_text(r, &mut out, &mut |_| {});
    out
}

/// The text report written out in pieces of whole lines (coloured where
/// `color`) instead of built whole: 100,000 findings make 80 MB of text.
pub fn write(r: &Report, color: bool, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_pieces(color, w, &mut |out, flush| pair_text(r, out, flush))
}

/// [`render_window`] written out in pieces, as [`write`].
pub fn write_window(
    wr: &WindowReport,
    color: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_pieces(color, w, &mut |out, flush| window_text(wr, out, flush))
}

/// [`render_many`] written out in pieces, as [`write`].
pub fn write_many(
    all: &[(String, WindowReport)],
    color: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_pieces(color, w, &mut |out, flush| many_text(all, out, flush))
}

/// The report `make` makes written out in pieces of whole lines (coloured
/// where `color`): `make` is given the text and a function to call after
/// each finding, which may take the text so far away.
type Make<'a> = dyn FnMut(&mut String, &mut dyn FnMut(&mut String)) + 'a;

fn write_pieces(color: bool, w: &mut dyn std::io::Write, make: &mut Make) -> std::io::Result<()> {
    let mut result = Ok(());
    let mut put = |s: &mut String| {
        if result.is_ok() {
            result = if color {
                w.write_all(colorize(s).as_bytes())
            } else {
                w.write_all(s.as_bytes())
            };
        }
        s.clear();
    };
    let mut out = String::new();
    make(&mut out, &mut |s| {
        if s.len() >= super::Pieces::PIECE {
            put(s);
        }
    });
    put(&mut out);
    result
}

/// A single comparison's report; `flush` is given the text so far after
/// each finding and may take it away.
fn pair_text(r: &Report, out: &mut String, flush: &mut dyn FnMut(&mut String)) {
    let _ = writeln!(
        out,
        "wirecompat check: {} (profile {}), level {}",
        formats(r),
        r.profile,
        r.level
    );
    let _ = writeln!(out, "  old, v(N-1): {}", r.old_root);
    let _ = writeln!(out, "  new, v(N):   {}", r.new_root);
    findings_block(r, true, None, out, flush);
    notes_block(&r.notes, &r.expired, &r.stale, out);
    summary_line(r, out);
    let _ = writeln!(out, "verdict: {}", r.verdict());
    let _ = writeln!(out, "rollback: {}", crate::window::rollback_of(r).statement);
}

fn summary_line(r: &Report, out: &mut String) {
    let _ = writeln!(
        out,
        "\nsummary: {} error(s), {} warning(s), {} info(s); {} break backward (rollout), {} break \
         forward (rollback)",
        r.count(Severity::Error),
        r.count(Severity::Warning),
        r.count(Severity::Info),
        r.count_breaking(Direction::Backward),
        r.count_breaking(Direction::Forward),
    );
}

fn notes_block(notes: &[String], expired: &[Expired], stale: &[String], out: &mut String) {
    if notes.is_empty() && expired.is_empty() && stale.is_empty() {
        return;
    }
    let _ = writeln!(out);
    for n in notes {
        let _ = writeln!(out, "note: {n}");
    }
    for e in expired {
        let _ = writeln!(
            out,
            "error: the acceptance of {} (by {}) expired on {}: it no longer covers the finding, \
             and fails the check until renewed or removed",
            e.fingerprint, e.by, e.expires
        );
    }
    for s in stale {
        let _ = writeln!(
            out,
            "warning: the acceptance of {s} matches no finding any more: remove it from \
             wirecompat.toml"
        );
    }
}

/// The findings of a report, grouped by file. `guarded`: whether they can
/// block at all (a window pair the level does not guard cannot).
/// `old`: the name of the old version in a window (a tag), said instead of
/// "v(N-1)" in the hazard lines.
fn findings_block(
    r: &Report,
    guarded: bool,
    old: Option<&str>,
    out: &mut String,
    flush: &mut dyn FnMut(&mut String),
) {
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &r.findings {
        let key = f.anchor().map(|l| l.path.as_str()).unwrap_or("");
        groups.entry(key).or_default().push(f);
    }
    let mut starts = (LineStarts::new(), LineStarts::new());
    for (path, findings) in groups {
        let _ = writeln!(out, "\n{path}");
        for f in findings {
            let block = if guarded && r.blocks(f) {
                " (blocking)"
            } else if f.accepted.is_some() {
                " (accepted)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {}[{} {}]{block}: {}",
                f.severity, f.rule.code, f.rule.name, f.message
            );
            if let Some(a) = &f.accepted {
                let _ = writeln!(
                    out,
                    "    accepted by {} until {}: {} (fingerprint {})",
                    a.by, a.expires, a.reason, f.fingerprint
                );
            }
            if let Some(l) = f.level {
                let _ = writeln!(out, "    level for this path: {l}");
            }
            let _ = writeln!(out, "    old: {}", loc_words(&f.old));
            let _ = writeln!(out, "    new: {}", loc_words(&f.new));
            for h in hazards(f) {
                let _ = writeln!(out, "    {}", name_old(&h, old));
            }
            for d in &f.unknown {
                let _ = writeln!(out, "    undecided: whether {d} holds here");
            }
            if f.breaks.is_empty() && f.unknown.is_empty() && f.severity != Severity::Info {
                let _ = writeln!(out, "    breaks no direction today");
            }
            diff_block(r, f, &mut starts, out);
            witness_block(f, out);
            let _ = writeln!(out, "    safe change: {}", f.advice);
            flush(out);
        }
    }
}

/// The witnesses of a finding: the payload, what its writer meant and what
/// its reader made of it; or why there is none.
fn witness_block(f: &Finding, out: &mut String) {
    for w in &f.witnesses {
        let who = match w.direction {
            crate::finding::Direction::Backward => "rollout",
            crate::finding::Direction::Forward => "rollback",
        };
        let _ = writeln!(
            out,
            "    witness ({who}: {} writes, {} reads; {}, checked with {}):",
            w.writer_label(),
            w.reader_label(),
            w.encoding,
            w.checked_with
        );
        let _ = writeln!(out, "      payload: {}", w.payload);
        match (&w.of, &w.datum) {
            (Some(of), Some(d)) => {
                let _ = writeln!(out, "      value:   {of} {d}");
            }
            (Some(of), None) => {
                let _ = writeln!(out, "      of:      {of}");
            }
            (None, Some(d)) => {
                let _ = writeln!(out, "      value:   {d}");
            }
            (None, None) => {}
        }
        let _ = writeln!(out, "      {} wrote: {}", w.writer_label(), w.writer_sees);
        let _ = writeln!(out, "      {} read: {}", w.reader_label(), w.reader_sees);
    }
    if let Some(n) = &f.witness_note {
        let _ = writeln!(out, "    no witness for {n}");
    }
}

/// The report of a rollback window: each pair's findings under its own
/// heading, then the verdict and the rollback statement.
pub fn render_window(w: &WindowReport) -> String {
    let mut out = String::new();
    window_text(w, &mut out, &mut |_| {});
    out
}

/// A window's report; `flush` as [`pair_text`]'s.
fn window_text(w: &WindowReport, out: &mut String, flush: &mut dyn FnMut(&mut String)) {
    let versions: Vec<String> = w
        .pairs
        .iter()
        .map(|p| format!("{} (N-{})", p.against, p.distance))
        .collect();
    let _ = writeln!(
        out,
        "wirecompat check: candidate N = {}, level {}",
        w.candidate, w.level
    );
    let _ = writeln!(
        out,
        "  window: {}",
        if versions.is_empty() {
            "(no earlier version)".to_string()
        } else {
            versions.join(", ")
        }
    );
    for p in &w.pairs {
        let r = &p.report;
        let _ = writeln!(
            out,
            "\n== N ({}) against {} (N-{}){}: {}",
            w.candidate,
            p.against,
            p.distance,
            if p.guarded {
                ""
            } else {
                " [not guarded at this level]"
            },
            formats(r)
        );
        if r.findings.is_empty() {
            let _ = writeln!(out, "  no findings");
        }
        findings_block(r, p.guarded, Some(&p.against), out, flush);
        for n in &r.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        let _ = writeln!(
            out,
            "  verdict against {}: {}",
            p.against,
            name_old(&r.verdict(), Some(&p.against))
        );
    }
    notes_block(&w.notes, &w.expired, &w.stale, out);
    let errors: usize = w
        .pairs
        .iter()
        .map(|p| p.report.count(Severity::Error))
        .sum();
    let warnings: usize = w
        .pairs
        .iter()
        .map(|p| p.report.count(Severity::Warning))
        .sum();
    let _ = writeln!(
        out,
        "\nsummary: {} version(s) compared; {errors} error(s), {warnings} warning(s)",
        w.pairs.len()
    );
    let _ = writeln!(out, "verdict: {}", w.verdict());
    let _ = writeln!(out, "rollback: {}", w.rollback.statement);
}

/// Several window reports, each under its title, then one verdict line.
pub fn render_many(all: &[(String, WindowReport)]) -> String {
    let mut out = String::new();
    many_text(all, &mut out, &mut |_| {});
    out
}

/// Several windows' report; `flush` as [`pair_text`]'s.
fn many_text(all: &[(String, WindowReport)], out: &mut String, flush: &mut dyn FnMut(&mut String)) {
    for (title, w) in all {
        let _ = writeln!(out, "=== {title}");
        window_text(w, out, flush);
        out.push('\n');
    }
    let failing: Vec<&str> = all
        .iter()
        .filter(|(_, w)| !w.compatible())
        .map(|(t, _)| t.as_str())
        .collect();
    if all.is_empty() {
        let _ = writeln!(out, "verdict: nothing to check");
    } else if failing.is_empty() {
        let _ = writeln!(out, "verdict: all {} compatible", all.len());
    } else {
        let _ = writeln!(
            out,
            "verdict: NOT compatible: {} of {} ({})",
            failing.len(),
            all.len(),
            failing.join("; ")
        );
    }
}

/// ANSI styles of the text report on a terminal.
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The text report with colour: severities, the diff's removed and added
/// lines, hazards, headings and the verdict. Only styles are added; the
/// words are the plain report's, so colour never carries meaning alone.
pub fn colorize(plain: &str) -> String {
    let mut out = String::with_capacity(plain.len() + plain.len() / 8);
    for line in plain.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let nl = &line[body.len()..];
        let t = body.trim_start();
        let style = if t.starts_with("error[") || t.starts_with("error:") {
            Some(if body.contains("(blocking)") || t.starts_with("error:") {
                format!("{BOLD}{RED}")
            } else {
                RED.to_string()
            })
        } else if t.starts_with("warning[") || t.starts_with("warning:") {
            Some(YELLOW.to_string())
        } else if t.starts_with("info[") {
            Some(CYAN.to_string())
        } else if body.starts_with("      - ") {
            Some(RED.to_string())
        } else if body.starts_with("      + ") {
            Some(GREEN.to_string())
        } else if t.starts_with("rollout hazard")
            || t.starts_with("rollback hazard")
            || t.starts_with("possible rollout hazard")
            || t.starts_with("possible rollback hazard")
        {
            Some(YELLOW.to_string())
        } else if t.starts_with("safe change:") || t.starts_with("old:") || t.starts_with("new:") {
            Some(DIM.to_string())
        } else if body.starts_with("== ") || body.starts_with("wirecompat check:") {
            Some(BOLD.to_string())
        } else if let Some(rest) = body.strip_prefix("verdict: ") {
            Some(if rest.starts_with("compatible") {
                format!("{BOLD}{GREEN}")
            } else {
                format!("{BOLD}{RED}")
            })
        } else {
            body.strip_prefix("rollback: ").map(|rest| {
                if rest.starts_with("safe") {
                    GREEN.to_string()
                } else {
                    format!("{BOLD}{YELLOW}")
                }
            })
        };
        match style {
            Some(st) if !body.is_empty() => {
                out.push_str(&st);
                out.push_str(body);
                out.push_str(RESET);
                out.push_str(nl);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{clip, colorize};

    #[test]
    fn colour_adds_styles_and_keeps_the_words() {
        let plain = "x.proto\n  error[PB104 a] (blocking): m\n      - a\n      + b\nverdict: compatible at FULL\n";
        let c = colorize(plain);
        assert!(c.contains("\x1b[1m\x1b[31m  error[PB104 a] (blocking): m\x1b[0m\n"));
        assert!(c.contains("\x1b[31m      - a\x1b[0m"));
        assert!(c.contains("\x1b[32m      + b\x1b[0m"));
        assert!(c.contains("\x1b[1m\x1b[32mverdict: compatible"));
        let stripped = c
            .replace("\x1b[0m", "")
            .replace("\x1b[1m", "")
            .replace("\x1b[31m", "")
            .replace("\x1b[32m", "");
        assert_eq!(stripped, plain);
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line: String = (0..1000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let c = clip(&line, 500);
        assert!(c.starts_with('…') && c.ends_with('…'));
        assert_eq!(c.chars().count(), 102);
        // Column 500 is the 500th character: inside the window.
        let start = 500 - 1 - 25;
        assert!(c.contains(&line[start..start + 50]));
        assert_eq!(clip("short", 3), "short");
    }
}
