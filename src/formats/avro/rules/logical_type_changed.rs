//! Warns about a logical type changed (or added, or removed) on the same
//! underlying type: `timestamp-millis` to `timestamp-micros`, `int` to
//! `date`, `string` to `uuid`.
//!
//! **Breaks**: the bytes still resolve, so nothing fails, but their meaning
//! changes: a `timestamp-micros` reader takes v(N-1)'s milliseconds for
//! microseconds and lands 1000 times too close to 1970. Reported as a
//! warning breaking both directions.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "long", "logicalType": "timestamp-millis"}
//! new:  {"type": "long", "logicalType": "timestamp-micros"}
//! ```
//!
//! **Safe change**: add a new field with the new logical type and dual-write.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV504",
        name: "logical-type-changed",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Warning,
        summary: "logical type changed on the same underlying type: values keep bytes but change meaning",
        advice: "add a new field with the new logical type and dual-write",
        peers: &[],
        source: include_str!("logical_type_changed.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::Logical { writer, reader } = &ev.kind else {
        return;
    };
    let (o, n) = old_new(ev, writer, reader);
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "logical type of `{}` changed from {o} to {n}: the bytes still read, but each \
                 version gives the other's values another meaning",
                ev.writer.element
            ))
            .arg("old_logical", o.as_str())
            .arg("new_logical", n.as_str())
            .build(),
    );
}
