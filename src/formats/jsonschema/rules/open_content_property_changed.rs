//! Flags a property that one version constrains while the other version's
//! object is open (no `additionalProperties: false`) and does not declare it.
//!
//! **Breaks**: set inclusion, the default (strict) policy. An open object allows any
//! property name with any value, so data valid under v(N-1) may already hold
//! `region` with any value; when v(N) adds `"region": {"type": "string"}`,
//! v(N) rejects `{"region": 5}`, which v(N-1) accepted (backward). Removing the
//! declaration from an open object breaks forward the same way. The lenient
//! policy (`--lenient`, Confluent's lenient mode) assumes old data holds no
//! undeclared names and does not flag this.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "object", "properties": {"id": {"type": "string"}}}
//! new:  {"type": "object", "properties": {"id": {"type": "string"}, "region": {"type": "string"}}}
//! ```
//!
//! **Safe change**: close the object (`additionalProperties: false`) before adding
//! constrained properties, or accept the lenient assumption knowingly.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS202",
        name: "open-content-property-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "strict content model: a property one version leaves open is constrained in the other",
        advice: "close the object before adding constrained properties, or check with --lenient if old data never holds undeclared names",
        peers: &["confluent:PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"],
        source: include_str!("open_content_property_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::OpenContent {
        out.push(
            problem_finding(&RULE.meta, ctx, p, "property constrained in an open object").build(),
        );
    }
}
