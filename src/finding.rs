//! Findings: what a rule reports about one paired element, in which
//! direction(s) it breaks, where it is in both versions, and how to make the
//! same change safely.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::rule::RuleMeta;

/// A direction of compatibility between release N-1 (old) and N (new).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// N, as reader, reads what N-1 wrote (the rollout).
    Backward,
    /// N-1, as reader, reads what N wrote (the rollback).
    Forward,
}

impl Direction {
    pub const BOTH: &'static [Direction] = &[Direction::Backward, Direction::Forward];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Backward => "backward",
            Direction::Forward => "forward",
        }
    }

    /// The same break seen with the two versions swapped.
    pub fn swapped(self) -> Direction {
        match self {
            Direction::Backward => Direction::Forward,
            Direction::Forward => Direction::Backward,
        }
    }

    /// Who reads and who wrote, in words.
    pub fn hazard(self) -> &'static str {
        match self {
            Direction::Backward => {
                "rollout hazard: v(N) readers cannot read data written by v(N-1)"
            }
            Direction::Forward => {
                "rollback hazard: v(N-1) readers cannot read data written by v(N); \
                 this release is irreversible"
            }
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position in one version. `path` is relative to the root given on the
/// command line. Lines and columns are 1-based; 0 means the input carried no
/// position (a descriptor set compiled without source info).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// The element the finding is about, by its full name (for example
    /// `orders.v1.Order.quantity`).
    pub element: String,
    /// For JSON-based contracts, the JSON pointer of the element in its file
    /// (`/fields/3/type`); empty otherwise.
    pub pointer: String,
}

impl Location {
    pub fn has_position(&self) -> bool {
        self.line > 0
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_position() {
            write!(f, "{}:{}:{}", self.path, self.line, self.column)
        } else {
            write!(f, "{} ({})", self.path, self.element)
        }
    }
}

/// One reported problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// Directions this change breaks; empty for a finding that breaks nothing
    /// today (for example a deleted field number left unreserved).
    pub breaks: Vec<Direction>,
    /// Directions the rule could not decide (the message says why). An
    /// undecided guarded direction keeps a check from passing.
    pub unknown: Vec<Direction>,
    pub severity: Severity,
    pub message: String,
    pub old: Option<Location>,
    pub new: Option<Location>,
    /// Structured arguments (element names, old and new types ...).
    pub args: Vec<(&'static str, String)>,
    /// How to make the same change safely: the rule's own words unless the
    /// rule wrote them for this finding (shared, not copied per finding).
    pub advice: Cow<'static, str>,
    /// Stable across reformatting: rule, element and arguments, not lines.
    pub fingerprint: String,
    /// The level configured for this finding's path, when not the run's.
    pub level: Option<crate::level::Level>,
    /// A configured acceptance that covers this finding: it is shown but
    /// does not block. Boxed: most findings have none, and a run can hold
    /// hundreds of thousands of findings.
    pub accepted: Option<Box<Accepted>>,
    /// Payloads that show the break, one per direction it could be shown
    /// for, each confirmed with the format's real library.
    pub witnesses: Vec<crate::witness::Witness>,
    /// Why no witness could be built for a direction the finding breaks.
    pub witness_note: Option<String>,
}

/// An accepted change, as the configuration records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub reason: String,
    pub by: String,
    /// YYYY-MM-DD.
    pub expires: String,
}

impl Finding {
    pub fn breaks(&self, d: Direction) -> bool {
        self.breaks.contains(&d)
    }

    pub fn arg(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The version's location that best anchors the finding: the new one
    /// when the element exists there, else the old one.
    pub fn anchor(&self) -> Option<&Location> {
        self.new.as_ref().or(self.old.as_ref())
    }
}

/// Builds a [`Finding`]; rules call `FindingBuilder::new(&RULE)` and chain.
pub struct FindingBuilder {
    f: Finding,
}

impl FindingBuilder {
    pub fn new(rule: &'static RuleMeta) -> Self {
        FindingBuilder {
            f: Finding {
                rule,
                breaks: rule.breaks.to_vec(),
                unknown: Vec::new(),
                severity: rule.severity,
                message: String::new(),
                old: None,
                new: None,
                args: Vec::new(),
                advice: Cow::Borrowed(rule.advice),
                fingerprint: String::new(),
                level: None,
                accepted: None,
                witnesses: Vec::new(),
                witness_note: None,
            },
        }
    }

    pub fn breaks(mut self, dirs: &[Direction]) -> Self {
        let mut v = dirs.to_vec();
        v.sort();
        v.dedup();
        self.f.breaks = v;
        self
    }

    /// The rule could not decide these directions: they break nothing known,
    /// and the finding is a warning.
    pub fn undecided(mut self, dirs: &[Direction]) -> Self {
        let mut v = dirs.to_vec();
        v.sort();
        v.dedup();
        self.f.unknown = v;
        self.f.breaks.clear();
        self.f.severity = Severity::Warning;
        self
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.f.severity = s;
        self
    }

    pub fn message(mut self, m: impl Into<String>) -> Self {
        self.f.message = m.into();
        self
    }

    pub fn old(mut self, l: Option<Location>) -> Self {
        self.f.old = l;
        self
    }

    pub fn new_loc(mut self, l: Option<Location>) -> Self {
        self.f.new = l;
        self
    }

    pub fn arg(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.f.args.push((k, v.into()));
        self
    }

    pub fn advice(mut self, a: impl Into<Cow<'static, str>>) -> Self {
        self.f.advice = a.into();
        self
    }

