//! The JSON Schema rules: one file each, registered once in [`RULES`]. Each
//! turns the inclusion problems of one keyword family into findings.

use super::include::Problem;
use super::pair::Ctx;
use crate::finding::{Direction, Finding, FindingBuilder};
use crate::rule::RuleMeta;

mod additional_properties_changed;
mod any_of_changed;
mod conditional_changed;
mod contains_changed;
mod dependencies_changed;
mod enum_changed;
mod format_changed;
mod item_count_changed;
mod items_changed;
mod length_changed;
mod multiple_of_changed;
mod not_changed;
mod numeric_range_changed;
mod one_of_changed;
mod open_content_property_changed;
mod pattern_changed;
mod pattern_properties_changed;
mod property_count_changed;
mod property_names_changed;
mod required_changed;
mod type_changed;
mod unevaluated_changed;
mod unique_items_changed;

pub struct JsRule {
    pub meta: RuleMeta,
    pub check: fn(&Ctx, &Problem, &mut Vec<Finding>),
}

/// Every JSON Schema rule, sorted by code.
pub static RULES: &[&JsRule] = &[
    &type_changed::RULE,
    &enum_changed::RULE,
    &required_changed::RULE,
    &open_content_property_changed::RULE,
    &additional_properties_changed::RULE,
    &pattern_properties_changed::RULE,
    &property_names_changed::RULE,
    &dependencies_changed::RULE,
    &property_count_changed::RULE,
    &numeric_range_changed::RULE,
    &multiple_of_changed::RULE,
    &length_changed::RULE,
    &pattern_changed::RULE,
    &format_changed::RULE,
    &items_changed::RULE,
    &item_count_changed::RULE,
    &unique_items_changed::RULE,
    &contains_changed::RULE,
    &any_of_changed::RULE,
    &one_of_changed::RULE,
    &not_changed::RULE,
    &conditional_changed::RULE,
    &unevaluated_changed::RULE,
];

mod prelude {
    pub use super::super::include::{Kind, Problem};
    pub use super::super::pair::Ctx;
    pub use super::{JsRule, problem_finding};
    pub use crate::finding::{Direction, Finding, Severity};
    pub use crate::rule::{Encoding, Format, RuleMeta};

    pub const JSON: &[Encoding] = &[Encoding::Json];
    pub const BOTH: &[Direction] = Direction::BOTH;
}

/// A finding for an inclusion problem: "<lead>: v(N) rejects <detail> that
/// v(N-1) accepted" (or the reverse going forward), undecided when the engine
/// could not settle it.
pub fn problem_finding(
    meta: &'static RuleMeta,
    ctx: &Ctx,
    p: &Problem,
    lead: &str,
) -> FindingBuilder {
    let (old, new) = ctx.locs(p);
    let detail = p.detail.replace(
        "v(X)",
        match p.dir {
            Direction::Backward => "v(N-1)",
            Direction::Forward => "v(N)",
        },
    );
    let sentence = match (p.dir, p.unknown) {
        (Direction::Backward, false) => format!("v(N) rejects {detail} that v(N-1) accepted"),
        (Direction::Forward, false) => format!("v(N-1) rejects {detail} that v(N) accepts"),
        (Direction::Backward, true) => {
            format!("cannot decide whether v(N) accepts all {detail} v(N-1) accepted")
        }
        (Direction::Forward, true) => {
            format!("cannot decide whether v(N-1) accepts all {detail} v(N) accepts")
        }
    };
    let mut message = format!("{lead}: {sentence}");
    if let Some(why) = &p.why
        && p.unknown
    {
        message.push_str(&format!(" ({why})"));
    }
    if let Some(w) = &p.witness
        && !p.unknown
    {
        message.push_str(&format!(", for example {w}"));
    }
    if matches!(p.kind, super::include::Kind::OpenContent) && !p.unknown {
        message.push_str(
            " (strict content model: an open object accepts any undeclared property, so the \
             other version's data may hold this one with any value; --lenient assumes it does not)",
        );
    }
    let b = FindingBuilder::new(meta)
        .message(message)
        .old(old)
        .new_loc(new);
    let b = if p.unknown {
        b.undecided(&[p.dir])
    } else {
        b.breaks(&[p.dir])
    };
    match &p.witness {
        Some(w) if !p.unknown => b.arg("example", w.to_string()),
        _ => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_sorted_and_documented() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.meta.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for r in RULES {
            assert!(
                r.meta.doc().contains("**Breaks**") && r.meta.doc().contains("**Safe change**")
            );
        }
    }
}
