//! Flags an enum number that v(N-1) had and v(N) no longer declares, where
//! a v(N) reader loses the value.
//!
//! **Breaks**: backward, in two situations. In binary, when v(N)'s enum is
//! closed (proto2, editions `enum_type = CLOSED`): C++ and Java readers file
//! an undeclared number among unknown fields and report the field unset
//! (protobuf-go keeps the number, but treats every enum as open, against the
//! specification). In ProtoJSON, for any enum, when the value's name is gone:
//! JSON carries names, and v(N) cannot map v(N-1)'s name (the document is
//! refused, or the value dropped by readers that ignore unknown values).
//! Removing a value of an open enum is otherwise safe in binary: the number
//! survives as an unrecognised value.
//!
//! Example:
//!
//! ```text
//! old:  enum Tier { TIER_UNSPECIFIED = 0; TIER_GOLD = 1; TIER_LEGACY = 2; }
//! new:  enum Tier { TIER_UNSPECIFIED = 0; TIER_GOLD = 1; reserved 2; }
//!       // JSON: v(N) cannot read v(N-1)'s "TIER_LEGACY"
//! ```
//!
//! **Safe change**: stop writing the value first (a release that keeps it
//! declared but never produces it), wait until no stored data holds it, then
//! delete it and reserve its number and name.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB501",
        name: "enum-value-removed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "enum value removed: v(N) loses v(N-1)'s value (closed enum in binary; any enum in JSON)",
        advice: "first stop writing the value while keeping it declared, then delete it once no stored \
                 data holds it, and reserve its number and name",
        peers: &[],
        source: include_str!("enum_value_removed.rs"),
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
        let mut why = Vec::new();
        if ne.closed {
            why.push(format!(
                "v(N)'s enum is closed, so binary readers (C++, Java) drop number {}",
                ov.number
            ));
        }
        if ctx.profile.json() && ne.value_by_name(&ov.name).is_none() {
            why.push(format!(
                "v(N)'s JSON readers cannot map the name `{}`",
                ov.name
            ));
        }
        if why.is_empty() {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "enum `{}` value `{}` ({}) was removed: {}",
                    oe.full_name,
                    ov.name,
                    ov.number,
                    why.join("; ")
                ))
                .old(ctx.old_loc(oe.file, ov.span, &format!("{}.{}", oe.full_name, ov.name)))
                .new_loc(ctx.new_loc(ne.file, ne.span, &ne.full_name))
                .arg("enum", &*oe.full_name)
                .arg("value", &*ov.name)
                .arg("number", ov.number.to_string())
                .build(),
        );
    }
}
