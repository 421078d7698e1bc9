//! What protoc refuses and neither protox's parser nor prost-reflect's
//! linker checks: wirecompat refuses it too (exit 2, at the element), so
//! that a contract no compiler would accept is never judged.
//!
//! On each file, before linking: extension ranges in proto3, reserved
//! ranges that run backwards or overlap, fields and enum values that take
//! a reserved name, `packed` on fields that cannot be packed,
//! `message_set_wire_format` on a message with fields, field types outside
//! the descriptor's enumeration (descriptor sets). On the model, after
//! linking: two extensions of one message with one number, implicit
//! presence on a message field or a field with a default (editions).

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use super::model::{Kind, Presence, Schema};

/// A problem at a descriptor path of one file, in words.
pub struct Problem {
    pub path: Vec<i32>,
    pub message: String,
}

// Descriptor field numbers used in paths.
const FILE_MESSAGE: i32 = 4;
const FILE_ENUM: i32 = 5;
const MSG_FIELD: i32 = 2;
const MSG_NESTED: i32 = 3;
const MSG_ENUM: i32 = 4;
const MSG_EXTENSION_RANGE: i32 = 5;
const MSG_OPTIONS: i32 = 7;
const MSG_RESERVED_RANGE: i32 = 9;
const FIELD_NAME: i32 = 1;
const FIELD_TYPE: i32 = 5;
const FIELD_OPTIONS: i32 = 8;
const ENUM_VALUE: i32 = 2;
const ENUM_RESERVED_RANGE: i32 = 4;
const VALUE_NAME: i32 = 1;

/// Checks one file before linking; `proto3` is true for `syntax = "proto3"`
/// (not editions).
pub fn file(fdp: &FileDescriptorProto, proto3: bool) -> Option<Problem> {
    for (i, m) in fdp.message_type.iter().enumerate() {
        if let Some(p) = message(m, vec![FILE_MESSAGE, i as i32], proto3) {
            return Some(p);
        }
    }
    for (i, e) in fdp.enum_type.iter().enumerate() {
        if let Some(p) = enum_(e, vec![FILE_ENUM, i as i32]) {
            return Some(p);
        }
    }
    None
}

fn at(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = path.to_vec();
    p.extend_from_slice(more);
    p
}

/// Ranges as (start, end inclusive, index); the first pair that overlaps.
fn overlap(ranges: &[(i64, i64, usize)]) -> Option<(usize, usize)> {
    let mut sorted = ranges.to_vec();
    sorted.sort();
    sorted
        .windows(2)
        .find(|w| w[1].0 <= w[0].1)
        .map(|w| (w[0].2.min(w[1].2), w[0].2.max(w[1].2)))
}

