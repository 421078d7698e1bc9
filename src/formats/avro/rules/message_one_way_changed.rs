//! Flags a protocol message whose `one-way` flag changed.
//!
//! **Breaks**: both directions: a one-way message has no response on the
//! wire, so a client expecting one waits for bytes that never come, and a
//! server sending one writes bytes the client does not read.
//!
//! Example:
//!
//! ```text
//! old:  "notify": {"request": [...], "response": "null", "one-way": true}
//! new:  "notify": {"request": [...], "response": "null"}
//! ```
//!
//! **Safe change**: add a new message with the other shape and move callers.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV603",
        name: "message-one-way-changed",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "message switched between one-way and request/response",
        advice: "add a new message with the other shape and move callers",
        peers: &[],
        source: include_str!("message_one_way_changed.rs"),
    },
    check: Check::Message(check),
};

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    let (Some(o), Some(n)) = (pair.old, pair.new) else {
        return;
    };
    if o.one_way == n.one_way {
        return;
    }
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "message `{}` {} one-way: the two versions disagree on whether a response follows",
                n.key,
                if n.one_way { "became" } else { "is no longer" }
            ))
            .old(ctx.old_loc(&o.at))
            .new_loc(ctx.new_loc(&n.at))
            .arg("message", n.key.as_str())
            .build(),
    );
}
