//! Whether a payload keeps its meaning from writer to reader: a message is
//! encoded with the writer's descriptors and decoded with the reader's by
//! `prost-reflect`, and the two are compared field by field. Witnesses use
//! it to confirm a break; the soundness harness to check that what
//! wirecompat calls compatible is.
//!
//! What "the same meaning" is, in words (the policy wirecompat's rules
//! follow):
//!
//! * Binary identity is the field number. A value the reader has no field
//!   for is ignored (that is a deletion), unless the reader has a field of
//!   the same name under another number: then the datum moved and the reader
//!   loses it. A number the reader holds under another name keeps its
//!   meaning (a rename), unless the reader also has the writer's name under
//!   another number (the fields were swapped).
//! * ProtoJSON identity is the name: the reader takes a key by its JSON name
//!   or its field name and ignores keys it does not know; a value whose
//!   number the reader holds under another name is lost.
//! * Values are compared as numbers (an int64 3000000000 read as int32
//!   -1294967296 differs), bytes (string and bytes alike when the bytes are
//!   equal), enum values by number in binary and by name in JSON, messages
//!   field by field. A repeated value read by a singular field keeps one
//!   element; more than one is a loss.
//! * Enum numbers: a closed reader enum (proto2, editions CLOSED) that lacks
//!   the number drops it into unknown fields, as C++, Java and Go do
//!   (`prost-reflect` keeps it; the model says which enums are closed). An
//!   open enum keeps numbers it does not know. A number the reader calls by
//!   another name keeps its meaning (a rename) unless the reader has the
//!   writer's name under another number.
//! * An unset field reads as its default; when both versions declare the
//!   field and their defaults differ, the meaning changed. A field the
//!   reader requires and the payload lacks makes the reader refuse it.
//! * A decode error is a break. Where `prost-reflect` refuses a field whose
//!   wire type does not match, protobuf-go, C++ and Java keep it as an
//!   unknown field and read the default: a break either way.

use std::borrow::Cow;

use prost::Message as _;
use prost_reflect::{
    DeserializeOptions, DynamicMessage, ExtensionDescriptor, FieldDescriptor, Kind, MapKey,
    MessageDescriptor, ReflectMessage, Value,
};

use super::model::{Presence, Schema};

/// How the payload travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Binary,
    Json,
    /// ProtoJSON written with proto field names instead of JSON names
    /// (protobuf-go's `UseProtoNames`, Java's `preservingProtoFieldNames`).
    JsonProtoNames,
}

impl Encoding {
    /// In words, for notes.
    pub fn describe(self) -> &'static str {
        match self {
            Encoding::Binary => "binary",
            Encoding::Json => "ProtoJSON",
            Encoding::JsonProtoNames => "ProtoJSON with proto field names",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Binary => "binary",
            Encoding::Json | Encoding::JsonProtoNames => "json",
        }
    }
}

/// A field or an extension: what a message holds a value under.
#[derive(Clone)]
pub enum Slot {
    Field(FieldDescriptor),
    Ext(ExtensionDescriptor),
}

