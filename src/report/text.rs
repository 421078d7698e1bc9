//! The report for people: grouped by file, both locations, the directions in
//! words, the old and new lines as a small diff, and the safe change.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::Report;
use crate::finding::{Direction, Finding, Location, Severity};

/// The lines a location covers (a short element whole, a long one by its
/// first line), without trailing whitespace.
fn snippet(sources: &BTreeMap<String, String>, loc: &Option<Location>) -> String {
    let Some(l) = loc else { return String::new() };
    if !l.has_position() {
        return String::new();
    }
    let Some(text) = sources.get(&l.path) else {
        return String::new();
    };
    let first = l.line as usize;
    let last = if l.end_line >= l.line && l.end_line - l.line <= 2 {
        l.end_line as usize
    } else {
        first
    };
    let mut out = String::new();
    for (i, line) in text
        .lines()
        .skip(first - 1)
        .take(last + 1 - first)
        .enumerate()
    {
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

fn diff_block(r: &Report, f: &Finding, out: &mut String) {
    let old = snippet(&r.sources.old, &f.old);
    let new = snippet(&r.sources.new, &f.new);
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

fn loc_words(l: &Option<Location>) -> String {
    match l {
        Some(l) => l.to_string(),
        None => "(absent)".to_string(),
    }
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "wirecompat check: {} (profile {}), level {}",
        r.format, r.profile, r.level
    );
    let _ = writeln!(out, "  old, v(N-1): {}", r.old_root);
    let _ = writeln!(out, "  new, v(N):   {}", r.new_root);

    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &r.findings {
        let key = f.anchor().map(|l| l.path.as_str()).unwrap_or("");
        groups.entry(key).or_default().push(f);
    }
    for (path, findings) in groups {
        let _ = writeln!(out, "\n{path}");
        for f in findings {
            let block = if r.blocks(f) { " (blocking)" } else { "" };
            let _ = writeln!(
                out,
                "  {}[{} {}]{block}: {}",
                f.severity, f.rule.code, f.rule.name, f.message
            );
            let _ = writeln!(out, "    old: {}", loc_words(&f.old));
            let _ = writeln!(out, "    new: {}", loc_words(&f.new));
            for h in hazards(f) {
                let _ = writeln!(out, "    {h}");
            }
            for d in &f.unknown {
                let _ = writeln!(out, "    undecided: whether {d} holds here");
            }
            if f.breaks.is_empty() && f.unknown.is_empty() && f.severity != Severity::Info {
                let _ = writeln!(out, "    breaks no direction today");
            }
            diff_block(r, f, &mut out);
            let _ = writeln!(out, "    safe change: {}", f.advice);
        }
    }
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
    let _ = writeln!(out, "verdict: {}", r.verdict());
    out
}

#[cfg(test)]
mod tests {
    use super::clip;

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
