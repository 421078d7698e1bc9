//! Flags an `anyOf` none of whose alternatives accepts (alone, or type by
//! type) what the other version allows.
//!
//! **Breaks**: the direction whose reader's anyOf no longer covers the writer's
//! instances. When it cannot tell, the finding is undecided.
//!
//! Example:
//!
//! ```text
//! old:  {"anyOf": [{"type": "string"}, {"type": "integer"}]}
//! new:  {"anyOf": [{"type": "string"}]}
//! ```
//!
//! **Safe change**: add alternatives a release before producing them; remove them only
//! once no data holds them.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS501",
        name: "any-of-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "no `anyOf` alternative accepts what the other version allows",
        advice: "add alternatives a release before producing them; remove them only once no data holds them",
        peers: &[],
        source: include_str!("any_of_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::AnyOf {
        out.push(problem_finding(&RULE.meta, ctx, p, "anyOf changed").build());
    }
}
