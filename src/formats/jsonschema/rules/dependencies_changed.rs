//! Flags a change of property dependencies: `dependentRequired`,
//! `dependentSchemas`, or draft 4-7 `dependencies`.
//!
//! **Breaks**: a new dependency breaks backward: v(N-1)'s data may hold the trigger
//! property without the dependent ones.
//!
//! Example:
//!
//! ```text
//! old:  {"properties": {"card": {}, "cvv": {}}}
//! new:  {"properties": {"card": {}, "cvv": {}}, "dependentRequired": {"card": ["cvv"]}}
//! ```
//!
//! **Safe change**: add dependencies only once writers always satisfy them.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS206",
        name: "dependencies-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`dependentRequired`/`dependentSchemas`/`dependencies` changed",
        advice: "add dependencies only once every writer satisfies them",
        peers: &[],
        source: include_str!("dependencies_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Dependencies {
        out.push(problem_finding(&RULE.meta, ctx, p, "property dependencies changed").build());
    }
}
