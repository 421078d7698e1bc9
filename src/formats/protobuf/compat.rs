//! What a reader of one type does with a value written as another: the
//! shared facts behind the field type rules.
//!
//! Binary facts (protobuf-go, C++ and Java agree): a wire-type mismatch puts
//! the record among unknown fields, so the reader sees its default; varints
//! are read by truncating to the reader's width, so a value survives exactly
//! when it lies in the reader's range; zigzag, two's complement and IEEE
//! floats of the same width reinterpret each other's bits; a reader of a
//! checked `string` rejects bytes that are not UTF-8; a reader of a message
//! rejects bytes that are not that message. ProtoJSON: 64-bit integers are
//! strings, every integer type accepts numbers and strings but refuses
//! out-of-range values, `bool` and integers do not mix, `bytes` is base64,
//! enums are written by name.

use super::model::*;
use super::pair::{Ctx, FieldPair};

/// Binary wire type of a value of this kind.
pub fn wire_type(kind: &Kind, delimited: bool) -> u8 {
    match kind {
        Kind::Scalar(s) => match s {
            Scalar::Int32
            | Scalar::Int64
            | Scalar::Uint32
            | Scalar::Uint64
            | Scalar::Bool
            | Scalar::Sint32
            | Scalar::Sint64 => 0,
            Scalar::Fixed64 | Scalar::Sfixed64 | Scalar::Double => 1,
            Scalar::String | Scalar::Bytes => 2,
            Scalar::Fixed32 | Scalar::Sfixed32 | Scalar::Float => 5,
        },
        Kind::Enum(_) => 0,
        Kind::Message(_) => {
            if delimited {
                3
            } else {
                2
            }
        }
    }
}

pub fn wire_type_name(wt: u8) -> &'static str {
    match wt {
        0 => "varint",
        1 => "64-bit",
        2 => "length-delimited",
        3 => "group",
        _ => "32-bit",
    }
}

/// Value range of an integer scalar (bool as 0..=1).
pub fn int_range(s: Scalar) -> Option<(i128, i128)> {
    Some(match s {
        Scalar::Int32 | Scalar::Sint32 | Scalar::Sfixed32 => (i32::MIN as i128, i32::MAX as i128),
        Scalar::Uint32 | Scalar::Fixed32 => (0, u32::MAX as i128),
        Scalar::Int64 | Scalar::Sint64 | Scalar::Sfixed64 => (i64::MIN as i128, i64::MAX as i128),
        Scalar::Uint64 | Scalar::Fixed64 => (0, u64::MAX as i128),
        Scalar::Bool => (0, 1),
        _ => return None,
    })
}

/// Whether every value of `w` survives a reader of `r` (same encoding family).
pub fn range_fits(w: (i128, i128), r: (i128, i128)) -> bool {
    r.0 <= w.0 && w.1 <= r.1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// int32, int64, uint32, uint64, bool: two's complement varints.
    Varint,
    /// sint32, sint64.
    Zigzag,
    /// fixed32, sfixed32.
    Fixed32Int,
    Float,
    /// fixed64, sfixed64.
    Fixed64Int,
    Double,
    String,
    Bytes,
    Enum,
    Message,
}

fn family(kind: &Kind) -> Family {
    match kind {
        Kind::Scalar(s) => match s {
            Scalar::Int32 | Scalar::Int64 | Scalar::Uint32 | Scalar::Uint64 | Scalar::Bool => {
                Family::Varint
            }
            Scalar::Sint32 | Scalar::Sint64 => Family::Zigzag,
            Scalar::Fixed32 | Scalar::Sfixed32 => Family::Fixed32Int,
            Scalar::Float => Family::Float,
            Scalar::Fixed64 | Scalar::Sfixed64 => Family::Fixed64Int,
            Scalar::Double => Family::Double,
            Scalar::String => Family::String,
            Scalar::Bytes => Family::Bytes,
        },
        Kind::Enum(_) => Family::Enum,
        Kind::Message(_) => Family::Message,
    }
}

/// What kind of type change a slot pair is; each field type rule reports
/// exactly one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Different wire types: each side skips the other's values.
    WireType,
    /// Same wire type, different encoding (zigzag vs two's complement,
    /// float vs integer bits).
    Encoding,
    /// Same encoding, different integer range.
    IntRange,
    StringBytes,
    /// Message vs string or bytes.
    MessageScalar,
    /// Enum vs integer, or one enum type for another.
    EnumType,
    /// One message type for another.
    MessageType,
}

/// The type a value is written or read with: a field, or a map key or value.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub kind: &'a Kind,
    pub delimited: bool,
    pub utf8_verify: bool,
    /// Where the slot is (`""`, `"map key"`, `"map value"`).
    pub part: &'static str,
}

