//! Flags an enum number that v(N) declares and v(N-1) did not, where a
//! v(N-1) reader loses the value: the release is irreversible once v(N) has
//! written it.
//!
//! **Breaks**: forward, in two situations. In binary, when v(N-1)'s enum is
//! closed (proto2, editions `enum_type = CLOSED`): C++ and Java readers file
//! the unknown number among unknown fields, so the field reads as its
//! default. In ProtoJSON, for any enum: JSON carries names, and v(N-1) cannot
//! map the new name (the document is refused, or the value dropped by readers
//! that ignore unknown values). Adding a value to an open enum is safe in
//! binary: v(N-1) keeps the number as an unrecognised value.
//!
//! Example:
//!
//! ```text
//! old:  enum Status { STATUS_UNSPECIFIED = 0; STATUS_PAID = 1; }
//! new:  enum Status { STATUS_UNSPECIFIED = 0; STATUS_PAID = 1; STATUS_REFUNDED = 2; }
//!       // JSON: after a rollback v(N-1) cannot read "STATUS_REFUNDED"
//! ```
//!
//! **Safe change**: expand, then contract: release the new value in v(N)
//! without writing it, and start writing it in v(N+1), once no release that
//! lacks it can be rolled back to.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB502",
        name: "enum-value-added",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "enum value added: v(N-1) loses it after a rollback (closed enum in binary; any enum in JSON)",
        advice: "declare the value in one release and start writing it only in the next, once no release \
                 lacking it remains in the rollback window",
        peers: &[],
        source: include_str!("enum_value_added.rs"),
    },
    check: Check::Enum(check),
};

fn check(ctx: &Ctx, pair: &EnumPair, out: &mut Vec<Finding>) {
    let (oe, ne) = (pair.old, pair.new);
    let mut seen = Vec::new();
    for nv in &ne.values {
        if seen.contains(&nv.number) {
            continue;
        }
        seen.push(nv.number);
        if oe.values_with_number(nv.number).next().is_some() {
            continue;
        }
        let mut why = Vec::new();
        if oe.closed {
            why.push(format!(
                "v(N-1)'s enum is closed, so binary readers (C++, Java) drop number {}",
                nv.number
            ));
        }
        if ctx.profile.json() && oe.value_by_name(&nv.name).is_none() {
            why.push(format!(
                "v(N-1)'s JSON readers cannot map the name `{}`",
                nv.name
            ));
        }
        if why.is_empty() {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "enum `{}` value `{}` ({}) was added: {}",
                    ne.full_name,
                    nv.name,
                    nv.number,
                    why.join("; ")
                ))
                .old(ctx.old_loc(oe.file, oe.span, &oe.full_name))
                .new_loc(ctx.new_loc(ne.file, nv.span, &format!("{}.{}", ne.full_name, nv.name)))
                .arg("enum", &*ne.full_name)
                .arg("value", &*nv.name)
                .arg("number", nv.number.to_string())
                .build(),
        );
    }
}
