//! Flags a singular scalar or enum field whose default value changed
//! (proto2 or editions `[default = ...]` added, removed or changed; for
//! enums without a default, the first declared value).
//!
//! **Breaks**: both directions. Defaults are never written: a reader that
//! finds a field absent reports *its own* default. A v(N-1) writer that left
//! the field unset meant the old default, and v(N) reads the new one; after
//! a rollback the reverse. Values change silently. A direction whose writer
//! must set the field (`required`, LEGACY_REQUIRED) never leaves its reader
//! the default, and is not broken.
//!
//! Example:
//!
//! ```text
//! old:  optional int32 page_size = 2 [default = 50];
//! new:  optional int32 page_size = 2 [default = 100];
//! ```
//!
//! **Safe change**: never change a default; write the value explicitly, or
//! add a new field with the new default.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB702",
        name: "field-default-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field default changed: each version reads the other's unset field differently",
        advice: "never change a default; write the value explicitly or add a new field",
        peers: &["buf:FIELD_SAME_DEFAULT"],
        source: include_str!("field_default_changed.rs"),
    },
    check: Check::Field(check),
};

/// The value a reader reports for the field when it is absent, with enum
/// names turned into numbers so that different spellings compare.
fn effective(f: &Field, schema: &Schema) -> Option<DefaultValue> {
    if f.cardinality != Cardinality::Singular {
        return None;
    }
    let enum_number = |e: &str, name: Option<&str>| -> Option<DefaultValue> {
        let en = schema.enum_(e)?;
        let v = match name {
            Some(n) => en.value_by_name(n)?,
            None => en.values.first()?,
        };
        Some(DefaultValue::Int(v.number as i128))
    };
    match (&f.kind, &f.default) {
        (Kind::Message(_), _) => None,
        (Kind::Enum(e), Some(DefaultValue::Enum(n))) => enum_number(e, Some(n)),
        (Kind::Enum(e), _) => enum_number(e, None),
        (_, Some(d)) => Some(d.clone()),
        (Kind::Scalar(s), None) => Some(match s {
            Scalar::Bool => DefaultValue::Bool(false),
            Scalar::String | Scalar::Bytes => DefaultValue::Bytes(Vec::new()),
            Scalar::Float | Scalar::Double => DefaultValue::Float(0.0),
            _ => DefaultValue::Int(0),
        }),
    }
}

fn is_zero(d: &DefaultValue) -> bool {
    match d {
        DefaultValue::Int(i) => *i == 0,
        DefaultValue::Float(f) => *f == 0.0,
        DefaultValue::Bool(b) => !b,
        DefaultValue::Bytes(b) => b.is_empty(),
        DefaultValue::Enum(_) => false,
    }
}

/// Equal as the readers see them. A `float` field holds 32 bits, so two
/// spellings that round to the same `f32` are the same default.
fn same(a: &DefaultValue, b: &DefaultValue, float32: bool) -> bool {
    match (a, b) {
        (DefaultValue::Bool(x), DefaultValue::Int(i))
        | (DefaultValue::Int(i), DefaultValue::Bool(x)) => *i == *x as i128,
        (DefaultValue::Float(x), DefaultValue::Float(y)) if float32 => {
            let (x, y) = (*x as f32, *y as f32);
            (x.is_nan() && y.is_nan()) || x == y
        }
        _ => a.same(b),
    }
}

/// A default as written in messages: enum numbers with their name.
fn describe(d: &DefaultValue, f: &Field, schema: &Schema) -> String {
    if let (Kind::Enum(e), DefaultValue::Int(n)) = (&f.kind, d)
        && let Some(v) = schema
            .enum_(e)
            .and_then(|en| en.values_with_number(*n as i32).next())
    {
        return format!("{} ({n})", v.name);
    }
    d.describe()
}

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some((o, n)) = pair.both() else { return };
    let (Some(od), Some(nd)) = (effective(o, ctx.old), effective(n, ctx.new)) else {
        return;
    };
    let float32 = o.kind == Kind::Scalar(Scalar::Float) && n.kind == Kind::Scalar(Scalar::Float);
    if (is_zero(&od) && is_zero(&nd)) || same(&od, &nd, float32) {
        return;
    }
    // A writer that must set the field never leaves the reader its default.
    let mut breaks = Vec::new();
    if o.presence != Presence::Required {
        breaks.push(Direction::Backward);
    }
    if n.presence != Presence::Required {
        breaks.push(Direction::Forward);
    }
    if breaks.is_empty() {
        return;
    }
    let (ods, nds) = (describe(&od, o, ctx.old), describe(&nd, n, ctx.new));
    out.push(
        FindingBuilder::new(&RULE.meta)
            .breaks(&breaks)
            .message(format!(
                "field `{}` ({}) default changed from {} to {}: each version reads the other's \
                 unset field as its own default",
                n.full_name, n.number, ods, nds
            ))
            .old(field_old(ctx, o, o.default_span))
            .new_loc(field_new(ctx, n, n.default_span))
            .arg("field", &*n.full_name)
            .arg("old_default", ods.as_str())
            .arg("new_default", nds.as_str())
            .build(),
    );
}