fn message(m: &DescriptorProto, path: Vec<i32>, proto3: bool) -> Option<Problem> {
    let name = m.name();
    if proto3 && !m.extension_range.is_empty() {
        return Some(Problem {
            path: at(&path, &[MSG_EXTENSION_RANGE, 0]),
            message: format!("extension ranges are not allowed in proto3 (message `{name}`)"),
        });
    }
    // Reserved ranges: [start, end) in the descriptor.
    let mut ranges = Vec::new();
    for (i, r) in m.reserved_range.iter().enumerate() {
        let (s, e) = (r.start() as i64, r.end() as i64);
        if s >= e || s < 1 {
            return Some(Problem {
                path: at(&path, &[MSG_RESERVED_RANGE, i as i32]),
                message: format!(
                    "reserved range {s} to {} of `{name}` is empty or runs backwards",
                    e - 1
                ),
            });
        }
        ranges.push((s, e - 1, i));
    }
    if let Some((_, b)) = overlap(&ranges) {
        return Some(Problem {
            path: at(&path, &[MSG_RESERVED_RANGE, b as i32]),
            message: format!("reserved ranges of `{name}` overlap"),
        });
    }
    if m.options
        .as_ref()
        .is_some_and(|o| o.message_set_wire_format())
        && !m.field.is_empty()
    {
        return Some(Problem {
            path: at(&path, &[MSG_OPTIONS]),
            message: format!(
                "message `{name}` uses message_set_wire_format and so cannot have fields (only \
                 extensions)"
            ),
        });
    }
    for (i, f) in m.field.iter().enumerate() {
        let fp = at(&path, &[MSG_FIELD, i as i32]);
        if m.reserved_name.iter().any(|r| r == f.name()) {
            return Some(Problem {
                path: at(&fp, &[FIELD_NAME]),
                message: format!("field name `{}` is reserved in `{name}`", f.name()),
            });
        }
        if let Some(t) = f.r#type
            && !(1..=18).contains(&t)
        {
            return Some(Problem {
                path: at(&fp, &[FIELD_TYPE]),
                message: format!(
                    "field `{}` has type {t}, which is not a field type",
                    f.name()
                ),
            });
        }
        // string, group, message, bytes cannot be packed.
        if f.options.as_ref().and_then(|o| o.packed) == Some(true)
            && (f.label() != prost_types::field_descriptor_proto::Label::Repeated
                || matches!(f.r#type, Some(9..=12)))
        {
            return Some(Problem {
                path: at(&fp, &[FIELD_OPTIONS]),
                message: format!(
                    "field `{}`: [packed = true] is only for repeated fields of numbers, bools \
                     and enums",
                    f.name()
                ),
            });
        }
    }
    for (i, n) in m.nested_type.iter().enumerate() {
        if let Some(p) = message(n, at(&path, &[MSG_NESTED, i as i32]), proto3) {
            return Some(p);
        }
    }
    for (i, e) in m.enum_type.iter().enumerate() {
        if let Some(p) = enum_(e, at(&path, &[MSG_ENUM, i as i32])) {
            return Some(p);
        }
    }
    None
}

fn enum_(e: &EnumDescriptorProto, path: Vec<i32>) -> Option<Problem> {
    let name = e.name();
    // Enum reserved ranges are inclusive.
    let mut ranges = Vec::new();
    for (i, r) in e.reserved_range.iter().enumerate() {
        let (s, t) = (r.start() as i64, r.end() as i64);
        if s > t {
            return Some(Problem {
                path: at(&path, &[ENUM_RESERVED_RANGE, i as i32]),
                message: format!("reserved range {s} to {t} of enum `{name}` runs backwards"),
            });
        }
        ranges.push((s, t, i));
    }
    if let Some((_, b)) = overlap(&ranges) {
        return Some(Problem {
            path: at(&path, &[ENUM_RESERVED_RANGE, b as i32]),
            message: format!("reserved ranges of enum `{name}` overlap"),
        });
    }
    for (i, v) in e.value.iter().enumerate() {
        if e.reserved_name.iter().any(|r| r == v.name()) {
            return Some(Problem {
                path: at(&path, &[ENUM_VALUE, i as i32, VALUE_NAME]),
                message: format!("enum value name `{}` is reserved in `{name}`", v.name()),
            });
        }
    }
    None
}

/// A problem found on the linked model: the file index and span.
pub struct ModelProblem {
    pub file: usize,
    pub span: super::model::Span,
    pub message: String,
}

/// Checks the linked model.
pub fn model(s: &Schema) -> Option<ModelProblem> {
    let mut seen: std::collections::HashMap<(&str, i32), &str> = Default::default();
    for x in &s.extensions {
        let Some(extendee) = x.extendee.as_deref() else {
            continue;
        };
        if let Some(first) = seen.insert((extendee, x.number), &x.full_name) {
            return Some(ModelProblem {
                file: x.file,
                span: x.number_span.or(x.span),
                message: format!(
                    "extension number {} of `{extendee}` is taken twice: by `{first}` and by `{}`",
                    x.number, x.full_name
                ),
            });
        }
    }
    for m in &s.messages {
        for f in &m.fields {
            if f.presence != Presence::Implicit {
                continue;
            }
            if matches!(f.kind, Kind::Message(_)) {
                return Some(ModelProblem {
                    file: f.file,
                    span: f.span,
                    message: format!(
                        "message field `{}` cannot have implicit presence",
                        f.full_name
                    ),
                });
            }
            if f.default.is_some() {
                return Some(ModelProblem {
                    file: f.file,
                    span: f.default_span.or(f.span),
                    message: format!(
                        "field `{}` has implicit presence and so cannot have a default",
                        f.full_name
                    ),
                });
            }
        }
    }
    None
}
