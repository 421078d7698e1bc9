//! Whether an Avro datum keeps its meaning from writer to reader, and what
//! the specification says a reader makes of it. Witnesses use both to
//! confirm a break; the soundness harness to check that what wirecompat
//! calls compatible is, and to tell a wirecompat miss from an apache-avro
//! deviation.
//!
//! What "the same meaning" is, in words (the policy wirecompat's rules
//! follow; [`compare`] implements it over apache-avro values, the writer's
//! as written and the reader's as read):
//!
//! * Records: a reader field takes the writer field of its name, else of
//!   one of its aliases; a writer field the reader lacks is ignored (that is
//!   a deletion); a reader field the writer lacks must hold the reader's
//!   default, read as the specification says (a union's default is of the
//!   first branch it fits; bytes and fixed defaults map code points 0-255
//!   to bytes).
//! * Numbers compare by value. A promotion keeps the value as the reader's
//!   type holds it: an int or long read as float or double is the nearest
//!   value of that type, as the specification's promotion makes it. A value
//!   that comes back otherwise (a double read as a float that rounds it, a
//!   long cut to an int) has changed.
//! * string and bytes (and fixed, which apache-avro reads as a string) are
//!   the same when their bytes are, and a fixed must have its reader's size
//!   (apache-avro makes a fixed of any length from a string); enums compare
//!   by symbol name, so a symbol the reader maps to its enum default has
//!   changed.
//! * Unions compare the selected branches' values; when the branches are
//!   named types their names must correspond (equal unqualified names, or a
//!   reader alias naming the writer's type), since in a union the branch is
//!   part of the data.
//! * Logical types are part of the meaning: a decimal is `unscaled ×
//!   10^-scale` and must come back with that value and within the reader's
//!   precision; dates, times and timestamps change meaning with their unit
//!   or when one side has none (`5` is not `1970-01-01T00:00:00.005`); a
//!   uuid reads as the same text as a string holding it.
//! * Arrays compare element by element, maps key by key.
//!
//! What the specification says a reader does ([`spec_read`], Schema
//! Resolution in the Avro specification): schemas must match (names compare
//! unqualified, a reader alias covers the writer's full name; fixed sizes
//! equal; the promotions int → long, float, double; long → float, double;
//! float → double; string ↔ bytes, where bytes that are not UTF-8 have no
//! string to become); records take fields by name or reader
//! alias and fill the reader's defaults; enums use the reader's default
//! symbol for an unknown one; a reader union takes the first branch of the
//! writer's type, else the first the writer's type promotes to (as Java
//! does; the specification's "first that matches" reads the same values);
//! a writer union's branch must match the reader. The specification says
//! two decimals match "if their scales and precisions match"; wirecompat
//! reads that as the same scale (else values read 10^k off) and a reader
//! precision that holds the writer's (a wider one holds every value), as
//! Java reads them. Other logical types resolve by their underlying types
//! and the reader applies its own.

use std::collections::HashMap;

use apache_avro::schema::{InnerDecimalSchema, Name, RecordSchema, UuidSchema};
use apache_avro::types::Value;
use apache_avro::{Decimal, Schema};
use serde_json::Value as Json;

use super::library::deref;
use super::resolve::Step;

/// A place where the meaning changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// The writer's steps to it.
    pub path: Vec<Step>,
    /// The path for people (`order.lines[0].qty`).
    pub at: String,
    pub writer_sees: String,
    pub reader_sees: String,
}

/// A reason the specification's reader refuses a datum, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: Vec<Step>,
    pub at: String,
    pub why: String,
}

/// The named definitions of both sides.
#[derive(Clone, Copy)]
pub struct Sides<'a> {
    pub writer: &'a HashMap<String, Schema>,
    pub reader: &'a HashMap<String, Schema>,
}

struct Walk<'a> {
    sides: Sides<'a>,
    /// Whether a decimal beyond the reader's precision is a change (not
    /// for a reader's default, which is the default whatever it holds).
    precision: bool,
    path: Vec<Step>,
    at: Vec<String>,
    diffs: Vec<Diff>,
    problems: Vec<Problem>,
}

impl<'a> Walk<'a> {
    fn new(sides: Sides<'a>, precision: bool) -> Self {
        Walk {
            sides,
            precision,
            path: Vec::new(),
            at: Vec::new(),
            diffs: Vec::new(),
            problems: Vec::new(),
        }
    }
}

impl Walk<'_> {
    fn at(&self) -> String {
        let mut s = String::new();
        for p in &self.at {
            if !s.is_empty() && !p.starts_with('[') {
                s.push('.');
            }
            s.push_str(p);
        }
        if s.is_empty() { "the value".into() } else { s }
    }

    fn diff(&mut self, writer: String, reader: String) {
        let at = self.at();
        self.diffs.push(Diff {
            path: self.path.clone(),
            at,
            writer_sees: writer,
            reader_sees: reader,
        });
    }

    fn problem(&mut self, why: String) {
        let at = self.at();
        self.problems.push(Problem {
            path: self.path.clone(),
            at,
            why,
        });
    }
}

/// Every place where the value read (`r`, under the reader's schema)
/// does not mean what the value written (`w`, under the writer's) did.
pub fn compare(sides: Sides, ws: &Schema, w: &Value, rs: &Schema, r: &Value) -> Vec<Diff> {
    let mut walk = Walk::new(sides, true);
    walk.cmp(ws, w, rs, r, 0);
    walk.diffs
}

const MAX_DEPTH: usize = 64;

/// A named type's full name, and its aliases as full names.
fn named(s: &Schema) -> Option<(&Name, Vec<String>)> {
    let (name, aliases) = match s {
        Schema::Record(r) => (&r.name, &r.aliases),
        Schema::Enum(e) => (&e.name, &e.aliases),
        Schema::Fixed(f) | Schema::Duration(f) | Schema::Uuid(UuidSchema::Fixed(f)) => {
            (&f.name, &f.aliases)
        }
        Schema::Decimal(d) => match &d.inner {
            InnerDecimalSchema::Fixed(f) => (&f.name, &f.aliases),
            InnerDecimalSchema::Bytes => return None,
        },
        _ => return None,
    };
    let ns = name.namespace();
    let aliases = aliases
        .iter()
        .flatten()
        .map(|a| a.fully_qualified_name(ns).fullname(None))
        .collect();
    Some((name, aliases))
}

/// Whether a reader's named type takes the writer's by name: the same
/// unqualified name, or a reader alias naming the writer's full name.
fn names_match(ws: &Schema, rs: &Schema) -> bool {
    match (named(ws), named(rs)) {
        (Some((wn, _)), Some((rn, raliases))) => {
            wn.name() == rn.name() || raliases.contains(&wn.fullname(None))
        }
        _ => false,
    }
}

