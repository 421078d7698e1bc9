//! Protobuf editions on top of protox.
//!
//! protox 0.10 parses `syntax = "proto2"` and `"proto3"` only. wirecompat
//! lowers an editions file to protox's grammar with a token-level rewrite
//! that keeps every line where it was:
//!
//! * `edition = "2023";` becomes `syntax = "proto3";` (unlabelled fields and
//!   `repeated` parse as in editions; `optional` and `required`, which
//!   editions forbid, are refused with an editions message);
//! * the field option `default`, which proto3 refuses, is renamed to a
//!   placeholder option of the same length and read back here;
//! * reserved names, identifiers in editions (`reserved fax;`), are quoted as
//!   proto3 wants them (columns move on those lines only).
//!
//! The `features.*` options are then taken out of the parsed descriptor and
//! resolved here (edition defaults, then file, message, field inheritance):
//! prost-reflect 0.16 does not resolve features either.

use std::collections::HashMap;

use prost_types::UninterpretedOption;

/// The placeholder the `default` option is renamed to (same length).
pub const DEFAULT_PLACEHOLDER: &str = "_dflt__";

/// The six resolved features wire compatibility depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeatureSet {
    /// 1 EXPLICIT, 2 IMPLICIT, 3 LEGACY_REQUIRED.
    pub field_presence: Option<i32>,
    /// 1 OPEN, 2 CLOSED.
    pub enum_type: Option<i32>,
    /// 1 PACKED, 2 EXPANDED.
    pub repeated_field_encoding: Option<i32>,
    /// 2 VERIFY, 3 NONE.
    pub utf8_validation: Option<i32>,
    /// 1 LENGTH_PREFIXED, 2 DELIMITED.
    pub message_encoding: Option<i32>,
    /// 1 ALLOW, 2 LEGACY_BEST_EFFORT.
    pub json_format: Option<i32>,
}

impl FeatureSet {
    /// The defaults of an edition ("2023", "2024").
    pub fn edition_defaults() -> FeatureSet {
        FeatureSet {
            field_presence: Some(1),
            enum_type: Some(1),
            repeated_field_encoding: Some(1),
            utf8_validation: Some(2),
            message_encoding: Some(1),
            json_format: Some(1),
        }
    }

