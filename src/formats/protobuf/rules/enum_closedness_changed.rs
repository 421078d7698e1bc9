//! Warns when an enum switches between open and closed: proto2 against
//! proto3 or editions, or editions `features.enum_type` changed.
//!
//! **Breaks**: a closed reader (C++, Java) drops numbers its enum does not
//! declare, which an open writer may carry (open enums hold unknown numbers
//! and write them back). Open to closed puts the closed reader in v(N):
//! backward; closed to open puts it in v(N-1): forward. It is a warning
//! because it breaks only when such numbers are in flight.
//!
//! Example:
//!
//! ```text
//! old:  edition = "2023"; enum Color { COLOR_UNSPECIFIED = 0; }
//! new:  edition = "2023"; enum Color { option features.enum_type = CLOSED; COLOR_UNSPECIFIED = 0; }
//! ```
//!
//! **Safe change**: keep an enum's openness; prefer open enums.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB503",
        name: "enum-closedness-changed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Warning,
        summary: "enum switched between open and closed: a closed reader drops unknown numbers",
        advice: "keep an enum's openness; prefer open enums",
        peers: &[],
        source: include_str!("enum_closedness_changed.rs"),
    },
    check: Check::Enum(check),
};

fn check(ctx: &Ctx, pair: &EnumPair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    if o.closed == n.closed {
        return;
    }
    let (dir, words) = if n.closed {
        (
            Direction::Backward,
            "open to closed: v(N) drops numbers it does not declare",
        )
    } else {
        (
            Direction::Forward,
            "closed to open: v(N-1) drops numbers it does not declare",
        )
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .breaks(&[dir])
            .message(format!("enum `{}` changed from {words}", n.full_name))
            .old(ctx.old_loc(o.file, where_(ctx.old, o), &o.full_name))
            .new_loc(ctx.new_loc(n.file, where_(ctx.new, n), &n.full_name))
            .arg("enum", &*n.full_name)
            .arg("closed", n.closed.to_string())
            .build(),
    );
}

/// Where an enum's closedness is decided: its own `features.enum_type`
/// option in an editions file, else the enum. proto2 and proto3 enums take
/// it from the syntax, so an option span there belongs to another option
/// (`allow_alias`).
fn where_(schema: &Schema, e: &Enum) -> Span {
    match schema.file(e.file).syntax {
        Syntax::Edition(_) => e.closed_span.or(e.span),
        Syntax::Proto2 | Syntax::Proto3 => e.span,
    }
}