impl Slot {
    pub fn name(&self) -> &str {
        match self {
            Slot::Field(f) => f.name(),
            Slot::Ext(e) => e.full_name(),
        }
    }
    pub fn number(&self) -> u32 {
        match self {
            Slot::Field(f) => f.number(),
            Slot::Ext(e) => e.number(),
        }
    }
    pub fn json_name(&self) -> &str {
        match self {
            Slot::Field(f) => f.json_name(),
            Slot::Ext(e) => e.json_name(),
        }
    }
    pub fn kind(&self) -> Kind {
        match self {
            Slot::Field(f) => f.kind(),
            Slot::Ext(e) => e.kind(),
        }
    }
    pub fn is_list(&self) -> bool {
        match self {
            Slot::Field(f) => f.is_list(),
            Slot::Ext(e) => e.is_list(),
        }
    }
    pub fn is_map(&self) -> bool {
        match self {
            Slot::Field(f) => f.is_map(),
            Slot::Ext(e) => e.is_map(),
        }
    }
    fn supports_presence(&self) -> bool {
        match self {
            Slot::Field(f) => f.supports_presence(),
            Slot::Ext(e) => e.supports_presence(),
        }
    }
    fn default_value(&self) -> Value {
        match self {
            Slot::Field(f) => f.default_value(),
            Slot::Ext(e) => e.default_value(),
        }
    }
    pub fn has(&self, m: &DynamicMessage) -> bool {
        match self {
            Slot::Field(f) => m.has_field(f),
            Slot::Ext(e) => m.has_extension(e),
        }
    }
    pub fn get<'a>(&self, m: &'a DynamicMessage) -> Cow<'a, Value> {
        match self {
            Slot::Field(f) => m.get_field(f),
            Slot::Ext(e) => m.get_extension(e),
        }
    }
    pub fn set(&self, m: &mut DynamicMessage, v: Value) {
        match self {
            Slot::Field(f) => m.set_field(f, v),
            Slot::Ext(e) => m.set_extension(e, v),
        }
    }
}

/// Where the meaning changed, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// `quantity`, `items[1].sku`.
    pub path: String,
    pub writer_sees: String,
    pub reader_sees: String,
}

/// One payload's trip from writer to reader.
#[derive(Debug, Clone)]
pub struct Trip {
    pub encoding: Encoding,
    /// The bytes (binary) or the JSON text, as written.
    pub payload: Vec<u8>,
    /// Every place the meaning changed (up to a few); empty when it is kept.
    /// A decode error is one diff with an empty path.
    pub diffs: Vec<Diff>,
}

/// The two versions' models, for the semantics `prost-reflect` does not
/// carry (closed enums under editions, required fields, features).
#[derive(Clone, Copy)]
pub struct Sides<'a> {
    pub writer: &'a Schema,
    pub reader: &'a Schema,
}

/// Encodes `msg` with the writer's descriptor and decodes it with `reader`,
/// then compares.
pub fn trip(msg: &DynamicMessage, reader: &MessageDescriptor, s: Sides, enc: Encoding) -> Trip {
    match enc {
        Encoding::Binary => {
            let payload = encode_sorted(msg);
            let diff = match DynamicMessage::decode(reader.clone(), payload.as_slice()) {
                Ok(r) => compare(msg, &r, s, enc),
                Err(e) => vec![decode_error(msg, e.to_string(), enc)],
            };
            Trip {
                encoding: enc,
                payload,
                diffs: diff,
            }
        }
        Encoding::Json | Encoding::JsonProtoNames => {
            // Through a JSON value, whose objects keep their keys sorted:
            // the same text on every run.
            let opts = prost_reflect::SerializeOptions::new()
                .use_proto_field_name(enc == Encoding::JsonProtoNames);
            let payload = match msg
                .serialize_with_options(serde_json::value::Serializer, &opts)
                .and_then(|v| serde_json::to_vec(&v))
            {
                Ok(p) => p,
                Err(e) => {
                    return Trip {
                        encoding: enc,
                        payload: Vec::new(),
                        diffs: vec![Diff {
                            path: String::new(),
                            writer_sees: format!("cannot write it as JSON: {e}"),
                            reader_sees: "nothing".into(),
                        }],
                    };
                }
            };
            let mut de = serde_json::Deserializer::from_slice(&payload);
            let opts = DeserializeOptions::new().deny_unknown_fields(false);
            let diff =
                match DynamicMessage::deserialize_with_options(reader.clone(), &mut de, &opts) {
                    Ok(r) => compare(msg, &r, s, enc),
                    Err(e) => vec![decode_error(msg, e.to_string(), enc)],
                };
            Trip {
                encoding: enc,
                payload,
                diffs: diff,
            }
        }
    }
}

