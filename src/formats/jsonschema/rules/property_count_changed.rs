//! Flags a change of `minProperties` or `maxProperties`.
//!
//! **Breaks**: tightening breaks backward, loosening forward.
//!
//! Example:
//!
//! ```text
//! old:  {"maxProperties": 10}
//! new:  {"maxProperties": 5}
//! ```
//!
//! **Safe change**: tighten bounds only once no data is outside them.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS207",
        name: "property-count-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`minProperties`/`maxProperties` changed",
        advice: "tighten bounds only once no data is outside them",
        peers: &[],
        source: include_str!("property_count_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::PropertyCount {
        out.push(problem_finding(&RULE.meta, ctx, p, "property count bounds changed").build());
    }
}