/// The type's name for people: `int`, `long (timestamp-millis)`,
/// `record com.acme.Order`.
pub fn type_name(s: &Schema) -> String {
    match s {
        Schema::Null => "null".into(),
        Schema::Boolean => "boolean".into(),
        Schema::Int => "int".into(),
        Schema::Long => "long".into(),
        Schema::Float => "float".into(),
        Schema::Double => "double".into(),
        Schema::Bytes => "bytes".into(),
        Schema::String => "string".into(),
        Schema::Array(_) => "array".into(),
        Schema::Map(_) => "map".into(),
        Schema::Union(_) => "union".into(),
        Schema::Record(r) => format!("record {}", r.name.fullname(None)),
        Schema::Enum(e) => format!("enum {}", e.name.fullname(None)),
        Schema::Fixed(f) => format!("fixed {}", f.name.fullname(None)),
        Schema::Decimal(d) => format!("decimal({},{})", d.precision, d.scale),
        Schema::BigDecimal => "big-decimal".into(),
        Schema::Uuid(_) => "uuid".into(),
        Schema::Date => "int (date)".into(),
        Schema::TimeMillis => "int (time-millis)".into(),
        Schema::TimeMicros => "long (time-micros)".into(),
        Schema::TimestampMillis => "long (timestamp-millis)".into(),
        Schema::TimestampMicros => "long (timestamp-micros)".into(),
        Schema::TimestampNanos => "long (timestamp-nanos)".into(),
        Schema::LocalTimestampMillis => "long (local-timestamp-millis)".into(),
        Schema::LocalTimestampMicros => "long (local-timestamp-micros)".into(),
        Schema::LocalTimestampNanos => "long (local-timestamp-nanos)".into(),
        Schema::Duration(_) => "fixed (duration)".into(),
        Schema::Ref { name } => name.fullname(None),
    }
}

/// The name Avro's JSON encoding gives a union branch.
fn branch_name(s: &Schema) -> String {
    match named(s) {
        Some((n, _)) => n.fullname(None),
        None => match s {
            Schema::Decimal(_) | Schema::BigDecimal => "bytes".into(),
            Schema::Uuid(_) => "string".into(),
            Schema::Date | Schema::TimeMillis => "int".into(),
            Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => "long".into(),
            other => type_name(other),
        },
    }
}

/// The unscaled integer of a decimal's two's-complement bytes, when it
/// fits an i128.
fn unscaled(bytes: &[u8]) -> Option<i128> {
    if bytes.is_empty() {
        return Some(0);
    }
    let neg = bytes[0] & 0x80 != 0;
    // Drop sign-extension bytes beyond 16.
    let mut b = bytes;
    while b.len() > 16 {
        let fill = if neg { 0xff } else { 0 };
        if b[0] != fill {
            return None;
        }
        b = &b[1..];
    }
    let mut v: i128 = if neg { -1 } else { 0 };
    for &x in b {
        v = (v << 8) | x as i128;
    }
    Some(v)
}

fn decimal_bytes(d: &Decimal) -> Vec<u8> {
    <Vec<u8>>::try_from(d).unwrap_or_default()
}

/// `unscaled × 10^-scale` in decimal notation.
pub fn decimal_text(u: i128, scale: usize) -> String {
    let neg = u < 0;
    let digits = u.unsigned_abs().to_string();
    let s = if scale == 0 {
        digits
    } else if digits.len() > scale {
        format!(
            "{}.{}",
            &digits[..digits.len() - scale],
            &digits[digits.len() - scale..]
        )
    } else {
        format!("0.{}{}", "0".repeat(scale - digits.len()), digits)
    };
    if neg { format!("-{s}") } else { s }
}

/// Whether `a × 10^-sa` equals `b × 10^-sb`.
fn decimal_eq(a: i128, sa: usize, b: i128, sb: usize) -> bool {
    let (mut a, mut b) = (a, b);
    let mut k = sa.abs_diff(sb);
    while k > 0 {
        let step = 10i128;
        if sa < sb {
            match a.checked_mul(step) {
                Some(x) => a = x,
                None => return false,
            }
        } else {
            match b.checked_mul(step) {
                Some(x) => b = x,
                None => return false,
            }
        }
        k -= 1;
    }
    a == b
}

/// How many decimal digits an unscaled value has.
fn digits(u: i128) -> usize {
    u.unsigned_abs().to_string().len()
}

/// A short text of a value for people.
pub fn short(s: &Schema, v: &Value, names: &HashMap<String, Schema>) -> String {
    crate::witness::cut(&show(s, v, names), 80)
}

/// A value as JSON text, in the order its schema gives: records as objects,
/// non-null union branches as `{"type": value}` (Avro's JSON encoding),
/// bytes and fixed as strings of code points 0-255, decimals as decimal
/// text in a string.
pub fn show(s: &Schema, v: &Value, names: &HashMap<String, Schema>) -> String {
    let mut out = String::new();
    show_into(s, v, names, &mut out, 0);
    out
}

fn json_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn bytes_str(b: &[u8]) -> String {
    let s: String = b.iter().map(|&c| c as char).collect();
    json_str(&s)
}

fn show_into(s: &Schema, v: &Value, names: &HashMap<String, Schema>, out: &mut String, d: usize) {
    let s = deref(names, s);
    if d > MAX_DEPTH {
        out.push('…');
        return;
    }
    match (s, v) {
        (Schema::Union(u), Value::Union(i, inner)) => match u.variants().get(*i as usize) {
            Some(b) if !matches!(**inner, Value::Null) => {
                out.push_str(&format!("{{{}: ", json_str(&branch_name(deref(names, b)))));
                show_into(b, inner, names, out, d + 1);
                out.push('}');
            }
            Some(b) => show_into(b, inner, names, out, d + 1),
            None => out.push('?'),
        },
        (Schema::Record(r), Value::Record(fields)) => {
            out.push('{');
            for (i, (name, fv)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&json_str(name));
                out.push_str(": ");
                match r.fields.iter().find(|f| &f.name == name) {
                    Some(f) => show_into(&f.schema, fv, names, out, d + 1),
                    None => out.push('?'),
                }
            }
            out.push('}');
        }
        (Schema::Array(a), Value::Array(items)) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                show_into(&a.items, x, names, out, d + 1);
            }
            out.push(']');
        }
        (Schema::Map(m), Value::Map(entries)) => {
            let mut keys: Vec<&String> = entries.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&json_str(k));
                out.push_str(": ");
                show_into(&m.types, &entries[*k], names, out, d + 1);
            }
            out.push('}');
        }
        (Schema::Decimal(ds), Value::Decimal(dec)) => {
            match unscaled(&decimal_bytes(dec)) {
                Some(u) => out.push_str(&json_str(&decimal_text(u, ds.scale))),
                None => out.push_str(&bytes_str(&decimal_bytes(dec))),
            };
        }
        _ => out.push_str(&leaf(v)),
    }
}

