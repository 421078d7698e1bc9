//! The Protobuf rules: one file each, registered once in [`RULES`].

use super::compat::{self, Change, Slot};
use super::model::{Field, Message, Method, Service};
use super::pair::{Ctx, EnumPair, FieldPair, FilePair, MessagePair, ServicePair};
use crate::finding::{Direction, Finding, FindingBuilder, Location, Severity};
use crate::rule::RuleMeta;

mod enum_closedness_changed;
mod enum_json_format_changed;
mod enum_reserved_removed;
mod enum_value_added;
mod enum_value_deleted_name_unreserved;
mod enum_value_deleted_number_unreserved;
mod enum_value_number_changed;
mod enum_value_removed;
mod enum_value_renamed;
mod field_cardinality_changed;
mod field_default_changed;
mod field_deleted_name_unreserved;
mod field_deleted_number_unreserved;
mod field_encoding_changed;
mod field_enum_type_changed;
mod field_integer_range_changed;
mod field_json_name_changed;
mod field_message_scalar_changed;
mod field_message_type_changed;
mod field_number_changed;
mod field_number_reused;
mod field_presence_changed;
mod field_renamed;
mod field_string_bytes_changed;
mod field_utf8_validation_changed;
mod field_wire_type_changed;
mod file_package_changed;
mod json_key_type_changed;
mod message_json_format_changed;
mod message_reserved_removed;
mod message_set_wire_format_changed;
mod oneof_membership_changed;
mod required_field_added;
mod required_field_removed;
mod reserved_enum_value_reused;
mod reserved_field_reused;
mod rpc_added;
mod rpc_client_streaming_changed;
mod rpc_idempotency_changed;
mod rpc_removed;
mod rpc_request_type_changed;
mod rpc_response_type_changed;
mod rpc_server_streaming_changed;

/// The element kind a rule looks at, with its check function.
pub enum Check {
    File(fn(&Ctx, &FilePair, &mut Vec<Finding>)),
    Message(fn(&Ctx, &MessagePair, &mut Vec<Finding>)),
    Field(fn(&Ctx, &FieldPair, &mut Vec<Finding>)),
    Enum(fn(&Ctx, &EnumPair, &mut Vec<Finding>)),
    Service(fn(&Ctx, &ServicePair, &mut Vec<Finding>)),
}

pub struct PbRule {
    pub meta: RuleMeta,
    pub check: Check,
}

/// Every Protobuf rule, sorted by code.
pub static RULES: &[&PbRule] = &[
    &field_wire_type_changed::RULE,
    &field_encoding_changed::RULE,
    &field_integer_range_changed::RULE,
    &field_string_bytes_changed::RULE,
    &field_message_scalar_changed::RULE,
    &field_enum_type_changed::RULE,
    &field_message_type_changed::RULE,
    &field_utf8_validation_changed::RULE,
    &field_cardinality_changed::RULE,
    &field_presence_changed::RULE,
    &required_field_added::RULE,
    &required_field_removed::RULE,
    &oneof_membership_changed::RULE,
    &field_renamed::RULE,
    &field_json_name_changed::RULE,
    &field_number_changed::RULE,
    &field_number_reused::RULE,
    &enum_value_renamed::RULE,
    &enum_value_number_changed::RULE,
    &message_json_format_changed::RULE,
    &enum_json_format_changed::RULE,
    &json_key_type_changed::RULE,
    &field_deleted_number_unreserved::RULE,
    &field_deleted_name_unreserved::RULE,
    &enum_value_deleted_number_unreserved::RULE,
    &enum_value_deleted_name_unreserved::RULE,
    &message_reserved_removed::RULE,
    &enum_reserved_removed::RULE,
    &reserved_field_reused::RULE,
    &reserved_enum_value_reused::RULE,
    &enum_value_removed::RULE,
    &enum_value_added::RULE,
    &enum_closedness_changed::RULE,
    &rpc_removed::RULE,
    &rpc_added::RULE,
    &rpc_request_type_changed::RULE,
    &rpc_response_type_changed::RULE,
    &rpc_client_streaming_changed::RULE,
    &rpc_server_streaming_changed::RULE,
    &rpc_idempotency_changed::RULE,
    &file_package_changed::RULE,
    &field_default_changed::RULE,
    &message_set_wire_format_changed::RULE,
];

/// What every rule file imports.
mod prelude {
    pub use super::super::compat::{self, Change};
    pub use super::super::model::*;
    pub use super::super::pair::{Ctx, EnumPair, FieldPair, FilePair, MessagePair, ServicePair};
    pub use super::{Check, PbRule, field_new, field_old, msg_new, msg_old};
    pub use crate::finding::{Direction, Finding, FindingBuilder, Severity};
    pub use crate::rule::{Encoding, Format, RuleMeta};

    pub const BINARY: &[Encoding] = &[Encoding::Binary];
    pub const JSON: &[Encoding] = &[Encoding::Json];
    pub const BOTH_ENCODINGS: &[Encoding] = &[Encoding::Binary, Encoding::Json];
    pub const BOTH: &[Direction] = Direction::BOTH;
    pub const BACKWARD: &[Direction] = &[Direction::Backward];
    pub const FORWARD: &[Direction] = &[Direction::Forward];
    pub const NONE: &[Direction] = &[];
}

/// One slot (the field, or a map's key or value) of a field present in both
/// versions, whose type changed.
pub struct TypeChange<'a> {
    pub old: &'a Field,
    pub new: &'a Field,
    pub a: Slot<'a>,
    pub b: Slot<'a>,
}

