//! Flags a type narrowed against one of the specification's promotions:
//! `long` to `int`, `double` to `float` or `long`, `float` to `int`, `bytes`
//! to `string`.
//!
//! **Breaks**: backward. v(N)'s narrower reader cannot read the wider values
//! v(N-1) wrote (promotions run from narrow to wide only); v(N-1) can read
//! what v(N) writes. The specification promotes bytes to string, but only
//! bytes that are UTF-8 text become a string: v(N) fails on (or garbles) any
//! other bytes v(N-1) wrote.
//!
//! Example:
//!
//! ```text
//! old:  {"name": "total", "type": "double"}
//! new:  {"name": "total", "type": "float"}
//! ```
//!
//! **Safe change**: keep the wider type; narrow only through a new field
//! with a default, once no stored data holds the wide one.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV103",
        name: "type-narrowed",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "type narrowed against a promotion: v(N) cannot read v(N-1)'s wider values",
        advice: "keep the wider type; narrow through a new field with a default once no stored data holds the wide one",
        peers: &["java:TYPE_MISMATCH"],
        source: include_str!("type_narrowed.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::OneWay { writer, reader } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Backward {
        return;
    }
    let message = if writer == "bytes" && reader == "string" {
        "type narrowed from bytes to string: v(N) reads v(N-1)'s bytes as text and fails on \
         bytes that are not UTF-8"
            .to_string()
    } else {
        format!(
            "type narrowed from {writer} to {reader}: v(N) cannot read the {writer} values \
             v(N-1) wrote"
        )
    };
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(message)
            .arg("old_type", writer.as_str())
            .arg("new_type", reader.as_str())
            .build(),
    );
}
