//! The Protobuf soundness harness: random `.proto` files (proto2, proto3
//! and edition 2023), random evolutions of them, random messages written
//! with `prost-reflect` and read back through [`meaning`], the comparator
//! the witnesses use (its policy is written at its top).

use std::fmt::Write as _;
use std::path::Path;

use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, Value};

use super::{Config, Counterexample, Failure, Rng, Stats};
use crate::finding::Direction;
use crate::formats::protobuf::meaning::{self, Encoding, Sides};
use crate::formats::protobuf::model::Schema;
use crate::formats::protobuf::{self, LoadOptions, Profile};
use crate::{CheckOptions, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Proto2,
    Proto3,
    Edition,
}

const SCALARS: &[&str] = &[
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
];
const KEYS: &[&str] = &[
    "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
    "sfixed64", "bool", "string",
];

#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Scalar(&'static str),
    Enum(usize),
    Message(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    /// proto3 plain, editions default (explicit), proto2 `optional`.
    Plain,
    /// proto3 `optional`; editions IMPLICIT presence when on a scalar.
    Optional,
    Repeated,
    /// proto2 `required`; editions LEGACY_REQUIRED.
    Required,
    /// `map<key, ty>`.
    Map(&'static str),
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    number: i32,
    label: Label,
    ty: Ty,
    oneof: Option<usize>,
    json_name: Option<String>,
    default: Option<String>,
}

#[derive(Debug, Clone)]
struct Message {
    name: String,
    fields: Vec<Field>,
    oneofs: Vec<String>,
    reserved: Vec<i32>,
}

#[derive(Debug, Clone)]
struct Enum {
    name: String,
    values: Vec<(String, i32)>,
    /// Editions only: `features.enum_type = CLOSED`.
    closed: bool,
}

#[derive(Debug, Clone)]
struct File {
    syntax: Syntax,
    enums: Vec<Enum>,
    messages: Vec<Message>,
    /// For fresh names.
    counter: usize,
}

impl File {
    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    fn closed(&self, e: &Enum) -> bool {
        match self.syntax {
            Syntax::Proto2 => true,
            Syntax::Proto3 => false,
            Syntax::Edition => e.closed,
        }
    }

    fn render(&self) -> String {
        let mut s = String::new();
        match self.syntax {
            Syntax::Proto2 => s.push_str("syntax = \"proto2\";\n"),
            Syntax::Proto3 => s.push_str("syntax = \"proto3\";\n"),
            Syntax::Edition => s.push_str("edition = \"2023\";\n"),
        }
        s.push_str("package h.v1;\n\n");
        for e in &self.enums {
            let _ = writeln!(s, "enum {} {{", e.name);
            if self.syntax == Syntax::Edition && e.closed {
                s.push_str("  option features.enum_type = CLOSED;\n");
            }
            for (n, v) in &e.values {
                let _ = writeln!(s, "  {n} = {v};");
            }
            s.push_str("}\n");
        }
        for m in &self.messages {
            let _ = writeln!(s, "message {} {{", m.name);
            for f in m.fields.iter().filter(|f| f.oneof.is_none()) {
                let _ = writeln!(s, "  {}", self.render_field(f));
            }
            for (i, o) in m.oneofs.iter().enumerate() {
                let members: Vec<&Field> = m.fields.iter().filter(|f| f.oneof == Some(i)).collect();
                if members.is_empty() {
                    continue;
                }
                let _ = writeln!(s, "  oneof {o} {{");
                for f in members {
                    let _ = writeln!(s, "    {}", self.render_field(f));
                }
                s.push_str("  }\n");
            }
            if !m.reserved.is_empty() {
                let nums: Vec<String> = m.reserved.iter().map(|n| n.to_string()).collect();
                let _ = writeln!(s, "  reserved {};", nums.join(", "));
            }
            s.push_str("}\n");
        }
        s
    }

    fn type_name(&self, t: &Ty) -> String {
        match t {
            Ty::Scalar(s) => s.to_string(),
            Ty::Enum(i) => self.enums[*i].name.clone(),
            Ty::Message(i) => self.messages[*i].name.clone(),
        }
    }

    fn render_field(&self, f: &Field) -> String {
        let ty = self.type_name(&f.ty);
        let mut opts: Vec<String> = Vec::new();
        let label = match (f.label, self.syntax, f.oneof.is_some()) {
            (Label::Map(k), _, _) => {
                return format!("map<{k}, {ty}> {} = {}{};", f.name, f.number, json_opt(f));
            }
            (_, _, true) => "",
            (Label::Repeated, _, _) => "repeated ",
            (Label::Plain, Syntax::Proto2, _) => "optional ",
            (Label::Plain, _, _) => "",
            (Label::Optional, Syntax::Proto3, _) => "optional ",
            (Label::Optional, Syntax::Proto2, _) => "optional ",
            (Label::Optional, Syntax::Edition, _) => {
                opts.push("features.field_presence = IMPLICIT".into());
                ""
            }
            (Label::Required, Syntax::Proto2, _) => "required ",
            (Label::Required, _, _) => {
                opts.push("features.field_presence = LEGACY_REQUIRED".into());
                ""
            }
        };
        if let Some(d) = &f.default {
            opts.push(format!("default = {d}"));
        }
        if let Some(j) = &f.json_name {
            opts.push(format!("json_name = \"{j}\""));
        }
        let opts = if opts.is_empty() {
            String::new()
        } else {
            format!(" [{}]", opts.join(", "))
        };
        format!("{label}{ty} {} = {}{opts};", f.name, f.number)
    }
}

fn json_opt(f: &Field) -> String {
    match &f.json_name {
        Some(j) => format!(" [json_name = \"{j}\"]"),
        None => String::new(),
    }
}

/// Whether field `f` may carry an explicit default in this syntax.
fn default_allowed(file: &File, f: &Field) -> bool {
    file.syntax != Syntax::Proto3
        && f.oneof.is_none()
        && matches!(f.label, Label::Plain | Label::Required)
        && !matches!(f.ty, Ty::Message(_))
        && !(file.syntax == Syntax::Edition && f.label == Label::Optional)
}

fn random_default(rng: &mut Rng, file: &File, t: &Ty) -> Option<String> {
    Some(match t {
        Ty::Scalar("bool") => rng.pick(&["true", "false"]).to_string(),
        Ty::Scalar("string") | Ty::Scalar("bytes") => format!("\"d{}\"", rng.below(3)),
        Ty::Scalar("float") | Ty::Scalar("double") => rng.pick(&["1.5", "-2", "0.25"]).to_string(),
        Ty::Scalar(s) if s.starts_with('u') || s.starts_with("fixed") => {
            rng.range(0, 9).to_string()
        }
        Ty::Scalar(_) => rng.range(-9, 9).to_string(),
        Ty::Enum(i) => {
            let e = &file.enums[*i];
            if e.values.is_empty() {
                return None;
            }
            rng.pick(&e.values).0.clone()
        }
        Ty::Message(_) => return None,
    })
}

fn random_type(rng: &mut Rng, file: &File, msg_index: usize) -> Ty {
    match rng.below(10) {
        0..=5 => Ty::Scalar(SCALARS[rng.below(SCALARS.len())]),
        6 | 7 if !file.enums.is_empty() => Ty::Enum(rng.below(file.enums.len())),
        _ if msg_index > 0 => Ty::Message(rng.below(msg_index)),
        _ => Ty::Scalar(SCALARS[rng.below(SCALARS.len())]),
    }
}

fn random_label(rng: &mut Rng, syntax: Syntax, ty: &Ty) -> Label {
    match rng.below(12) {
        0..=5 => Label::Plain,
        6 | 7 => Label::Repeated,
        8 if syntax != Syntax::Proto3 && !matches!(ty, Ty::Message(_)) => Label::Required,
        9 => Label::Map(KEYS[rng.below(KEYS.len())]),
        10 if !matches!(ty, Ty::Message(_)) || syntax != Syntax::Edition => Label::Optional,
        _ => Label::Plain,
    }
}

/// The numbers a message uses or reserves.
fn used(m: &Message) -> Vec<i32> {
    m.fields
        .iter()
        .map(|f| f.number)
        .chain(m.reserved.iter().copied())
        .collect()
}

fn free_number(rng: &mut Rng, m: &Message) -> i32 {
    let used = used(m);
    loop {
        let n = rng.range(1, 24) as i32;
        if !used.contains(&n) {
            return n;
        }
    }
}

fn new_field(rng: &mut Rng, file: &mut File, mi: usize) -> Field {
    let ty = random_type(rng, file, mi);
    let label = random_label(rng, file.syntax, &ty);
    let name = file.fresh("f");
    let number = free_number(rng, &file.messages[mi]);
    let mut f = Field {
        name,
        number,
        label,
        ty,
        oneof: None,
        json_name: None,
        default: None,
    };
    // Editions IMPLICIT presence only on scalars and enums that are open.
    if file.syntax == Syntax::Edition && f.label == Label::Optional && !implicit_ok(file, &f.ty) {
        f.label = Label::Plain;
    }
    if default_allowed(file, &f) && rng.percent(20) {
        f.default = random_default(rng, file, &f.ty);
    }
    if rng.percent(8) {
        f.json_name = Some(file.fresh("j"));
    }
    f
}

/// Editions refuse implicit presence on messages and closed enums.
fn implicit_ok(file: &File, t: &Ty) -> bool {
    match t {
        Ty::Scalar(_) => true,
        Ty::Enum(i) => !file.closed(&file.enums[*i]),
        Ty::Message(_) => false,
    }
}

fn random_file(rng: &mut Rng) -> File {
    let syntax = match rng.below(10) {
        0..=3 => Syntax::Proto3,
        4..=7 => Syntax::Proto2,
        _ => Syntax::Edition,
    };
    let mut file = File {
        syntax,
        enums: Vec::new(),
        messages: Vec::new(),
        counter: 0,
    };
    for _ in 0..rng.below(3) {
        let name = file.fresh("E");
        let count = 1 + rng.below(4);
        let mut values = Vec::new();
        for k in 0..count {
            let vname = format!("{name}_{}", file.fresh("V"));
            values.push((
                vname,
                if k == 0 {
                    0
                } else {
                    k as i32 + rng.below(2) as i32
                },
            ));
        }
        values.dedup_by_key(|v| v.1);
        let closed = syntax == Syntax::Edition && rng.percent(50);
        file.enums.push(Enum {
            name,
            values,
            closed,
        });
    }
    for mi in 0..1 + rng.below(3) {
        let name = file.fresh("M");
        file.messages.push(Message {
            name,
            fields: Vec::new(),
            oneofs: Vec::new(),
            reserved: Vec::new(),
        });
        for _ in 0..1 + rng.below(6) {
            let f = new_field(rng, &mut file, mi);
            file.messages[mi].fields.push(f);
        }
        if rng.percent(30) {
            let o = file.fresh("o");
            file.messages[mi].oneofs.push(o);
            let candidates: Vec<usize> = (0..file.messages[mi].fields.len())
                .filter(|&i| oneof_ok(&file.messages[mi].fields[i]))
                .collect();
            for i in candidates {
                if rng.percent(50) {
                    file.messages[mi].fields[i].oneof = Some(0);
                }
            }
        }
    }
    file
}

/// A field that may sit in a oneof: singular, no label of its own.
fn oneof_ok(f: &Field) -> bool {
    matches!(f.label, Label::Plain) && f.default.is_none()
}

/// One random change to `file`; returns its description.
fn mutate(rng: &mut Rng, file: &mut File) -> String {
    let mi = rng.below(file.messages.len());
    let nf = file.messages[mi].fields.len();
    match rng.below(17) {
        0 => {
            let f = new_field(rng, file, mi);
            let d = format!("add {} {}", f.name, f.number);
            file.messages[mi].fields.push(f);
            d
        }
        1 if nf > 0 => {
            let i = rng.below(nf);
            let f = file.messages[mi].fields.remove(i);
            if rng.percent(50) {
                file.messages[mi].reserved.push(f.number);
            }
            format!("remove {}", f.name)
        }
        2 if nf > 0 => {
            let i = rng.below(nf);
            let t = Ty::Scalar(SCALARS[rng.below(SCALARS.len())]);
            let f = &mut file.messages[mi].fields[i];
            f.ty = t;
            f.default = None;
            format!("retype {}", file.messages[mi].fields[i].name)
        }
        3 if nf > 0 => {
            let i = rng.below(nf);
            let n = file.fresh("f");
            file.messages[mi].fields[i].name = n.clone();
            format!("rename to {n}")
        }
        4 if nf > 0 => {
            let i = rng.below(nf);
            let n = free_number(rng, &file.messages[mi]);
            file.messages[mi].fields[i].number = n;
            format!("renumber to {n}")
        }
        5 if nf > 0 => {
            let i = rng.below(nf);
            let f = &mut file.messages[mi].fields[i];
            if f.oneof.is_some() {
                return "nothing".into();
            }
            f.label = match f.label {
                Label::Repeated => Label::Plain,
                _ => Label::Repeated,
            };
            f.default = None;
            "toggle repeated".into()
        }
        6 if nf > 0 => {
            let i = rng.below(nf);
            let syntax = file.syntax;
            let ok_implicit = implicit_ok(file, &file.messages[mi].fields[i].ty.clone());
            let f = &mut file.messages[mi].fields[i];
            if f.oneof.is_some() {
                return "nothing".into();
            }
            f.label = match (f.label, syntax) {
                (Label::Plain, Syntax::Proto3) => Label::Optional,
                (Label::Optional, Syntax::Proto3) => Label::Plain,
                (Label::Plain, _) if !matches!(f.ty, Ty::Message(_)) => Label::Required,
                (Label::Required, _) => Label::Plain,
                (Label::Plain, Syntax::Edition) if ok_implicit => Label::Optional,
                (l, _) => l,
            };
            if f.label == Label::Optional && syntax == Syntax::Edition {
                f.default = None;
            }
            "toggle presence".into()
        }
        7 if nf > 0 => {
            let i = rng.below(nf);
            let m = &mut file.messages[mi];
            if m.fields[i].oneof.is_some() {
                m.fields[i].oneof = None;
                "out of oneof".into()
            } else if oneof_ok(&m.fields[i]) {
                if m.oneofs.is_empty() || rng.percent(30) {
                    m.oneofs.push(format!("o{}", m.oneofs.len() + 100));
                }
                m.fields[i].oneof = Some(rng.below(m.oneofs.len()));
                "into oneof".into()
            } else {
                "nothing".into()
            }
        }
        8 if nf > 0 => {
            let i = rng.below(nf);
            let j = if rng.percent(50) {
                None
            } else {
                Some(file.fresh("j"))
            };
            file.messages[mi].fields[i].json_name = j;
            "json_name".into()
        }
        9 if nf > 0 => {
            let i = rng.below(nf);
            let f = file.messages[mi].fields[i].clone();
            if default_allowed(file, &f) {
                let d = if rng.percent(30) {
                    None
                } else {
                    random_default(rng, file, &f.ty)
                };
                file.messages[mi].fields[i].default = d;
            }
            "default".into()
        }
        10 if !file.enums.is_empty() => {
            let ei = rng.below(file.enums.len());
            let name = file.fresh("V");
            let e = &mut file.enums[ei];
            let max = e.values.iter().map(|v| v.1).max().unwrap_or(0);
            let n = max + 1 + rng.below(2) as i32;
            e.values.push((format!("{}_{name}", e.name), n));
            "enum add".into()
        }
        11 if !file.enums.is_empty() => {
            let ei = rng.below(file.enums.len());
            let e = &mut file.enums[ei];
            if e.values.len() > 1 {
                let i = 1 + rng.below(e.values.len() - 1);
                e.values.remove(i);
            }
            "enum remove".into()
        }
        12 if !file.enums.is_empty() => {
            let ei = rng.below(file.enums.len());
            let name = file.fresh("V");
            let e = &mut file.enums[ei];
            let i = rng.below(e.values.len());
            e.values[i].0 = format!("{}_{name}", e.name);
            "enum rename".into()
        }
        13 if !file.enums.is_empty() => {
            let ei = rng.below(file.enums.len());
            let e = &mut file.enums[ei];
            if e.values.len() > 2 {
                let a = 1 + rng.below(e.values.len() - 1);
                let b = 1 + rng.below(e.values.len() - 1);
                let (na, nb) = (e.values[a].1, e.values[b].1);
                e.values[a].1 = nb;
                e.values[b].1 = na;
            }
            "enum swap numbers".into()
        }
        14 if nf > 1 => {
            let a = rng.below(nf);
            let b = rng.below(nf);
            let m = &mut file.messages[mi];
            let (na, nb) = (m.fields[a].number, m.fields[b].number);
            m.fields[a].number = nb;
            m.fields[b].number = na;
            "swap numbers".into()
        }
        15 if nf > 0 => {
            let i = rng.below(nf);
            let t = random_type(rng, file, mi);
            let f = &mut file.messages[mi].fields[i];
            f.ty = t;
            f.default = None;
            "retype any".into()
        }
        16 if file.syntax == Syntax::Edition && !file.enums.is_empty() => {
            let ei = rng.below(file.enums.len());
            file.enums[ei].closed = !file.enums[ei].closed;
            "closedness".into()
        }
        _ => "nothing".into(),
    }
}

/// Repairs what a mutation may have made invalid (instead of refusing it).
fn repair(file: &mut File) {
    let syntax = file.syntax;
    let implicit: Vec<bool> = (0..file.enums.len())
        .map(|i| implicit_ok(file, &Ty::Enum(i)))
        .collect();
    for m in &mut file.messages {
        for f in &mut m.fields {
            if matches!(f.ty, Ty::Message(_)) && f.label == Label::Required {
                f.label = Label::Plain;
            }
            if let (Ty::Message(_), Label::Optional, Syntax::Edition) = (&f.ty, f.label, syntax) {
                f.label = Label::Plain;
            }
            if let (Ty::Enum(i), Label::Optional, Syntax::Edition) = (&f.ty, f.label, syntax)
                && !implicit[*i]
            {
                f.label = Label::Plain;
            }
            if f.oneof.is_some() && !matches!(f.label, Label::Plain) {
                f.oneof = None;
            }
            if f.oneof.is_some() {
                f.default = None;
            }
            if !matches!(f.label, Label::Plain | Label::Required)
                || matches!(f.ty, Ty::Message(_))
                || (syntax == Syntax::Edition && f.label == Label::Optional)
            {
                f.default = None;
            }
        }
        let nums: Vec<i32> = m.fields.iter().map(|f| f.number).collect();
        m.reserved.retain(|r| !nums.contains(r));
        m.reserved.sort();
        m.reserved.dedup();
    }
    // Defaults must name a value the enum still has.
    let enums = file.enums.clone();
    for m in &mut file.messages {
        for f in &mut m.fields {
            if let (Ty::Enum(i), Some(d)) = (&f.ty, &f.default)
                && !enums[*i].values.iter().any(|v| &v.0 == d)
            {
                f.default = None;
            }
            if let (Ty::Scalar(s), Some(d)) = (&f.ty, &f.default) {
                let ok = match *s {
                    "bool" => d == "true" || d == "false",
                    "string" | "bytes" => d.starts_with('"'),
                    "float" | "double" => !d.starts_with('"') && d != "true" && d != "false",
                    u if u.starts_with('u') || u.starts_with("fixed") => d.parse::<u64>().is_ok(),
                    _ => d.parse::<i64>().is_ok(),
                };
                if !ok {
                    f.default = None;
                }
            }
            if let (Ty::Message(_), Some(_)) = (&f.ty, &f.default) {
                f.default = None;
            }
        }
    }
}

/// A random value for one element of kind `k`.
fn value(rng: &mut Rng, k: &Kind, ws: &Schema, depth: usize) -> Value {
    let big = |rng: &mut Rng| -> i64 {
        match rng.below(6) {
            0 => 0,
            1 => rng.range(-3, 3),
            2 => rng.range(-300, 300),
            3 => rng.range(i32::MIN as i64, i32::MAX as i64),
            4 => *rng.pick(&[i64::MIN, i64::MAX, 1 << 32, -(1 << 31) - 1, 1 << 31]),
            _ => rng.next_u64() as i64,
        }
    };
    match k {
        Kind::Double => Value::F64(*rng.pick(&[0.0, 1.5, -2.25, 1e300, 3.0e38, 7.0])),
        Kind::Float => Value::F32(*rng.pick(&[0.0f32, 1.5, -2.25, 3.0e38, 7.0])),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(big(rng) as i32),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(big(rng)),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(big(rng) as u32),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(big(rng) as u64),
        Kind::Bool => Value::Bool(rng.percent(50)),
        Kind::String => Value::String(rng.pick(&["", "a", "héllo", "0"]).to_string()),
        Kind::Bytes => Value::Bytes(
            rng.pick(&[&b""[..], b"a", b"\xff\xfe", b"\x08\x01", b"\x0a\x00"])
                .to_vec()
                .into(),
        ),
        Kind::Enum(e) => {
            let open = ws.enum_(e.full_name()).is_some_and(|m| !m.closed);
            let values: Vec<i32> = e.values().map(|v| v.number()).collect();
            if open && rng.percent(5) {
                // An open enum passes on numbers it does not name.
                Value::EnumNumber(values.iter().max().copied().unwrap_or(0) + 5)
            } else {
                Value::EnumNumber(*rng.pick(&values))
            }
        }
        Kind::Message(m) => Value::Message(message(rng, m, ws, depth.saturating_sub(1))),
    }
}

/// A random message of `m`: every required field set, others at random.
pub fn message(rng: &mut Rng, m: &MessageDescriptor, ws: &Schema, depth: usize) -> DynamicMessage {
    let mut msg = DynamicMessage::new(m.clone());
    let required = |n: u32| {
        ws.message(m.full_name())
            .and_then(|mm| mm.field(n as i32))
            .is_some_and(|f| f.presence == protobuf::model::Presence::Required)
    };
    for f in m.fields() {
        let must = required(f.number());
        if !must && (depth == 0 && matches!(f.kind(), Kind::Message(_)) || rng.percent(40)) {
            continue;
        }
        let v = if f.is_map() {
            let Kind::Message(entry) = f.kind() else {
                continue;
            };
            let mut map = std::collections::HashMap::new();
            for _ in 0..1 + rng.below(2) {
                let k = value(rng, &entry.map_entry_key_field().kind(), ws, depth);
                let v = value(rng, &entry.map_entry_value_field().kind(), ws, depth);
                if let Some(k) = k.into_map_key() {
                    map.insert(k, v);
                }
            }
            Value::Map(map)
        } else if f.is_list() {
            Value::List(
                (0..1 + rng.below(3))
                    .map(|_| value(rng, &f.kind(), ws, depth))
                    .collect(),
            )
        } else {
            value(rng, &f.kind(), ws, depth)
        };
        msg.set_field(&f, v);
    }
    msg
}

/// One version, written to `dir/h.proto` and loaded.
fn load(dir: &Path, text: &str) -> Result<Schema, String> {
    let path = dir.join("h.proto");
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    protobuf::load::load(&path, &LoadOptions::default()).map_err(|e| e.to_string())
}

fn check(old: &Path, new: &Path) -> Result<Report, String> {
    crate::check(
        &old.join("h.proto"),
        &new.join("h.proto"),
        &CheckOptions::default(),
    )
    .map_err(|e| e.to_string())
}

/// Runs evolutions of random Protobuf schemas until `cfg` says stop.
pub fn run(cfg: &Config) -> Stats {
    let mut stats = Stats::default();
    let Ok(tmp) = tempfile::tempdir() else {
        return stats;
    };
    let (od, nd) = (tmp.path().join("old"), tmp.path().join("new"));
    let _ = std::fs::create_dir_all(&od);
    let _ = std::fs::create_dir_all(&nd);
    let mut i = 0u64;
    while !cfg.done(stats.evolutions) {
        let seed = cfg.seed.wrapping_mul(1_000_003).wrapping_add(i);
        i += 1;
        let mut rng = Rng::new(seed);
        one(&mut rng, seed, cfg, &od, &nd, &mut stats);
    }
    stats
}

/// The evolution a seed makes: old and new `.proto` text, and the changes.
pub fn evolution(seed: u64) -> (String, String, Vec<String>) {
    let mut rng = Rng::new(seed);
    evolve(&mut rng)
}

fn evolve(rng: &mut Rng) -> (String, String, Vec<String>) {
    let old = random_file(rng);
    let mut new = old.clone();
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(3) {
        what.push(mutate(rng, &mut new));
    }
    repair(&mut new);
    (old.render(), new.render(), what)
}

fn one(rng: &mut Rng, seed: u64, cfg: &Config, od: &Path, nd: &Path, stats: &mut Stats) {
    let (ot, nt, what) = evolve(rng);
    let (os, ns) = match (load(od, &ot), load(nd, &nt)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let e = o.err().or(n.err()).unwrap_or_default();
            stats.refuse(seed, e);
            return;
        }
    };
    let report = match check(od, nd) {
        Ok(r) => r,
        Err(e) => {
            stats.refuse(seed, format!("wirecompat refused: {e}"));
            return;
        }
    };
    stats.evolutions += 1;
    for d in [Direction::Backward, Direction::Forward] {
        let (ws, rs) = match d {
            Direction::Backward => (&os, &ns),
            Direction::Forward => (&ns, &os),
        };
        let breaking: Vec<&crate::Finding> =
            report.findings.iter().filter(|f| f.breaks(d)).collect();
        if report.findings.iter().any(|f| f.unknown.contains(&d)) {
            stats.unknown += 1;
            continue;
        }
        stats.verdicts_checked += 1;
        if breaking.is_empty() {
            stats.compatible += 1;
            if let Some(c) = data_check(rng, cfg, ws, rs, d) {
                stats.counterexamples.push(Counterexample {
                    failure: Failure::Unsound,
                    direction: d,
                    seed,
                    old: ot.clone(),
                    new: nt.clone(),
                    detail: format!("{c} (changes: {})", what.join(", ")),
                });
            }
            stats.data_checked += cfg.data_per_direction;
            continue;
        }
        let mut all = true;
        for f in &breaking {
            let ws_for_d: Vec<&crate::witness::Witness> =
                f.witnesses.iter().filter(|w| w.direction == d).collect();
            if ws_for_d.is_empty() {
                all = false;
                let seen = stats
                    .unwitnessed_by_rule
                    .entry(f.rule.code.to_string())
                    .or_default();
                *seen += 1;
                // A few samples of each rule.
                if *seen <= 3 && stats.unwitnessed_samples.len() < 200 {
                    stats.unwitnessed_samples.push(format!(
                        "{} {} (seed {seed}, evolution {}): {}",
                        f.rule.code,
                        d,
                        seed,
                        f.witness_note.clone().unwrap_or_default()
                    ));
                }
            }
            for w in ws_for_d {
                if let Err(e) = protobuf::witness::verify(w, &os, &ns, Profile::WireJson) {
                    stats.counterexamples.push(Counterexample {
                        failure: Failure::WitnessFailed,
                        direction: d,
                        seed,
                        old: ot.clone(),
                        new: nt.clone(),
                        detail: format!("{}: {e}", f.rule.code),
                    });
                }
            }
        }
        if all {
            stats.broken_witnessed += 1;
        } else {
            stats.broken_unwitnessed += 1;
        }
    }
}

