//! The result of a check, and its renderings.

pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;
pub mod view;

use std::collections::BTreeMap;

use crate::finding::{Direction, Finding, Severity};
use crate::level::Level;
use crate::rule::Format;

/// The report formats (`--format`, `--output FORMAT=PATH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
    Markdown,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 7] = [
        OutputFormat::Text,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Junit,
        OutputFormat::Github,
        OutputFormat::Gitlab,
        OutputFormat::Markdown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Text => "text",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Junit => "junit",
            OutputFormat::Github => "github",
            OutputFormat::Gitlab => "gitlab",
            OutputFormat::Markdown => "markdown",
        }
    }

    pub fn parse(s: &str) -> Option<OutputFormat> {
        OutputFormat::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Renders the outcome of a check in a format; `color` applies to text.
/// The very bytes [`write`] writes out.
pub fn render(outcome: &crate::run::Outcome, format: OutputFormat, color: bool) -> String {
    use crate::run::Outcome;
    if format == OutputFormat::Text {
        let plain = match outcome {
            Outcome::Pair(r) => text::render(r),
            Outcome::Window(w) => text::render_window(w),
            Outcome::Many(all) => text::render_many(all),
        };
        return if color { text::colorize(&plain) } else { plain };
    }
    let mut out = Vec::new();
    write(outcome, format, color, &mut out).expect("a report writes into memory");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// A report in a format other than text, rendered from its whole JSON
/// value (`--format json`, the contract): what [`render`] and [`write`]
/// give, which read the findings from the report itself instead (a JSON
/// value of a finding weighs about 15 KB). Kept as the reference they are
/// tested against.
pub fn render_value(value: &serde_json::Value, format: OutputFormat) -> String {
    match format {
        OutputFormat::Text => unreachable!("text is not rendered from JSON"),
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(value).expect("report serializes");
            s.push('\n');
            s
        }
        OutputFormat::Sarif => sarif::render(value),
        OutputFormat::Junit => junit::render(value),
        OutputFormat::Github => github::render(value),
        OutputFormat::Gitlab => gitlab::render(value),
        OutputFormat::Markdown => markdown::render(value),
    }
}

/// The whole JSON value of an outcome, as the formats but JSON read it
/// ([`render_value`]).
pub fn value_of(outcome: &crate::run::Outcome, format: OutputFormat) -> serde_json::Value {
    use crate::run::Outcome;
    match outcome {
        Outcome::Pair(r) => json::to_value(r),
        Outcome::Window(w) => json::window_value(w),
        Outcome::Many(all) if format == OutputFormat::Json => json::many_value(all),
        Outcome::Many(all) => json::merged_value(all),
    }
}

/// Writes the report, never whole: JSON, SARIF and GitLab one finding at
/// a time, the other formats in pieces of text, each reading the findings
/// from the report itself. The bytes are those of [`render_value`] of the
/// report's JSON value.
pub fn write(
    outcome: &crate::run::Outcome,
    format: OutputFormat,
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use crate::run::Outcome;
    let head = match (outcome, format) {
        (Outcome::Pair(r), OutputFormat::Json) => return json::write(r, out),
        (Outcome::Window(w), OutputFormat::Json) => return json::write_window(w, out),
        (Outcome::Many(all), OutputFormat::Json) => return json::write_many(all, out),
        (Outcome::Pair(r), OutputFormat::Text) => return text::write(r, color, out),
        (Outcome::Window(w), OutputFormat::Text) => return text::write_window(w, color, out),
        (Outcome::Many(all), OutputFormat::Text) => return text::write_many(all, color, out),
        (Outcome::Pair(r), _) => json::head(r),
        (Outcome::Window(w), _) => json::window_head(w),
        (Outcome::Many(all), _) => json::merged_head(all),
    };
    let items = match outcome {
        Outcome::Pair(r) => view::items_of(&head, r),
        Outcome::Window(w) => view::items_of_windows(&head, &[w]),
        Outcome::Many(all) => {
            let windows: Vec<_> = all.iter().map(|(_, w)| w).collect();
            view::items_of_windows(&head, &windows)
        }
    };
    if format == OutputFormat::Sarif {
        return sarif::write_items(&head, &items, out);
    }
    if format == OutputFormat::Gitlab {
        return gitlab::write_items(&head, &items, out);
    }
    let mut text = Pieces::writing(out);
    match format {
        OutputFormat::Junit => junit::write_items(&head, items, &mut text),
        OutputFormat::Github => github::write_items(&head, items, &mut text),
        _ => markdown::write_items(&head, items, &mut text),
    }
    text.finish().map(drop)
}

/// A JSON value written with some of its parts (each at a path of object
/// keys and array indices) taken from `parts` instead: the value holds a
/// placeholder there. Large lists (findings, SARIF results) are so written
/// one element at a time, in the very bytes the whole value would give.
struct Splice<'a, P: serde::Serialize> {
    value: &'a serde_json::Value,
    /// The parts at or below `value`, each by its path from it.
    parts: Vec<(&'a [String], &'a P)>,
}

