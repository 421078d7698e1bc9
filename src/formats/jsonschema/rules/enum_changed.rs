//! Flags a change of the values an `enum` or `const` allows, or a schema that
//! gained or lost an `enum`.
//!
//! **Breaks**: the direction whose reader lost values: removing `"PENDING"` from an enum
//! makes v(N) reject v(N-1)'s pending records (backward); adding a value makes
//! v(N-1) reject it once v(N) writes it (forward). Each value is checked with a
//! real validator.
//!
//! Example:
//!
//! ```text
//! old:  {"enum": ["PAID", "PENDING"]}
//! new:  {"enum": ["PAID", "SHIPPED"]}
//! ```
//!
//! **Safe change**: add enum values in one release and produce them only in the next;
//! remove values only after no stored data holds them.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS102",
        name: "enum-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`enum`/`const` values changed",
        advice: "add values a release before producing them; remove values only when no stored data holds them",
        peers: &[],
        source: include_str!("enum_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Enum {
        out.push(problem_finding(&RULE.meta, ctx, p, "allowed values changed").build());
    }
}
