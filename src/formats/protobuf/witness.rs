//! Protobuf witnesses: for each direction a finding breaks, a message of
//! the writer's version, encoded with `prost-reflect` from the writer's
//! descriptors and decoded with the reader's, whose meaning the reader does
//! not keep ([`super::meaning`] says what keeping it means).
//!
//! The payload is aimed at the finding's element: the field it names (set
//! to values chosen to cross the change: out-of-range integers, bytes that
//! are not UTF-8, each enum value, two elements of a repeated field,
//! nested messages ...), an enum value (set in a field of that enum), or a
//! method's request or response. Payloads are tried in binary, then in
//! ProtoJSON under the `wire-json` profile; the first that shows the break
//! is the witness. A finding with no such payload says why.

use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor,
    ReflectMessage, Value,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::meaning::{self, Encoding, Sides, Slot};
use super::model::{Presence, Schema};
use super::pair::{Ctx, Profile};
use crate::finding::{Direction, Finding};
use crate::rule::Encoding as RuleEncoding;
use crate::witness::{Witness, cut, hex};

/// The library that encodes and decodes Protobuf witnesses.
pub const CHECKED_WITH: &str = "prost-reflect 0.16";

/// A payload and its control: the same payload with the finding's slot
/// unset (none: every difference counts).
type Candidate = (DynamicMessage, Option<DynamicMessage>);

/// The writer's message, the reader's, the payloads and the names of the
/// slots a difference must be under (none: any).
type Attempt = (
    MessageDescriptor,
    MessageDescriptor,
    Vec<Candidate>,
    Option<Vec<String>>,
);

/// How deep probes build nested messages.
const DEPTH: usize = 2;
/// At most this many payloads per finding and direction.
const MAX_CANDIDATES: usize = 400;

/// Builds the witnesses of every finding that breaks a direction.
pub fn attach(old: &Schema, new: &Schema, profile: Profile, findings: &mut [Finding]) {
    let (Some(_), Some(_)) = (&old.pool, &new.pool) else {
        return;
    };
    // A witness is a message, built and encoded in time of its size.
    crate::witness::limit(findings, crate::witness::MAX_WITNESSED);
    let shared = Shared {
        ctx: Ctx::new(old, new, profile),
        old_uses: OnceLock::new(),
        new_uses: OnceLock::new(),
    };
    findings
        .par_iter_mut()
        .filter(|f| !f.breaks.is_empty() && f.witness_note.is_none())
        .for_each(|f| {
            let mut missing = Vec::new();
            for &d in &f.breaks.clone() {
                let built = crate::guard::catch(|| build(&shared, f, d))
                    .unwrap_or_else(|p| Err(format!("building the payload failed: {p}")));
                match built {
                    Ok(w) => f.witnesses.push(w),
                    Err(why) => missing.push((d, why)),
                }
            }
            f.witness_note = crate::witness::note(&missing);
        });
}

/// What a payload is aimed at, in the writer's version.
enum Target {
    /// A field (or an extension) of a message.
    Field { msg: MessageDescriptor, field: Slot },
    /// A value of an enum, set in a field that has the enum's type.
    EnumValue {
        enum_name: String,
        number: Option<i32>,
    },
    /// Any field of a message.
    Message(MessageDescriptor),
    /// The request (or response) of a method; the reader's message is the
    /// reader's method's.
    Rpc {
        service: String,
        method: String,
        request: bool,
    },
}

fn no_payload(code: &str) -> Option<&'static str> {
    Some(match code {
        "PB601" | "PB602" => {
            "the break is a method one side lacks (UNIMPLEMENTED), not a payload either side misreads"
        }
        "PB605" | "PB606" => "the break is the call's streaming shape, not a payload",
        "PB607" => "the break is the HTTP method of the call (Connect GET), not a payload",
        "PB701" => {
            "the package changes RPC paths and Any type URLs; the messages' bytes read the same"
        }
        "PB703" => {
            "prost-reflect does not implement the MessageSet wire format, so no payload can be \
             checked"
        }
        "PB108" => {
            "prost-reflect strings are valid UTF-8 by construction: it cannot write the invalid \
             text a non-validating writer may hold"
        }
        _ => return None,
    })
}

/// What the witnesses of one comparison share.
struct Shared<'a> {
    ctx: Ctx<'a>,
    /// Enum uses of each version, indexed on first need.
    old_uses: OnceLock<EnumUses>,
    new_uses: OnceLock<EnumUses>,
}