/// The type rules' common ground: the slots of a field present in both
/// versions whose change is of `kind`. A reused number is left to
/// field-number-reused, which reports it as one finding.
pub fn type_changes<'a>(ctx: &Ctx<'a>, pair: &FieldPair<'a>, kind: Change) -> Vec<TypeChange<'a>> {
    let Some((old, new)) = pair.both() else {
        return Vec::new();
    };
    if compat::reuse(ctx, pair).is_some() {
        return Vec::new();
    }
    compat::slot_pairs(ctx, old, new)
        .into_iter()
        .filter(|(a, b)| compat::classify(ctx, a, b) == Some(kind))
        .map(|(a, b)| TypeChange { old, new, a, b })
        .collect()
}

impl TypeChange<'_> {
    /// "<slot> `field` (n) changed from <from> to <to>: <why>", located at the
    /// type in both versions, with the field, slot and types as arguments.
    pub fn finding(
        &self,
        ctx: &Ctx,
        meta: &'static RuleMeta,
        from: &str,
        to: &str,
        why: &str,
    ) -> FindingBuilder {
        FindingBuilder::new(meta)
            .message(format!(
                "{} `{}` ({}) changed from {from} to {to}: {why}",
                compat::slot_words(self.a.part),
                self.new.full_name,
                self.new.number
            ))
            .old(field_old(ctx, self.old, self.old.type_span))
            .new_loc(field_new(ctx, self.new, self.new.type_span))
            .arg("field", &*self.new.full_name)
            .arg("part", self.a.part)
            .arg("old_type", self.a.describe())
            .arg("new_type", self.b.describe())
    }
}

/// Methods (by name) present in both versions of a service.
pub fn method_pairs<'a>(
    pair: &ServicePair<'a>,
) -> Vec<(&'a Service, &'a Method, &'a Service, &'a Method)> {
    let (Some(os), Some(ns)) = (pair.old, pair.new) else {
        return Vec::new();
    };
    os.methods
        .iter()
        .filter_map(|om| ns.method(&om.name).map(|nm| (os, om, ns, nm)))
        .collect()
}

/// Two message types compared with every rule: the directions broken, the
/// severity that gives (information when none), and why in words.
pub fn compare_messages(
    ctx: &Ctx,
    old_name: &str,
    new_name: &str,
) -> (Vec<Direction>, Severity, String) {
    let (breaks, reasons) = ctx.message_breaks(old_name, new_name);
    if breaks.is_empty() {
        (
            breaks,
            Severity::Info,
            "the two messages are wire-compatible both ways".into(),
        )
    } else if reasons.is_empty() {
        (
            breaks,
            Severity::Error,
            "the two messages are not compatible".into(),
        )
    } else {
        let why = format!("the two messages differ: {}", reasons.join("; "));
        (breaks, Severity::Error, why)
    }
}

/// Parts of reserved range `r` not covered by any of `by`, as inclusive ranges.
pub fn uncovered(r: &super::model::Reserved, by: &[super::model::Reserved]) -> Vec<(i32, i32)> {
    let mut cover: Vec<(i64, i64)> = by.iter().map(|b| (b.start as i64, b.end as i64)).collect();
    cover.sort();
    let mut gaps = Vec::new();
    let mut next = r.start as i64;
    let end = r.end as i64;
    for (s, e) in cover {
        if next > end {
            break;
        }
        if e < next {
            continue;
        }
        if s > next {
            gaps.push((next as i32, (s - 1).min(end) as i32));
        }
        next = next.max(e + 1);
    }
    if next <= end {
        gaps.push((next as i32, end as i32));
    }
    gaps
}

/// "4, 7 to 9" for the gaps of reserved range `of`.
pub fn describe_gaps(gaps: &[(i32, i32)], of: &super::model::Reserved) -> String {
    gaps.iter()
        .map(|&(s, e)| {
            super::model::Reserved {
                start: s,
                end: e,
                max: of.max,
                span: None,
            }
            .describe()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Location of a field (at `span`, or the whole field) in the old version.
pub fn field_old(ctx: &Ctx, f: &Field, span: super::model::Span) -> Option<Location> {
    ctx.old_loc(f.file, span.or(f.span), &f.full_name)
}

pub fn field_new(ctx: &Ctx, f: &Field, span: super::model::Span) -> Option<Location> {
    ctx.new_loc(f.file, span.or(f.span), &f.full_name)
}

pub fn msg_old(ctx: &Ctx, m: &Message) -> Option<Location> {
    ctx.old_loc(m.file, m.span, &m.full_name)
}

pub fn msg_new(ctx: &Ctx, m: &Message) -> Option<Location> {
    ctx.new_loc(m.file, m.span, &m.full_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_sorted_and_documented() {
        let mut codes: Vec<&str> = RULES.iter().map(|r| r.meta.code).collect();
        let sorted = {
            let mut c = codes.clone();
            c.sort();
            c
        };
        assert_eq!(codes, sorted, "RULES must be sorted by code");
        codes.dedup();
        assert_eq!(codes.len(), RULES.len(), "duplicate rule code");
        let mut names: Vec<&str> = RULES.iter().map(|r| r.meta.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "duplicate rule name");
        for r in RULES {
            let doc = r.meta.doc();
            assert!(
                doc.len() > 200,
                "{} has too short a doc comment",
                r.meta.code
            );
            assert!(
                doc.contains("**Breaks**"),
                "{} doc lacks a **Breaks** section",
                r.meta.code
            );
            assert!(
                doc.contains("**Safe change**"),
                "{} doc lacks a **Safe change** section",
                r.meta.code
            );
            assert!(
                r.meta
                    .source
                    .contains(&format!("name: \"{}\"", r.meta.name)),
                "{}: source does not declare it",
                r.meta.code
            );
            assert!(
                r.meta
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{} is not kebab-case",
                r.meta.name
            );
        }
    }
}