    pub fn build(mut self) -> Finding {
        self.f.fingerprint = fingerprint(&self.f);
        // Pushed one at a time, the arguments left room for four.
        self.f.args.shrink_to_fit();
        self.f
    }
}

/// Hash of what identifies a finding independent of line numbers: rule code,
/// the elements in both versions and the structured arguments.
fn fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    h.update(f.rule.code.as_bytes());
    for loc in [&f.old, &f.new] {
        h.update([0u8]);
        if let Some(l) = loc {
            h.update(l.element.as_bytes());
        }
    }
    for (k, v) in &f.args {
        h.update([1u8]);
        h.update(k.as_bytes());
        h.update([2u8]);
        h.update(v.as_bytes());
    }
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The parts one after the other, built on the largest of them rather than
/// copied into a new vector: one message's 200,000 findings were held twice
/// (91 MB more at the peak).
pub fn concat(parts: impl IntoIterator<Item = Vec<Finding>>) -> Vec<Finding> {
    let mut parts: Vec<Vec<Finding>> = parts.into_iter().collect();
    let Some(big) = (0..parts.len()).max_by_key(|&i| parts[i].len()) else {
        return Vec::new();
    };
    let total: usize = parts.iter().map(Vec::len).sum();
    let before: usize = parts[..big].iter().map(Vec::len).sum();
    let mut out = std::mem::take(&mut parts[big]);
    let own = out.len();
    out.reserve_exact(total - own);
    for p in parts {
        out.extend(p);
    }
    // The parts before the largest were appended after it: back in front.
    out[..own + before].rotate_right(before);
    out
}

/// Sort findings into report order: by anchor path and position, then rule.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let ka = a.anchor().map(|l| (&l.path, l.line, l.column));
        let kb = b.anchor().map(|l| (&l.path, l.line, l.column));
        ka.cmp(&kb)
            .then_with(|| a.rule.code.cmp(b.rule.code))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}

/// Merges findings that two directions report for the same rule at the same
/// places: their directions add up; different messages are joined.
/// In place: 200,000 findings were held twice, and their places copied
/// once more into the index.
pub fn merge_directions(mut findings: Vec<Finding>) -> Vec<Finding> {
    use std::hash::BuildHasher;
    let same_place =
        |a: &Finding, b: &Finding| a.rule.code == b.rule.code && a.old == b.old && a.new == b.new;
    let hasher = std::collections::hash_map::RandomState::new();
    let place = |f: &Finding| hasher.hash_one((f.rule.code, &f.old, &f.new));
    // The kept findings by the hash of their place: the last one kept with
    // a hash, and for each kept one the one kept before it with its hash.
    let mut last: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut earlier: Vec<Option<usize>> = Vec::new();
    let mut kept = 0;
    for i in 0..findings.len() {
        let h = place(&findings[i]);
        let mut at = last.get(&h).copied();
        while let Some(k) = at {
            if same_place(&findings[k], &findings[i]) {
                break;
            }
            at = earlier[k];
        }
        let Some(k) = at else {
            findings.swap(kept, i);
            earlier.push(last.insert(h, kept));
            kept += 1;
            continue;
        };
        let (head, tail) = findings.split_at_mut(i);
        let (g, f) = (&mut head[k], &tail[0]);
        for d in &f.breaks {
            if !g.breaks.contains(d) {
                g.breaks.push(*d);
            }
        }
        for d in &f.unknown {
            if !g.unknown.contains(d) && !g.breaks.contains(d) {
                g.unknown.push(*d);
            }
        }
        g.unknown.retain(|d| !g.breaks.contains(d));
        g.breaks.sort();
        g.unknown.sort();
        if f.severity < g.severity {
            g.severity = f.severity;
        }
        if g.message != f.message && !g.message.contains(&f.message) {
            g.message = format!("{}; {}", g.message, f.message);
        }
    }
    findings.truncate(kept);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(i: usize, dirs: &[Direction]) -> Finding {
        let meta = &crate::formats::protobuf::rules::RULES[0].meta;
        let loc = Location {
            path: "a.proto".into(),
            line: i as u32,
            column: 1,
            end_line: i as u32,
            end_column: 2,
            element: format!("e{i}"),
            pointer: String::new(),
        };
        FindingBuilder::new(meta)
            .breaks(dirs)
            .message(format!("m{i}"))
            .old(Some(loc))
            .build()
    }

    #[test]
    fn concat_keeps_the_order_of_its_parts() {
        let b = &[Direction::Backward];
        let parts = vec![
            vec![finding(1, b)],
            vec![finding(2, b), finding(3, b), finding(4, b)],
            vec![],
            vec![finding(5, b), finding(6, b)],
        ];
        let lines: Vec<u32> = concat(parts)
            .iter()
            .map(|f| f.old.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 6]);
        assert!(concat(Vec::<Vec<Finding>>::new()).is_empty());
    }

    #[test]
    fn merging_adds_directions_of_the_same_place_and_keeps_order() {
        let (b, f) = (&[Direction::Backward], &[Direction::Forward]);
        let mut twin = finding(2, f);
        twin.message = "other".into();
        let merged = merge_directions(vec![finding(3, b), finding(2, b), twin, finding(1, f)]);
        let got: Vec<(u32, Vec<Direction>, &str)> = merged
            .iter()
            .map(|x| {
                (
                    x.old.as_ref().unwrap().line,
                    x.breaks.clone(),
                    x.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (3, vec![Direction::Backward], "m3"),
                (
                    2,
                    vec![Direction::Backward, Direction::Forward],
                    "m2; other"
                ),
                (1, vec![Direction::Forward], "m1"),
            ]
        );
        // An advice the rule wrote is shared, not copied.
        assert!(matches!(merged[0].advice, Cow::Borrowed(_)));
    }
}
