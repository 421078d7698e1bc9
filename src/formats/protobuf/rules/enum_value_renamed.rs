//! Flags an enum number whose name changed (the number kept, the name that
//! JSON writers use replaced).
//!
//! **Breaks**: nothing in binary, which carries numbers. ProtoJSON writes
//! enum values by name: when v(N-1)'s name for the number no longer exists
//! in v(N), v(N)'s JSON readers cannot map it (the value is dropped or the
//! document refused) and the reverse for v(N)'s new name. JSON writers emit
//! the name declared first for a number, so with `allow_alias` what counts is
//! each version's first name. Declaring the new name first, even with the
//! old one kept as an alias after it, keeps v(N)'s readers whole but breaks
//! v(N-1)'s; dropping the first of two aliases (old `DONE = 4; COMPLETED =
//! 4;`, new `COMPLETED = 4;`) breaks only v(N)'s. An alias added after the
//! old name changes nothing.
//!
//! Example:
//!
//! ```text
//! old:  STATUS_ACTIVE = 1;
//! new:  STATUS_ENABLED = 1;   // JSON "STATUS_ACTIVE" is unknown to v(N)
//! ```
//!
//! **Safe change**: add the new name as an alias declared after the old one
//! (`option allow_alias = true;`) while both versions run; move it first, and
//! later remove the old name, only once v(N-1) has left the rollback window.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB305",
        name: "enum-value-renamed",
        format: Format::Protobuf,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "enum value renamed (same number): JSON readers cannot map the other version's name",
        advice: "keep the old name, declared first, with the new one as an alias after it (allow_alias) \
                 until v(N-1) leaves the rollback window",
        peers: &["buf:ENUM_VALUE_SAME_NAME"],
        source: include_str!("enum_value_renamed.rs"),
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
        let old_names: Vec<&EnumValue> = oe.values_with_number(ov.number).collect();
        let new_names: Vec<&EnumValue> = ne.values_with_number(ov.number).collect();
        let Some(nv) = new_names.first() else {
            continue;
        };
        let old_first = old_names[0];
        // JSON writers use the first name of a number; readers accept any name.
        // So what matters is each version's first name, not the full alias set:
        // putting a new alias first changes what v(N) writes.
        if old_first.name == nv.name {
            continue;
        }
        let mut breaks = Vec::new();
        if ne.value_by_name(&old_first.name).is_none() {
            breaks.push(Direction::Backward);
        }
        if oe.value_by_name(&nv.name).is_none() {
            breaks.push(Direction::Forward);
        }
        if breaks.is_empty() {
            // The names moved between numbers: field-level meaning changes are
            // enum-value-number-changed's business.
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .breaks(&breaks)
                .message(format!(
                    "enum `{}` number {} {}: JSON readers of {} cannot map the other's name",
                    ne.full_name,
                    ov.number,
                    if ne.value_by_name(&old_first.name).is_some() {
                        format!(
                            "now lists `{}` before `{}`, so v(N) writes it in JSON as `{}`",
                            nv.name, old_first.name, nv.name
                        )
                    } else {
                        format!("was renamed `{}` to `{}`", old_first.name, nv.name)
                    },
                    if breaks.len() == 2 {
                        "each version"
                    } else if breaks[0] == Direction::Backward {
                        "v(N)"
                    } else {
                        "v(N-1)"
                    }
                ))
                .old(ctx.old_loc(
                    oe.file,
                    old_first.name_span.or(old_first.span),
                    &format!("{}.{}", oe.full_name, old_first.name),
                ))
                .new_loc(ctx.new_loc(
                    ne.file,
                    nv.name_span.or(nv.span),
                    &format!("{}.{}", ne.full_name, nv.name),
                ))
                .arg("enum", &*ne.full_name)
                .arg("number", ov.number.to_string())
                .arg("old_name", &*old_first.name)
                .arg("new_name", &*nv.name)
                .build(),
        );
    }
}