/// A value without its schema (leaves).
fn leaf(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Boolean(b) => b.to_string(),
        Value::Int(n) | Value::Date(n) | Value::TimeMillis(n) => n.to_string(),
        Value::Long(n)
        | Value::TimeMicros(n)
        | Value::TimestampMillis(n)
        | Value::TimestampMicros(n)
        | Value::TimestampNanos(n)
        | Value::LocalTimestampMillis(n)
        | Value::LocalTimestampMicros(n)
        | Value::LocalTimestampNanos(n) => n.to_string(),
        Value::Float(x) => float_text(*x as f64, true),
        Value::Double(x) => float_text(*x, false),
        Value::String(s) => json_str(s),
        Value::Bytes(b) | Value::Fixed(_, b) => bytes_str(b),
        Value::Enum(_, s) => json_str(s),
        Value::Uuid(u) => json_str(&u.to_string()),
        Value::Decimal(d) => match unscaled(&decimal_bytes(d)) {
            Some(u) => format!("\"{u} (unscaled)\""),
            None => bytes_str(&decimal_bytes(d)),
        },
        Value::Duration(du) => {
            let b: [u8; 12] = (*du).into();
            bytes_str(&b)
        }
        Value::Union(_, inner) => leaf(inner),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(leaf).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            format!(
                "{{{}}}",
                keys.iter()
                    .map(|k| format!("{}: {}", json_str(k), leaf(&m[*k])))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        Value::Record(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| format!("{}: {}", json_str(k), leaf(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::BigDecimal(b) => json_str(&b.to_string()),
    }
}

fn float_text(x: f64, single: bool) -> String {
    if x.is_nan() {
        "\"NaN\"".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        }
        .into()
    } else if single {
        // The shortest text that reads back as the same f32.
        format!("{}", x as f32)
    } else {
        format!("{x}")
    }
}

/// A number as the comparator sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(i64),
    Long(i64),
    Float(f32),
    Double(f64),
}

fn num(v: &Value) -> Option<Num> {
    Some(match v {
        Value::Int(n) => Num::Int(*n as i64),
        Value::Long(n) => Num::Long(*n),
        Value::Float(x) => Num::Float(*x),
        Value::Double(x) => Num::Double(*x),
        _ => return None,
    })
}

fn same_float(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// Whether a number read keeps the value written (promotions round as the
/// reader's type does).
fn num_kept(w: Num, r: Num) -> bool {
    use Num::*;
    match (w, r) {
        (Int(a) | Long(a), Int(b) | Long(b)) => a == b,
        (Int(a) | Long(a), Float(b)) => (a as f32).to_bits() == b.to_bits(),
        (Int(a) | Long(a), Double(b)) => (a as f64).to_bits() == b.to_bits(),
        (Float(a), Float(b)) => same_float(a as f64, b as f64),
        (Float(a), Double(b)) => same_float(a as f64, b),
        (Double(a), Double(b)) => same_float(a, b),
        (Double(a), Float(b)) => same_float(a, b as f64),
        _ => false,
    }
}

/// A logical number: what it counts (days, a time of day, an instant, a
/// local date-time) and its value in that family's finest unit
/// (nanoseconds), so that the same instant in millis and in micros is the
/// same value and `5` millis is not `5` micros.
fn logical_num(v: &Value) -> Option<(&'static str, i128)> {
    let (family, n, unit): (&str, i64, i128) = match v {
        Value::Date(n) => ("date", *n as i64, 1),
        Value::TimeMillis(n) => ("time of day", *n as i64, 1_000_000),
        Value::TimeMicros(n) => ("time of day", *n, 1_000),
        Value::TimestampMillis(n) => ("instant", *n, 1_000_000),
        Value::TimestampMicros(n) => ("instant", *n, 1_000),
        Value::TimestampNanos(n) => ("instant", *n, 1),
        Value::LocalTimestampMillis(n) => ("local date-time", *n, 1_000_000),
        Value::LocalTimestampMicros(n) => ("local date-time", *n, 1_000),
        Value::LocalTimestampNanos(n) => ("local date-time", *n, 1),
        _ => return None,
    };
    Some((family, n as i128 * unit))
}

/// A logical type's name, from its value.
fn logical_name(v: &Value) -> &'static str {
    match v {
        Value::Date(_) => "date",
        Value::TimeMillis(_) => "time-millis",
        Value::TimeMicros(_) => "time-micros",
        Value::TimestampMillis(_) => "timestamp-millis",
        Value::TimestampMicros(_) => "timestamp-micros",
        Value::TimestampNanos(_) => "timestamp-nanos",
        Value::LocalTimestampMillis(_) => "local-timestamp-millis",
        Value::LocalTimestampMicros(_) => "local-timestamp-micros",
        Value::LocalTimestampNanos(_) => "local-timestamp-nanos",
        _ => "none",
    }
}

fn bytes_of(v: &Value) -> Option<&[u8]> {
    match v {
        Value::String(s) => Some(s.as_bytes()),
        Value::Bytes(b) | Value::Fixed(_, b) => Some(b),
        _ => None,
    }
}

/// What a value is, in words, for a kind mismatch.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Boolean(_) => "a boolean",
        Value::Int(_) => "an int",
        Value::Long(_) => "a long",
        Value::Float(_) => "a float",
        Value::Double(_) => "a double",
        Value::Bytes(_) => "bytes",
        Value::String(_) => "a string",
        Value::Fixed(..) => "a fixed",
        Value::Enum(..) => "an enum symbol",
        Value::Union(..) => "a union",
        Value::Array(_) => "an array",
        Value::Map(_) => "a map",
        Value::Record(_) => "a record",
        Value::Date(_) => "a date",
        Value::Decimal(_) | Value::BigDecimal(_) => "a decimal",
        Value::TimeMillis(_) | Value::TimeMicros(_) => "a time",
        Value::TimestampMillis(_)
        | Value::TimestampMicros(_)
        | Value::TimestampNanos(_)
        | Value::LocalTimestampMillis(_)
        | Value::LocalTimestampMicros(_)
        | Value::LocalTimestampNanos(_) => "a timestamp",
        Value::Duration(_) => "a duration",
        Value::Uuid(_) => "a uuid",
    }
}