/// The binary encoding of a message, with map entries in key order (a
/// `prost-reflect` map is a hash map, which would write them in a different
/// order on every run). Fields go in number order, as `prost-reflect`
/// writes them.
pub fn encode_sorted(msg: &DynamicMessage) -> Vec<u8> {
    use prost::encoding::{WireType, encode_key, encode_varint};
    let mut out = Vec::new();
    let nested = |m: &DynamicMessage, number: u32, group: bool, out: &mut Vec<u8>| {
        let inner = encode_sorted(m);
        if group {
            encode_key(number, WireType::StartGroup, out);
            out.extend_from_slice(&inner);
            encode_key(number, WireType::EndGroup, out);
        } else {
            encode_key(number, WireType::LengthDelimited, out);
            encode_varint(inner.len() as u64, out);
            out.extend_from_slice(&inner);
        }
    };
    let desc = msg.descriptor();
    let mut set: Vec<(FieldDescriptor, &Value)> = msg.fields().collect();
    set.sort_by_key(|(f, _)| f.number());
    for (f, v) in set {
        if !msg.has_field(&f) {
            continue;
        }
        match v {
            Value::Map(m) => {
                let Kind::Message(entry) = f.kind() else {
                    continue;
                };
                let mut keys: Vec<&MapKey> = m.keys().collect();
                keys.sort_by_key(|k| key_text(k));
                for k in keys {
                    let mut e = DynamicMessage::new(entry.clone());
                    e.set_field(&entry.map_entry_key_field(), k.clone().into());
                    e.set_field(&entry.map_entry_value_field(), m[k].clone());
                    nested(&e, f.number(), false, &mut out);
                }
            }
            Value::Message(m) => nested(m, f.number(), f.is_group(), &mut out),
            Value::List(items) if matches!(f.kind(), Kind::Message(_)) => {
                for item in items {
                    if let Value::Message(m) = item {
                        nested(m, f.number(), f.is_group(), &mut out);
                    }
                }
            }
            other => {
                let mut one = DynamicMessage::new(desc.clone());
                one.set_field(&f, other.clone());
                out.extend_from_slice(&one.encode_to_vec());
            }
        }
    }
    for (e, v) in msg.extensions() {
        let mut one = DynamicMessage::new(desc.clone());
        one.set_extension(&e, v.clone());
        out.extend_from_slice(&one.encode_to_vec());
    }
    out
}

