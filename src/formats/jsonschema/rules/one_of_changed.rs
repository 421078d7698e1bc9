//! Flags a `oneOf` for which the other version's instances match no
//! alternative, or several (which `oneOf` also rejects).
//!
//! **Breaks**: the direction whose reader's oneOf refuses the writer's instances;
//! undecided when the alternatives cannot be shown disjoint.
//!
//! Example:
//!
//! ```text
//! old:  {"oneOf": [{"type": "string"}, {"type": "integer"}]}
//! new:  {"oneOf": [{"type": "string"}, {"type": "number"}]}
//! ```
//!
//! **Safe change**: keep oneOf alternatives disjoint (a discriminating `const`).

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS502",
        name: "one-of-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`oneOf` alternatives no longer take exactly one match",
        advice: "keep oneOf alternatives disjoint, for example with a discriminating const",
        peers: &[],
        source: include_str!("one_of_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::OneOf {
        out.push(problem_finding(&RULE.meta, ctx, p, "oneOf changed").build());
    }
}
