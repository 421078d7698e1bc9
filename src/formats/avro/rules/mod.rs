//! The Avro rules: one file each, registered once in [`RULES`]. Most turn
//! one kind of resolution event into a finding; the message rules look at
//! protocol messages paired by name.

use super::pair::{Ctx, MessagePair};
use super::resolve::Event;
use crate::finding::{Direction, Finding, FindingBuilder};
use crate::rule::RuleMeta;

mod decimal_changed;
mod enum_symbol_added;
mod enum_symbol_removed;
mod field_added_without_default;
mod field_default_invalid;
mod field_removed_without_default;
mod fixed_size_changed;
mod logical_type_changed;
mod made_non_nullable;
mod made_nullable;
mod message_added;
mod message_one_way_changed;
mod message_removed;
mod name_mismatch;
mod type_mismatch;
mod type_narrowed;
mod type_widened;
mod union_type_added;
mod union_type_removed;

pub enum Check {
    Event(fn(&Ctx, &Event, &mut Vec<Finding>)),
    Message(fn(&Ctx, &MessagePair, &mut Vec<Finding>)),
}

pub struct AvRule {
    pub meta: RuleMeta,
    pub check: Check,
}

/// Every Avro rule, sorted by code.
pub static RULES: &[&AvRule] = &[
    &type_mismatch::RULE,
    &type_widened::RULE,
    &type_narrowed::RULE,
    &field_added_without_default::RULE,
    &field_removed_without_default::RULE,
    &field_default_invalid::RULE,
    &enum_symbol_removed::RULE,
    &enum_symbol_added::RULE,
    &union_type_removed::RULE,
    &union_type_added::RULE,
    &made_non_nullable::RULE,
    &made_nullable::RULE,
    &name_mismatch::RULE,
    &fixed_size_changed::RULE,
    &decimal_changed::RULE,
    &logical_type_changed::RULE,
    &message_removed::RULE,
    &message_added::RULE,
    &message_one_way_changed::RULE,
];

mod prelude {
    pub use super::super::pair::{Ctx, MessagePair};
    pub use super::super::resolve::{Event, EventKind};
    pub use super::{AvRule, Check, event_finding, old_new};
    pub use crate::finding::{Direction, Finding, FindingBuilder, Severity};
    pub use crate::rule::{Encoding, Format, RuleMeta};

    pub const BINARY: &[Encoding] = &[Encoding::Binary];
    pub const BOTH: &[Direction] = Direction::BOTH;
    pub const BACKWARD: &[Direction] = &[Direction::Backward];
    pub const FORWARD: &[Direction] = &[Direction::Forward];
}

/// The writer's and the reader's values as (v(N-1)'s, v(N)'s).
pub fn old_new<'a, T: ?Sized>(ev: &Event, writer: &'a T, reader: &'a T) -> (&'a T, &'a T) {
    match ev.dir {
        Direction::Backward => (writer, reader),
        Direction::Forward => (reader, writer),
    }
}

/// A finding for an event: the event's direction broken, both locations,
/// the traversal path as an argument.
pub fn event_finding(meta: &'static RuleMeta, ctx: &Ctx, ev: &Event) -> FindingBuilder {
    let (old, new) = ctx.event_locs(ev);
    FindingBuilder::new(meta)
        .breaks(&[ev.dir])
        .old(old)
        .new_loc(new)
        .arg("path", ev.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_sorted_and_documented() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.meta.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "RULES must be sorted by code, without duplicates"
        );
        for r in RULES {
            let doc = r.meta.doc();
            assert!(
                doc.contains("**Breaks**"),
                "{} doc lacks **Breaks**",
                r.meta.code
            );
            assert!(
                doc.contains("**Safe change**"),
                "{} doc lacks **Safe change**",
                r.meta.code
            );
            assert!(r.meta.code.starts_with("AV"));
        }
        let _ = Direction::BOTH;
    }
}
