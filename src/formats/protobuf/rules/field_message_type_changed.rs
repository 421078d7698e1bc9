//! Flags a field whose message type changed to a different message (another
//! full name, not the same message carried along by a package rename).
//!
//! **Breaks**: message type names are not on the wire, so what matters is
//! whether the two messages are compatible field by field. wirecompat
//! compares them with every other rule (recursively, cycles closed) and
//! reports the directions that comparison breaks. When the two messages are
//! compatible both ways, the finding is information: the bytes still match,
//! but `google.protobuf.Any` type URLs, reflection and registries see the new
//! name.
//!
//! Example:
//!
//! ```text
//! old:  Money total = 4;      // message Money { int64 units = 1; }
//! new:  Amount total = 4;     // message Amount { string units = 1; }
//! ```
//!
//! **Safe change**: evolve the existing message type instead of swapping
//! it; if a new type is needed, add a new field under a new number and
//! dual-write.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB107",
        name: "field-message-type-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field switched to another message type; breaks what the two messages' differences break",
        advice: "evolve the existing message type in place; for a new type, add a new field under a new \
                 number and dual-write",
        peers: &[
            "buf:FIELD_WIRE_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        ],
        source: include_str!("field_message_type_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    for c in super::type_changes(ctx, pair, Change::MessageType) {
        let (Kind::Message(an), Kind::Message(bn)) = (c.a.kind, c.b.kind) else {
            continue;
        };
        let (breaks, severity, why) = super::compare_messages(ctx, an, bn);
        let why = if breaks.is_empty() {
            format!("{why}; only Any type URLs and reflection see the new name")
        } else {
            why
        };
        out.push(
            c.finding(ctx, &RULE.meta, &c.a.describe(), &c.b.describe(), &why)
                .breaks(&breaks)
                .severity(severity)
                .build(),
        );
    }
}
