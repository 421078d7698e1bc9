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
    let Some((o, n)) = pair.both() else { return };
    if compat::reuse(ctx, pair).is_some() {
        return;
    }
    for (a, b) in compat::slot_pairs(ctx, o, n) {
        if compat::classify(ctx, &a, &b) != Some(Change::MessageType) {
            continue;
        }
        let (Kind::Message(an), Kind::Message(bn)) = (a.kind, b.kind) else {
            continue;
        };
        let (breaks, reasons) = ctx.message_breaks(an, bn);
        let (severity, tail) = if breaks.is_empty() {
            (
                Severity::Info,
                "the two messages are wire-compatible both ways; only Any type URLs and reflection \
                 see the new name"
                    .to_string(),
            )
        } else if reasons.is_empty() {
            (
                Severity::Error,
                "the two messages are not compatible".to_string(),
            )
        } else {
            (
                Severity::Error,
                format!("the two messages differ: {}", reasons.join("; ")),
            )
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .breaks(&breaks)
                .severity(severity)
                .message(format!(
                    "{} `{}` ({}) changed from message {an} to message {bn}: {tail}",
                    compat::slot_words(a.part),
                    n.full_name,
                    n.number,
                ))
                .old(field_old(ctx, o, o.type_span))
                .new_loc(field_new(ctx, n, n.type_span))
                .arg("field", &*n.full_name)
                .arg("part", a.part)
                .arg("old_type", &**an)
                .arg("new_type", &**bn)
                .build(),
        );
    }
}
