//! Flags a type changed to one that neither version's readers can resolve
//! against the other's: `string` to `int`, a record to an array, a map to an
//! array, an enum to a string.
//!
//! **Breaks**: both directions. Avro data carries no types; a reader decodes
//! the writer's bytes with the writer's schema and resolves them to its own,
//! and resolution between these two types fails: every record holding the
//! field fails to decode.
//!
//! Example:
//!
//! ```text
//! old:  {"name": "quantity", "type": "string"}
//! new:  {"name": "quantity", "type": "int"}
//! ```
//!
//! **Safe change**: add a new field (with a default) of the new type, write
//! both for a release, move readers, then drop the old field.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV101",
        name: "type-mismatch",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "type changed to one that does not resolve against the other in either direction",
        advice: "add a new field of the new type with a default, dual-write for a release, then drop the old field",
        peers: &["java:TYPE_MISMATCH"],
        source: include_str!("type_mismatch.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::TypeMismatch { writer, reader } = &ev.kind else {
        return;
    };
    let (o, n) = old_new(ev, writer, reader);
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "type changed from {o} to {n}: Avro cannot resolve the writer's type to the \
                 reader's, so the reader fails on that data"
            ))
            .arg("old_type", o.as_str())
            .arg("new_type", n.as_str())
            .build(),
    );
}
