//! Flags a record, enum or fixed whose name changed (its unqualified name;
//! the namespace may change freely) where the reader's aliases do not cover
//! the writer's name.
//!
//! **Breaks**: the directions whose reader lacks an alias for the other's
//! name. A rename that lists the old name in v(N)'s `aliases` is a rename
//! for v(N) (backward holds), but v(N-1) has no alias for the new name, so the
//! rollback breaks unless v(N-1) already listed it.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "record", "name": "Customer", ...}
//! new:  {"type": "record", "name": "Client", "aliases": ["Customer"], ...}
//! ```
//!
//! **Safe change**: add the new name as an alias in one release, then rename
//! (keeping the old name as an alias) in the next.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV501",
        name: "name-mismatch",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "named type renamed without a reader alias for the other name",
        advice: "add the new name as an alias in one release, then rename keeping the old name as an alias",
        peers: &["java:NAME_MISMATCH"],
        source: include_str!("name_mismatch.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::NameMismatch { writer, reader } = &ev.kind else {
        return;
    };
    let (o, n) = old_new(ev, writer, reader);
    // Both directions' events merge into one finding, which keeps the first
    // message: describe both readers, not only this event's.
    let lacks = |s: &crate::formats::avro::model::Schema, name: &str, other: &str| {
        s.named(name)
            .is_none_or(|t| !t.aliases.iter().any(|a| a == other))
    };
    let who = match (lacks(ctx.new, n, o), lacks(ctx.old, o, n)) {
        (true, true) => "neither version has an alias for the other's name",
        (true, false) => "v(N) has no alias for the old name",
        _ => "v(N-1) has no alias for the new name",
    };
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!("`{o}` was renamed `{n}`: {who}"))
            .arg("old_name", o.as_str())
            .arg("new_name", n.as_str())
            .build(),
    );
}