impl Walk<'_> {
    fn show_w(&self, s: &Schema, v: &Value) -> String {
        short(s, v, self.sides.writer)
    }

    fn show_r(&self, s: &Schema, v: &Value) -> String {
        short(s, v, self.sides.reader)
    }

    fn cmp(&mut self, ws: &Schema, w: &Value, rs: &Schema, r: &Value, d: usize) {
        if d > MAX_DEPTH {
            return;
        }
        let ws = deref(self.sides.writer, ws);
        let rs = deref(self.sides.reader, rs);
        // Unions: the selected branches.
        let (ws, w, wunion) = match (ws, w) {
            (Schema::Union(u), Value::Union(i, inner)) => match u.variants().get(*i as usize) {
                Some(b) => {
                    self.path.push(Step::Branch(*i as usize));
                    let b = deref(self.sides.writer, b);
                    let out = (b, &**inner, true);
                    self.cmp_branch(out, rs, r, d);
                    self.path.pop();
                    return;
                }
                None => (ws, w, true),
            },
            _ => (ws, w, false),
        };
        self.cmp_branch((ws, w, wunion), rs, r, d);
    }

    fn cmp_branch(&mut self, w: (&Schema, &Value, bool), rs: &Schema, r: &Value, d: usize) {
        let (ws, w, wunion) = w;
        let (rs, r, runion) = match (rs, r) {
            (Schema::Union(u), Value::Union(j, inner)) => match u.variants().get(*j as usize) {
                Some(b) => (deref(self.sides.reader, b), &**inner, true),
                None => (rs, r, true),
            },
            _ => (rs, r, false),
        };
        if (wunion || runion)
            && (named(ws).is_some() || named(rs).is_some())
            && !names_match(ws, rs)
        {
            self.diff(
                format!("{} ({})", self.show_w(ws, w), type_name(ws)),
                format!("{} ({})", self.show_r(rs, r), type_name(rs)),
            );
            return;
        }
        self.cmp_value(ws, w, rs, r, d);
    }

    fn cmp_value(&mut self, ws: &Schema, w: &Value, rs: &Schema, r: &Value, d: usize) {
        let changed = |me: &mut Self, why: Option<&str>| {
            let rw = me.show_r(rs, r);
            let rtext = match why {
                Some(why) => format!("{rw} ({why})"),
                None => rw,
            };
            let wtext = me.show_w(ws, w);
            me.diff(wtext, rtext);
        };
        match (w, r) {
            (Value::Record(wf), Value::Record(rf)) => {
                let (Schema::Record(wrs), Schema::Record(rrs)) = (ws, rs) else {
                    return changed(self, None);
                };
                self.cmp_record(wrs, wf, rrs, rf, d);
            }
            (Value::Array(a), Value::Array(b)) => {
                let (Schema::Array(wa), Schema::Array(ra)) = (ws, rs) else {
                    return changed(self, None);
                };
                if a.len() != b.len() {
                    return changed(self, Some("another number of items"));
                }
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.path.push(Step::Items);
                    self.at.push(format!("[{i}]"));
                    self.cmp(&wa.items, x, &ra.items, y, d + 1);
                    self.at.pop();
                    self.path.pop();
                }
            }
            (Value::Map(a), Value::Map(b)) => {
                let (Schema::Map(wm), Schema::Map(rm)) = (ws, rs) else {
                    return changed(self, None);
                };
                let mut keys: Vec<&String> = a.keys().collect();
                keys.sort();
                if a.len() != b.len() || keys.iter().any(|k| !b.contains_key(*k)) {
                    return changed(self, Some("other keys"));
                }
                for k in keys {
                    self.path.push(Step::Values);
                    self.at.push(format!("[{}]", json_str(k)));
                    self.cmp(&wm.types, &a[k], &rm.types, &b[k], d + 1);
                    self.at.pop();
                    self.path.pop();
                }
            }
            (Value::Enum(_, a), Value::Enum(_, b)) => {
                if a != b {
                    let is_default =
                        matches!(rs, Schema::Enum(e) if e.default.as_deref() == Some(b));
                    changed(
                        self,
                        is_default.then_some("the reader's enum default for a symbol it lacks"),
                    );
                }
            }
            (Value::Enum(_, a), Value::String(b)) | (Value::String(a), Value::Enum(_, b)) => {
                if a != b {
                    changed(self, None);
                }
            }
            (Value::Decimal(a), Value::Decimal(b)) => {
                let (Schema::Decimal(wd), Schema::Decimal(rd)) = (ws, rs) else {
                    return changed(self, None);
                };
                match (unscaled(&decimal_bytes(a)), unscaled(&decimal_bytes(b))) {
                    (Some(x), Some(y)) => {
                        if !decimal_eq(x, wd.scale, y, rd.scale) {
                            changed(self, Some(&format!("scale {}", rd.scale)));
                        } else if self.precision && digits(y) > rd.precision {
                            let why = format!("beyond the reader's precision {}", rd.precision);
                            changed(self, Some(&why));
                        }
                    }
                    _ => {
                        if decimal_bytes(a) != decimal_bytes(b) || wd.scale != rd.scale {
                            changed(self, None);
                        }
                    }
                }
            }
            (Value::Uuid(a), Value::Uuid(b)) => {
                if a != b {
                    changed(self, None);
                }
            }
            (Value::Uuid(a), Value::String(b)) | (Value::String(b), Value::Uuid(a)) => {
                if a.to_string() != *b {
                    changed(self, None);
                }
            }
            (Value::Duration(a), Value::Duration(b)) => {
                let (x, y): ([u8; 12], [u8; 12]) = ((*a).into(), (*b).into());
                if x != y {
                    changed(self, None);
                }
            }
            (Value::Null, Value::Null) => {}
            (Value::Boolean(a), Value::Boolean(b)) => {
                if a != b {
                    changed(self, None);
                }
            }
            _ => {
                if let (Some(a), Some(b)) = (num(w), num(r)) {
                    if !num_kept(a, b) {
                        changed(self, None);
                    }
                } else if let (Some(a), Some(b)) = (logical_num(w), logical_num(r)) {
                    if a != b {
                        changed(self, Some(logical_name(r)));
                    }
                } else if logical_num(w).is_some() || logical_num(r).is_some() {
                    // A number read with a unit it did not have, or without
                    // the one it had.
                    let why = format!("{} read as {}", logical_name(w), logical_name(r));
                    changed(self, Some(&why));
                } else if let (Some(a), Some(b)) = (bytes_of(w), bytes_of(r)) {
                    if a != b {
                        changed(self, None);
                    } else if let Schema::Fixed(f) = rs
                        && b.len() != f.size
                    {
                        // apache-avro makes a fixed of any length from a string.
                        let why =
                            format!("{} bytes where the reader's fixed has {}", b.len(), f.size);
                        changed(self, Some(&why));
                    }
                } else {
                    let why = format!("{} read as {}", kind(w), kind(r));
                    changed(self, Some(&why));
                }
            }
        }
    }

    fn cmp_record(
        &mut self,
        wrs: &RecordSchema,
        wf: &[(String, Value)],
        rrs: &RecordSchema,
        rf: &[(String, Value)],
        d: usize,
    ) {
        // A record of 100,000 fields is compared in linear time: fields by
        // the schemas' lookup tables, values where their schema puts them
        // (else by a scan).
        for (ri, rfield) in rrs.fields.iter().enumerate() {
            let rv = value_of(rf, Some(ri), &rfield.name);
            let wfield = wrs
                .fields
                .get(field_index(wrs, &rfield.name).unwrap_or(usize::MAX))
                .or_else(|| {
                    rfield
                        .aliases
                        .iter()
                        .filter_map(|a| field_index(wrs, a))
                        .min()
                        .and_then(|i| wrs.fields.get(i))
                });
            match (wfield, rv) {
                (Some(wfd), Some(rv)) => {
                    let Some(wv) = value_of(wf, field_index(wrs, &wfd.name), &wfd.name) else {
                        continue;
                    };
                    self.path.push(Step::Field(wfd.name.clone()));
                    self.at.push(rfield.name.clone());
                    self.cmp(&wfd.schema, wv, &rfield.schema, rv, d + 1);
                    self.at.pop();
                    self.path.pop();
                }
                (Some(wfd), None) => {
                    self.path.push(Step::Field(wfd.name.clone()));
                    self.at.push(rfield.name.clone());
                    self.diff("a value".into(), "nothing: the field is missing".into());
                    self.at.pop();
                    self.path.pop();
                }
                (None, rv) => {
                    // The writer lacks it: the reader's default, read as the
                    // specification says.
                    self.path.push(Step::Field(rfield.name.clone()));
                    self.at.push(rfield.name.clone());
                    let expected = rfield
                        .default
                        .as_ref()
                        .and_then(|j| from_default(self.sides.reader, &rfield.schema, j, 0));
                    match (rv, expected, &rfield.default) {
                        (Some(rv), Some(exp), Some(j)) => {
                            let reader_only = Sides {
                                writer: self.sides.reader,
                                reader: self.sides.reader,
                            };
                            let mut sub = Walk::new(reader_only, false);
                            sub.cmp(&rfield.schema, &exp, &rfield.schema, rv, d + 1);
                            if !sub.diffs.is_empty() {
                                let r = self.show_r(&rfield.schema, rv);
                                self.diff(
                                    format!("nothing (the reader's default is {j})"),
                                    format!("{r}, not the default"),
                                );
                            }
                        }
                        (Some(rv), None, Some(j)) => {
                            let r = self.show_r(&rfield.schema, rv);
                            self.diff(
                                format!("nothing (the reader's default {j} fits no branch)"),
                                r,
                            );
                        }
                        (Some(_), _, None) => {}
                        (None, ..) => {
                            self.diff("nothing".into(), "nothing: the field is missing".into());
                        }
                    }
                    self.at.pop();
                    self.path.pop();
                }
            }
        }
    }
}

