//! Flags a `decimal` logical type whose scale changed, or whose precision
//! shrank.
//!
//! **Breaks**: a decimal is an unscaled integer on the wire; the scale says
//! where the point goes. A changed scale makes each version read the other's
//! values 10^k times off, silently (both directions). A reader with a
//! smaller precision cannot hold every value the writer's precision allows
//! (the direction whose reader shrank).
//!
//! Example:
//!
//! ```text
//! old:  {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}
//! new:  {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 4}
//! ```
//!
//! **Safe change**: keep the scale; add a new field for a new scale and
//! dual-write.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV503",
        name: "decimal-changed",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "decimal scale changed (values read 10^k off) or precision shrank",
        advice: "keep a decimal's scale; add a new field for a new scale and dual-write",
        peers: &[],
        source: include_str!("decimal_changed.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::Decimal { writer, reader } = &ev.kind else {
        return;
    };
    let (o, n) = old_new(ev, writer, reader);
    let why = if writer.1 != reader.1 {
        format!(
            "the scale moved from {} to {}, so values read {}x off",
            o.1,
            n.1,
            10u128.saturating_pow(o.1.abs_diff(n.1) as u32)
        )
    } else {
        let who = match ev.dir {
            Direction::Backward => "v(N)",
            Direction::Forward => "v(N-1)",
        };
        format!(
            "{who}'s precision {} cannot hold every value of precision {}",
            reader.0, writer.0
        )
    };
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "decimal({},{}) became decimal({},{}) at `{}`: {why}",
                o.0, o.1, n.0, n.1, ev.writer.element
            ))
            .build(),
    );
}
