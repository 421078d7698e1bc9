//! Flags a type made nullable: `"string"` in v(N-1) became a union with
//! `null` (`["null", "string"]`) in v(N).
//!
//! **Breaks**: forward. v(N) reads everything v(N-1) wrote (the writer's type
//! is a branch of the union), but once v(N) writes a null, v(N-1) fails on it
//! after a rollback. Registries call this change backward compatible; it is
//! not reversible.
//!
//! Example:
//!
//! ```text
//! old:  {"name": "note", "type": "string"}
//! new:  {"name": "note", "type": ["null", "string"], "default": null}
//! ```
//!
//! **Safe change**: make the field nullable in one release and write nulls
//! only in the next, once no release without the union can be rolled back to.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV404",
        name: "made-nullable",
        format: Format::Avro,
        encodings: BINARY,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "type made nullable: v(N-1) fails on the nulls v(N) writes",
        advice: "make the field nullable in one release and write nulls only in the next",
        peers: &["java:TYPE_MISMATCH"],
        source: include_str!("made_nullable.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::NullBranch { reader } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Forward {
        return;
    }
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "{} was {reader} and is now nullable: v(N-1) fails on the nulls v(N) writes",
                subject(ev)
            ))
            .build(),
    );
}

/// What was nullable: the element of the writer's `null` branch, which is
/// the field (or message) holding the union. The reader's element would name
/// a record or enum defined in place instead of the field that holds it.
fn subject(ev: &Event) -> String {
    if ev.writer.element.is_empty() {
        "the top-level schema".into()
    } else {
        format!("`{}`", ev.writer.element)
    }
}
