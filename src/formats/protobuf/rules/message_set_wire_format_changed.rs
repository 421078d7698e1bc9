//! Flags a message whose `message_set_wire_format` option changed.
//!
//! **Breaks**: both directions. MessageSet encodes its extensions as groups
//! of (type id, message) items instead of ordinary fields, so a reader with
//! the other setting misreads or drops every extension.
//!
//! Example:
//!
//! ```text
//! old:  message Bag { option message_set_wire_format = true; extensions 4 to max; }
//! new:  message Bag { extensions 4 to max; }
//! ```
//!
//! **Safe change**: never toggle the option on a message in use; define a
//! new message instead.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB703",
        name: "message-set-wire-format-changed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "message_set_wire_format toggled: extensions are encoded differently",
        advice: "never toggle the option on a message in use; define a new message",
        peers: &[],
        source: include_str!("message_set_wire_format_changed.rs"),
    },
    check: Check::Message(check),
};

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    if o.message_set_wire_format == n.message_set_wire_format {
        return;
    }
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "message `{}` message_set_wire_format changed from {} to {}: extensions are \
                 encoded differently (MessageSet items against ordinary fields), so each version \
                 misreads or drops the other's extensions",
                n.full_name, o.message_set_wire_format, n.message_set_wire_format
            ))
            .old(msg_old(ctx, o))
            .new_loc(msg_new(ctx, n))
            .arg("message", &*n.full_name)
            .build(),
    );
}