fn build(w: &Shared, f: &Finding, d: Direction) -> Result<Witness, String> {
    let ctx = &w.ctx;
    if let Some(why) = no_payload(f.rule.code) {
        return Err(why.to_string());
    }
    let (ws, rs) = match d {
        Direction::Backward => (ctx.old, ctx.new),
        Direction::Forward => (ctx.new, ctx.old),
    };
    let (Some(wp), Some(rp)) = (&ws.pool, &rs.pool) else {
        return Err("no descriptors".into());
    };
    let sides = Sides {
        writer: ws,
        reader: rs,
    };
    let target = target(f, d, wp, rp)?;
    // The payloads, whether each sets only what the finding is about (so
    // that a decode error is its doing), and the names of the slots a
    // difference must be under to be this finding's (none: any).
    let enum_of = match &target {
        Target::EnumValue { enum_name, .. } => Some(enum_name.clone()),
        _ => None,
    };
    let attempts: Vec<Attempt> = match &target {
        Target::Field { msg, field } => {
            let rmsg = reader_message(ctx, d, msg.full_name(), rp)?;
            let names = slot_names(field, &rmsg);
            vec![(
                msg.clone(),
                rmsg,
                field_candidates(msg, field, ws),
                Some(names),
            )]
        }
        Target::EnumValue { enum_name, number } => {
            // A field of the enum's type; a message made to carry the enum
            // alone (whose field is the same in both versions) comes later,
            // if the field shows nothing.
            let uses = match d {
                Direction::Backward => w.old_uses.get_or_init(|| enum_uses(wp, ws)),
                Direction::Forward => w.new_uses.get_or_init(|| enum_uses(wp, ws)),
            };
            match enum_field(wp, rp, uses, enum_name, ctx, d).and_then(|(msg, field)| {
                Some((
                    reader_message(ctx, d, msg.full_name(), rp).ok()?,
                    msg,
                    field,
                ))
            }) {
                Some((rmsg, msg, field)) => {
                    vec![enum_attempt(msg, field, rmsg, ws, enum_name, *number)]
                }
                None => {
                    let (msg, field, rmsg) = carrier(wp, rp, enum_name, ctx, d)?;
                    vec![enum_attempt(msg, field, rmsg, ws, enum_name, *number)]
                }
            }
        }
        Target::Message(msg) => {
            let rmsg = reader_message(ctx, d, msg.full_name(), rp)?;
            let cands = message_candidates(msg, ws)
                .into_iter()
                .map(|c| (c, None))
                .collect();
            vec![(msg.clone(), rmsg, cands, None)]
        }
        Target::Rpc {
            service,
            method,
            request,
        } => {
            let find = |p: &DescriptorPool, svc: &str| {
                p.get_service_by_name(svc)
                    .and_then(|s| s.methods().find(|m| m.name() == method))
                    .map(|m| if *request { m.input() } else { m.output() })
            };
            let rsvc = match d {
                Direction::Backward => ctx.renamed(service).into_owned(),
                Direction::Forward => unrename(ctx, service),
            };
            let (Some(wm), Some(rm)) = (find(wp, service), find(rp, &rsvc)) else {
                return Err(format!(
                    "method `{service}.{method}` is not in both versions"
                ));
            };
            let cands = message_candidates(&wm, ws)
                .into_iter()
                .map(|c| (c, None))
                .collect();
            vec![(wm, rm, cands, None)]
        }
    };
    // The encodings the rule guards, as the profile protects them: binary,
    // then ProtoJSON, then ProtoJSON written with proto field names (some
    // writers emit them).
    let mut encodings = Vec::new();
    if f.rule.encodings.contains(&RuleEncoding::Binary) {
        encodings.push(Encoding::Binary);
    }
    if ctx.profile.json() && f.rule.encodings.contains(&RuleEncoding::Json) {
        encodings.push(Encoding::Json);
        encodings.push(Encoding::JsonProtoNames);
    }
    let mut tried: usize = attempts.iter().map(|a| a.2.len()).sum();
    let Some(first) = attempts.first().map(|a| a.0.full_name().to_string()) else {
        return Err("nothing to build a payload from".into());
    };
    if let Some(w) = first_witness(&attempts, &encodings, sides, d, enum_of.as_deref()) {
        return Ok(w);
    }
    // An enum's own field showed nothing (another change to it may hide
    // the enum's): a message made to carry the enum alone.
    if let Target::EnumValue { enum_name, number } = &target
        && first != CARRIER
        && let Ok((msg, field, rmsg)) = carrier(wp, rp, enum_name, ctx, d)
    {
        let more = vec![enum_attempt(msg, field, rmsg, ws, enum_name, *number)];
        tried += more[0].2.len();
        if let Some(w) = first_witness(&more, &encodings, sides, d, enum_of.as_deref()) {
            return Ok(w);
        }
    }
    let encs: Vec<&str> = encodings.iter().map(|e| e.describe()).collect();
    Err(format!(
        "none of {tried} payloads of `{first}` aimed at this change lost its meaning when read \
         back ({}); the finding is kept on the rule's judgement",
        encs.join(", ")
    ))
}

