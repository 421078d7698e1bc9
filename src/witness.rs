//! Witness payloads: for a finding that breaks a direction, concrete data
//! written by that direction's writer which its reader cannot read, or reads
//! with another meaning, confirmed with the format's real library
//! (`prost-reflect` for Protobuf, `apache-avro` for Avro, `jsonschema` for
//! JSON Schema).
//!
//! The formats build witnesses (`formats::<format>::witness`); this module
//! holds what the core and the reporters see.

use crate::finding::{Direction, Finding};

/// A payload that shows a break, and what each side makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// The direction it shows broken: its writer wrote the payload, its
    /// reader read it.
    pub direction: Direction,
    /// How the payload is encoded: `binary` or `json` (Protobuf),
    /// `avro-binary` (Avro), `instance` (a JSON Schema instance).
    pub encoding: &'static str,
    /// The payload as written: bytes in hex (`08 96 01`), or JSON text.
    pub payload: String,
    /// For an encoded payload, the writer's value as JSON, for people.
    pub datum: Option<String>,
    /// What the payload is an instance of in the writer's version: a
    /// Protobuf message type, an Avro schema's full name, a JSON Schema
    /// file and pointer.
    pub of: Option<String>,
    /// What the writer meant, at the place that differs.
    pub writer_sees: String,
    /// What the reader made of it: another value, nothing, or its error.
    pub reader_sees: String,
    /// Which library encoded and decoded (or validated) it.
    pub checked_with: &'static str,
    /// A witness is only attached once its library confirmed it; the field
    /// is kept in the report so that scripts need not assume it.
    pub verified: bool,
}

impl Witness {
    /// "v(N) wrote" / "v(N-1) wrote" and the reader's counterpart.
    pub fn writer_label(&self) -> &'static str {
        match self.direction {
            Direction::Backward => "v(N-1)",
            Direction::Forward => "v(N)",
        }
    }

    pub fn reader_label(&self) -> &'static str {
        match self.direction {
            Direction::Backward => "v(N)",
            Direction::Forward => "v(N-1)",
        }
    }
}

/// At most this many breaking findings of one comparison get witnesses:
/// building one takes time in proportion to the schema, and a change that
/// breaks thousands of elements (a message or record emptied) needs a few
/// examples, not thousands (2,000 removed Avro fields took 15 s, 4,000 took
/// 108 s). The later findings say so in their note.
pub const MAX_WITNESSED: usize = 100;

/// Where a witness is a datum of a whole top-level schema (Avro, JSON
/// Schema), building one takes time in proportion to the schema's text:
/// fewer are built for large schemas, this many bytes' worth (a schema of
/// 3.5 MB gets 4, one of 160 KB or less gets [`MAX_WITNESSED`]).
pub const WITNESS_BYTES: usize = 16 << 20;

/// How many breaking findings get witnesses where each costs time in
/// proportion to `bytes` of schema text.
pub fn max_for_size(bytes: usize) -> usize {
    (WITNESS_BYTES / bytes.max(1)).clamp(1, MAX_WITNESSED)
}

/// Notes, on the breaking findings after the first `max` (in the
/// comparison's order), why they have no witness; the witness builders
/// skip findings that already have a note.
pub fn limit(findings: &mut [Finding], max: usize) {
    for f in findings
        .iter_mut()
        .filter(|f| !f.breaks.is_empty())
        .skip(max)
    {
        let why = format!(
            "not built: witnesses are built for the first {max} breaking findings of this \
             comparison"
        );
        let missing: Vec<(Direction, String)> =
            f.breaks.iter().map(|&d| (d, why.clone())).collect();
        f.witness_note = note(&missing);
    }
}

/// The note of a finding for the directions no witness could be built
/// for: `backward: why` (or `backward and forward: why` when the reason is
/// the same).
pub fn note(missing: &[(Direction, String)]) -> Option<String> {
    match missing {
        [] => None,
        [(a, x), (b, y)] if x == y => Some(format!("{a} and {b}: {x}")),
        _ => Some(
            missing
                .iter()
                .map(|(d, why)| format!("{d}: {why}"))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// Bytes as space-separated lowercase hex, cut after `max` bytes.
pub fn hex(bytes: &[u8], max: usize) -> String {
    let mut s = String::with_capacity(bytes.len().min(max) * 3);
    for (i, b) in bytes.iter().take(max).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02x}"));
    }
    if bytes.len() > max {
        s.push_str(&format!(" … ({} bytes)", bytes.len()));
    }
    s
}

/// A value cut to `max` characters for a one-line display.
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_cuts_long_payloads() {
        assert_eq!(hex(&[8, 0x96, 1], 16), "08 96 01");
        assert_eq!(hex(&[1, 2, 3], 2), "01 02 … (3 bytes)");
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(cut("abc", 3), "abc");
    }

    #[test]
    fn only_the_first_breaking_findings_get_witnesses() {
        let rule = crate::rule::find("AV401").expect("a breaking rule");
        let mut findings: Vec<Finding> = (0..5)
            .map(|i| {
                crate::finding::FindingBuilder::new(rule)
                    .message(format!("finding {i}"))
                    .build()
            })
            .collect();
        findings[0].breaks.clear();
        limit(&mut findings, 2);
        let noted: Vec<bool> = findings.iter().map(|f| f.witness_note.is_some()).collect();
        // The one that breaks nothing is not counted; the 4th and 5th are past 2.
        assert_eq!(noted, [false, false, false, true, true]);
        assert!(
            findings[4]
                .witness_note
                .as_deref()
                .unwrap()
                .contains("first 2 breaking")
        );
        assert_eq!(max_for_size(0), MAX_WITNESSED);
        assert_eq!(max_for_size(3_500_000), 4);
        assert_eq!(max_for_size(1 << 30), 1);
    }
}
