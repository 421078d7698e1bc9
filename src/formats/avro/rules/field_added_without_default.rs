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
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "field `{}` was added without a default: v(N) cannot read v(N-1)'s records, \
                 which lack it",
                ev.reader.element
            ))
            .advice(format!("give `{field}` a default matching its type"))
            .arg("field", ev.reader.element.as_str())
            .build(),
    );
}
