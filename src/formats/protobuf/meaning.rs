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
    pub fn is_group(&self) -> bool {
        match self {
            Slot::Field(f) => f.is_group(),
            Slot::Ext(e) => e.is_group(),
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
            let diff = match decode(reader, &payload) {
                Ok(r) => compare(msg, &r, s, enc),
                Err(e) => {
                    let number = failing_record(reader, &payload);
                    vec![located_error(msg, e, number)]
                }
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
                    Err(e) => {
                        let number = json_error_field(msg, &payload, e.column());
                        vec![located_error(msg, e.to_string(), number)]
                    }
                };
            Trip {
                encoding: enc,
                payload,
                diffs: diff,
            }
        }
    }
}

/// Decodes `bytes` as the reader does: records whose wire type the reader's
/// field does not take are kept as unknown fields (protobuf-go, C++ and
/// Java do so; `prost-reflect` alone would refuse the message), then
/// `prost-reflect` decodes the rest.
pub fn decode(desc: &MessageDescriptor, bytes: &[u8]) -> Result<DynamicMessage, String> {
    let clean = sanitize(desc, bytes, 0)?;
    DynamicMessage::decode(desc.clone(), clean.as_slice()).map_err(|e| e.to_string())
}

fn read_varint(buf: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut v: u64 = 0;
    for shift in (0..70).step_by(7) {
        let b = *buf.get(*at).ok_or("truncated varint")?;
        *at += 1;
        v |= ((b & 0x7f) as u64) << shift.min(63);
        if b < 0x80 {
            return Ok(v);
        }
    }
    Err("varint too long".into())
}

/// The end of the record whose value starts at `at` (after its key).
fn skip(buf: &[u8], at: usize, number: u64, wt: u8, depth: usize) -> Result<usize, String> {
    let mut i = at;
    match wt {
        0 => {
            read_varint(buf, &mut i)?;
        }
        1 => i += 8,
        5 => i += 4,
        2 => {
            let len = read_varint(buf, &mut i)? as usize;
            i = i.checked_add(len).ok_or("length overflows")?;
        }
        3 => {
            if depth > 100 {
                return Err("groups nested too deep".into());
            }
            loop {
                let key = read_varint(buf, &mut i)?;
                let (n, w) = (key >> 3, (key & 7) as u8);
                if w == 4 {
                    if n != number {
                        return Err("mismatched end of group".into());
                    }
                    break;
                }
                i = skip(buf, i, n, w, depth + 1)?;
            }
        }
        _ => return Err(format!("invalid wire type {wt}")),
    }
    if i > buf.len() {
        return Err("truncated record".into());
    }
    Ok(i)
}