impl<'a> Slot<'a> {
    fn of(f: &'a Field, part: &'static str) -> Slot<'a> {
        Slot {
            kind: &f.kind,
            delimited: f.delimited,
            utf8_verify: f.utf8_verify,
            part,
        }
    }

    pub fn wire_type(&self) -> u8 {
        wire_type(self.kind, self.delimited)
    }

    /// `int32`, `enum pkg.Status`, `message pkg.Money (delimited)`.
    pub fn describe(&self) -> String {
        match self.kind {
            Kind::Message(n) if self.delimited => format!("message {n} (delimited)"),
            k => k.describe(),
        }
    }
}

/// Key and value fields of a map field's entry.
pub fn map_parts<'s>(schema: &'s Schema, f: &Field) -> Option<(&'s Field, &'s Field)> {
    let Kind::Message(entry) = &f.kind else {
        return None;
    };
    let m = schema.message(entry)?;
    Some((m.field(1)?, m.field(2)?))
}

/// The slot pairs whose types the type rules compare for a field present in
/// both versions: the field itself, or for two maps their keys and values.
/// Map against non-map is the cardinality rule's business.
pub fn slot_pairs<'a>(ctx: &Ctx<'a>, o: &'a Field, n: &'a Field) -> Vec<(Slot<'a>, Slot<'a>)> {
    match (o.cardinality, n.cardinality) {
        (Cardinality::Map, Cardinality::Map) => {
            match (map_parts(ctx.old, o), map_parts(ctx.new, n)) {
                (Some((ok, ov)), Some((nk, nv))) => vec![
                    (Slot::of(ok, "map key"), Slot::of(nk, "map key")),
                    (Slot::of(ov, "map value"), Slot::of(nv, "map value")),
                ],
                _ => Vec::new(),
            }
        }
        (Cardinality::Map, _) | (_, Cardinality::Map) => Vec::new(),
        _ => vec![(Slot::of(o, ""), Slot::of(n, ""))],
    }
}

/// Classifies a slot pair; `None` when the types are the same.
pub fn classify(ctx: &Ctx, o: &Slot, n: &Slot) -> Option<Change> {
    let same_kind = match (o.kind, n.kind) {
        (Kind::Scalar(a), Kind::Scalar(b)) => a == b,
        (Kind::Enum(a), Kind::Enum(b)) | (Kind::Message(a), Kind::Message(b)) => {
            ctx.same_type(a, b)
        }
        _ => false,
    };
    if same_kind && o.delimited == n.delimited {
        return None;
    }
    if o.wire_type() != n.wire_type() {
        return Some(Change::WireType);
    }
    let (fo, fnew) = (family(o.kind), family(n.kind));
    use Family::*;
    Some(match (fo, fnew) {
        (Varint, Varint)
        | (Zigzag, Zigzag)
        | (Fixed32Int, Fixed32Int)
        | (Fixed64Int, Fixed64Int) => Change::IntRange,
        (Varint, Zigzag) | (Zigzag, Varint) | (Enum, Zigzag) | (Zigzag, Enum) => Change::Encoding,
        (Float, Fixed32Int) | (Fixed32Int, Float) | (Double, Fixed64Int) | (Fixed64Int, Double) => {
            Change::Encoding
        }
        (String, Bytes) | (Bytes, String) => Change::StringBytes,
        (Message, String | Bytes) | (String | Bytes, Message) => Change::MessageScalar,
        (Enum, Varint) | (Varint, Enum) | (Enum, Enum) => Change::EnumType,
        (Message, Message) => Change::MessageType,
        _ => Change::WireType,
    })
}

/// Why a number now carries a different field, if it does: the names differ
/// and either a name moved to another number or the value's kind changed.
pub fn reuse(ctx: &Ctx, pair: &FieldPair) -> Option<String> {
    let (o, n) = pair.both()?;
    if o.name == n.name || pair.is_extension() {
        return None;
    }
    if let Some(nm) = pair.new_msg
        && let Some(moved) = nm.field_by_name(&o.name)
    {
        return Some(format!(
            "`{}` moved to number {} and number {} now holds `{}`",
            o.name, moved.number, o.number, n.name
        ));
    }
    if let Some(om) = pair.old_msg
        && let Some(prev) = om.field_by_name(&n.name)
    {
        return Some(format!(
            "`{}` was number {} and now takes number {} from `{}`",
            n.name, prev.number, n.number, o.name
        ));
    }
    let kind_changed = slot_pairs(ctx, o, n)
        .iter()
        .any(|(a, b)| matches!(classify(ctx, a, b), Some(c) if c != Change::IntRange))
        || o.cardinality != n.cardinality;
    kind_changed.then(|| {
        format!(
            "`{} {}` became `{} {}`",
            o.type_label(),
            o.name,
            n.type_label(),
            n.name
        )
    })
}

/// Name of a slot pair for messages ("field", "map value of field").
pub fn slot_words(part: &str) -> String {
    if part.is_empty() {
        "field".to_string()
    } else {
        format!("{part} of field")
    }
}
