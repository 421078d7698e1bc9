//! Flags a `multipleOf` that the other version's values need not satisfy
//! (`0.01` to `0.05`, or one added).
//!
//! **Breaks**: the direction whose reader requires the coarser step.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "number", "multipleOf": 0.01}
//! new:  {"type": "number", "multipleOf": 0.05}
//! ```
//!
//! **Safe change**: keep the step; make a new step a divisor of the old one.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS302",
        name: "multiple-of-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`multipleOf` changed to a value the old one is not a multiple of",
        advice: "keep the step, or make the new step divide the old one",
        peers: &[],
        source: include_str!("multiple_of_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::MultipleOf {
        out.push(problem_finding(&RULE.meta, ctx, p, "multipleOf changed").build());
    }
}
