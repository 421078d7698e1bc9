//! Flags a `pattern` whose language does not contain the other version's:
//! wirecompat compares the two regular languages exactly (deterministic
//! automata) and shows a string that one accepts and the other does not.
//! Patterns it cannot analyse (look-around, back-references) are undecided.
//!
//! **Breaks**: the direction whose reader's pattern is narrower.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "string", "pattern": "^[A-Z]{2}[0-9]+$"}
//! new:  {"type": "string", "pattern": "^[A-Z]{2}[0-9]{4}$"}
//! ```
//!
//! **Safe change**: widen patterns a release before producing the new strings; narrow
//! only once no data outside remains.

use super::prelude::*;

pub static RULE: JsRule = JsRule {
    meta: RuleMeta {
        code: "JS304",
        name: "pattern-changed",
        format: Format::JsonSchema,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "`pattern` changed to a language that does not contain the old one",
        advice: "widen a release before producing new strings; narrow only once no data outside remains",
        peers: &["apicurio:pattern"],
        source: include_str!("pattern_changed.rs"),
    },
    check,
};

fn check(ctx: &Ctx, p: &Problem, out: &mut Vec<Finding>) {
    if p.kind == Kind::Pattern {
        out.push(problem_finding(&RULE.meta, ctx, p, "pattern changed").build());
    }
}
