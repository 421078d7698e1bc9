//! Flags `unevaluatedItems` (and `unevaluatedProperties` next to
//! combinators) that differ between the versions: what they cover depends on
//! which subschemas evaluated which items, which wirecompat does not decide.
//!
//! **Breaks**: undecided, in the directions where the keyword differs.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "array", "prefixItems": [{}]}
//! new:  {"type": "array", "prefixItems": [{}], "unevaluatedItems": false}
//! ```
//!
//! **Safe change**: prefer `additionalProperties` / `items`, which are decided.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS505",
        name: "unevaluated-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`unevaluatedItems`/`unevaluatedProperties` changed where it cannot be decided",
        advice: "prefer additionalProperties / items, which wirecompat decides",
        peers: &[],
        source: include_str!("unevaluated_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Unevaluated {
        out.push(problem_finding(&RULE.meta, ctx, p, "unevaluated keywords changed").build());
    }
}