impl<P: serde::Serialize> serde::Serialize for Splice<'_, P> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        use serde_json::Value;
        if let Some((_, part)) = self.parts.iter().find(|(path, _)| path.is_empty()) {
            return part.serialize(s);
        }
        // The parts under the member `key`, by their paths from it.
        let under = |key: &str| -> Vec<(&[String], &P)> {
            self.parts
                .iter()
                .filter(|(path, _)| path[0] == key)
                .map(|(path, part)| (&path[1..], *part))
                .collect()
        };
        match self.value {
            _ if self.parts.is_empty() => self.value.serialize(s),
            Value::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    let parts = under(k);
                    if parts.is_empty() {
                        map.serialize_entry(k, v)?;
                    } else {
                        map.serialize_entry(k, &Splice { value: v, parts })?;
                    }
                }
                map.end()
            }
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for (i, v) in a.iter().enumerate() {
                    let parts = under(&i.to_string());
                    if parts.is_empty() {
                        seq.serialize_element(v)?;
                    } else {
                        seq.serialize_element(&Splice { value: v, parts })?;
                    }
                }
                seq.end()
            }
            v => v.serialize(s),
        }
    }
}

/// A path into a JSON value, for [`write_spliced`].
fn at(path: &[&str]) -> Vec<String> {
    path.iter().map(|k| k.to_string()).collect()
}

/// Writes `value` pretty-printed, with each part at its path, and a newline.
fn write_spliced<P: serde::Serialize>(
    value: &serde_json::Value,
    parts: &[(Vec<String>, P)],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut w = std::io::BufWriter::new(out);
    let parts = parts.iter().map(|(path, p)| (path.as_slice(), p)).collect();
    serde_json::to_writer_pretty(&mut w, &Splice { value, parts })?;
    w.write_all(b"\n")?;
    w.flush()
}

/// A sequence written from an iterator made afresh for the writing.
struct Stream<F>(F);

impl<F, I, T> serde::Serialize for Stream<F>
where
    F: Fn() -> I,
    I: ExactSizeIterator<Item = T>,
    T: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let items = (self.0)();
        let mut seq = s.serialize_seq(Some(items.len()))?;
        for x in items {
            seq.serialize_element(&x)?;
        }
        seq.end()
    }
}

/// Report text written as it is made: gathered into a string and, when
/// writing out, handed on in pieces of [`Pieces::PIECE`] bytes, so that a
/// report of 100,000 findings (70-120 MB of text) is never held whole. The
/// same code so renders into memory ([`Pieces::whole`]) and writes out
/// ([`Pieces::writing`]), byte for byte alike.
pub struct Pieces<'a> {
    text: String,
    out: Option<&'a mut dyn std::io::Write>,
    failed: Option<std::io::Error>,
}

