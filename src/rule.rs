//! Rule metadata and the one sorted catalogue of every rule.
//!
//! Each rule lives in its own file under `src/formats/<format>/rules/`: a
//! module doc comment (what it flags, which direction breaks and why, an
//! example, how to evolve safely), one static [`RuleMeta`], and one small
//! check function. The `rules` and `explain` commands read this catalogue; the
//! long documentation is the rule file's own `//!` comment, taken from the
//! source with `include_str!` so that it is written once.

use std::fmt;

use serde::Serialize;

use crate::finding::{Direction, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Protobuf,
    Avro,
    #[serde(rename = "jsonschema")]
    JsonSchema,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Protobuf => "protobuf",
            Format::Avro => "avro",
            Format::JsonSchema => "jsonschema",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which encodings a rule protects. Protobuf has a binary-only profile and a
/// binary+JSON profile; a rule tagged `Json` runs only in the latter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Binary,
    Json,
}

#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code, such as `PB104`.
    pub code: &'static str,
    /// Stable kebab-case name, such as `field-wire-type-changed`.
    pub name: &'static str,
    pub format: Format,
    /// The encodings whose compatibility this rule guards.
    pub encodings: &'static [Encoding],
    /// Directions the change typically breaks (a finding may narrow this).
    pub breaks: &'static [Direction],
    pub severity: Severity,
    /// One line: what the rule flags.
    pub summary: &'static str,
    /// How to make the same change safely.
    pub advice: &'static str,
    /// Rules of peer tools that cover the same ground (`buf:FIELD_SAME_NAME`).
    pub peers: &'static [&'static str],
    /// The rule's source file; its `//!` lines are the documentation.
    pub source: &'static str,
}

impl RuleMeta {
    /// The rule's documentation: its source file's `//!` comment.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix("//!") {
                out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                out.push('\n');
            } else if !t.is_empty() {
                break;
            }
        }
        out
    }
}

/// Every rule of every format, sorted by code.
pub fn catalogue() -> Vec<&'static RuleMeta> {
    let mut all: Vec<&'static RuleMeta> = crate::formats::protobuf::rules::RULES
        .iter()
        .map(|r| &r.meta)
        .chain(crate::formats::avro::rules::RULES.iter().map(|r| &r.meta))
        .chain(
            crate::formats::jsonschema::rules::RULES
                .iter()
                .map(|r| &r.meta),
        )
        .collect();
    all.sort_by_key(|r| r.code);
    all
}

/// Look a rule up by code (`PB104`) or name (`field-wire-type-changed`),
/// case-insensitively.
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    catalogue()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// `wirecompat rules`: one line per rule.
pub fn render_list() -> String {
    let mut out = String::new();
    for r in catalogue() {
        let breaks: Vec<&str> = r.breaks.iter().map(|d| d.as_str()).collect();
        let breaks = if breaks.is_empty() {
            "-".to_string()
        } else {
            breaks.join("+")
        };
        out.push_str(&format!(
            "{:<6} {:<38} {:<8} {:<8} {:<17} {}\n",
            r.code,
            r.name,
            r.format.as_str(),
            r.severity.as_str(),
            breaks,
            r.summary
        ));
    }
    out
}

/// `wirecompat rules --format json`.
pub fn render_list_json() -> String {
    let rules: Vec<serde_json::Value> = catalogue()
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code,
                "name": r.name,
                "format": r.format.as_str(),
                "encodings": r.encodings,
                "breaks": r.breaks.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
                "severity": r.severity.as_str(),
                "summary": r.summary,
                "advice": r.advice,
                "peers": r.peers,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rules).expect("rules serialize");
    s.push('\n');
    s
}

/// `wirecompat explain CODE`.
pub fn render_explain(r: &RuleMeta) -> String {
    let breaks: Vec<&str> = r.breaks.iter().map(|d| d.as_str()).collect();
    let mut out = format!(
        "{} {} ({}, default severity {}, may break: {})\n\n",
        r.code,
        r.name,
        r.format,
        r.severity,
        if breaks.is_empty() {
            "nothing".to_string()
        } else {
            breaks.join(", ")
        }
    );
    out.push_str(&r.doc());
    if !r.peers.is_empty() {
        out.push_str(&format!(
            "\nPeers' rules covering the same ground: {}\n",
            r.peers.join(", ")
        ));
    }
    out
}
