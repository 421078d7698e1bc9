//! Flags a protocol message that v(N-1) served and v(N) does not.
//!
//! **Breaks**: backward: v(N-1) clients still send it during the rollout, and
//! v(N) servers cannot handle it.
//!
//! Example:
//!
//! ```text
//! old:  "messages": {"getOrder": {...}, "legacyLookup": {...}}
//! new:  "messages": {"getOrder": {...}}
//! ```
//!
//! **Safe change**: move every client off the message, then remove it.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV601",
        name: "message-removed",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "protocol message removed: v(N-1) clients still call it",
        advice: "move every client off the message, then remove it",
        peers: &[],
        source: include_str!("message_removed.rs"),
    },
    check: Check::Message(check),
};

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    let (Some(o), None) = (pair.old, pair.new) else {
        return;
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "message `{}` was removed: v(N-1) clients still send it to v(N) servers",
                o.key
            ))
            .old(ctx.old_loc(&o.at))
            .arg("message", o.key.as_str())
            .build(),
    );
}
