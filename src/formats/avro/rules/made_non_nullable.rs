//! Flags a type that was nullable in v(N-1) (a union with `null`, such as
//! `["null", "string"]`) and is not in v(N) (`"string"`).
//!
//! **Breaks**: backward. v(N) fails on every v(N-1) record where the value
//! is null; the other values still read.
//!
//! Example:
//!
//! ```text
//! old:  {"name": "note", "type": ["null", "string"], "default": null}
//! new:  {"name": "note", "type": "string"}
//! ```
//!
//! **Safe change**: keep the union while stored data may hold nulls; make
//! writers fill the value first.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV403",
        name: "made-non-nullable",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "nullable type made non-nullable: v(N) fails on v(N-1)'s nulls",
        advice: "keep the union while stored data may hold nulls",
        peers: &["java:TYPE_MISMATCH"],
        source: include_str!("made_non_nullable.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::NullBranch { reader } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Backward {
        return;
    }
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "{} was nullable and is now {reader}: v(N) fails on v(N-1)'s null values",
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