/// The first payload of `attempts` whose reading shows the finding's break.
fn first_witness(
    attempts: &[Attempt],
    encodings: &[Encoding],
    sides: Sides,
    d: Direction,
    enum_of: Option<&str>,
) -> Option<Witness> {
    for enc in encodings {
        for (c, control, rmsg, names) in attempts
            .iter()
            .flat_map(|(_, rmsg, cands, names)| cands.iter().map(move |(c, k)| (c, k, rmsg, names)))
        {
            let rmsg = rmsg.clone();
            let t = meaning::trip(c, &rmsg, sides, *enc);
            if t.diffs.is_empty() {
                continue;
            }
            // A difference is this finding's when it is under the slot the
            // finding is about, or when it goes away with that slot unset
            // (the control payload).
            let control_diffs = control
                .as_ref()
                .map(|k| meaning::trip(k, &rmsg, sides, *enc).diffs);
            let mine = t.diffs.iter().find(|d| {
                let under = !d.path.is_empty()
                    && names
                        .as_ref()
                        .is_none_or(|ns| ns.iter().any(|n| about(&d.path, n)));
                under
                    || names.is_none()
                    || control_diffs
                        .as_ref()
                        .is_some_and(|cd| !cd.iter().any(|k| k.path == d.path))
            });
            if let Some(diff) = mine {
                let at = |s: &str| {
                    if diff.path.contains('.') || diff.path.contains('[') {
                        format!("at `{}`: {s}", diff.path)
                    } else {
                        s.to_string()
                    }
                };
                let (payload, datum): (String, Option<String>) = match enc {
                    Encoding::Binary => (hex(&t.payload, 4096), Some(meaning::show_message(c))),
                    Encoding::Json | Encoding::JsonProtoNames => {
                        (cut(&String::from_utf8_lossy(&t.payload), 8000), None)
                    }
                };
                return Some(Witness {
                    direction: d,
                    encoding: enc.name(),
                    payload: if payload.is_empty() {
                        "(empty: no field set)".into()
                    } else {
                        payload
                    },
                    datum,
                    of: Some(of(c, enum_of)),
                    writer_sees: at(&diff.writer_sees),
                    reader_sees: at(&diff.reader_sees),
                    checked_with: CHECKED_WITH,
                    verified: true,
                });
            }
        }
    }
    None
}

fn enum_attempt(
    msg: MessageDescriptor,
    field: FieldDescriptor,
    rmsg: MessageDescriptor,
    ws: &Schema,
    enum_name: &str,
    number: Option<i32>,
) -> Attempt {
    let names = slot_names(&Slot::Field(field.clone()), &rmsg);
    let cands = enum_candidates(&msg, &field, ws, enum_name, number)
        .into_iter()
        .map(|c| (c, None))
        .collect();
    (msg, rmsg, cands, Some(names))
}

/// The message type a payload is of, in the witness: a carrier says which
/// enum it carries.
fn of(c: &DynamicMessage, enum_name: Option<&str>) -> String {
    let name = c.descriptor().full_name().to_string();
    match enum_name {
        Some(e) if name == CARRIER => {
            format!("{CARRIER} for {e} (a message made to carry the enum alone)")
        }
        _ => name,
    }
}

