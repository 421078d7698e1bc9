//! Flags a change of `minLength` or `maxLength`.
//!
//! **Breaks**: tightening breaks backward, loosening forward.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "string", "maxLength": 64}
//! new:  {"type": "string", "maxLength": 32}
//! ```
//!
//! **Safe change**: tighten only once no data is outside the new bounds.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS303",
        name: "length-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`minLength`/`maxLength` changed",
        advice: "tighten only once no data is outside the new bounds",
        peers: &[],
        source: include_str!("length_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Length {
        out.push(problem_finding(&RULE.meta, ctx, p, "string length bounds changed").build());
    }
}