fn decode_error(msg: &DynamicMessage, err: String, enc: Encoding) -> Diff {
    let mut reader_sees = format!("refuses the message: {err}");
    if enc == Encoding::Binary && err.contains("wire type") {
        reader_sees.push_str(
            " (prost-reflect refuses a wire type it does not expect; protobuf-go, C++ and Java \
             keep the field as unknown and read the default)",
        );
    }
    Diff {
        path: String::new(),
        writer_sees: show_message(msg),
        reader_sees,
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn required(s: &Schema, m: &MessageDescriptor, f: &FieldDescriptor) -> bool {
    s.message(m.full_name())
        .and_then(|mm| mm.field(f.number() as i32))
        .is_some_and(|mf| mf.presence == Presence::Required)
}

fn explicit_default(s: &Schema, m: &MessageDescriptor, f: &Slot) -> bool {
    match f {
        Slot::Field(f) => s
            .message(m.full_name())
            .and_then(|mm| mm.field(f.number() as i32))
            .is_some_and(|mf| mf.default.is_some()),
        Slot::Ext(e) => s
            .extension(m.full_name(), e.number() as i32)
            .is_some_and(|mf| mf.default.is_some()),
    }
}

/// The reader's slot that takes the writer's slot `wf`.
fn counterpart(rd: &MessageDescriptor, wf: &Slot, enc: Encoding) -> Option<Slot> {
    match (wf, enc) {
        (Slot::Field(wf), Encoding::Binary) => rd.get_field(wf.number()).map(Slot::Field),
        (Slot::Field(wf), Encoding::Json | Encoding::JsonProtoNames) => rd
            .get_field_by_json_name(wf.json_name())
            .or_else(|| rd.get_field_by_name(wf.json_name()))
            .or_else(|| rd.get_field_by_name(wf.name()))
            .map(Slot::Field),
        (Slot::Ext(we), Encoding::Binary) => rd.get_extension(we.number()).map(Slot::Ext),
        (Slot::Ext(we), Encoding::Json | Encoding::JsonProtoNames) => {
            rd.get_extension_by_json_name(we.json_name()).map(Slot::Ext)
        }
    }
}

/// The reader's slot of the same number (binary) or name (JSON), for a
/// datum that moved.
fn moved_to(rd: &MessageDescriptor, wf: &Slot, enc: Encoding) -> Option<Slot> {
    match (wf, enc) {
        (Slot::Field(wf), Encoding::Binary) => rd.get_field_by_name(wf.name()).map(Slot::Field),
        (Slot::Field(wf), Encoding::Json | Encoding::JsonProtoNames) => {
            rd.get_field(wf.number()).map(Slot::Field)
        }
        (Slot::Ext(_), Encoding::Binary) => None,
        (Slot::Ext(we), Encoding::Json | Encoding::JsonProtoNames) => {
            rd.get_extension(we.number()).map(Slot::Ext)
        }
    }
}

/// At most this many differences are gathered per message.
const MAX_DIFFS: usize = 16;

/// Compares the writer's message with what the reader decoded: every place
/// the meaning changed (up to [`MAX_DIFFS`]).
pub fn compare(w: &DynamicMessage, r: &DynamicMessage, s: Sides, enc: Encoding) -> Vec<Diff> {
    let mut out = Vec::new();
    compare_into(w, r, s, enc, "", &mut out);
    out
}

fn compare_into(
    w: &DynamicMessage,
    r: &DynamicMessage,
    s: Sides,
    enc: Encoding,
    path: &str,
    out: &mut Vec<Diff>,
) {
    let wd = w.descriptor();
    let rd = r.descriptor();
    let slots: Vec<Slot> = wd
        .fields()
        .map(Slot::Field)
        .chain(w.extensions().map(|(e, _)| Slot::Ext(e)))
        .collect();
    for wf in slots {
        let here = join(path, wf.name());
        let rf = counterpart(&rd, &wf, enc);
        if !wf.has(w) {
            // Unset: each side reads its own default.
            if let Some(rf) = rf {
                if wf.is_list() || wf.is_map() || rf.is_list() || rf.is_map() || rf.has(r) {
                    continue;
                }
                if matches!(wf.kind(), Kind::Message(_)) || matches!(rf.kind(), Kind::Message(_)) {
                    continue;
                }
                let (wdv, rdv) = (wf.default_value(), rf.default_value());
                let explicit =
                    explicit_default(s.writer, &wd, &wf) || explicit_default(s.reader, &rd, &rf);
                let same_family = family(&wf.kind()) == family(&rf.kind());
                if (explicit || same_family)
                    && let Err((a, b)) = same_value(&wdv, &wf.kind(), &rdv, &rf.kind(), s, enc)
                {
                    out.push(Diff {
                        path: here,
                        writer_sees: format!("unset, which it reads as its default {a}"),
                        reader_sees: format!("unset, which it reads as its default {b}"),
                    });
                    continue;
                }
            }
            continue;
        }
        let wv = wf.get(w);
        let Some(rf) = rf else {
            // The reader has no slot for it: ignored, unless the datum
            // moved (binary: same name under another number; JSON: the
            // number under another name).
            let moved = moved_to(&rd, &wf, enc).map(|o| match enc {
                Encoding::Binary => format!(
                    "`{}` is number {} there, and is left unset",
                    o.name(),
                    o.number()
                ),
                Encoding::Json | Encoding::JsonProtoNames => format!(
                    "number {} is `{}` (JSON `{}`) there: the key `{}` is ignored and `{}` is left unset",
                    o.number(),
                    o.name(),
                    o.json_name(),
                    wf.json_name(),
                    o.name()
                ),
            });
            if let Some(m) = moved {
                out.push(Diff {
                    path: here,
                    writer_sees: format!("{} ({}) = {}", wf.name(), wf.number(), show(&wv)),
                    reader_sees: m,
                });
                continue;
            }
            continue;
        };
        if enc == Encoding::Binary
            && rf.name() != wf.name()
            && let Some(o) = moved_to(&rd, &wf, enc)
            && o.number() != wf.number()
        {
            out.push(Diff {
                path: here,
                writer_sees: format!("{} ({}) = {}", wf.name(), wf.number(), show(&wv)),
                reader_sees: format!(
                    "number {} is `{}` there (its `{}` is number {}): the value lands in `{}`",
                    wf.number(),
                    rf.name(),
                    wf.name(),
                    o.number(),
                    rf.name()
                ),
            });
            continue;
        }
        field_values(&wv, &wf, r, &rf, s, enc, &here, out);
        if out.len() >= MAX_DIFFS {
            return;
        }
    }
    for rf in rd.fields() {
        if required(s.reader, &rd, &rf) && !r.has_field(&rf) {
            out.push(Diff {
                path: join(path, rf.name()),
                writer_sees: "does not set it".into(),
                reader_sees: format!(
                    "requires `{}` ({}): the message is refused as uninitialized",
                    rf.name(),
                    rf.number()
                ),
            });
            continue;
        }
    }
}

/// Kinds whose zero values mean the same thing.
fn family(k: &Kind) -> u8 {
    match k {
        Kind::Double | Kind::Float => 1,
        Kind::String | Kind::Bytes => 2,
        Kind::Enum(_) => 3,
        Kind::Message(_) => 4,
        _ => 0,
    }
}

/// The elements of a field's value: one for a singular field, each element
/// of a list, each entry of a map (as an entry message, sorted by key).
fn elements<'a>(v: &'a Value, f: &Slot) -> Vec<Cow<'a, Value>> {
    match v {
        Value::List(l) => l.iter().map(Cow::Borrowed).collect(),
        Value::Map(m) => {
            let Kind::Message(entry) = f.kind() else {
                return Vec::new();
            };
            let mut keys: Vec<&MapKey> = m.keys().collect();
            keys.sort_by_key(|k| key_text(k));
            keys.into_iter()
                .map(|k| {
                    let mut e = DynamicMessage::new(entry.clone());
                    e.set_field(&entry.map_entry_key_field(), k.clone().into());
                    e.set_field(&entry.map_entry_value_field(), m[k].clone());
                    Cow::Owned(Value::Message(e))
                })
                .collect()
        }
        v => vec![Cow::Borrowed(v)],
    }
}

