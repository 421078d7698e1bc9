//! Flags a `not` that excludes instances of the other version.
//!
//! **Breaks**: the direction whose reader excludes them.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "string"}
//! new:  {"type": "string", "not": {"const": ""}}
//! ```
//!
//! **Safe change**: exclude values only once no data holds them.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS503",
        name: "not-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "a `not` now excludes values the other version allows",
        advice: "exclude values only once no data holds them",
        peers: &[],
        source: include_str!("not_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Not {
        out.push(problem_finding(&RULE.meta, ctx, p, "not changed").build());
    }
}
