//! Flags a type that v(N-1) could write and that v(N)'s union cannot take:
//! a branch removed from a union, or a field changed to a union without the
//! old type.
//!
//! **Breaks**: backward. v(N) fails on every v(N-1) value of that type.
//!
//! Example:
//!
//! ```text
//! old:  {"name": "amount", "type": ["null", "int", "string"]}
//! new:  {"name": "amount", "type": ["null", "int"]}
//! ```
//!
//! **Safe change**: stop writing the branch first; remove it once no stored
//! data holds it.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV401",
        name: "union-type-removed",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "v(N)'s union cannot take a type v(N-1) writes",
        advice: "stop writing the branch first, and remove it once no stored data holds it",
        peers: &["java:MISSING_UNION_BRANCH"],
        source: include_str!("union_type_removed.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::UnionLacks { writer } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Backward {
        return;
    }
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "v(N)'s union has no branch for {writer}, which v(N-1) writes: v(N) fails on those values"
            ))
            .arg("type", writer.as_str())
            .build(),
    );
}
