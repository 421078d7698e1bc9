//! Warns when an enum's reserved numbers or names are no longer all
//! reserved: a `reserved` range shrank or was deleted, or a reserved name was
//! dropped.
//!
//! **Breaks**: nothing today, so it is a warning. Reservations record enum
//! numbers and names that stored data may still hold with an old meaning;
//! removing one lets a later value take it over.
//!
//! Example:
//!
//! ```text
//! old:  reserved 2, 15, 9 to 11; reserved "TIER_LEGACY";
//! new:  reserved 2;
//! ```
//!
//! **Safe change**: never remove reservations; they cost nothing.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB406",
        name: "enum-reserved-removed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "enum reservation removed: old numbers or names become free for reuse",
        advice: "keep reservations forever; they cost nothing",
        peers: &["buf:RESERVED_ENUM_NO_DELETE"],
        source: include_str!("enum_reserved_removed.rs"),
    },
    check: Check::Enum(check),
};

fn check(ctx: &Ctx, pair: &EnumPair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    let new_loc = || ctx.new_loc(n.file, n.span, &n.full_name);
    for r in &o.reserved_ranges {
        let gaps = super::uncovered(r, &n.reserved_ranges);
        if gaps.is_empty() {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "enum `{}` no longer reserves {} (of `reserved {}`)",
                    n.full_name,
                    super::describe_gaps(&gaps, r),
                    r.describe()
                ))
                .old(ctx.old_loc(o.file, r.span.or(o.span), &o.full_name))
                .new_loc(new_loc())
                .arg("enum", &*n.full_name)
                .arg("range", r.describe())
                .build(),
        );
    }
    for r in &o.reserved_names {
        if n.name_reserved(&r.name) {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "enum `{}` no longer reserves the name `{}`",
                    n.full_name, r.name
                ))
                .old(ctx.old_loc(o.file, r.span.or(o.span), &o.full_name))
                .new_loc(new_loc())
                .arg("enum", &*n.full_name)
                .arg("name", &*r.name)
                .build(),
        );
    }
}
