//! Flags a `format` one version asserts and the other does not; only with
//! `--format-assertion`. By default `format` is an annotation (2019-09 and
//! later say so) and is not compared.
//!
//! **Breaks**: the direction whose reader asserts the format.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "string"}
//! new:  {"type": "string", "format": "email"}
//! ```
//!
//! **Safe change**: validate formats in code before asserting them in the schema.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS305",
        name: "format-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`format` changed (when formats are assertions)",
        advice: "validate formats in code before asserting them in the schema",
        peers: &[],
        source: include_str!("format_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Format {
        out.push(problem_finding(&RULE.meta, ctx, p, "format changed").build());
    }
}
