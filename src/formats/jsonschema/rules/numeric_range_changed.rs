//! Flags a change of a number's range: `minimum`, `maximum`,
//! `exclusiveMinimum`, `exclusiveMaximum` (draft 4 booleans and draft 6+
//! numbers alike).
//!
//! **Breaks**: tightening breaks backward (v(N) rejects v(N-1)'s values now out of range),
//! loosening breaks forward.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "integer", "maximum": 100}
//! new:  {"type": "integer", "maximum": 50}
//! ```
//!
//! **Safe change**: tighten ranges only once no data lies outside; loosen a release
//! before producing the new values.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS301",
        name: "numeric-range-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`minimum`/`maximum` (or exclusive bounds, in either draft spelling) changed",
        advice: "tighten only once no data lies outside; loosen a release before producing new values",
        peers: &[],
        source: include_str!("numeric_range_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Numeric {
        out.push(problem_finding(&RULE.meta, ctx, p, "numeric range changed").build());
    }
}