/// Replays a witness: its payload read with the writer's message type, then
/// written and read by the reader again, must still lose its meaning.
/// `old` and `new` are the two versions; the witness's direction says which
/// writes.
pub fn verify(w: &Witness, old: &Schema, new: &Schema, profile: Profile) -> Result<(), String> {
    let ctx = Ctx::new(old, new, profile);
    let (ws, rs) = match w.direction {
        Direction::Backward => (old, new),
        Direction::Forward => (new, old),
    };
    let (Some(wp), Some(rp)) = (&ws.pool, &rs.pool) else {
        return Err("no descriptors".into());
    };
    let of = w.of.as_deref().unwrap_or_default();
    let (wm, rm) = match of
        .strip_prefix(CARRIER)
        .and_then(|r| r.strip_prefix(" for "))
    {
        Some(rest) => {
            let e = rest.split_whitespace().next().unwrap_or_default();
            let (wm, _, rm) = carrier(wp, rp, e, &ctx, w.direction)?;
            (wm, rm)
        }
        None => {
            let wm = wp
                .get_message_by_name(of)
                .ok_or_else(|| format!("no message `{of}` in the writer's version"))?;
            let rm = reader_message(&ctx, w.direction, of, rp)?;
            (wm, rm)
        }
    };
    let sides = Sides {
        writer: ws,
        reader: rs,
    };
    let (msg, encs): (DynamicMessage, &[Encoding]) = if w.encoding == "binary" {
        let bytes: Vec<u8> = w
            .payload
            .split_whitespace()
            .take_while(|t| t.len() == 2)
            .filter_map(|t| u8::from_str_radix(t, 16).ok())
            .collect();
        let m = DynamicMessage::decode(wm, bytes.as_slice())
            .map_err(|e| format!("the writer cannot read its own payload: {e}"))?;
        (m, &[Encoding::Binary])
    } else {
        let mut de = serde_json::Deserializer::from_str(&w.payload);
        let m = DynamicMessage::deserialize(wm, &mut de)
            .map_err(|e| format!("the writer cannot read its own payload: {e}"))?;
        (m, &[Encoding::Json, Encoding::JsonProtoNames])
    };
    if encs
        .iter()
        .any(|e| !meaning::trip(&msg, &rm, sides, *e).diffs.is_empty())
    {
        Ok(())
    } else {
        Err(format!(
            "the payload keeps its meaning when replayed: {} {}",
            w.encoding, w.payload
        ))
    }
}

