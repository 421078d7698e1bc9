//! Flags a field that v(N) has, v(N-1) did not, and that has no default.
//!
//! **Breaks**: backward. When v(N) reads v(N-1)'s records, the field is
//! missing from the data and resolution needs the reader's default; without
//! one, every record fails to decode.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"}]}
//! new:  ... {"name": "region", "type": "string"}   // no "default"
//! ```
//!
//! **Safe change**: give the new field a default (`"default": ""`, or make
//! it `["null", "string"]` with `"default": null`).

use super::prelude::*;
use crate::formats::avro::model::{Field, NamedKind, Schema};

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV201",
        name: "field-added-without-default",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "field added without a default: v(N) cannot read v(N-1)'s records",
        advice: "give the new field a default",
        peers: &["java:READER_FIELD_MISSING_DEFAULT_VALUE"],
        source: include_str!("field_added_without_default.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::FieldNoDefault { field } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Backward {
        return;
    }
    // A field renamed from one whose aliases (in v(N-1)) list the new name:
    // v(N-1) reads new records through that alias, but v(N) has no alias for
    // the old name, so for v(N) the field is missing all the same.
    let renamed = writer_fields(ctx.old, &ev.writer.element)
        .and_then(|fs| fs.iter().find(|f| f.aliases.iter().any(|a| a == field)));
    let finding = match renamed {
        Some(f) => event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "field `{}` was renamed from `{}` without a default: v(N-1)'s alias reads the \
                 new name, but v(N) has no alias for the old one, so it cannot read v(N-1)'s \
                 records",
                ev.reader.element, f.name
            ))
            .advice(format!(
                "list `{}` among `{field}`'s aliases, or give `{field}` a default",
                f.name
            )),
        None => event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "field `{}` was added without a default: v(N) cannot read v(N-1)'s records, \
                 which lack it",
                ev.reader.element
            ))
            .advice(format!("give `{field}` a default matching its type")),
    };
    out.push(finding.arg("field", ev.reader.element.as_str()).build());
}

/// The fields of the writer's record (or protocol message request) that an
/// event's writer location names.
fn writer_fields<'a>(s: &'a Schema, element: &str) -> Option<&'a [Field]> {
    match s.named(element).map(|n| &n.kind) {
        Some(NamedKind::Record { fields, .. }) => Some(fields),
        _ => s
            .messages
            .iter()
            .find(|m| m.key == element)
            .map(|m| m.request.as_slice()),
    }
}
