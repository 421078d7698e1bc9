//! Flags an `if`/`then`/`else` whose branches may refuse the other version's
//! instances.
//!
//! **Breaks**: the direction whose reader's condition refuses them; undecided when
//! neither branch can be shown to hold.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "object"}
//! new:  {"type": "object", "if": {"required": ["card"]}, "then": {"required": ["cvv"]}}
//! ```
//!
//! **Safe change**: add conditions only once every writer satisfies them.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS504",
        name: "conditional-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "an `if`/`then`/`else` may refuse the other version's instances",
        advice: "add conditions only once every writer satisfies them",
        peers: &[],
        source: include_str!("conditional_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Conditional {
        out.push(problem_finding(&RULE.meta, ctx, p, "if/then/else changed").build());
    }
}
