//! Flags `uniqueItems: true` in one version only.
//!
//! **Breaks**: adding it breaks backward: v(N-1)'s arrays may repeat items.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "array"}
//! new:  {"type": "array", "uniqueItems": true}
//! ```
//!
//! **Safe change**: de-duplicate in writers before requiring unique items.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS403",
        name: "unique-items-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`uniqueItems` added (or removed)",
        advice: "de-duplicate in writers before requiring unique items",
        peers: &[],
        source: include_str!("unique_items_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Unique {
        out.push(problem_finding(&RULE.meta, ctx, p, "uniqueItems changed").build());
    }
}
