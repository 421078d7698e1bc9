//! Flags a change of `propertyNames`, which constrains every property name.
//!
//! **Breaks**: the direction whose reader restricts names more.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "object"}
//! new:  {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}
//! ```
//!
//! **Safe change**: restrict property names only once no data holds other names.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS205",
        name: "property-names-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`propertyNames` changed",
        advice: "restrict property names only once no data holds other names",
        peers: &[],
        source: include_str!("property_names_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::PropertyNames {
        out.push(problem_finding(&RULE.meta, ctx, p, "property names restricted").build());
    }
}
