//! Warns about a deleted enum number that is not reserved.
//!
//! **Breaks**: nothing by itself (what the deletion breaks is reported by
//! `enum-value-removed`), but nothing stops a later release from giving the
//! number to a new value, which would then give stored data a new meaning.
//!
//! Example:
//!
//! ```text
//! old:  enum Tier { TIER_UNSPECIFIED = 0; TIER_GOLD = 1; TIER_LEGACY = 2; }
//! new:  enum Tier { TIER_UNSPECIFIED = 0; TIER_GOLD = 1; }   // 2 is free
//! ```
//!
//! **Safe change**: reserve the number and name: `reserved 2; reserved
//! "TIER_LEGACY";`.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB403",
        name: "enum-value-deleted-number-unreserved",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "deleted enum number is not reserved: a later value could reuse it",
        advice: "reserve the deleted value's number and name",
        peers: &["buf:ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED"],
        source: include_str!("enum_value_deleted_number_unreserved.rs"),
    },
    check: Check::Enum(check),
};

fn check(ctx: &Ctx, pair: &EnumPair, out: &mut Vec<Finding>) {
    let (oe, ne) = (pair.old, pair.new);
    let mut seen = Vec::new();
    for ov in &oe.values {
        if seen.contains(&ov.number) {
            continue;
        }
        seen.push(ov.number);
        if ne.values_with_number(ov.number).next().is_some() || ne.number_reserved(ov.number) {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "enum `{}` number {} (`{}`) was deleted without reserving the number",
                    oe.full_name, ov.number, ov.name
                ))
                .old(ctx.old_loc(oe.file, ov.span, &format!("{}.{}", oe.full_name, ov.name)))
                .new_loc(ctx.new_loc(ne.file, ne.span, &ne.full_name))
                .arg("enum", &*oe.full_name)
                .arg("number", ov.number.to_string())
                .build(),
        );
    }
}
