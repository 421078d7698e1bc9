//! Flags a protocol message that v(N) serves and v(N-1) did not.
//!
//! **Breaks**: forward: a v(N) client calling it on a v(N-1) server (during
//! the rollout, or after the servers roll back) gets an error.
//!
//! Example:
//!
//! ```text
//! old:  "messages": {"getOrder": {...}}
//! new:  "messages": {"getOrder": {...}, "cancelOrder": {...}}
//! ```
//!
//! **Safe change**: serve the message in one release and call it only in the
//! next.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV602",
        name: "message-added",
        format: Format::Avro,
        encodings: BINARY,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "protocol message added: v(N) clients calling it on v(N-1) servers fail",
        advice: "serve the message in one release and call it only in the next",
        peers: &[],
        source: include_str!("message_added.rs"),
    },
    check: Check::Message(check),
};

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    let (None, Some(n)) = (pair.old, pair.new) else {
        return;
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "message `{}` is new: v(N) clients sending it to v(N-1) servers fail",
                n.key
            ))
            .new_loc(ctx.new_loc(&n.at))
            .arg("message", n.key.as_str())
            .build(),
    );
}
