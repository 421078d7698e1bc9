//! Warns about a deleted enum value whose name is not reserved.
//!
//! **Breaks**: nothing by itself (what the deletion breaks in JSON is
//! reported by `enum-value-removed`), but a later release could give the name
//! to another number, and stored JSON with the old name would then be read
//! with the new meaning. Reserved names do not make JSON parsers accept the
//! old name; they only guard against reuse. With `allow_alias`, every name
//! the deleted number had must be reserved; the finding lists those that are
//! not.
//!
//! Example:
//!
//! ```text
//! old:  TIER_LEGACY = 2;
//! new:  reserved 2;   // "TIER_LEGACY" is free for reuse
//! ```
//!
//! **Safe change**: reserve the name as well as the number.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB404",
        name: "enum-value-deleted-name-unreserved",
        format: Format::Protobuf,
        encodings: JSON,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "deleted enum value's name is not reserved: a later value could reuse it",
        advice: "reserve the deleted value's name as well as its number",
        peers: &["buf:ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED"],
        source: include_str!("enum_value_deleted_name_unreserved.rs"),
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
        if ne.values_with_number(ov.number).next().is_some() {
            continue;
        }
        // Every name of the number (aliases included) must be reserved, or
        // still be in use for another number.
        let unreserved: Vec<&EnumValue> = oe
            .values_with_number(ov.number)
            .filter(|v| !ne.name_reserved(&v.name) && ne.value_by_name(&v.name).is_none())
            .collect();
        let Some(first) = unreserved.first() else {
            continue;
        };
        let list = unreserved
            .iter()
            .map(|v| format!("`{}`", v.name))
            .collect::<Vec<_>>()
            .join(", ");
        let (what, its) = if unreserved.len() == 1 {
            (format!("value {list}"), "its name")
        } else {
            (format!("values {list}"), "their names")
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "enum `{}` {what} ({}) was deleted without reserving {its}",
                    oe.full_name, ov.number
                ))
                .old(ctx.old_loc(
                    oe.file,
                    first.span,
                    &format!("{}.{}", oe.full_name, first.name),
                ))
                .new_loc(ctx.new_loc(ne.file, ne.span, &ne.full_name))
                .arg("enum", &*oe.full_name)
                .arg("name", &*first.name)
                .build(),
        );
    }
}