/// Random data of the writer, read by the reader; the first datum whose
/// meaning changed, in words.
fn data_check(
    rng: &mut Rng,
    cfg: &Config,
    ws: &Schema,
    rs: &Schema,
    _d: Direction,
) -> Option<String> {
    let (wp, rp) = (ws.pool.as_ref()?, rs.pool.as_ref()?);
    let pairs: Vec<(MessageDescriptor, MessageDescriptor)> = wp
        .all_messages()
        .filter(|m| !m.is_map_entry() && m.package_name() == "h.v1")
        .filter_map(|m| rp.get_message_by_name(m.full_name()).map(|r| (m, r)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let sides = Sides {
        writer: ws,
        reader: rs,
    };
    for _ in 0..cfg.data_per_direction {
        let (wm, rm) = &pairs[rng.below(pairs.len())];
        let msg = message(rng, wm, ws, 2);
        for enc in [Encoding::Binary, Encoding::Json, Encoding::JsonProtoNames] {
            let t = meaning::trip(&msg, rm, sides, enc);
            if let Some(diff) = t.diffs.first() {
                let payload = match enc {
                    Encoding::Binary => crate::witness::hex(&t.payload, 64),
                    _ => String::from_utf8_lossy(&t.payload).into_owned(),
                };
                return Some(format!(
                    "{} {}: {} written as {payload}: the writer wrote {}, the reader read {} (at \
                     `{}`)",
                    enc.describe(),
                    wm.full_name(),
                    meaning::show_message(&msg),
                    diff.writer_sees,
                    diff.reader_sees,
                    diff.path
                ));
            }
        }
    }
    None
}
