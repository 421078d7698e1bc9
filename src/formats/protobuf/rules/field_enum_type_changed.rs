//! Flags a field changed between an enum and an integer type, or from one
//! enum type to another (a different full name that is not the same enum
//! renamed with its package).
//!
//! **Breaks**: binary enums are varints, so the numbers cross, but a reader
//! of a *closed* enum (proto2, editions `enum_type = CLOSED`; C++ and Java)
//! files numbers it does not declare among unknown fields and reads the
//! default, an integer reader narrower than the enum's numbers truncates,
//! and a value name that the two enums number differently is read as
//! another value. ProtoJSON writes enums by name: an integer reader cannot
//! read a name, and an enum reader cannot map a name its enum lacks. The
//! finding lists which directions lose values for this change; when none do
//! (the same values under a new type name) it is information.
//!
//! Example:
//!
//! ```text
//! old:  Status status = 3;   // enum Status { UNKNOWN = 0; ACTIVE = 1; }
//! new:  int32 status = 3;    // JSON: v(N) cannot read v(N-1)'s "ACTIVE"
//! ```
//!
//! **Safe change**: keep the enum type; add values to it instead (releasing
//! readers before writers). To switch representation, add a new field under a
//! new number and dual-write.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB106",
        name: "field-enum-type-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field changed between an enum and an integer, or to another enum type",
        advice: "keep the enum type and add values to it (readers first); to change representation add \
                 a new field under a new number and dual-write",
        peers: &[
            "buf:FIELD_WIRE_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        ],
        source: include_str!("field_enum_type_changed.rs"),
    },
    check: Check::Field(check),
};

/// What a writer of a slot can put on the wire.
enum Writer<'a> {
    Enum(&'a Enum),
    Int(Scalar),
}

/// Why a reader of `reader` loses what `writer` wrote, if it does.
fn loses(ctx: &Ctx, reader: &Kind, rschema: &Schema, writer: &Writer) -> Option<String> {
    let json = ctx.profile.json();
    match (reader, writer) {
        (Kind::Scalar(s), Writer::Enum(e)) => {
            let range = compat::int_range(*s)?;
            let (lo, hi) = e.values.iter().fold((i128::MAX, i128::MIN), |(lo, hi), v| {
                (lo.min(v.number as i128), hi.max(v.number as i128))
            });
            if !e.values.is_empty() && !compat::range_fits((lo, hi), range) {
                return Some(format!(
                    "{} cannot hold every number of enum {}",
                    s.name(),
                    e.full_name
                ));
            }
            json.then(|| {
                format!(
                    "{} {} reader cannot read enum names in JSON",
                    article(s.name()),
                    s.name()
                )
            })
        }
        (Kind::Enum(name), Writer::Int(s)) => {
            let e = rschema.enum_(name)?;
            let range = compat::int_range(*s)?;
            if !compat::range_fits(range, (i32::MIN as i128, i32::MAX as i128)) {
                return Some(format!(
                    "enum numbers are int32 and {} values can lie outside that range",
                    s.name()
                ));
            }
            if e.closed {
                return Some(format!(
                    "closed enum {} drops the {} values it does not declare",
                    e.full_name,
                    s.name()
                ));
            }
            if json && (matches!(s, Scalar::Bool) || range.1 > i32::MAX as i128) {
                return Some(format!(
                    "in JSON {} values are written as {} an enum reader does not accept",
                    s.name(),
                    if *s == Scalar::Bool {
                        "true/false, which"
                    } else {
                        "strings, which"
                    }
                ));
            }
            None
        }
        (Kind::Enum(name), Writer::Enum(w)) => {
            let r = rschema.enum_(name)?;
            if r.closed {
                let missing: Vec<String> = w
                    .values
                    .iter()
                    .filter(|v| r.values_with_number(v.number).next().is_none())
                    .map(|v| v.number.to_string())
                    .collect();
                if !missing.is_empty() {
                    return Some(format!(
                        "closed enum {} drops numbers {}",
                        r.full_name,
                        missing.join(", ")
                    ));
                }
            }
            // Binary carries numbers: a name the reader has under another
            // number is read as whatever the reader calls that number.
            let misread: Vec<String> = w
                .values
                .iter()
                .filter(|v| {
                    r.value_by_name(&v.name)
                        .is_some_and(|rv| rv.number != v.number)
                })
                .map(|v| {
                    let read_as = r
                        .values_with_number(v.number)
                        .next()
                        .map_or("an undeclared number", |rv| &*rv.name);
                    format!("{} ({}) as {read_as}", v.name, v.number)
                })
                .collect();
            if !misread.is_empty() {
                return Some(format!(
                    "enum {} numbers the same names differently and reads {}",
                    r.full_name,
                    misread.join(", ")
                ));
            }
            if json {
                let missing: Vec<&str> = w
                    .values
                    .iter()
                    .filter(|v| r.value_by_name(&v.name).is_none())
                    .map(|v| &*v.name)
                    .collect();
                if !missing.is_empty() {
                    return Some(format!(
                        "enum {} has no JSON name {}",
                        r.full_name,
                        missing.join(", ")
                    ));
                }
            }
            None
        }
        _ => None,
    }
}

/// "a" or "an" before a type name.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn writer<'a>(kind: &Kind, schema: &'a Schema) -> Option<Writer<'a>> {
    match kind {
        Kind::Enum(n) => schema.enum_(n).map(Writer::Enum),
        Kind::Scalar(s) => Some(Writer::Int(*s)),
        Kind::Message(_) => None,
    }
}

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    for c in super::type_changes(ctx, pair, Change::EnumType) {
        let (Some(wa), Some(wb)) = (writer(c.a.kind, ctx.old), writer(c.b.kind, ctx.new)) else {
            continue;
        };
        let mut breaks = Vec::new();
        let mut why = Vec::new();
        if let Some(w) = loses(ctx, c.b.kind, ctx.new, &wa) {
            breaks.push(Direction::Backward);
            why.push(format!("v(N) reading v(N-1): {w}"));
        }
        if let Some(w) = loses(ctx, c.a.kind, ctx.old, &wb) {
            breaks.push(Direction::Forward);
            why.push(format!("v(N-1) reading v(N): {w}"));
        }
        let (severity, tail) = if breaks.is_empty() {
            let same = if ctx.profile.json() {
                "the numbers and names both sides use still match"
            } else {
                "every number either side writes reads as the same number on the other"
            };
            (Severity::Info, same.to_string())
        } else {
            (Severity::Error, why.join("; "))
        };
        out.push(
            c.finding(ctx, &RULE.meta, &c.a.describe(), &c.b.describe(), &tail)
                .breaks(&breaks)
                .severity(severity)
                .build(),
        );
    }
}
