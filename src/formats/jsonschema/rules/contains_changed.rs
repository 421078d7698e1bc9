//! Flags a `contains` requirement the other version's arrays need not meet.
//!
//! **Breaks**: the direction whose reader requires the matching item.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "array"}
//! new:  {"type": "array", "contains": {"const": "primary"}}
//! ```
//!
//! **Safe change**: require matching items only once every writer provides them.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS404",
        name: "contains-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`contains` (or min/maxContains) changed",
        advice: "require matching items only once every writer provides them",
        peers: &[],
        source: include_str!("contains_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Contains {
        out.push(problem_finding(&RULE.meta, ctx, p, "contains changed").build());
    }
}