fn sanitize(desc: &MessageDescriptor, buf: &[u8], depth: usize) -> Result<Vec<u8>, String> {
    use prost::encoding::{WireType, encode_key, encode_varint};
    if depth > 100 {
        return Err("messages nested too deep".into());
    }
    let mut out = Vec::with_capacity(buf.len());
    let mut i = 0;
    while i < buf.len() {
        let start = i;
        let key = read_varint(buf, &mut i)?;
        let (number, wt) = (key >> 3, (key & 7) as u8);
        let value_at = i;
        let end = skip(buf, i, number, wt, depth)?;
        i = end;
        let kind = u32::try_from(number).ok().and_then(|n| {
            desc.get_field(n)
                .map(|f| (f.kind(), f.is_list() || f.is_map(), f.is_group()))
                .or_else(|| {
                    desc.get_extension(n)
                        .map(|e| (e.kind(), e.is_list() || e.is_map(), e.is_group()))
                })
        });
        let Some((kind, many, group)) = kind else {
            out.extend_from_slice(&buf[start..end]);
            continue;
        };
        let want = if group {
            3
        } else {
            match kind {
                Kind::Int32
                | Kind::Int64
                | Kind::Uint32
                | Kind::Uint64
                | Kind::Sint32
                | Kind::Sint64
                | Kind::Bool
                | Kind::Enum(_) => 0,
                Kind::Fixed64 | Kind::Sfixed64 | Kind::Double => 1,
                Kind::Fixed32 | Kind::Sfixed32 | Kind::Float => 5,
                Kind::String | Kind::Bytes | Kind::Message(_) => 2,
            }
        };
        let packed_ok = many && wt == 2 && matches!(want, 0 | 1 | 5);
        if wt != want && !packed_ok {
            // Another wire type: an unknown field to this reader.
            continue;
        }
        match (&kind, wt) {
            (Kind::Message(m), 2) => {
                let mut j = value_at;
                let len = read_varint(buf, &mut j)? as usize;
                let inner = sanitize(m, &buf[j..j + len], depth + 1)?;
                encode_key(number as u32, WireType::LengthDelimited, &mut out);
                encode_varint(inner.len() as u64, &mut out);
                out.extend_from_slice(&inner);
            }
            (Kind::Message(m), 3) => {
                // The group's body lies between its key and the end key.
                let mut body_end = end;
                // Back over the end-group key.
                let end_key_len = {
                    let mut tmp = Vec::new();
                    encode_key(number as u32, WireType::EndGroup, &mut tmp);
                    tmp.len()
                };
                body_end -= end_key_len;
                let inner = sanitize(m, &buf[value_at..body_end], depth + 1)?;
                encode_key(number as u32, WireType::StartGroup, &mut out);
                out.extend_from_slice(&inner);
                encode_key(number as u32, WireType::EndGroup, &mut out);
            }
            _ => out.extend_from_slice(&buf[start..end]),
        }
    }
    Ok(out)
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

/// The number of the first top-level record the reader cannot decode on
/// its own, for a payload it refuses.
fn failing_record(reader: &MessageDescriptor, payload: &[u8]) -> Option<u32> {
    let mut i = 0;
    while i < payload.len() {
        let start = i;
        let key = read_varint(payload, &mut i).ok()?;
        let (number, wt) = (key >> 3, (key & 7) as u8);
        let end = skip(payload, i, number, wt, 0).ok()?;
        i = end;
        if decode(reader, &payload[start..end]).is_err() {
            return u32::try_from(number).ok();
        }
    }
    None
}

/// The number of the writer's field whose JSON member holds byte column
/// `column` of the (one-line) payload.
fn json_error_field(msg: &DynamicMessage, payload: &[u8], column: usize) -> Option<u32> {
    let text = std::str::from_utf8(payload).ok()?;
    let root = crate::json::parse(text).ok()?;
    let crate::json::Value::Object(members) = &root.value else {
        return None;
    };
    let at = column.saturating_sub(1);
    let m = members
        .iter()
        .find(|m| m.key_start <= at && at <= m.value.end)?;
    let d = msg.descriptor();
    d.get_field_by_json_name(&m.key)
        .or_else(|| d.get_field_by_name(&m.key))
        .map(|f| f.number())
        .or_else(|| {
            m.key
                .strip_prefix('[')
                .and_then(|k| k.strip_suffix(']'))
                .and_then(|k| d.extensions().find(|e| e.full_name() == k))
                .map(|e| e.number())
        })
}

/// A refusal, placed at the writer's field the reader choked on when it is
/// known.
fn located_error(msg: &DynamicMessage, err: String, number: Option<u32>) -> Diff {
    let d = msg.descriptor();
    let slot = number.and_then(|n| {
        d.get_field(n).map(Slot::Field).or_else(|| {
            msg.extensions()
                .find(|(e, _)| e.number() == n)
                .map(|(e, _)| Slot::Ext(e))
        })
    });
    match slot {
        Some(f) if f.has(msg) => Diff {
            path: f.name().to_string(),
            writer_sees: format!("{} ({}) = {}", f.name(), f.number(), show(&f.get(msg))),
            reader_sees: format!("refuses the message: {err}"),
        },
        _ => decode_error(msg, err, Encoding::Binary),
    }
}

fn decode_error(msg: &DynamicMessage, err: String, _enc: Encoding) -> Diff {
    let reader_sees = format!("refuses the message: {err}");
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

/// The value an unset slot reads as: the model's explicit default (editions
/// defaults are not in the pool, which holds the lowered proto2), else the
/// pool's.
fn default_value(s: &Schema, m: &MessageDescriptor, f: &Slot) -> Value {
    use super::model::DefaultValue as D;
    let mf = match f {
        Slot::Field(fd) => s
            .message(m.full_name())
            .and_then(|mm| mm.field(fd.number() as i32)),
        Slot::Ext(e) => s.extension(m.full_name(), e.number() as i32),
    };
    let k = f.kind();
    let v = mf.and_then(|x| x.default.as_ref()).and_then(|d| {
        Some(match (d, &k) {
            (D::Int(i), Kind::Int32 | Kind::Sint32 | Kind::Sfixed32) => Value::I32(*i as i32),
            (D::Int(i), Kind::Int64 | Kind::Sint64 | Kind::Sfixed64) => Value::I64(*i as i64),
            (D::Int(i), Kind::Uint32 | Kind::Fixed32) => Value::U32(*i as u32),
            (D::Int(i), Kind::Uint64 | Kind::Fixed64) => Value::U64(*i as u64),
            (D::Int(i), Kind::Float) => Value::F32(*i as f32),
            (D::Int(i), Kind::Double) => Value::F64(*i as f64),
            (D::Float(x), Kind::Float) => Value::F32(*x as f32),
            (D::Float(x), Kind::Double) => Value::F64(*x),
            (D::Bool(b), Kind::Bool) => Value::Bool(*b),
            (D::Int(i), Kind::Bool) => Value::Bool(*i != 0),
            (D::Bytes(b), Kind::String) => Value::String(String::from_utf8_lossy(b).into_owned()),
            (D::Bytes(b), Kind::Bytes) => Value::Bytes(b.clone().into()),
            (D::Enum(n), Kind::Enum(e)) => Value::EnumNumber(e.get_value_by_name(n)?.number()),
            (D::Int(i), Kind::Enum(_)) => Value::EnumNumber(*i as i32),
            _ => return None,
        })
    });
    v.unwrap_or_else(|| f.default_value())
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
                let (wdv, rdv) = (
                    default_value(s.writer, &wd, &wf),
                    default_value(s.reader, &rd, &rf),
                );
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
        // The other way round: the reader's name for this number is a field
        // the writer has under another number (the writer's field moved and
        // another took its number).
        if enc == Encoding::Binary
            && rf.name() != wf.name()
            && let Slot::Field(rff) = &rf
            && let Some(o) = wd.get_field_by_name(rff.name())
            && o.number() != wf.number()
        {
            out.push(Diff {
                path: here,
                writer_sees: format!("{} ({}) = {}", wf.name(), wf.number(), show(&wv)),
                reader_sees: format!(
                    "number {} is `{}` there, which the writer has as number {}: the value lands \
                     in `{}`",
                    wf.number(),
                    rf.name(),
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
        let (ww, rw) = (
            wire_of(&wf.kind(), wf.is_group()),
            wire_of(&rf.kind(), rf.is_group()),
        );
        let why = if re.is_empty() && ww != rw && !(rf.is_list() && ww == "length-delimited") {
            format!(
                ": the record's wire type ({ww}) is not the one `{}` takes ({rw}), so it is kept \
                 as an unknown field",
                kind_name(&rf.kind())
            )
        } else {
            String::new()
        };
        out.push(Diff {
            path: here.to_string(),
            writer_sees: format!("{} = {}", label(wf), show(wv)),
            reader_sees: format!(
                "{} = {}{why}",
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

fn wire_of(k: &Kind, group: bool) -> &'static str {
    match k {
        _ if group => "group",
        Kind::Fixed64 | Kind::Sfixed64 | Kind::Double => "64-bit",
        Kind::Fixed32 | Kind::Sfixed32 | Kind::Float => "32-bit",
        Kind::String | Kind::Bytes | Kind::Message(_) => "length-delimited",
        _ => "varint",
    }
}

fn kind_name(k: &Kind) -> String {
    match k {
        Kind::Enum(e) => e.full_name().to_string(),
        Kind::Message(m) => m.full_name().to_string(),
        k => format!("{k:?}").to_lowercase(),
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
                    // A rename keeps the meaning; a name either version
                    // has under another number does not.
                    if let (Some(x), Some(y)) = (&wname, &rname)
                        && x != y
                        && (re.get_value_by_name(x).is_some() || we.get_value_by_name(y).is_some())
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
                Some(bs) if enc == Encoding::Binary && bs == encode_sorted(m).as_slice() => Ok(()),
                _ => differ(),
            }
        }
        _ => {
            if let (Some(x), Some(y)) = (bytes_of(a), bytes_of(b)) {
                return if x == y { Ok(()) } else { differ() };
            }
            // An integer read as an enum (binary, or a JSON number, which
            // enum readers take): the number, if the reader's enum keeps it.
            if let (Value::EnumNumber(m), Kind::Enum(re), Some(x)) = (b, bk, int_of(a)) {
                if x != *m as i128 {
                    return differ();
                }
                if re.get_value(*m).is_none() {
                    return closed_check(*m, re, s, a, ak, b, bk);
                }
                return Ok(());
            }
            if let Value::Bool(_) = b
                && enc != Encoding::Binary
                && std::mem::discriminant(a) != std::mem::discriminant(b)
            {
                return differ();
            }
            if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
                return if x == y { Ok(()) } else { differ() };
            }
            // An integer against a float: the same only if the float is that
            // integer exactly.
            if let (Some(i), None) | (None, Some(i)) = (int_of(a), int_of(b))
                && let Some(x) = float_of(a)
                    .filter(|_| int_of(a).is_none())
                    .or(float_of(b).filter(|_| int_of(b).is_none()))
            {
                let exact = x.is_finite()
                    && x.fract() == 0.0
                    && x.abs() < 1.8e19
                    && (x as i128) == i
                    && (i as f64) == x;
                return if exact { Ok(()) } else { differ() };
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
