//! Flags a change of what an object accepts for names it does not declare
//! (`additionalProperties`, or `unevaluatedProperties` standing in for it).
//!
//! **Breaks**: closing an open object (`additionalProperties: false`) breaks backward:
//! v(N-1)'s data may hold extra properties. Opening a closed one breaks forward
//! under strict inclusion.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "object"}
//! new:  {"type": "object", "additionalProperties": false}
//! ```
//!
//! **Safe change**: declare every property old data may hold before closing an object.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS203",
        name: "additional-properties-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`additionalProperties` changed: the object closed, opened or its extra values changed",
        advice: "declare every property old data may hold before closing an object",
        peers: &[],
        source: include_str!("additional_properties_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Additional {
        out.push(problem_finding(&RULE.meta, ctx, p, "undeclared properties changed").build());
    }
}