    /// `self` with every feature that `child` sets overridden.
    pub fn merge(&self, child: &FeatureSet) -> FeatureSet {
        FeatureSet {
            field_presence: child.field_presence.or(self.field_presence),
            enum_type: child.enum_type.or(self.enum_type),
            repeated_field_encoding: child
                .repeated_field_encoding
                .or(self.repeated_field_encoding),
            utf8_validation: child.utf8_validation.or(self.utf8_validation),
            message_encoding: child.message_encoding.or(self.message_encoding),
            json_format: child.json_format.or(self.json_format),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == FeatureSet::default()
    }

    /// Sets one feature from its option name and enum value name.
    fn set(&mut self, feature: &str, value: &str) -> Result<(), String> {
        let (slot, values): (&mut Option<i32>, &[(&str, i32)]) = match feature {
            "field_presence" => (
                &mut self.field_presence,
                &[("EXPLICIT", 1), ("IMPLICIT", 2), ("LEGACY_REQUIRED", 3)],
            ),
            "enum_type" => (&mut self.enum_type, &[("OPEN", 1), ("CLOSED", 2)]),
            "repeated_field_encoding" => (
                &mut self.repeated_field_encoding,
                &[("PACKED", 1), ("EXPANDED", 2)],
            ),
            "utf8_validation" => (&mut self.utf8_validation, &[("VERIFY", 2), ("NONE", 3)]),
            "message_encoding" => (
                &mut self.message_encoding,
                &[("LENGTH_PREFIXED", 1), ("DELIMITED", 2)],
            ),
            "json_format" => (
                &mut self.json_format,
                &[("ALLOW", 1), ("LEGACY_BEST_EFFORT", 2)],
            ),
            // Features that do not change the wire: accepted, not used.
            "enforce_naming_style" | "default_symbol_visibility" => return Ok(()),
            other => return Err(format!("unknown feature `features.{other}`")),
        };
        match values.iter().find(|(n, _)| *n == value) {
            Some((_, v)) => {
                *slot = Some(*v);
                Ok(())
            }
            None => Err(format!(
                "invalid value `{value}` for `features.{feature}`: expected one of {}",
                values
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// What the lowering learned about one editions file.
#[derive(Debug, Clone, Default)]
pub struct EditionInfo {
    pub edition: String,
    /// Features set on an element, keyed by the element's descriptor path.
    pub features: HashMap<Vec<i32>, FeatureSet>,
    /// Where each feature override sits (path of the element).
    pub feature_spans: HashMap<Vec<i32>, Vec<i32>>,
    /// `[default = ...]` of a field, raw, keyed by the field's path.
    pub defaults: HashMap<Vec<i32>, UninterpretedOption>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Ident,
    Str,
    Punct(u8),
    Other,
}

/// Significant tokens (no comments, no whitespace) with their byte ranges,
/// at most `max` of them.
fn tokens(src: &str, max: usize) -> Vec<(Tok, usize, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < max {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(b.len());
        } else if c == b'"' || c == b'\'' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != c && b[i] != b'\n' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
            out.push((Tok::Str, start, i));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident, start, i));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            out.push((Tok::Other, start, i));
        } else {
            out.push((Tok::Punct(c), i, i + 1));
            i += 1;
        }
    }
    out
}

/// The result of lowering: the source protox will parse, and the edition.
pub struct Lowered {
    pub source: String,
    pub edition: String,
}

/// If `src` declares an edition, rewrite it for protox; `None` otherwise.
/// The rewrite keeps line numbers; only the `edition` line's columns move.
pub fn lower(src: &str) -> Option<Lowered> {
    // Most files are not editions: look at the first token only.
    let (kind, s, e) = *tokens(src, 1).first()?;
    if kind != Tok::Ident || &src[s..e] != "edition" {
        return None;
    }
    let toks = tokens(src, usize::MAX);
    let [eq, val, semi] = [toks.get(1)?, toks.get(2)?, toks.get(3)?];
    if eq.0 != Tok::Punct(b'=') || val.0 != Tok::Str || semi.0 != Tok::Punct(b';') {
        return None;
    }
    let edition = src[val.1 + 1..val.2.saturating_sub(1).max(val.1 + 1)].to_string();
    // Edits as (start, end, replacement), in source order.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    // Keep the line count of the replaced statement.
    let newlines: String = src[s..semi.2].chars().filter(|c| *c == '\n').collect();
    edits.push((s, semi.2, format!("syntax = \"proto3\";{newlines}")));
    let mut w = 4;
    while w < toks.len() {
        let (k, a, b) = toks[w];
        let prev = toks[w - 1].0;
        if k == Tok::Ident
            && &src[a..b] == "default"
            && matches!(prev, Tok::Punct(b'[') | Tok::Punct(b','))
            && toks.get(w + 1).map(|t| t.0) == Some(Tok::Punct(b'='))
        {
            edits.push((a, b, DEFAULT_PLACEHOLDER.to_string()));
        } else if k == Tok::Ident
            && &src[a..b] == "reserved"
            && matches!(prev, Tok::Punct(b'{') | Tok::Punct(b';') | Tok::Punct(b'}'))
            && toks.get(w + 1).map(|t| t.0) == Some(Tok::Ident)
        {
            // Editions reserve names as identifiers (`reserved foo, bar;`);
            // protox's proto3 grammar wants string literals.
            w += 1;
            while let Some(&(k2, a2, b2)) = toks.get(w) {
                match k2 {
                    Tok::Ident => edits.push((a2, b2, format!("\"{}\"", &src[a2..b2]))),
                    Tok::Punct(b',') => {}
                    _ => break,
                }
                w += 1;
            }
            continue;
        }
        w += 1;
    }
    let mut out = String::with_capacity(src.len() + 16);
    let mut last = 0;
    for (a, b, rep) in edits {
        out.push_str(&src[last..a]);
        out.push_str(&rep);
        last = b;
    }
    out.push_str(&src[last..]);
    Some(Lowered {
        source: out,
        edition,
    })
}

/// Reads `features.x = V` (or `features = { x: V }`) out of one option list,
/// removing what it reads. Returns the features and the index (in the
/// original list) of each option it consumed, for error positions.
pub fn take_features(
    opts: &mut Vec<UninterpretedOption>,
) -> Result<(FeatureSet, Option<UninterpretedOption>), (usize, String)> {
    let mut fs = FeatureSet::default();
    let mut default = None;
    let mut keep = Vec::with_capacity(opts.len());
    for (i, o) in std::mem::take(opts).into_iter().enumerate() {
        let parts: Vec<&str> = o.name.iter().map(|p| p.name_part.as_str()).collect();
        let ext = o.name.first().is_some_and(|p| p.is_extension);
        if ext {
            keep.push(o);
            continue;
        }
        match parts.as_slice() {
            ["features", feature] => {
                let value = o
                    .identifier_value
                    .as_deref()
                    .ok_or_else(|| (i, format!("`features.{feature}` needs an enum value name")))?;
                fs.set(feature, value).map_err(|m| (i, m))?;
            }
            ["features"] => {
                let agg = o
                    .aggregate_value
                    .as_deref()
                    .ok_or_else(|| (i, "`features` needs a message value".to_string()))?;
                for pair in agg.split([',', ';', '\n']) {
                    let pair = pair.trim();
                    if pair.is_empty() {
                        continue;
                    }
                    let (k, v) = pair
                        .split_once(':')
                        .ok_or_else(|| (i, format!("cannot read feature `{pair}`")))?;
                    fs.set(k.trim(), v.trim()).map_err(|m| (i, m))?;
                }
            }
            [p] if *p == DEFAULT_PLACEHOLDER => default = Some(o),
            _ => keep.push(o),
        }
    }
    *opts = keep;
    Ok((fs, default))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowering_keeps_lines_and_renames_default() {
        let src = "// c\nedition = \"2023\";\n\nmessage M {\n  int32 a = 1 [default = 5];\n  string default_x = 2;\n}\n";
        let l = lower(src).expect("edition file");
        assert_eq!(l.edition, "2023");
        assert_eq!(l.source.lines().count(), src.lines().count());
        assert!(l.source.contains("syntax = \"proto3\";"));
        assert!(l.source.contains("[_dflt__ = 5]"));
        assert!(l.source.contains("string default_x = 2;"));
    }

    #[test]
    fn editions_reserved_names_become_strings() {
        let src =
            "edition = \"2023\";\nmessage M {\n  reserved fax, pager;\n  reserved 4 to 6;\n}\n";
        let l = lower(src).expect("edition file");
        assert!(
            l.source.contains("reserved \"fax\", \"pager\";"),
            "{}",
            l.source
        );
        assert!(l.source.contains("reserved 4 to 6;"));
        assert_eq!(l.source.lines().count(), src.lines().count());
    }

    #[test]
    fn non_edition_files_are_left_alone() {
        assert!(lower("syntax = \"proto3\";\nmessage M {}").is_none());
        assert!(lower("/* edition = \"2023\"; */ syntax = \"proto2\";").is_none());
    }

    #[test]
    fn unknown_feature_values_are_refused() {
        let mut fs = FeatureSet::default();
        assert!(fs.set("enum_type", "CLOSED").is_ok());
        assert_eq!(fs.enum_type, Some(2));
        assert!(
            fs.set("enum_type", "AJAR")
                .unwrap_err()
                .contains("OPEN, CLOSED")
        );
        assert!(fs.set("colour", "RED").is_err());
    }
}
