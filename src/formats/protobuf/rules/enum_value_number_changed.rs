//! Flags an enum value name that moved to another number (for example two
//! values swapped numbers).
//!
//! **Breaks**: both directions in binary: enums travel as numbers, so each
//! version reads the other's value under the name its own schema gives that
//! number: `ACTIVE` written by v(N-1) is read by v(N) as whatever now has
//! ACTIVE's old number. ProtoJSON, which writes names, keeps the meaning.
//!
//! Example:
//!
//! ```text
//! old:  ACTIVE = 1;  SUSPENDED = 2;
//! new:  SUSPENDED = 1;  ACTIVE = 2;
//! ```
//!
//! **Safe change**: numbers are forever: add a new value with a new number
//! instead, and reserve numbers that are retired.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB306",
        name: "enum-value-number-changed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "enum value moved to another number: binary readers read the other's values as different names",
        advice: "keep enum numbers forever; add new values with new numbers and reserve retired ones",
        peers: &["buf:ENUM_VALUE_SAME_NAME"],
        source: include_str!("enum_value_number_changed.rs"),
    },
    check: Check::Enum(check),
};

fn check(ctx: &Ctx, pair: &EnumPair, out: &mut Vec<Finding>) {
    let (oe, ne) = (pair.old, pair.new);
    for ov in &oe.values {
        let Some(nv) = ne.value_by_name(&ov.name) else {
            continue;
        };
        if nv.number == ov.number {
            continue;
        }
        // What each reader makes of the number the other version writes.
        let seen_as = |e: &Enum, n: i32| match e.values_with_number(n).next() {
            Some(v) => format!("`{}`", v.name),
            None => "an unknown number".to_string(),
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "enum value `{}.{}` moved from number {} to {}: binary readers of v(N) read \
                     v(N-1)'s {} as {}, and readers of v(N-1) read v(N)'s {} as {}",
                    ne.full_name,
                    nv.name,
                    ov.number,
                    nv.number,
                    ov.number,
                    seen_as(ne, ov.number),
                    nv.number,
                    seen_as(oe, nv.number)
                ))
                .old(ctx.old_loc(
                    oe.file,
                    ov.number_span.or(ov.span),
                    &format!("{}.{}", oe.full_name, ov.name),
                ))
                .new_loc(ctx.new_loc(
                    ne.file,
                    nv.number_span.or(nv.span),
                    &format!("{}.{}", ne.full_name, nv.name),
                ))
                .arg("enum", &*ne.full_name)
                .arg("value", &*nv.name)
                .arg("old_number", ov.number.to_string())
                .arg("new_number", nv.number.to_string())
                .build(),
        );
    }
}
