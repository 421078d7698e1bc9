//! Flags `patternProperties` whose patterns or schemas differ between the
//! versions.
//!
//! **Breaks**: the direction whose reader constrains names the other leaves freer. When
//! the patterns themselves differ, which names they cover is often not
//! decidable, and the finding says so (undecided).
//!
//! Example:
//!
//! ```text
//! old:  {"patternProperties": {"^x-": {}}}
//! new:  {"patternProperties": {"^x-": {"type": "string"}}}
//! ```
//!
//! **Safe change**: keep patterns stable; constrain new names under new patterns.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS204",
        name: "pattern-properties-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`patternProperties` changed",
        advice: "keep patterns stable; constrain new names under new patterns",
        peers: &[],
        source: include_str!("pattern_properties_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::PatternProperties {
        out.push(problem_finding(&RULE.meta, ctx, p, "pattern properties changed").build());
    }
}
