//! Flags a field whose cardinality changed between singular, `repeated` and
//! `map`.
//!
//! **Breaks**: in binary a repeated reader accepts a single value, so the
//! direction that breaks is the one whose reader is singular: it keeps only
//! the last of several values (messages are merged), and a packed repeated
//! number arrives as one length-delimited record that a singular number
//! reader files among unknown fields, losing even a single element. A map is
//! a repeated entry message on the wire, so map against repeated depends on
//! whether that entry and the repeated message match, and map against a
//! singular message that matches the entry breaks like repeated against
//! singular; any other singular value and a map entry do not read as each
//! other. In ProtoJSON a single value, an array and an object never read as
//! each other: the JSON profile breaks both directions.
//!
//! Example:
//!
//! ```text
//! old:  string tag = 2;
//! new:  repeated string tag = 2;   // v(N-1) keeps only v(N)'s last tag
//! ```
//!
//! **Safe change**: add a repeated (or map) field under a new number, write
//! both for a release, then retire the singular field and reserve it.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB201",
        name: "field-cardinality-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field moved between singular, repeated and map: the singular reader loses values; JSON shapes differ",
        advice: "add the repeated or map field under a new number, dual-write for a release, then retire \
                 and reserve the old field",
        peers: &[
            "buf:FIELD_WIRE_COMPATIBLE_CARDINALITY",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        ],
        source: include_str!("field_cardinality_changed.rs"),
    },
    check: Check::Field(check),
};

/// Why a singular reader loses what a repeated writer of `w` wrote.
fn singular_reads_repeated(w: &Field) -> String {
    if w.packed {
        "a packed list arrives as one length-delimited record, which a singular number reader \
         files as unknown: every value is lost"
            .into()
    } else if matches!(w.kind, Kind::Message(_)) {
        "a singular message reader merges all list elements into one".into()
    } else {
        "a singular reader keeps only the last element of the list".into()
    }
}

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some((o, n)) = pair.both() else { return };
    if o.cardinality == n.cardinality || compat::reuse(ctx, pair).is_some() {
        return;
    }
    use Cardinality::*;
    let mut breaks: Vec<Direction> = Vec::new();
    let mut why: Vec<String> = Vec::new();
    match (o.cardinality, n.cardinality) {
        (Singular, Repeated) => {
            breaks.push(Direction::Forward);
            why.push(format!(
                "v(N-1) reading v(N): {}",
                singular_reads_repeated(n)
            ));
        }
        (Repeated, Singular) => {
            breaks.push(Direction::Backward);
            why.push(format!(
                "v(N) reading v(N-1): {}",
                singular_reads_repeated(o)
            ));
        }
        (Map, Repeated) | (Repeated, Map) => {
            let entry_match = match (&o.kind, &n.kind) {
                (Kind::Message(a), Kind::Message(b)) => {
                    let (dirs, _) = ctx.message_breaks(a, b);
                    dirs.is_empty()
                }
                _ => false,
            };
            if !entry_match {
                breaks = BOTH.to_vec();
                why.push("the map entry and the list element differ on the wire".into());
            }
        }
        (Map, Singular) | (Singular, Map) => {
            // A single message that matches the map entry reads as one entry,
            // and several entries merge into it: the singular reader keeps
            // only the last key and value.
            let entry_match = match (&o.kind, &n.kind) {
                (Kind::Message(a), Kind::Message(b)) => ctx.message_breaks(a, b).0.is_empty(),
                _ => false,
            };
            if !entry_match {
                breaks = BOTH.to_vec();
                why.push("a map entry and a single value do not read as each other".into());
            } else if o.cardinality == Singular {
                breaks.push(Direction::Forward);
                why.push(
                    "v(N-1) reading v(N): a singular message reader merges all map entries into \
                     one and keeps only the last key and value"
                        .into(),
                );
            } else {
                breaks.push(Direction::Backward);
                why.push(
                    "v(N) reading v(N-1): a singular message reader merges all map entries into \
                     one and keeps only the last key and value"
                        .into(),
                );
            }
        }
        _ => return,
    }
    if ctx.profile.json() && breaks.len() < 2 {
        breaks = BOTH.to_vec();
        why.push("in JSON a value, an array and an object never read as each other".into());
    }
    let severity = if breaks.is_empty() {
        Severity::Info
    } else {
        Severity::Error
    };
    if breaks.is_empty() {
        why.push("the map entry and the list element match on the wire".into());
    }
    out.push(
        FindingBuilder::new(&RULE.meta)
            .breaks(&breaks)
            .severity(severity)
            .message(format!(
                "field `{}` ({}) changed from {} to {}: {}",
                n.full_name,
                n.number,
                o.cardinality.name(),
                n.cardinality.name(),
                why.join("; ")
            ))
            .old(field_old(ctx, o, None))
            .new_loc(field_new(ctx, n, None))
            .arg("field", &*n.full_name)
            .arg("old_cardinality", o.cardinality.name())
            .arg("new_cardinality", n.cardinality.name())
            .build(),
    );
}
