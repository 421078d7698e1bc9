//! Warns when an enum value takes a number or name that v(N-1) reserved.
//!
//! **Breaks**: nothing between v(N-1) and v(N), but the reservation exists
//! because older data holds that number or name with another meaning, which
//! v(N) now misreads. Renaming an existing value to a reserved name counts
//! too: JSON data holding that name is then read as this value.
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
        let previous: Vec<&EnumValue> = o.values_with_number(v.number).collect();
        // A number v(N-1) used is not a reserved one; a new name for it may
        // be a reserved name.
        let by_number = previous.is_empty() && o.number_reserved(v.number);
        let by_name = previous.iter().all(|p| p.name != v.name) && o.name_reserved(&v.name);
        if !by_number && !by_name {
            continue;
        }
        let what = match (by_number, by_name) {
            (true, true) => format!("number {} and name `{}`", v.number, v.name),
            (true, false) => format!("number {}", v.number),
            _ => format!("name `{}`", v.name),
        };
        let how = match previous.first() {
            Some(p)
                if n.value_by_name(&p.name)
                    .is_some_and(|w| w.number == v.number) =>
            {
                format!(
                    "enum `{}` number {} gained the reserved {what} as an alias of `{}`",
                    n.full_name, v.number, p.name
                )
            }
            Some(p) => format!(
                "enum `{}` number {} was renamed from `{}` to the reserved {what}",
                n.full_name, v.number, p.name
            ),
            None => format!(
                "enum value `{}.{}` takes the reserved {what}",
                n.full_name, v.name
            ),
        };
        // Point at the reservation that is taken over.
        let reservation = if by_number {
            o.reserved_ranges
                .iter()
                .find(|r| r.contains(v.number))
                .and_then(|r| r.span)
        } else {
            o.reserved_names
                .iter()
                .find(|r| *r.name == *v.name)
                .and_then(|r| r.span)
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "{how}: data from before the reservation is misread"
                ))
                .old(ctx.old_loc(o.file, reservation.or(o.span), &o.full_name))
                .new_loc(ctx.new_loc(n.file, v.span, &format!("{}.{}", n.full_name, v.name)))
                .arg("enum", &*n.full_name)
                .arg("number", v.number.to_string())
                .build(),
        );
    }
}
