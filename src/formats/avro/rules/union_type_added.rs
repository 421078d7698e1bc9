//! Flags a type that v(N) can write and that v(N-1)'s union cannot take: a
//! branch added to a union, or a field changed from a union to a type the old
//! union lacked.
//!
//! **Breaks**: forward. After a rollback v(N-1) fails on every v(N) value of
//! that type; the release is irreversible once v(N) has written one.
//!
//! Example:
//!
//! ```text
//! old:  {"name": "amount", "type": ["null", "int"]}
//! new:  {"name": "amount", "type": ["null", "int", "string"]}
//! ```
//!
//! **Safe change**: add the branch in one release and write values of that
//! type only in the next, once no release without it can be rolled back to.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV402",
        name: "union-type-added",
        format: Format::Avro,
        encodings: BINARY,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "v(N) can write a type v(N-1)'s union cannot take",
        advice: "add the branch in one release and write it only in the next",
        peers: &["java:MISSING_UNION_BRANCH"],
        source: include_str!("union_type_added.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::UnionLacks { writer } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Forward {
        return;
    }
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "v(N) can write {writer}, for which v(N-1)'s union has no branch: v(N-1) fails on \
                 those values after a rollback"
            ))
            .arg("type", writer.as_str())
            .build(),
    );
}
