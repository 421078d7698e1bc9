//! Warns when an enum value takes a number or name that v(N-1) reserved.
//!
//! **Breaks**: nothing between v(N-1) and v(N), but the reservation exists
//! because older data holds that number or name with another meaning, which
//! v(N) now misreads.
//!
//! Example:
//!
//! ```text
//! old:  enum Tier { TIER_UNSPECIFIED = 0; reserved 2; }
//! new:  enum Tier { TIER_UNSPECIFIED = 0; TIER_SILVER = 2; }
//! ```
//!
//! **Safe change**: give the new value a fresh number and name.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB408",
        name: "reserved-enum-value-reused",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "enum value takes a number or name v(N-1) reserved: older stored data is misread",
        advice: "give the new value a fresh number and name; keep reservations",
        peers: &[],
        source: include_str!("reserved_enum_value_reused.rs"),
    },
    check: Check::Enum(check),
};

fn check(ctx: &Ctx, pair: &EnumPair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    for v in &n.values {
        if o.values_with_number(v.number).next().is_some() {
            continue;
        }
        let by_number = o.number_reserved(v.number);
        let by_name = o.name_reserved(&v.name);
        if !by_number && !by_name {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "enum value `{}.{}` ({}) takes a reserved {}: data from before the \
                     reservation is misread",
                    n.full_name,
                    v.name,
                    v.number,
                    if by_number { "number" } else { "name" }
                ))
                .old(ctx.old_loc(o.file, o.span, &o.full_name))
                .new_loc(ctx.new_loc(n.file, v.span, &format!("{}.{}", n.full_name, v.name)))
                .arg("enum", &*n.full_name)
                .arg("number", v.number.to_string())
                .build(),
        );
    }
}
