//! Flags array positions one version allows and the other forbids (a tuple
//! closed with `items: false` / `additionalItems: false`, or a position whose
//! schema became `false`). Item schemas themselves are compared recursively
//! and reported by their own keywords.
//!
//! **Breaks**: the direction whose reader forbids the positions.
//!
//! Example:
//!
//! ```text
//! old:  {"prefixItems": [{"type": "string"}]}
//! new:  {"prefixItems": [{"type": "string"}], "items": false}
//! ```
//!
//! **Safe change**: close tuples only once no data holds more items.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS401",
        name: "items-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "array item positions closed or reshaped",
        advice: "close tuples only once no data holds more items",
        peers: &[],
        source: include_str!("items_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Items {
        out.push(problem_finding(&RULE.meta, ctx, p, "array items changed").build());
    }
}
