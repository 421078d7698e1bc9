//! Flags a field that v(N-1) had without a default and v(N) no longer has.
//!
//! **Breaks**: forward. After a rollback, v(N-1) reads v(N)'s records, finds
//! the field missing, and has no default to fill it with: every record fails
//! to decode. The release is irreversible once v(N) has written data.
//!
//! Example:
//!
//! ```text
//! old:  ... {"name": "region", "type": "string"}   // no "default"
//! new:  the field is gone
//! ```
//!
//! **Safe change**: first release a version that gives the field a default
//! (and still writes it); remove the field only once no release without that
//! default can be rolled back to.

use super::prelude::*;
use crate::formats::avro::model::{Field, NamedKind, Schema};

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV202",
        name: "field-removed-without-default",
        format: Format::Avro,
        encodings: BINARY,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "field without a default removed: v(N-1) cannot read v(N)'s records",
        advice: "give the field a default in one release and remove it in a later one",
        peers: &["java:READER_FIELD_MISSING_DEFAULT_VALUE"],
        source: include_str!("field_removed_without_default.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::FieldNoDefault { field } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Forward {
        return;
    }
    // A field renamed in v(N) with the old name among its aliases: v(N)
    // reads old records through the alias, v(N-1) has no alias for the new
    // name, so for v(N-1) the field is gone all the same.
    let renamed = writer_fields(ctx.new, &ev.writer.element)
        .and_then(|fs| fs.iter().find(|f| f.aliases.iter().any(|a| a == field)));
    let finding = match renamed {
        Some(f) => event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "field `{}`, which has no default in v(N-1), was renamed `{}`: v(N)'s alias \
                 reads the old name, but v(N-1) has no alias for the new one, so it cannot \
                 read v(N)'s records",
                ev.reader.element, f.name
            ))
            .advice(format!(
                "first release `{field}` with the alias `{}` (or a default); rename it later",
                f.name
            )),
        None => event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "field `{}`, which has no default in v(N-1), was removed: v(N-1) cannot read \
                 v(N)'s records, which lack it",
                ev.reader.element
            ))
            .advice(format!(
                "first give `{field}` a default in a release that still writes it; remove it later"
            )),
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
