//! Flags a change of `minItems` or `maxItems`.
//!
//! **Breaks**: tightening breaks backward, loosening forward.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "array", "maxItems": 10}
//! new:  {"type": "array", "maxItems": 3}
//! ```
//!
//! **Safe change**: tighten only once no data is outside the new bounds.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS402",
        name: "item-count-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`minItems`/`maxItems` changed",
        advice: "tighten only once no data is outside the new bounds",
        peers: &[],
        source: include_str!("item_count_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::ItemCount {
        out.push(problem_finding(&RULE.meta, ctx, p, "item count bounds changed").build());
    }
}