/// Whether a JSON default fits a schema (for a union, which branch).
fn default_fits(names: &HashMap<String, Schema>, s: &Schema, j: &Json, d: usize) -> bool {
    from_default(names, s, j, d).is_some()
}

/// The value a JSON default stands for under a schema, as the
/// specification reads it (`None` when it does not fit).
pub fn from_default(
    names: &HashMap<String, Schema>,
    s: &Schema,
    j: &Json,
    d: usize,
) -> Option<Value> {
    if d > MAX_DEPTH {
        return None;
    }
    let s = deref(names, s);
    let code_points = |t: &str| -> Option<Vec<u8>> {
        t.chars()
            .map(|c| u8::try_from(c as u32).ok())
            .collect::<Option<Vec<u8>>>()
    };
    let int = || j.as_i64();
    Some(match s {
        Schema::Null => j.is_null().then_some(Value::Null)?,
        Schema::Boolean => Value::Boolean(j.as_bool()?),
        Schema::Int => Value::Int(i32::try_from(int()?).ok()?),
        Schema::Long => Value::Long(int()?),
        Schema::Float | Schema::Double => {
            let x = match j {
                Json::Number(n) => n.as_f64()?,
                Json::String(t) => match t.as_str() {
                    "NaN" => f64::NAN,
                    "Infinity" => f64::INFINITY,
                    "-Infinity" => f64::NEG_INFINITY,
                    _ => return None,
                },
                _ => return None,
            };
            if matches!(s, Schema::Float) {
                Value::Float(x as f32)
            } else {
                Value::Double(x)
            }
        }
        Schema::Bytes => Value::Bytes(code_points(j.as_str()?)?),
        Schema::String => Value::String(j.as_str()?.to_string()),
        Schema::Fixed(f) => {
            let b = code_points(j.as_str()?)?;
            if b.len() != f.size {
                return None;
            }
            Value::Fixed(f.size, b)
        }
        Schema::Enum(e) => {
            let sym = j.as_str()?;
            let i = e.symbols.iter().position(|x| x == sym)?;
            Value::Enum(i as u32, sym.to_string())
        }
        Schema::Array(a) => Value::Array(
            j.as_array()?
                .iter()
                .map(|x| from_default(names, &a.items, x, d + 1))
                .collect::<Option<Vec<_>>>()?,
        ),
        Schema::Map(m) => Value::Map(
            j.as_object()?
                .iter()
                .map(|(k, x)| Some((k.clone(), from_default(names, &m.types, x, d + 1)?)))
                .collect::<Option<HashMap<_, _>>>()?,
        ),
        Schema::Record(r) => {
            let o = j.as_object()?;
            let mut fields = Vec::new();
            for f in &r.fields {
                let fj = match o.get(&f.name) {
                    Some(x) => x.clone(),
                    None => f.default.clone()?,
                };
                fields.push((f.name.clone(), from_default(names, &f.schema, &fj, d + 1)?));
            }
            Value::Record(fields)
        }
        Schema::Union(u) => {
            // The first branch the default fits.
            let (i, b) = u
                .variants()
                .iter()
                .enumerate()
                .find(|(_, b)| default_fits(names, b, j, d + 1))?;
            Value::Union(i as u32, Box::new(from_default(names, b, j, d + 1)?))
        }
        Schema::Decimal(ds) => {
            let b = code_points(j.as_str()?)?;
            if let InnerDecimalSchema::Fixed(f) = &ds.inner
                && b.len() != f.size
            {
                return None;
            }
            Value::Decimal(Decimal::from(b))
        }
        Schema::Uuid(_) => Value::Uuid(j.as_str()?.parse().ok()?),
        Schema::Date => Value::Date(i32::try_from(int()?).ok()?),
        Schema::TimeMillis => Value::TimeMillis(i32::try_from(int()?).ok()?),
        Schema::TimeMicros => Value::TimeMicros(int()?),
        Schema::TimestampMillis => Value::TimestampMillis(int()?),
        Schema::TimestampMicros => Value::TimestampMicros(int()?),
        Schema::TimestampNanos => Value::TimestampNanos(int()?),
        Schema::LocalTimestampMillis => Value::LocalTimestampMillis(int()?),
        Schema::LocalTimestampMicros => Value::LocalTimestampMicros(int()?),
        Schema::LocalTimestampNanos => Value::LocalTimestampNanos(int()?),
        Schema::Duration(_) => {
            let b: [u8; 12] = code_points(j.as_str()?)?.try_into().ok()?;
            Value::Duration(apache_avro::Duration::from(b))
        }
        Schema::BigDecimal | Schema::Ref { .. } => return None,
    })
}