impl<'a> Pieces<'a> {
    /// Bytes gathered before they are written out.
    pub const PIECE: usize = 1 << 16;

    /// Gathers the whole text, returned by [`Pieces::finish`].
    pub fn whole() -> Pieces<'static> {
        Pieces {
            text: String::new(),
            out: None,
            failed: None,
        }
    }

    /// Writes the text to `out` in pieces.
    pub fn writing(out: &'a mut dyn std::io::Write) -> Pieces<'a> {
        Pieces {
            text: String::with_capacity(Self::PIECE * 2),
            out: Some(out),
            failed: None,
        }
    }

    fn hand_on(&mut self) {
        if let Some(out) = self.out.as_mut() {
            if self.failed.is_none()
                && let Err(e) = out.write_all(self.text.as_bytes())
            {
                self.failed = Some(e);
            }
            self.text.clear();
        }
    }

    /// The text gathered (all of it for [`Pieces::whole`], none when
    /// written out), or the first error writing it out.
    pub fn finish(mut self) -> std::io::Result<String> {
        self.hand_on();
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(std::mem::take(&mut self.text)),
        }
    }
}

impl std::fmt::Write for Pieces<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text.push_str(s);
        if self.text.len() >= Self::PIECE {
            self.hand_on();
        }
        Ok(())
    }
}

/// Writes the Markdown job summary for GitHub (`$GITHUB_STEP_SUMMARY`).
pub fn github_summary(
    outcome: &crate::run::Outcome,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write(outcome, OutputFormat::Markdown, false, out)?;
    out.flush()
}

/// Source lines of the files findings point into, for showing old and new
/// lines side by side.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    pub old: BTreeMap<String, String>,
    pub new: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub format: Format,
    /// Protobuf profile (`wire` or `wire-json`).
    pub profile: &'static str,
    pub level: Level,
    pub old_root: String,
    pub new_root: String,
    pub findings: Vec<Finding>,
    pub sources: Sources,
    /// Let undecided directions pass (`--allow-unknown`).
    pub allow_unknown: bool,
    /// Every format compared (repository mode compares several at once).
    pub formats: Vec<Format>,
    /// What the run could not compare, and other remarks for the reader.
    pub notes: Vec<String>,
    /// Acceptances from the configuration whose date has passed: each
    /// fails the check until renewed or removed.
    pub expired: Vec<Expired>,
    /// Acceptances that match no finding any more.
    pub stale: Vec<String>,
}

/// An acceptance past its expiry date that still matches a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub fingerprint: String,
    pub expires: String,
    pub by: String,
}

impl Report {
    /// The level that applies to a finding: its path's, else the run's.
    pub fn level_of(&self, f: &Finding) -> Level {
        f.level.unwrap_or(self.level)
    }

    pub fn blocks(&self, f: &Finding) -> bool {
        f.accepted.is_none() && self.level_of(f).blocks(f)
    }

    pub fn compatible(&self) -> bool {
        !self.findings.iter().any(|f| self.blocks(f))
            && (self.allow_unknown || self.undecided().is_empty())
            && self.expired.is_empty()
    }

    /// Guarded directions some finding could not decide (and no error breaks).
    pub fn undecided(&self) -> Vec<Direction> {
        Direction::BOTH
            .iter()
            .copied()
            .filter(|d| {
                !self.broken(*d)
                    && self.findings.iter().any(|f| {
                        f.accepted.is_none()
                            && f.unknown.contains(d)
                            && self.level_of(f).directions().contains(d)
                    })
            })
            .collect()
    }

    /// Whether a finding that blocks breaks direction `d`.
    pub fn blocking_break(&self, d: Direction) -> bool {
        self.findings.iter().any(|f| self.blocks(f) && f.breaks(d))
    }

