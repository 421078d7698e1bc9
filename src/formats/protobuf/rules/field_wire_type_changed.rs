//! Flags a field (or a map key or value) whose type changed to one with a
//! different binary wire type: varint, 32-bit, 64-bit, length-delimited or
//! group. Examples: `int32` to `string`, `uint32` to `fixed32`, `float` to
//! `double`, a message field switched between length-prefixed and delimited
//! (group) encoding, an enum to a message.
//!
//! **Breaks**: both directions. A reader that finds a record of the wrong
//! wire type does not fail: protobuf-go, C++ and Java all file it among
//! unknown fields, so the field reads as its default. v(N) silently loses
//! every value v(N-1) wrote, and after a rollback v(N-1) silently loses every
//! value v(N) wrote. The JSON encodings of such types differ too.
//!
//! Example:
//!
//! ```text
//! old:  uint32 quantity = 7;
//! new:  fixed32 quantity = 7;   // varint -> 32-bit: both sides read 0
//! ```
//!
//! **Safe change**: never change a field's type in place. Add a new field
//! with a new number and the new type, write both for a release, move
//! readers to the new field, then stop writing the old one and reserve its
//! number and name.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB101",
        name: "field-wire-type-changed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field type changed to one with another wire type: both sides read the default",
        advice: "add a new field with a new number and the new type, dual-write it for a release, \
                 then retire the old field and reserve its number and name",
        peers: &[
            "buf:FIELD_WIRE_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        ],
        source: include_str!("field_wire_type_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some((o, n)) = pair.both() else { return };
    if compat::reuse(ctx, pair).is_some() {
        return;
    }
    for (a, b) in compat::slot_pairs(ctx, o, n) {
        if compat::classify(ctx, &a, &b) != Some(Change::WireType) {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "{} `{}` ({}) changed from {} ({}) to {} ({}): each version files the \
                     other's values as unknown fields and reads the default",
                    compat::slot_words(a.part),
                    n.full_name,
                    n.number,
                    a.describe(),
                    compat::wire_type_name(a.wire_type()),
                    b.describe(),
                    compat::wire_type_name(b.wire_type()),
                ))
                .old(field_old(ctx, o, o.type_span))
                .new_loc(field_new(ctx, n, n.type_span))
                .arg("field", &*n.full_name)
                .arg("part", a.part)
                .arg("old_type", a.describe())
                .arg("new_type", b.describe())
                .build(),
        );
    }
}