/// Whether a text is a UUID as the `uuid` logical type wants it.
pub fn is_uuid(s: &str) -> bool {
    s.parse::<apache_avro::Uuid>().is_ok()
}

/// What the specification's reader makes of a datum: the value read, and
/// every reason it refuses a part (it goes on past one to find them all; a
/// refused part reads as `null` in the value, so that the meaning of the
/// other parts can still be compared).
pub struct SpecRead {
    pub value: Option<Value>,
    pub problems: Vec<Problem>,
}

/// Reads a written value (`w`, under the writer's schema) with the
/// reader's schema as the specification's Schema Resolution says.
pub fn spec_read(sides: Sides, ws: &Schema, w: &Value, rs: &Schema) -> SpecRead {
    let mut walk = Walk::new(sides, true);
    let value = walk.read(ws, w, rs, 0);
    SpecRead {
        value: Some(value.unwrap_or(Value::Null)),
        problems: walk.problems,
    }
}

/// The type a logical type annotates.
enum Under<'a> {
    Prim(&'static str),
    Fixed(&'a apache_avro::schema::FixedSchema),
    Other,
}

fn under(s: &Schema) -> Under<'_> {
    Under::Prim(match s {
        Schema::Null => "null",
        Schema::Boolean => "boolean",
        Schema::Int | Schema::Date | Schema::TimeMillis => "int",
        Schema::Long
        | Schema::TimeMicros
        | Schema::TimestampMillis
        | Schema::TimestampMicros
        | Schema::TimestampNanos
        | Schema::LocalTimestampMillis
        | Schema::LocalTimestampMicros
        | Schema::LocalTimestampNanos => "long",
        Schema::Float => "float",
        Schema::Double => "double",
        Schema::Bytes | Schema::BigDecimal => "bytes",
        Schema::String => "string",
        Schema::Uuid(UuidSchema::String) => "string",
        Schema::Uuid(UuidSchema::Bytes) => "bytes",
        Schema::Decimal(d) => match &d.inner {
            InnerDecimalSchema::Bytes => "bytes",
            InnerDecimalSchema::Fixed(f) => return Under::Fixed(f),
        },
        Schema::Fixed(f) | Schema::Duration(f) | Schema::Uuid(UuidSchema::Fixed(f)) => {
            return Under::Fixed(f);
        }
        _ => return Under::Other,
    })
}

/// The specification's promotions.
fn promotes(w: &str, r: &str) -> bool {
    matches!(
        (w, r),
        ("int", "long" | "float" | "double")
            | ("long", "float" | "double")
            | ("float", "double")
            | ("string", "bytes")
            | ("bytes", "string")
    )
}

/// The underlying value of a (possibly logical) value.
fn plain(v: &Value) -> Value {
    match v {
        Value::Date(n) | Value::TimeMillis(n) => Value::Int(*n),
        Value::TimeMicros(n)
        | Value::TimestampMillis(n)
        | Value::TimestampMicros(n)
        | Value::TimestampNanos(n)
        | Value::LocalTimestampMillis(n)
        | Value::LocalTimestampMicros(n)
        | Value::LocalTimestampNanos(n) => Value::Long(*n),
        Value::Decimal(d) => Value::Bytes(decimal_bytes(d)),
        Value::Uuid(u) => Value::String(u.to_string()),
        Value::Duration(d) => {
            let b: [u8; 12] = (*d).into();
            Value::Bytes(b.to_vec())
        }
        Value::Fixed(_, b) => Value::Bytes(b.clone()),
        other => other.clone(),
    }
}