    /// `compatible`, `incompatible` or `unknown` for one direction.
    pub fn direction_word(&self, d: Direction) -> &'static str {
        if self.broken(d) {
            "incompatible"
        } else if self.findings.iter().any(|f| f.unknown.contains(&d)) {
            "unknown"
        } else {
            "compatible"
        }
    }

    /// Whether any error breaks direction `d` (whatever the level).
    pub fn broken(&self, d: Direction) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.breaks(d))
    }

    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    pub fn count_breaking(&self, d: Direction) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.breaks(d))
            .count()
    }

    /// One plain sentence: the verdict at the level.
    pub fn verdict(&self) -> String {
        let back = self.broken(Direction::Backward);
        let fwd = self.broken(Direction::Forward);
        let guarded = self.level.directions();
        let lvl = self.level;
        if self.compatible() {
            let mut s = format!("compatible at {lvl}");
            let unguarded: Vec<&str> = [(back, Direction::Backward), (fwd, Direction::Forward)]
                .iter()
                .filter(|(b, d)| *b && !guarded.contains(d))
                .map(|(_, d)| d.as_str())
                .collect();
            if !unguarded.is_empty() {
                s.push_str(&format!(
                    " (not checked at this level: {} is broken{})",
                    unguarded.join(" and "),
                    if fwd && !guarded.contains(&Direction::Forward) {
                        "; the release is irreversible"
                    } else {
                        ""
                    }
                ));
            }
            return s;
        }
        let undecided = self.undecided();
        if !self.findings.iter().any(|f| self.blocks(f)) && !self.expired.is_empty() {
            return format!(
                "NOT compatible at {lvl}: {} accepted change(s) expired; renew or remove them \
                 in wirecompat.toml",
                self.expired.len()
            );
        }
        if !self.findings.iter().any(|f| self.blocks(f)) && !undecided.is_empty() {
            let words: Vec<&str> = undecided.iter().map(|d| d.as_str()).collect();
            return format!(
                "UNDECIDED at {lvl}: wirecompat cannot decide {} (see the undecided findings); \
                 check them by hand, or pass --allow-unknown",
                words.join(" and ")
            );
        }
        let mut parts = Vec::new();
        if self.blocking_break(Direction::Backward) {
            parts.push("rollout hazard: v(N) cannot read data v(N-1) wrote".to_string());
        }
        if self.blocking_break(Direction::Forward) {
            parts.push(
                "rollback hazard: v(N-1) cannot read data v(N) writes, so this release is \
                 irreversible"
                    .to_string(),
            );
        }
        format!("NOT compatible at {lvl}: {}", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::Pieces;

    /// Writes 4,000 lines (about 3.5 pieces) of text through `p`.
    fn lines(p: &mut Pieces) {
        for n in 0..4000 {
            let _ = writeln!(p, "{n:>6} ünïcödé finding text, {}", "x".repeat(n % 50));
        }
    }

    /// Counts what it is given and how often.
    struct Counting {
        bytes: Vec<u8>,
        writes: usize,
    }

    impl std::io::Write for Counting {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.writes += 1;
            self.bytes.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn pieces_written_out_are_the_whole_text() {
        let mut whole = Pieces::whole();
        lines(&mut whole);
        let whole = whole.finish().unwrap();
        assert!(whole.len() > 3 * Pieces::PIECE, "{}", whole.len());

        let mut out = Counting {
            bytes: Vec::new(),
            writes: 0,
        };
        let mut written = Pieces::writing(&mut out);
        lines(&mut written);
        // Nothing is left to return: it was all handed on.
        assert_eq!(written.finish().unwrap(), "");
        assert_eq!(String::from_utf8(out.bytes).unwrap(), whole);
        // Handed on in pieces, not held to the end.
        assert_eq!(out.writes, whole.len().div_ceil(Pieces::PIECE));
    }

    #[test]
    fn a_failed_write_is_the_result() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut full = Full;
        let mut p = Pieces::writing(&mut full);
        lines(&mut p);
        assert_eq!(p.finish().unwrap_err().to_string(), "disk full");
    }
}
