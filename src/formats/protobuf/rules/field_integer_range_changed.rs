//! Flags an integer field whose type changed within one encoding family but
//! to a different value range: `int64` to `int32`, `uint32` to `int32`,
//! `int32` to `uint64`, `sint64` to `sint32`, `fixed32` to `sfixed32`, an
//! integer to `bool` and back.
//!
//! **Breaks**: the direction(s) whose reader has the narrower range. In
//! binary the reader keeps the low bits of what was written, so a value
//! outside its range is silently truncated or changes sign (`int32` reads
//! 3000000000 as -1294967296; `bool` reads any non-zero value as true). In
//! ProtoJSON the same value is refused with a parse error; `bool` and
//! integers never mix in JSON, so that change breaks both directions there.
//! Widening (`int32` to `int64`) keeps v(N) reading everything v(N-1) wrote
//! but makes the release irreversible: v(N-1) truncates v(N)'s large values.
//!
//! Example:
//!
//! ```text
//! old:  int64 balance = 3;
//! new:  int32 balance = 3;   // v(N) truncates v(N-1)'s balances above 2^31
//! ```
//!
//! **Safe change**: to narrow, first make sure no writer produces values out
//! of the new range and keep the old type; to widen, add the wider field under
//! a new number and dual-write until v(N-1) is out of the rollback window.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB103",
        name: "field-integer-range-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "integer field re-typed to another range: the narrower reader truncates (binary) or refuses (JSON)",
        advice: "widen through a new field under a new number, dual-written until v(N-1) leaves the \
                 rollback window; narrow only once no writer produces out-of-range values",
        peers: &[
            "buf:FIELD_WIRE_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        ],
        source: include_str!("field_integer_range_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    for c in super::type_changes(ctx, pair, Change::IntRange) {
        let (Kind::Scalar(sa), Kind::Scalar(sb)) = (c.a.kind, c.b.kind) else {
            continue;
        };
        let (Some(ra), Some(rb)) = (compat::int_range(*sa), compat::int_range(*sb)) else {
            continue;
        };
        let mut breaks = Vec::new();
        // backward: v(N) reads (type b) what v(N-1) wrote (type a)
        if !compat::range_fits(ra, rb) {
            breaks.push(Direction::Backward);
        }
        if !compat::range_fits(rb, ra) {
            breaks.push(Direction::Forward);
        }
        let bool_change = (*sa == Scalar::Bool) != (*sb == Scalar::Bool);
        if ctx.profile.json() && bool_change {
            breaks = BOTH.to_vec();
        }
        let mut why = match breaks.as_slice() {
            [Direction::Backward] => format!(
                "v(N) reads v(N-1)'s {} values with the narrower {}",
                sa.name(),
                sb.name()
            ),
            [Direction::Forward] => format!(
                "v(N-1) reads v(N)'s {} values with the narrower {}",
                sb.name(),
                sa.name()
            ),
            _ => "each version reads values the other can write that lie outside its range".into(),
        };
        why.push_str(if ctx.profile.json() {
            ": out-of-range values are truncated in binary and refused in JSON"
        } else {
            ": out-of-range values are truncated"
        });
        if ctx.profile.json() && bool_change {
            why.push_str("; JSON never converts between bool and integers");
        }
        out.push(
            c.finding(ctx, &RULE.meta, sa.name(), sb.name(), &why)
                .breaks(&breaks)
                .build(),
        );
    }
}
