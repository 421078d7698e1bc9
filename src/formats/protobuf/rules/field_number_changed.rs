//! Flags a field that kept its name but moved to another number.
//!
//! **Breaks**: both directions in binary, where fields are identified by
//! number only: v(N) finds v(N-1)'s values under the old number, which it no
//! longer reads (or reads as another field), and the reverse. ProtoJSON, which
//! uses names, is unaffected.
//!
//! Example:
//!
//! ```text
//! old:  string email = 3;
//! new:  string email = 4;   // v(N) never sees v(N-1)'s emails
//! ```
//!
//! **Safe change**: numbers are forever. Keep the number; if a new number is
//! needed, add a second field, dual-write, and reserve the old number.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB303",
        name: "field-number-changed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field kept its name but moved to another number: binary readers lose it both ways",
        advice: "keep field numbers forever; add a second field under the new number, dual-write, \
                 and reserve the old number",
        peers: &[],
        source: include_str!("field_number_changed.rs"),
    },
    check: Check::Message(check),
};

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    for o in &pair.old.fields {
        let Some(n) = pair.new.field_by_name(&o.name) else {
            continue;
        };
        if n.number == o.number {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "field `{}` moved from number {} to {}: binary readers of each version look \
                     for it under their own number",
                    n.full_name, o.number, n.number
                ))
                .old(field_old(ctx, o, o.number_span))
                .new_loc(field_new(ctx, n, n.number_span))
                .arg("field", &*n.full_name)
                .arg("old_number", o.number.to_string())
                .arg("new_number", n.number.to_string())
                .build(),
        );
    }
}
