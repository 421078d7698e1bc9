//! Flags a `fixed` type whose size changed.
//!
//! **Breaks**: both directions: a fixed value is exactly `size` bytes with no
//! length on the wire, so a reader of another size fails resolution (and
//! would misread every following byte if it did not).
//!
//! Example:
//!
//! ```text
//! old:  {"type": "fixed", "name": "Hash", "size": 16}
//! new:  {"type": "fixed", "name": "Hash", "size": 32}
//! ```
//!
//! **Safe change**: define a new fixed type under a new name for a new field,
//! dual-write, then drop the old field.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV502",
        name: "fixed-size-changed",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "fixed size changed: neither version reads the other's values",
        advice: "define a new fixed type for a new field, dual-write, then drop the old field",
        peers: &["java:FIXED_SIZE_MISMATCH"],
        source: include_str!("fixed_size_changed.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::FixedSize { writer, reader } = &ev.kind else {
        return;
    };
    let (o, n) = old_new(ev, writer, reader);
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "fixed `{}` changed size from {o} to {n} bytes: neither version reads the other's values",
                ev.writer.element
            ))
            .arg("old_size", o.to_string())
            .arg("new_size", n.to_string())
            .build(),
    );
}
