//! Flags a property that one version requires and the other does not.
//!
//! **Breaks**: a newly required property breaks backward: v(N-1)'s data may lack it.
//! Dropping a requirement breaks forward: v(N) may omit the property, which
//! v(N-1) still requires.
//!
//! Example:
//!
//! ```text
//! old:  {"required": ["id"]}
//! new:  {"required": ["id", "region"]}
//! ```
//!
//! **Safe change**: give a new property a default in code and keep it optional; stop
//! requiring a property only once no release that requires it remains.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS201",
        name: "required-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "a property became required (or stopped being)",
        advice: "keep new properties optional; stop requiring one only when no release that requires it remains",
        peers: &[],
        source: include_str!("required_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Required {
        out.push(problem_finding(&RULE.meta, ctx, p, "required properties changed").build());
    }
}
