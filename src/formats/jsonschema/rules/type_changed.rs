//! Flags a change of the JSON types a schema accepts (`type`, or a schema
//! that became `false`).
//!
//! **Breaks**: the direction whose reader lost a type: narrowing `["string", "null"]` to
//! `"string"` makes v(N) reject v(N-1)'s nulls (backward); widening makes v(N-1)
//! reject the values v(N) now produces (forward).
//!
//! Example:
//!
//! ```text
//! old:  {"type": ["string", "null"]}
//! new:  {"type": "string"}
//! ```
//!
//! **Safe change**: widen types in one release, and produce the new type only in the next,
//! once no release that rejects it can be rolled back to; narrow only after no
//! stored data holds the dropped type.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS101",
        name: "type-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "the accepted JSON types changed",
        advice: "widen first and produce the new type a release later; narrow only once no stored data holds the dropped type",
        peers: &["confluent:TYPE_CHANGED", "apicurio:type"],
        source: include_str!("type_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Type {
        out.push(problem_finding(&RULE.meta, ctx, p, "type changed").build());
    }
}
