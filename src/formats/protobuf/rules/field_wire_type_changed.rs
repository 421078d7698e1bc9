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
    for c in super::type_changes(ctx, pair, Change::WireType) {
        let from = format!(
            "{} ({})",
            c.a.describe(),
            compat::wire_type_name(c.a.wire_type())
        );
        let to = format!(
            "{} ({})",
            c.b.describe(),
            compat::wire_type_name(c.b.wire_type())
        );
        let why = "each version files the other's values as unknown fields and reads the default";
        out.push(c.finding(ctx, &RULE.meta, &from, &to, why).build());
    }
}
