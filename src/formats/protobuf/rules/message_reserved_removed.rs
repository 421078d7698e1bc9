//! Warns when a message's reserved numbers or names are no longer all
//! reserved: a `reserved` range shrank or was deleted, or a reserved name was
//! dropped.
//!
//! **Breaks**: nothing today, so it is a warning. Reservations record numbers
//! and names that stored data may still use with an old meaning; removing one
//! lets a later field take the number or name and misread that data.
//!
//! Example:
//!
//! ```text
//! old:  reserved 4 to 6; reserved "fax";
//! new:  reserved 4;
//! ```
//!
//! **Safe change**: never remove reservations; they cost nothing.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB405",
        name: "message-reserved-removed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "message reservation removed: old numbers or names become free for reuse",
        advice: "keep reservations forever; they cost nothing",
        peers: &["buf:RESERVED_MESSAGE_NO_DELETE"],
        source: include_str!("message_reserved_removed.rs"),
    },
    check: Check::Message(check),
};

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    for r in &o.reserved_ranges {
        let gaps = super::uncovered(r, &n.reserved_ranges);
        if gaps.is_empty() {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "message `{}` no longer reserves {} (of `reserved {}`)",
                    n.full_name,
                    super::describe_gaps(&gaps, r),
                    r.describe()
                ))
                .old(ctx.old_loc(o.file, r.span.or(o.span), &o.full_name))
                .new_loc(msg_new(ctx, n))
                .arg("message", &*n.full_name)
                .arg("range", r.describe())
                .build(),
        );
    }
    for r in &o.reserved_names {
        if n.name_reserved(&r.name) {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "message `{}` no longer reserves the name `{}`",
                    n.full_name, r.name
                ))
                .old(ctx.old_loc(o.file, r.span.or(o.span), &o.full_name))
                .new_loc(msg_new(ctx, n))
                .arg("message", &*n.full_name)
                .arg("name", &*r.name)
                .build(),
        );
    }
}
