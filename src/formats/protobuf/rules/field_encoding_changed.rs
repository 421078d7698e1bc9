//! Flags a field whose type changed to another with the same wire type but a
//! different encoding of the value: two's complement varint against zigzag
//! (`int32`/`uint64`/`enum` against `sint32`/`sint64`), or IEEE float bits
//! against integer bits (`float` against `fixed32`/`sfixed32`, `double`
//! against `fixed64`/`sfixed64`).
//!
//! **Breaks**: both directions. The bytes parse without error, but every
//! reader decodes them with its own encoding: a `sint32` reader turns the
//! `int32` value 1 into -1 and 2 into 1; a `fixed32` reader turns the float
//! 1.0 into 1065353216. Nothing fails, every value is wrong.
//!
//! Example:
//!
//! ```text
//! old:  int32 delta = 4;
//! new:  sint32 delta = 4;   // v(N) reads v(N-1)'s 3 as -2
//! ```
//!
//! **Safe change**: add a new field with the new type under a new number,
//! dual-write, migrate readers, then reserve the old number and name.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB102",
        name: "field-encoding-changed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field re-typed within a wire type but with another value encoding: values parse and are wrong",
        advice: "add a new field with the new type under a new number, dual-write, migrate readers, \
                 then reserve the old number and name",
        peers: &[
            "buf:FIELD_WIRE_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        ],
        source: include_str!("field_encoding_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    for c in super::type_changes(ctx, pair, Change::Encoding) {
        let why = "same wire type, other encoding, so each version decodes the other's values to \
                   wrong numbers without an error";
        out.push(
            c.finding(ctx, &RULE.meta, &c.a.describe(), &c.b.describe(), why)
                .build(),
        );
    }
}