impl Walk<'_> {
    /// Whether the reader's (non-union) schema matches the writer's
    /// (non-union) one, the specification's first rule.
    fn matches(&self, ws: &Schema, rs: &Schema, exact: bool) -> bool {
        match (ws, rs) {
            (Schema::Array(_), Schema::Array(_)) | (Schema::Map(_), Schema::Map(_)) => true,
            (Schema::Record(_), Schema::Record(_)) | (Schema::Enum(_), Schema::Enum(_)) => {
                names_match(ws, rs)
            }
            _ => match (under(ws), under(rs)) {
                (Under::Fixed(a), Under::Fixed(b)) => a.size == b.size && names_match(ws, rs),
                (Under::Prim(a), Under::Prim(b)) => a == b || (!exact && promotes(a, b)),
                _ => false,
            },
        }
    }

    fn read(&mut self, ws: &Schema, w: &Value, rs: &Schema, d: usize) -> Option<Value> {
        if d > MAX_DEPTH {
            self.problem("nested too deep".into());
            return None;
        }
        let ws = deref(self.sides.writer, ws);
        let rs = deref(self.sides.reader, rs);
        if let Schema::Union(u) = ws {
            let Value::Union(i, inner) = w else {
                self.problem("a union value without its branch".into());
                return None;
            };
            let Some(b) = u.variants().get(*i as usize) else {
                self.problem(format!("no branch {i} in the writer's union"));
                return None;
            };
            self.path.push(Step::Branch(*i as usize));
            let b = deref(self.sides.writer, b);
            let out = self.read_one(b, inner, rs, d);
            self.path.pop();
            return out;
        }
        self.read_one(ws, w, rs, d)
    }

    /// A writer's non-union value.
    fn read_one(&mut self, ws: &Schema, w: &Value, rs: &Schema, d: usize) -> Option<Value> {
        if let Schema::Union(u) = rs {
            let bs = u.variants();
            let pick = bs
                .iter()
                .position(|b| self.matches(ws, deref(self.sides.reader, b), true))
                .or_else(|| {
                    bs.iter()
                        .position(|b| self.matches(ws, deref(self.sides.reader, b), false))
                });
            let Some(j) = pick else {
                self.problem(format!(
                    "the reader's union has no branch for the writer's {}",
                    type_name(ws)
                ));
                return None;
            };
            let rb = deref(self.sides.reader, &bs[j]);
            let v = self.read_matched(ws, w, rb, d)?;
            return Some(Value::Union(j as u32, Box::new(v)));
        }
        if !self.matches(ws, rs, false) {
            self.problem(format!(
                "the writer's {} does not match the reader's {}",
                type_name(ws),
                type_name(rs)
            ));
            return None;
        }
        self.read_matched(ws, w, rs, d)
    }

    fn read_matched(&mut self, ws: &Schema, w: &Value, rs: &Schema, d: usize) -> Option<Value> {
        match (ws, rs) {
            (Schema::Record(wr), Schema::Record(rr)) => {
                let Value::Record(wf) = w else {
                    self.problem("not a record value".into());
                    return None;
                };
                let mut out = Vec::new();
                for rf in &rr.fields {
                    let wfield = wr
                        .fields
                        .get(field_index(wr, &rf.name).unwrap_or(usize::MAX))
                        .or_else(|| {
                            rf.aliases
                                .iter()
                                .filter_map(|a| field_index(wr, a))
                                .min()
                                .and_then(|i| wr.fields.get(i))
                        });
                    match wfield {
                        Some(wfd) => {
                            let wv = value_of(wf, field_index(wr, &wfd.name), &wfd.name);
                            self.path.push(Step::Field(wfd.name.clone()));
                            self.at.push(rf.name.clone());
                            let v = match wv {
                                Some(wv) => self.read(&wfd.schema, wv, &rf.schema, d + 1),
                                None => {
                                    self.problem("the datum lacks the field".into());
                                    None
                                }
                            };
                            self.at.pop();
                            self.path.pop();
                            out.push((rf.name.clone(), v.unwrap_or(Value::Null)));
                        }
                        None => {
                            self.path.push(Step::Field(rf.name.clone()));
                            self.at.push(rf.name.clone());
                            let v = match &rf.default {
                                None => {
                                    self.problem(format!(
                                        "the reader's field `{}` has no default and the \
                                         writer's record lacks it",
                                        rf.name
                                    ));
                                    None
                                }
                                Some(j) => {
                                    let v = from_default(self.sides.reader, &rf.schema, j, 0);
                                    if v.is_none() {
                                        self.problem(format!(
                                            "the reader's default {j} of `{}` fits no branch",
                                            rf.name
                                        ));
                                    }
                                    v
                                }
                            };
                            self.at.pop();
                            self.path.pop();
                            out.push((rf.name.clone(), v.unwrap_or(Value::Null)));
                        }
                    }
                }
                Some(Value::Record(out))
            }
            (Schema::Enum(_), Schema::Enum(re)) => {
                let sym = match w {
                    Value::Enum(_, s) => s,
                    _ => {
                        self.problem("not an enum value".into());
                        return None;
                    }
                };
                match re.symbols.iter().position(|s| s == sym) {
                    Some(i) => Some(Value::Enum(i as u32, sym.clone())),
                    None => match &re.default {
                        Some(dflt) => {
                            let i = re.symbols.iter().position(|s| s == dflt)?;
                            Some(Value::Enum(i as u32, dflt.clone()))
                        }
                        None => {
                            self.problem(format!("the reader's enum has no symbol {sym}"));
                            None
                        }
                    },
                }
            }
            (Schema::Array(wa), Schema::Array(ra)) => {
                let Value::Array(items) = w else {
                    self.problem("not an array value".into());
                    return None;
                };
                let mut out = Vec::new();
                for (i, x) in items.iter().enumerate() {
                    self.path.push(Step::Items);
                    self.at.push(format!("[{i}]"));
                    let v = self.read(&wa.items, x, &ra.items, d + 1);
                    self.at.pop();
                    self.path.pop();
                    out.push(v.unwrap_or(Value::Null));
                }
                Some(Value::Array(out))
            }
            (Schema::Map(wm), Schema::Map(rm)) => {
                let Value::Map(entries) = w else {
                    self.problem("not a map value".into());
                    return None;
                };
                let mut keys: Vec<&String> = entries.keys().collect();
                keys.sort();
                let mut out = HashMap::new();
                for k in keys {
                    self.path.push(Step::Values);
                    self.at.push(format!("[{}]", json_str(k)));
                    let v = self.read(&wm.types, &entries[k], &rm.types, d + 1);
                    out.insert(k.clone(), v.unwrap_or(Value::Null));
                    self.at.pop();
                    self.path.pop();
                }
                Some(Value::Map(out))
            }
            _ => self.read_leaf(ws, w, rs),
        }
    }

    /// Primitives, fixed and logical types: the underlying value promoted
    /// to the reader's underlying type, then given the reader's logical
    /// type.
    fn read_leaf(&mut self, ws: &Schema, w: &Value, rs: &Schema) -> Option<Value> {
        if let (Schema::Decimal(a), Schema::Decimal(b)) = (ws, rs)
            && (a.scale != b.scale || b.precision < a.precision)
        {
            self.problem(format!(
                "decimal({},{}) does not match decimal({},{})",
                a.precision, a.scale, b.precision, b.scale
            ));
            return None;
        }
        let p = plain(w);
        let target = match under(rs) {
            Under::Prim(t) => t,
            Under::Fixed(_) => "fixed",
            Under::Other => "other",
        };
        let raw: Value = match (p, target) {
            (Value::Null, "null") => Value::Null,
            (Value::Boolean(b), "boolean") => Value::Boolean(b),
            (Value::Int(n), "int") => Value::Int(n),
            (Value::Int(n), "long") => Value::Long(n as i64),
            (Value::Long(n), "long") => Value::Long(n),
            (Value::Int(n), "float") => Value::Float(n as f32),
            (Value::Long(n), "float") => Value::Float(n as f32),
            (Value::Float(x), "float") => Value::Float(x),
            (Value::Int(n), "double") => Value::Double(n as f64),
            (Value::Long(n), "double") => Value::Double(n as f64),
            (Value::Float(x), "double") => Value::Double(x as f64),
            (Value::Double(x), "double") => Value::Double(x),
            (Value::String(s), "string") => Value::String(s),
            (Value::String(s), "bytes") => Value::Bytes(s.into_bytes()),
            (Value::Bytes(b), "bytes") => Value::Bytes(b),
            (Value::Bytes(b), "string") => match String::from_utf8(b) {
                Ok(s) => Value::String(s),
                Err(_) => {
                    self.problem("bytes that are not UTF-8 read as a string".into());
                    return None;
                }
            },
            (Value::Bytes(b), "fixed") => Value::Fixed(b.len(), b),
            (v, _) => {
                self.problem(format!("{} cannot be read as {}", kind(&v), type_name(rs)));
                return None;
            }
        };
        // The reader's logical type.
        Some(match (rs, raw) {
            (Schema::Date, Value::Int(n)) => Value::Date(n),
            (Schema::TimeMillis, Value::Int(n)) => Value::TimeMillis(n),
            (Schema::TimeMicros, Value::Long(n)) => Value::TimeMicros(n),
            (Schema::TimestampMillis, Value::Long(n)) => Value::TimestampMillis(n),
            (Schema::TimestampMicros, Value::Long(n)) => Value::TimestampMicros(n),
            (Schema::TimestampNanos, Value::Long(n)) => Value::TimestampNanos(n),
            (Schema::LocalTimestampMillis, Value::Long(n)) => Value::LocalTimestampMillis(n),
            (Schema::LocalTimestampMicros, Value::Long(n)) => Value::LocalTimestampMicros(n),
            (Schema::LocalTimestampNanos, Value::Long(n)) => Value::LocalTimestampNanos(n),
            (Schema::Decimal(_), Value::Bytes(b) | Value::Fixed(_, b)) => {
                Value::Decimal(Decimal::from(b))
            }
            (Schema::Uuid(_), Value::String(s)) => match s.parse() {
                Ok(u) => Value::Uuid(u),
                Err(_) => {
                    self.problem(format!("{} is not a UUID", json_str(&s)));
                    return None;
                }
            },
            (Schema::Uuid(_), Value::Bytes(b) | Value::Fixed(_, b)) => {
                match apache_avro::Uuid::from_slice(&b) {
                    Ok(u) => Value::Uuid(u),
                    Err(_) => {
                        self.problem("not 16 bytes of a UUID".into());
                        return None;
                    }
                }
            }
            (Schema::Duration(_), Value::Fixed(_, b)) => {
                let b: [u8; 12] = b.try_into().ok()?;
                Value::Duration(apache_avro::Duration::from(b))
            }
            (_, v) => v,
        })
    }
}