fn key_text(k: &MapKey) -> String {
    match k {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(i) => format!("{i:+021}"),
        MapKey::I64(i) => format!("{i:+021}"),
        MapKey::U32(i) => format!("{i:021}"),
        MapKey::U64(i) => format!("{i:021}"),
        MapKey::String(s) => s.clone(),
    }
}

fn sort_entries(v: &mut [Cow<'_, Value>]) {
    v.sort_by_key(|e| match e.as_ref() {
        Value::Message(m) => m
            .get_field_by_number(1)
            .map(|k| show(&k))
            .unwrap_or_default(),
        other => show(other),
    });
}

#[allow(clippy::too_many_arguments)]
fn field_values(
    wv: &Value,
    wf: &Slot,
    r: &DynamicMessage,
    rf: &Slot,
    s: Sides,
    enc: Encoding,
    here: &str,
    out: &mut Vec<Diff>,
) {
    let rset = rf.has(r);
    let rv = rf.get(r);
    let mut we = elements(wv, wf);
    let reader_many = rf.is_list() || rf.is_map();
    let mut re = if reader_many || rset || !rf.supports_presence() {
        elements(&rv, rf)
    } else {
        Vec::new()
    };
    if wf.is_map() || rf.is_map() {
        sort_entries(&mut we);
        sort_entries(&mut re);
    }
    let label = |f: &Slot| format!("{} ({})", f.name(), f.number());
    if !reader_many && we.len() > 1 {
        out.push(Diff {
            path: here.to_string(),
            writer_sees: format!("{} = {}", label(wf), show(wv)),
            reader_sees: format!(
                "{} = {}: a singular field keeps one of the {} values",
                label(rf),
                if re.is_empty() {
                    "unset".into()
                } else {
                    show(&rv)
                },
                we.len()
            ),
        });
        return;
    }
    if we.len() != re.len() {
        out.push(Diff {
            path: here.to_string(),
            writer_sees: format!("{} = {}", label(wf), show(wv)),
            reader_sees: format!(
                "{} = {}",
                label(rf),
                if re.is_empty() {
                    "unset".into()
                } else {
                    show(&rv)
                }
            ),
        });
        return;
    }
    for (i, (a, b)) in we.iter().zip(&re).enumerate() {
        let at = if we.len() > 1 || wf.is_list() || wf.is_map() {
            format!("{here}[{i}]")
        } else {
            here.to_string()
        };
        if let (Value::Message(am), Value::Message(bm)) = (a.as_ref(), b.as_ref()) {
            compare_into(am, bm, s, enc, &at, out);
            continue;
        }
        if let Err((x, y)) = same_value(a, &elem_kind(wf), b, &elem_kind(rf), s, enc) {
            out.push(Diff {
                path: at,
                writer_sees: format!("{} = {x}", label(wf)),
                reader_sees: format!("{} = {y}", label(rf)),
            });
            return;
        }
    }
}

fn elem_kind(f: &Slot) -> Kind {
    f.kind()
}

/// Numbers as exact integers where they are integers.
fn int_of(v: &Value) -> Option<i128> {
    Some(match v {
        Value::Bool(b) => *b as i128,
        Value::I32(i) => *i as i128,
        Value::I64(i) => *i as i128,
        Value::U32(i) => *i as i128,
        Value::U64(i) => *i as i128,
        Value::EnumNumber(i) => *i as i128,
        _ => return None,
    })
}

fn float_of(v: &Value) -> Option<f64> {
    match v {
        Value::F32(f) => Some(*f as f64),
        Value::F64(f) => Some(*f),
        _ => int_of(v).map(|i| i as f64),
    }
}

fn bytes_of(v: &Value) -> Option<&[u8]> {
    match v {
        Value::String(s) => Some(s.as_bytes()),
        Value::Bytes(b) => Some(b.as_ref()),
        _ => None,
    }
}

/// Two single values (not messages on both sides): `Err` with both shown
/// when they differ in meaning.
fn same_value(
    a: &Value,
    ak: &Kind,
    b: &Value,
    bk: &Kind,
    s: Sides,
    enc: Encoding,
) -> Result<(), (String, String)> {
    let differ = || Err((show_kind(a, ak), show_kind(b, bk)));
    match (a, b) {
        (Value::EnumNumber(n), Value::EnumNumber(m)) => {
            let (Kind::Enum(we), Kind::Enum(re)) = (ak, bk) else {
                return differ();
            };
            let wname = we.get_value(*n).map(|v| v.name().to_string());
            let rname = re.get_value(*m).map(|v| v.name().to_string());
            match enc {
                Encoding::Json | Encoding::JsonProtoNames => {
                    // By name; a number the writer has no name for travels
                    // as a number.
                    match (&wname, &rname) {
                        (Some(x), Some(y)) if x == y => Ok(()),
                        (None, _) if n == m => closed_check(*m, re, s, a, ak, b, bk),
                        _ => differ(),
                    }
                }
                Encoding::Binary => {
                    if n != m {
                        return differ();
                    }
                    if rname.is_none() {
                        return closed_check(*m, re, s, a, ak, b, bk);
                    }
                    if let (Some(x), Some(y)) = (&wname, &rname)
                        && x != y
                        && re.get_value_by_name(x).is_some()
                    {
                        return differ();
                    }
                    Ok(())
                }
            }
        }
        (Value::Message(m), other) | (other, Value::Message(m)) => {
            // A message against bytes: the same when the bytes are the
            // message's encoding.
            match bytes_of(other) {
                Some(bs) if enc == Encoding::Binary && bs == m.encode_to_vec().as_slice() => Ok(()),
                _ => differ(),
            }
        }
        _ => {
            if let (Some(x), Some(y)) = (bytes_of(a), bytes_of(b)) {
                return if x == y { Ok(()) } else { differ() };
            }
            if let Value::EnumNumber(_) | Value::Bool(_) = b
                && enc != Encoding::Binary
                && std::mem::discriminant(a) != std::mem::discriminant(b)
            {
                return differ();
            }
            if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
                return if x == y { Ok(()) } else { differ() };
            }
            if let (Some(x), Some(y)) = (float_of(a), float_of(b)) {
                return if x == y || (x.is_nan() && y.is_nan()) {
                    Ok(())
                } else {
                    differ()
                };
            }
            differ()
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn closed_check(
    n: i32,
    re: &prost_reflect::EnumDescriptor,
    s: Sides,
    a: &Value,
    ak: &Kind,
    _b: &Value,
    _bk: &Kind,
) -> Result<(), (String, String)> {
    let closed = s
        .reader
        .enum_(re.full_name())
        .map(|e| e.closed)
        .unwrap_or(false);
    if closed {
        Err((
            show_kind(a, ak),
            format!(
                "nothing: its closed enum `{}` has no number {n}, so the value is dropped into \
                 unknown fields (C++, Java, Go)",
                re.full_name()
            ),
        ))
    } else {
        Ok(())
    }
}

/// A value for people: numbers, quoted text, hex bytes, enum names,
/// messages as ProtoJSON.
pub fn show(v: &Value) -> String {
    let s = match v {
        Value::Bool(b) => b.to_string(),
        Value::I32(i) => i.to_string(),
        Value::I64(i) => i.to_string(),
        Value::U32(i) => i.to_string(),
        Value::U64(i) => i.to_string(),
        Value::F32(f) => format!("{f:?}"),
        Value::F64(f) => format!("{f:?}"),
        Value::String(s) => format!("{s:?}"),
        Value::Bytes(b) => match std::str::from_utf8(b) {
            Ok(t) => format!("b{t:?}"),
            Err(_) => format!("bytes {}", crate::witness::hex(b, 16)),
        },
        Value::EnumNumber(n) => n.to_string(),
        Value::Message(m) => show_message(m),
        Value::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(", ")),
        Value::Map(m) => {
            let mut items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        key_text(k).trim_start_matches(['+', '0']),
                        show(v)
                    )
                })
                .collect();
            items.sort();
            format!("{{{}}}", items.join(", "))
        }
    };
    crate::witness::cut(&s, 160)
}

/// Like [`show`], with enum numbers named after their enum.
fn show_kind(v: &Value, k: &Kind) -> String {
    match (v, k) {
        (Value::EnumNumber(n), Kind::Enum(e)) => match e.get_value(*n) {
            Some(ev) => format!("{} ({n})", ev.name()),
            None => format!("{n} (a number `{}` does not name)", e.name()),
        },
        _ => show(v),
    }
}

/// A message as ProtoJSON text.
pub fn show_message(m: &DynamicMessage) -> String {
    // Through a JSON value: sorted keys, the same text on every run.
    match serde_json::to_value(m).and_then(|v| serde_json::to_string(&v)) {
        Ok(s) => crate::witness::cut(&s, 160),
        Err(_) => format!("{m:?}"),
    }
}