/// Whether a difference at `path` is under the slot `name`.
fn about(path: &str, name: &str) -> bool {
    path == name
        || path
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The names a slot goes by on both sides: the writer's, and the reader's
/// slot of the same number, JSON name or name.
fn slot_names(f: &Slot, rmsg: &MessageDescriptor) -> Vec<String> {
    let mut out = vec![f.name().to_string()];
    match f {
        Slot::Field(f) => {
            for r in [
                rmsg.get_field(f.number()),
                rmsg.get_field_by_json_name(f.json_name()),
                rmsg.get_field_by_name(f.name()),
            ]
            .into_iter()
            .flatten()
            {
                out.push(r.name().to_string());
            }
        }
        Slot::Ext(e) => {
            if let Some(r) = rmsg.get_extension(e.number()) {
                out.push(r.full_name().to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The old name a new type had.
fn unrename(ctx: &Ctx, new_name: &str) -> String {
    if ctx.old.message(new_name).is_some() || ctx.old.service(new_name).is_some() {
        return new_name.to_string();
    }
    for m in &ctx.old.messages {
        if ctx.renamed(&m.full_name) == new_name {
            return m.full_name.to_string();
        }
    }
    for s in &ctx.old.services {
        if ctx.renamed(&s.full_name) == new_name {
            return s.full_name.to_string();
        }
    }
    new_name.to_string()
}

fn reader_message(
    ctx: &Ctx,
    d: Direction,
    writer_name: &str,
    rp: &DescriptorPool,
) -> Result<MessageDescriptor, String> {
    let name = match d {
        Direction::Backward => ctx.renamed(writer_name).into_owned(),
        Direction::Forward => unrename(ctx, writer_name),
    };
    rp.get_message_by_name(&name).ok_or_else(|| {
        format!("message `{writer_name}` has no counterpart in the reader's version")
    })
}

fn split(name: &str) -> Option<(&str, &str)> {
    name.rsplit_once('.')
}

/// Resolves what the finding is about in the writer's version.
fn target(
    f: &Finding,
    d: Direction,
    wp: &DescriptorPool,
    rp: &DescriptorPool,
) -> Result<Target, String> {
    let (wloc, rloc) = match d {
        Direction::Backward => (&f.old, &f.new),
        Direction::Forward => (&f.new, &f.old),
    };
    if matches!(f.rule.code, "PB603" | "PB604")
        && let Some(rpc) = f.arg("rpc")
        && let Some((service, method)) = split(rpc)
    {
        // The rpc argument names the method in the new version.
        let service = match (d, wloc) {
            (Direction::Backward, Some(l)) => l
                .element
                .rsplit_once('.')
                .map(|(s, _)| s.to_string())
                .unwrap_or_else(|| service.to_string()),
            _ => service.to_string(),
        };
        return Ok(Target::Rpc {
            service,
            method: method.to_string(),
            request: f.rule.code == "PB603",
        });
    }
    // The writer's element (its own field at the finding's number), then
    // the field argument, then the reader's element.
    let mut names: Vec<&str> = Vec::new();
    if let Some(l) = wloc {
        names.push(&l.element);
    }
    if let Some(field) = f.arg("field") {
        names.push(field);
    }
    for name in names {
        if let Some(t) = resolve(name, wp) {
            return Ok(t);
        }
    }
    // The reader's element, carried over by number.
    if let Some(l) = rloc
        && let Some((parent, last)) = split(&l.element)
        && let Some(rm) = rp.get_message_by_name(parent)
        && let Some(rf) = rm.get_field_by_name(last)
        && let Some(wm) = wp.get_message_by_name(parent)
        && let Some(wf) = wm.get_field(rf.number())
    {
        return Ok(Target::Field {
            msg: wm,
            field: Slot::Field(wf),
        });
    }
    if let Some(l) = rloc
        && let Some(t) = resolve(&l.element, wp)
    {
        return Ok(t);
    }
    Err("the finding names no message, field or enum value of the writer's version".into())
}

fn resolve(name: &str, p: &DescriptorPool) -> Option<Target> {
    if let Some(m) = p.get_message_by_name(name) {
        return Some(Target::Message(m));
    }
    if let Some(e) = p.get_extension_by_name(name) {
        return Some(Target::Field {
            msg: e.containing_message(),
            field: Slot::Ext(e),
        });
    }
    if p.get_enum_by_name(name).is_some() {
        return Some(Target::EnumValue {
            enum_name: name.to_string(),
            number: None,
        });
    }
    let (parent, last) = split(name)?;
    if let Some(m) = p.get_message_by_name(parent)
        && let Some(f) = m.get_field_by_name(last)
    {
        return Some(Target::Field {
            msg: m,
            field: Slot::Field(f),
        });
    }
    if let Some(e) = p.get_enum_by_name(parent)
        && let Some(v) = e.get_value_by_name(last)
    {
        return Some(Target::EnumValue {
            enum_name: parent.to_string(),
            number: Some(v.number()),
        });
    }
    None
}

/// For each enum, fields of a version that have its type (or are maps with
/// its values), the root's first: (message, field number).
type EnumUses = HashMap<String, Vec<(bool, String, u32)>>;

fn enum_uses(p: &DescriptorPool, s: &Schema) -> EnumUses {
    let mut out: EnumUses = HashMap::new();
    for m in p.all_messages() {
        if m.is_map_entry() {
            continue;
        }
        let in_root = s
            .message(m.full_name())
            .is_some_and(|mm| s.file(mm.file).in_root);
        for f in m.fields() {
            let k = match f.kind() {
                Kind::Message(e) if f.is_map() => e.map_entry_value_field().kind(),
                k => k,
            };
            if let Kind::Enum(e) = k {
                let v = out.entry(e.full_name().to_string()).or_default();
                if v.len() < 16 {
                    v.push((in_root, m.full_name().to_string(), f.number()));
                }
            }
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|(r, _, _)| !*r);
    }
    out
}

/// A field of the writer's version whose type is the enum (or a map whose
/// values are), in a message the reader also has: the root's messages
/// first.
fn enum_field(
    wp: &DescriptorPool,
    rp: &DescriptorPool,
    uses: &EnumUses,
    enum_name: &str,
    ctx: &Ctx,
    d: Direction,
) -> Option<(MessageDescriptor, FieldDescriptor)> {
    uses.get(enum_name)?.iter().find_map(|(_, m, n)| {
        reader_message(ctx, d, m, rp).ok()?;
        let md = wp.get_message_by_name(m)?;
        let f = md.get_field(*n)?;
        Some((md, f))
    })
}

/// The name of the message made to carry an enum no message uses.
pub const CARRIER: &str = "wirecompat.witness.Carrier";

/// An enum that no message of the version uses is carried by a message
/// made for it, `wirecompat.witness.Carrier { optional Enum value = 1; }`,
/// added to a copy of each version's pool (the reader's names its own
/// counterpart of the enum).
fn carrier(
    wp: &DescriptorPool,
    rp: &DescriptorPool,
    enum_name: &str,
    ctx: &Ctx,
    d: Direction,
) -> Result<(MessageDescriptor, FieldDescriptor, MessageDescriptor), String> {
    let reader_enum = match d {
        Direction::Backward => ctx.renamed(enum_name).into_owned(),
        Direction::Forward => {
            let mut n = enum_name.to_string();
            for e in &ctx.old.enums {
                if ctx.renamed(&e.full_name) == enum_name {
                    n = e.full_name.to_string();
                }
            }
            n
        }
    };
    let make = |p: &DescriptorPool, e: &str| -> Result<MessageDescriptor, String> {
        let ed = p
            .get_enum_by_name(e)
            .ok_or_else(|| format!("enum `{e}` is not in both versions"))?;
        let file = prost_types::FileDescriptorProto {
            name: Some("wirecompat/witness/carrier.proto".into()),
            package: Some("wirecompat.witness".into()),
            dependency: vec![ed.parent_file().name().to_string()],
            syntax: Some("proto2".into()),
            message_type: vec![prost_types::DescriptorProto {
                name: Some("Carrier".into()),
                field: vec![prost_types::FieldDescriptorProto {
                    name: Some("value".into()),
                    number: Some(1),
                    label: Some(prost_types::field_descriptor_proto::Label::Optional as i32),
                    r#type: Some(prost_types::field_descriptor_proto::Type::Enum as i32),
                    type_name: Some(format!(".{e}")),
                    json_name: Some("value".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        // A small pool: the enum's file, what it imports, and the carrier
        // (a copy of a whole version's pool would be slow to make).
        let mut p = DescriptorPool::new();
        let mut seen = std::collections::HashSet::new();
        add_with_imports(&ed.parent_file(), &mut p, &mut seen)
            .map_err(|err| format!("cannot make a message to carry enum `{e}`: {err}"))?;
        p.add_file_descriptor_proto(file)
            .map_err(|err| format!("cannot make a message to carry enum `{e}`: {err}"))?;
        p.get_message_by_name(CARRIER)
            .ok_or_else(|| "the carrier message is missing".to_string())
    };
    let wm = make(wp, enum_name)?;
    let rm = make(rp, &reader_enum)?;
    let f = wm
        .get_field(1)
        .ok_or_else(|| "the carrier message has no field".to_string())?;
    Ok((wm, f, rm))
}

/// Adds a file and, first, everything it imports.
fn add_with_imports(
    fd: &prost_reflect::FileDescriptor,
    p: &mut DescriptorPool,
    seen: &mut std::collections::HashSet<String>,
) -> Result<(), String> {
    if !seen.insert(fd.name().to_string()) {
        return Ok(());
    }
    for dep in fd.dependencies() {
        add_with_imports(&dep, p, seen)?;
    }
    p.add_file_descriptor_proto(fd.file_descriptor_proto().clone())
        .map_err(|e| e.to_string())
}

fn required(ws: &Schema, m: &MessageDescriptor, f: &FieldDescriptor) -> bool {
    ws.message(m.full_name())
        .and_then(|mm| mm.field(f.number() as i32))
        .is_some_and(|mf| mf.presence == Presence::Required)
}

/// A message with its required fields set (recursively).
fn base(m: &MessageDescriptor, ws: &Schema, depth: usize) -> DynamicMessage {
    let mut msg = DynamicMessage::new(m.clone());
    for f in m.fields() {
        if required(ws, m, &f) {
            let v = match f.kind() {
                Kind::Message(sub) if depth > 0 => Value::Message(base(&sub, ws, depth - 1)),
                Kind::Message(sub) => Value::Message(DynamicMessage::new(sub)),
                k => scalar_probes(&k, ws, 0)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::default_value(&k)),
            };
            msg.set_field(&f, v);
        }
    }
    msg
}

/// Values to try for one element of kind `k`: ones that cross common
/// changes (ranges, signs, UTF-8, enum numbers, nested fields).
fn scalar_probes(k: &Kind, ws: &Schema, depth: usize) -> Vec<Value> {
    match k {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            [1, -1, i32::MAX, i32::MIN].map(Value::I32).to_vec()
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            [1, -1, 3_000_000_000, -3_000_000_000, i64::MAX, i64::MIN]
                .map(Value::I64)
                .to_vec()
        }
        Kind::Uint32 | Kind::Fixed32 => [1, 2_147_483_648, u32::MAX].map(Value::U32).to_vec(),
        Kind::Uint64 | Kind::Fixed64 => [1, 5_000_000_000, u64::MAX].map(Value::U64).to_vec(),
        Kind::Bool => vec![Value::Bool(true)],
        Kind::Float => [1.5f32, -2.25, 3.0e38].map(Value::F32).to_vec(),
        Kind::Double => [1.5f64, -2.25, 1.0e300].map(Value::F64).to_vec(),
        Kind::String => vec![Value::String("a".into()), Value::String("héllo".into())],
        Kind::Bytes => vec![
            Value::Bytes(b"a".to_vec().into()),
            Value::Bytes(vec![0xff, 0xfe].into()),
            Value::Bytes(vec![0x08, 0x96, 0x01].into()),
        ],
        Kind::Enum(e) => {
            let mut nums: Vec<i32> = Vec::new();
            // Non-zero values first: zero is the default and often unsent.
            for v in e.values() {
                if !nums.contains(&v.number()) {
                    nums.push(v.number());
                }
            }
            nums.sort_by_key(|n| (*n == 0, *n));
            let open = ws.enum_(e.full_name()).is_some_and(|m| !m.closed);
            if open && let Some(&max) = nums.iter().max() {
                // An open enum carries numbers it does not name (from a
                // newer writer) through: the next one, and one far off
                // that the other version is unlikely to name either.
                nums.push(max.saturating_add(1));
                nums.push(max.saturating_add(977));
            }
            nums.into_iter().map(Value::EnumNumber).collect()
        }
        Kind::Message(m) => message_probes(m, ws, depth),
    }
}

/// Nested messages to try: every field set, then each field alone with
/// each of its probes, then empty.
fn message_probes(m: &MessageDescriptor, ws: &Schema, depth: usize) -> Vec<Value> {
    let mut out = Vec::new();
    if depth == 0 {
        out.push(Value::Message(base(m, ws, 0)));
        return out;
    }
    out.push(Value::Message(all_set(m, ws, depth - 1)));
    for f in m.fields() {
        for v in field_probes(&Slot::Field(f.clone()), ws, depth - 1)
            .into_iter()
            .take(6)
        {
            let mut msg = base(m, ws, depth - 1);
            msg.set_field(&f, v);
            out.push(Value::Message(msg));
        }
        if out.len() > 48 {
            break;
        }
    }
    out.push(Value::Message(base(m, ws, depth - 1)));
    out
}

fn all_set(m: &MessageDescriptor, ws: &Schema, depth: usize) -> DynamicMessage {
    let mut msg = base(m, ws, depth);
    for f in m.fields() {
        if let Some(v) = field_probes(&Slot::Field(f.clone()), ws, depth)
            .into_iter()
            .next()
        {
            msg.set_field(&f, v);
        }
    }
    msg
}

fn map_key(v: Value) -> Option<MapKey> {
    v.into_map_key()
}

/// Values for a whole field: each probe; for a repeated field one and two
/// elements; for a map one and two entries.
fn field_probes(f: &Slot, ws: &Schema, depth: usize) -> Vec<Value> {
    if f.is_map() {
        let Kind::Message(entry) = f.kind() else {
            return Vec::new();
        };
        let keys: Vec<MapKey> = scalar_probes(&entry.map_entry_key_field().kind(), ws, 0)
            .into_iter()
            .filter_map(map_key)
            .collect();
        let vals = scalar_probes(&entry.map_entry_value_field().kind(), ws, depth);
        let (Some(k0), Some(v0)) = (keys.first(), vals.first()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for v in &vals {
            out.push(Value::Map([(k0.clone(), v.clone())].into_iter().collect()));
        }
        for k in keys.iter().skip(1) {
            out.push(Value::Map(
                [
                    (k0.clone(), v0.clone()),
                    (k.clone(), vals.get(1).unwrap_or(v0).clone()),
                ]
                .into_iter()
                .collect(),
            ));
            out.push(Value::Map([(k.clone(), v0.clone())].into_iter().collect()));
        }
        return out;
    }
    let probes = scalar_probes(&f.kind(), ws, depth);
    if f.is_list() {
        let mut out: Vec<Value> = probes
            .iter()
            .map(|p| Value::List(vec![p.clone()]))
            .collect();
        if let Some(p0) = probes.first() {
            let p1 = probes.get(1).unwrap_or(p0);
            out.insert(0, Value::List(vec![p0.clone(), p1.clone()]));
        }
        return out;
    }
    probes
}

/// Payloads aimed at one slot, each with its control: the same payload
/// with the slot unset.
fn field_candidates(m: &MessageDescriptor, f: &Slot, ws: &Schema) -> Vec<Candidate> {
    let mut out = Vec::new();
    let b = base(m, ws, DEPTH);
    let probes = field_probes(f, ws, DEPTH);
    for v in &probes {
        let mut c = b.clone();
        f.set(&mut c, v.clone());
        out.push((c, Some(b.clone())));
    }
    // Unset (defaults, required fields): differences under the slot only.
    out.push((b.clone(), None));
    // With each other field set too (oneofs, swapped numbers), the slot at
    // a value that is written even without explicit presence.
    let kind = f.kind();
    if let Some(v0) = probes
        .iter()
        .find(|v| !v.is_default(&kind))
        .or(probes.first())
    {
        for g in m.fields().filter(|g| g.number() != f.number()) {
            if let Some(gv) = field_probes(&Slot::Field(g.clone()), ws, 1)
                .into_iter()
                .next()
            {
                let mut k = b.clone();
                k.set_field(&g, gv);
                let mut c = k.clone();
                f.set(&mut c, v0.clone());
                out.push((c, Some(k)));
            }
            if out.len() >= MAX_CANDIDATES {
                break;
            }
        }
    }
    let all = all_set(m, ws, DEPTH);
    let mut k = all.clone();
    if let Slot::Field(fd) = f {
        k.clear_field(fd);
    }
    out.push((all, Some(k)));
    out.truncate(MAX_CANDIDATES);
    out
}

fn enum_candidates(
    m: &MessageDescriptor,
    f: &FieldDescriptor,
    ws: &Schema,
    enum_name: &str,
    number: Option<i32>,
) -> Vec<DynamicMessage> {
    let mut out = Vec::new();
    let b = base(m, ws, DEPTH);
    let mut numbers: Vec<i32> = match number {
        Some(n) => vec![n],
        None => Vec::new(),
    };
    if let Some(e) = m.parent_pool().get_enum_by_name(enum_name) {
        for v in scalar_probes(&Kind::Enum(e), ws, 0) {
            if let Value::EnumNumber(n) = v
                && !numbers.contains(&n)
            {
                numbers.push(n);
            }
        }
    }
    for n in numbers {
        let v = Value::EnumNumber(n);
        let value = if f.is_map() {
            let Kind::Message(entry) = f.kind() else {
                continue;
            };
            let Some(k) = scalar_probes(&entry.map_entry_key_field().kind(), ws, 0)
                .into_iter()
                .next()
                .and_then(map_key)
            else {
                continue;
            };
            Value::Map([(k, v)].into_iter().collect())
        } else if f.is_list() {
            Value::List(vec![v])
        } else {
            v
        };
        let mut c = b.clone();
        c.set_field(f, value);
        out.push(c);
    }
    out
}

fn message_candidates(m: &MessageDescriptor, ws: &Schema) -> Vec<DynamicMessage> {
    let mut out = Vec::new();
    let b = base(m, ws, DEPTH);
    out.push(b.clone());
    for f in m.fields() {
        for v in field_probes(&Slot::Field(f.clone()), ws, DEPTH) {
            let mut c = b.clone();
            c.set_field(&f, v);
            out.push(c);
            if out.len() >= MAX_CANDIDATES {
                return out;
            }
        }
    }
    out.push(all_set(m, ws, DEPTH));
    out
}