/// The value of field `name` of a record value: at position `i` when it is
/// there (values follow their schema's order), else found by a scan.
fn value_of<'v>(vals: &'v [(String, Value)], i: Option<usize>, name: &str) -> Option<&'v Value> {
    match i.and_then(|i| vals.get(i)) {
        Some((n, v)) if n == name => Some(v),
        _ => vals.iter().find(|(n, _)| n == name).map(|(_, v)| v),
    }
}

/// The position of the field named `name` (not aliased so) in a record
/// schema: apache-avro's lookup table holds aliases too, so its answer is
/// checked, and a scan settles a name that is also another field's alias.
fn field_index(rs: &apache_avro::schema::RecordSchema, name: &str) -> Option<usize> {
    match rs.lookup.get(name) {
        Some(&i) if rs.fields.get(i).is_some_and(|f| f.name == name) => Some(i),
        // Every field's name is in the table.
        None => None,
        Some(_) => rs.fields.iter().position(|f| f.name == name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> HashMap<String, Schema> {
        HashMap::new()
    }

    fn sides(n: &HashMap<String, Schema>) -> Sides<'_> {
        Sides {
            writer: n,
            reader: n,
        }
    }

    #[test]
    fn decimals_read_with_their_scale() {
        assert_eq!(decimal_text(123, 2), "1.23");
        assert_eq!(decimal_text(-5, 3), "-0.005");
        assert_eq!(decimal_text(7, 0), "7");
        assert!(decimal_eq(123, 2, 1230, 3));
        assert!(!decimal_eq(123, 2, 123, 4));
        assert_eq!(unscaled(&[0xff, 0xfe]), Some(-2));
        assert_eq!(unscaled(&[0x00, 0x7b]), Some(123));
    }

    #[test]
    fn promotions_keep_the_value_as_the_reader_holds_it() {
        assert!(num_kept(Num::Int(16_777_217), Num::Float(16_777_216.0)));
        assert!(num_kept(Num::Long(5), Num::Int(5)));
        assert!(!num_kept(Num::Double(0.1), Num::Float(0.1)));
        assert!(num_kept(Num::Double(1.5), Num::Float(1.5)));
        assert!(num_kept(Num::Float(f32::NAN), Num::Double(f64::NAN)));
    }

    #[test]
    fn timestamps_compare_as_instants() {
        let n = names();
        let ws = Schema::TimestampMillis;
        let rs = Schema::TimestampMicros;
        let same = compare(
            sides(&n),
            &ws,
            &Value::TimestampMillis(0),
            &rs,
            &Value::TimestampMicros(0),
        );
        assert!(same.is_empty());
        let other = compare(
            sides(&n),
            &ws,
            &Value::TimestampMillis(5),
            &rs,
            &Value::TimestampMicros(5),
        );
        assert_eq!(other.len(), 1);
    }

    #[test]
    fn the_specification_refuses_bytes_that_are_not_utf8_as_a_string() {
        let n = names();
        let r = spec_read(
            sides(&n),
            &Schema::Bytes,
            &Value::Bytes(vec![0xff]),
            &Schema::String,
        );
        assert_eq!(r.problems.len(), 1);
        let ok = spec_read(
            sides(&n),
            &Schema::Bytes,
            &Value::Bytes(b"a".to_vec()),
            &Schema::String,
        );
        assert!(ok.problems.is_empty());
        assert_eq!(ok.value, Some(Value::String("a".into())));
    }

    #[test]
    fn reader_fields_take_aliases_and_defaults() {
        let n = names();
        let w = Schema::parse_str(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#,
        )
        .unwrap();
        let r = Schema::parse_str(
            r#"{"type":"record","name":"R","fields":[{"name":"b","aliases":["a"],"type":"long"},
                {"name":"c","type":["null","string"],"default":"x"}]}"#,
        )
        .unwrap();
        let datum = Value::Record(vec![("a".into(), Value::Int(5))]);
        let read = spec_read(sides(&n), &w, &datum, &r);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let v = read.value.unwrap();
        assert_eq!(
            v,
            Value::Record(vec![
                ("b".into(), Value::Long(5)),
                (
                    "c".into(),
                    Value::Union(1, Box::new(Value::String("x".into())))
                ),
            ])
        );
        assert!(compare(sides(&n), &w, &datum, &r, &v).is_empty());
        // apache-avro's reading: the alias ignored, the union default from
        // the first branch.
        let apache = Value::Record(vec![
            ("b".into(), Value::Long(0)),
            ("c".into(), Value::Union(0, Box::new(Value::Null))),
        ]);
        assert_eq!(compare(sides(&n), &w, &datum, &r, &apache).len(), 2);
    }
}
