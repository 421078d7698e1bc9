//! What wirecompat uses apache-avro for beyond validating files: each
//! version's schemas parsed by apache-avro (named types may span files, as
//! [`super::load`] lets them), datums written with the writer's schema and
//! read back with the reader's. Witnesses and the soundness harness share
//! it. Never apache-avro's `schema_compatibility` module: its verdicts are
//! wrong (see the README of the peer suites); reading and writing data is
//! what it is good for.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use apache_avro::Schema;
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::schema::{
    ArraySchema, InnerDecimalSchema, MapSchema, RecordField, RecordSchema, UuidSchema,
};
use apache_avro::types::Value;
use apache_avro::writer::datum::GenericDatumWriter;

use super::model;
use super::pair::Origin;
use super::resolve::Step;

/// apache-avro's schema type, for the soundness harness.
pub use apache_avro::Schema as ApacheSchema;

/// The library witnesses are checked with, as reports name it.
pub const CHECKED_WITH: &str = "apache-avro 0.22";

/// The name of the record made to carry a protocol message's response or
/// errors (a request is a record already: its parameters are the fields).
pub const CARRIER_PREFIX: &str = "__wirecompat_";

/// One version's schemas as apache-avro parsed them.
pub struct Library {
    /// The full names of the top-level named definitions of every file,
    /// parsed together, in the order apache-avro is given them (the
    /// definitions themselves are in `names`).
    schemata: Vec<String>,
    /// The unnamed top-level schemas, by their pairing key (the file name).
    others: Vec<(String, Schema)>,
    /// Protocol messages: key, then the request, response and errors
    /// carried by records (`None` where apache-avro refused the part).
    messages: Vec<(String, [Option<Schema>; 3])>,
    /// Every named definition, nested ones too, by full name.
    pub names: HashMap<String, Schema>,
}

/// A root to write and read: a schema of a version and the steps from it
/// to where the model's resolution started (a message's response sits in
/// the field `response` of the record carrying it).
pub struct Root<'a> {
    pub schema: &'a Schema,
    pub prefix: Vec<Step>,
    /// How a datum of it is introduced for people.
    pub label: String,
}

impl Library {
    pub fn new(schema: &model::Schema) -> Result<Library, String> {
        let parse =
            |deferred: &[super::load::Deferred]| super::load::apache_parse(schema, deferred);
        let (mut t, mut parsed) = parse(&[]);
        // Defaults apache-avro refuses to parse (see `load::Deferred`) are
        // taken out for parsing and given back to the parsed fields.
        let mut deferred = Vec::new();
        if parsed.is_err() {
            deferred = super::load::deferred_defaults(schema);
            if !deferred.is_empty() {
                (t, parsed) = parse(&deferred);
            }
        }
        let mut schemata = parsed?;
        for s in &mut schemata {
            put_defaults(s, &deferred, 0);
        }
        let texts = t.named;
        let mut lib = Library {
            schemata: Vec::new(),
            others: Vec::new(),
            messages: Vec::new(),
            names: HashMap::new(),
        };
        // The top-level definitions are kept once, in `names`.
        for s in definitions_first(schemata) {
            let Some(full) = s.name().map(|n| n.fullname(None)) else {
                continue;
            };
            visit_named(&s, false, &mut |name, n| {
                lib.names.entry(name).or_insert_with(|| shallow(n));
            });
            lib.names.insert(full.clone(), s);
            lib.schemata.push(full);
        }
        for (fi, text) in &t.others {
            let key = schema.files[*fi].name.clone();
            let mut s = guard(|| {
                Schema::parse_str_with_list(text, &texts)
                    .map(|(s, _)| s)
                    .map_err(|e| e.to_string())
            })?;
            put_defaults(&mut s, &deferred, 0);
            lib.others.push((key, s));
        }
        // Protocol messages, each part carried by a record in the protocol's
        // namespace so that its type names resolve as they do in the protocol.
        for f in &schema.files {
            let v = f.json.to_serde();
            let Some(obj) = v.as_object().filter(|o| o.contains_key("protocol")) else {
                continue;
            };
            let pname = obj.get("protocol").and_then(|p| p.as_str()).unwrap_or("");
            let ns = obj
                .get("namespace")
                .and_then(|n| n.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| pname.rsplit_once('.').map(|(n, _)| n).unwrap_or("").into());
            let full = if pname.contains('.') || ns.is_empty() {
                pname.to_string()
            } else {
                format!("{ns}.{pname}")
            };
            let Some(msgs) = obj.get("messages").and_then(|m| m.as_object()) else {
                continue;
            };
            for (name, m) in msgs {
                let request = m
                    .get("request")
                    .cloned()
                    .unwrap_or(serde_json::Value::Array(vec![]));
                let response = m.get("response").cloned().unwrap_or("null".into());
                let mut errors = vec![serde_json::Value::from("string")];
                match m.get("errors") {
                    Some(serde_json::Value::Array(es)) => errors.extend(es.iter().cloned()),
                    Some(e) => errors.push(e.clone()),
                    None => {}
                }
                let carrier = |part: &str, fields: serde_json::Value| {
                    let mut o = serde_json::Map::new();
                    o.insert("type".into(), "record".into());
                    o.insert(
                        "name".into(),
                        format!("{CARRIER_PREFIX}{part}_{name}").into(),
                    );
                    if !ns.is_empty() {
                        o.insert("namespace".into(), ns.clone().into());
                    }
                    o.insert("fields".into(), fields);
                    let text = serde_json::Value::Object(o).to_string();
                    guard(|| {
                        Schema::parse_str_with_list(&text, &texts)
                            .map(|(s, _)| s)
                            .map_err(|e| e.to_string())
                    })
                    .ok()
                };
                let one = |fname: &str, t: serde_json::Value| serde_json::json!([{"name": fname, "type": t}]);
                lib.messages.push((
                    format!("{full}.{name}"),
                    [
                        carrier("request", request),
                        carrier("response", one("response", response)),
                        carrier("errors", one("errors", serde_json::Value::Array(errors))),
                    ],
                ));
            }
        }
        let mut names = std::mem::take(&mut lib.names);
        for s in lib
            .others
            .iter()
            .map(|(_, s)| s)
            .chain(lib.messages.iter().flat_map(|(_, p)| p.iter().flatten()))
        {
            collect_names(s, &mut names);
        }
        lib.names = names;
        Ok(lib)
    }

    /// The root a resolution started from, in this version (`old` says
    /// which of the origin's keys is this version's).
    pub fn root(&self, origin: &Origin, old: bool) -> Option<Root<'_>> {
        match origin {
            Origin::Top { old: o, new: n } => {
                let key = if old { o } else { n };
                if let Some(s) = self
                    .schemata
                    .iter()
                    .find(|k| *k == key)
                    .and_then(|k| self.names.get(k))
                {
                    return Some(Root {
                        schema: s,
                        prefix: Vec::new(),
                        label: key.clone(),
                    });
                }
                self.others
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, s)| Root {
                        schema: s,
                        prefix: Vec::new(),
                        label: String::new(),
                    })
            }
            Origin::Request(m) | Origin::Response(m) | Origin::Errors(m) => {
                let parts = &self.messages.iter().find(|(k, _)| k == m)?.1;
                let (i, prefix, what) = match origin {
                    Origin::Request(_) => (0, vec![], "request"),
                    Origin::Response(_) => (1, vec![Step::Field("response".into())], "response"),
                    _ => (2, vec![Step::Field("errors".into())], "error"),
                };
                Some(Root {
                    schema: parts[i].as_ref()?,
                    prefix,
                    label: format!("{what} of message `{m}`:"),
                })
            }
        }
    }

    /// The schemata apache-avro needs to resolve `root`'s references.
    fn list<'a>(&'a self, root: &'a Schema) -> Vec<&'a Schema> {
        let mut v: Vec<&Schema> = self
            .schemata
            .iter()
            .filter_map(|k| self.names.get(k))
            .collect();
        if !v.iter().any(|s| std::ptr::eq(*s, root)) {
            v.push(root);
        }
        v
    }

    /// A schema with its references followed (at most a few hops).
    pub fn deref<'a>(&'a self, s: &'a Schema) -> &'a Schema {
        deref(&self.names, s)
    }
}

/// Gives the deferred defaults back to the fields of the parsed schema.
fn put_defaults(s: &mut Schema, deferred: &[super::load::Deferred], depth: usize) {
    if deferred.is_empty() || depth > crate::limits::HIGHEST_MAX_DEPTH {
        return;
    }
    match s {
        Schema::Record(r) => {
            let full = r.name.fullname(None);
            for f in &mut r.fields {
                if let Some(d) = deferred
                    .iter()
                    .find(|d| d.record == full && d.field == f.name)
                {
                    f.default = Some(d.default.clone());
                }
                put_defaults(&mut f.schema, deferred, depth + 1);
            }
        }
        Schema::Array(a) => put_defaults(&mut a.items, deferred, depth + 1),
        Schema::Map(m) => put_defaults(&mut m.types, deferred, depth + 1),
        Schema::Union(u) => {
            let mut branches = u.variants().to_vec();
            for b in &mut branches {
                put_defaults(b, deferred, depth + 1);
            }
            if let Ok(nu) = apache_avro::schema::UnionSchema::new(branches) {
                *u = nu;
            }
        }
        _ => {}
    }
}

/// A schema with its references followed.
pub fn deref<'a>(names: &'a HashMap<String, Schema>, mut s: &'a Schema) -> &'a Schema {
    for _ in 0..8 {
        match s {
            Schema::Ref { name } => match names.get(&name.fullname(None)) {
                Some(t) => s = t,
                None => return s,
            },
            _ => return s,
        }
    }
    s
}

/// The schemata ordered so that each one's references are defined by the
/// ones before it: apache-avro resolves a list in order (references to
/// later schemas are not supported). Cycles across files keep their order.
fn definitions_first(mut rest: Vec<Schema>) -> Vec<Schema> {
    let mut defined: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(rest.len());
    let own = |s: &Schema| {
        let mut own = std::collections::HashSet::new();
        visit_named(s, true, &mut |name, _| {
            own.insert(name);
        });
        own
    };
    while !rest.is_empty() {
        let pick = rest.iter().position(|s| {
            let own = own(s);
            let mut refs = Vec::new();
            collect_refs(s, &mut refs, 0);
            refs.iter().all(|r| defined.contains(r) || own.contains(r))
        });
        let s = rest.remove(pick.unwrap_or(0));
        defined.extend(own(&s));
        out.push(s);
    }
    out
}

fn collect_refs(s: &Schema, out: &mut Vec<String>, d: usize) {
    if d > 64 {
        return;
    }
    match s {
        Schema::Ref { name } => out.push(name.fullname(None)),
        Schema::Record(r) => r
            .fields
            .iter()
            .for_each(|f| collect_refs(&f.schema, out, d + 1)),
        Schema::Array(a) => collect_refs(&a.items, out, d + 1),
        Schema::Map(m) => collect_refs(&m.types, out, d + 1),
        Schema::Union(u) => u
            .variants()
            .iter()
            .for_each(|b| collect_refs(b, out, d + 1)),
        _ => {}
    }
}

/// Every named definition in `s` (nested ones too), by full name.
fn collect_names(s: &Schema, out: &mut HashMap<String, Schema>) {
    visit_named(s, true, &mut |name, n| {
        out.entry(name).or_insert_with(|| shallow(n));
    });
}

/// A copy of a named definition for `names`, with the records it nests
/// written as references to their names (each has its own entry, reached
/// with [`deref`]): copies held whole would hold a record nested k deep k
/// times (15 nested records of 6,600 fields: 215 MB of copies).
fn shallow(s: &Schema) -> Schema {
    let Schema::Record(r) = s else {
        return s.clone();
    };
    let fields = r
        .fields
        .iter()
        .map(|f| RecordField {
            name: f.name.clone(),
            doc: f.doc.clone(),
            aliases: f.aliases.clone(),
            default: f.default.clone(),
            schema: referenced(&f.schema, 0),
            custom_attributes: f.custom_attributes.clone(),
        })
        .collect();
    Schema::Record(RecordSchema {
        name: r.name.clone(),
        aliases: r.aliases.clone(),
        doc: r.doc.clone(),
        fields,
        lookup: r.lookup.clone(),
        attributes: r.attributes.clone(),
    })
}

/// `s` with each record in it (not below one) written as a reference.
fn referenced(s: &Schema, depth: usize) -> Schema {
    if depth > crate::limits::HIGHEST_MAX_DEPTH {
        return s.clone();
    }
    match s {
        Schema::Record(r) => Schema::Ref {
            name: r.name.clone(),
        },
        Schema::Array(a) => Schema::Array(ArraySchema {
            items: Box::new(referenced(&a.items, depth + 1)),
            attributes: a.attributes.clone(),
        }),
        Schema::Map(m) => Schema::Map(MapSchema {
            types: Box::new(referenced(&m.types, depth + 1)),
            attributes: m.attributes.clone(),
        }),
        Schema::Union(u) => {
            let branches = u.variants().iter().map(|b| referenced(b, depth + 1));
            match apache_avro::schema::UnionSchema::new(branches.collect()) {
                Ok(u) => Schema::Union(u),
                Err(_) => s.clone(),
            }
        }
        _ => s.clone(),
    }
}

/// Calls `f` with the full name of each named definition in `s`, `s`
/// itself only where `itself`.
fn visit_named<'a>(s: &'a Schema, itself: bool, f: &mut impl FnMut(String, &'a Schema)) {
    let mut add = |name: &apache_avro::schema::Name| {
        if itself {
            f(name.fullname(None), s);
        }
    };
    match s {
        Schema::Record(r) => {
            add(&r.name);
            for fl in &r.fields {
                visit_named(&fl.schema, true, f);
            }
        }
        Schema::Enum(e) => add(&e.name),
        Schema::Fixed(x) => add(&x.name),
        Schema::Decimal(d) => {
            if let InnerDecimalSchema::Fixed(x) = &d.inner {
                add(&x.name);
            }
        }
        Schema::Uuid(UuidSchema::Fixed(x)) | Schema::Duration(x) => add(&x.name),
        Schema::Array(a) => visit_named(&a.items, true, f),
        Schema::Map(m) => visit_named(&m.types, true, f),
        Schema::Union(u) => {
            for b in u.variants() {
                visit_named(b, true, f);
            }
        }
        _ => {}
    }
}

/// Runs an apache-avro call, turning a panic into an error (apache-avro is
/// not known to panic on what wirecompat gives it; this is a guard).
pub fn guard<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err("apache-avro panicked".into()),
    }
}

/// A writer's root and a reader's, with apache-avro's writer and readers
/// built once for many datums.
pub struct Channel<'a> {
    writer: GenericDatumWriter<'a>,
    reader: GenericDatumReader<'a>,
    plain: GenericDatumReader<'a>,
}

impl<'a> Channel<'a> {
    pub fn new(
        w: &'a Library,
        wroot: &'a Schema,
        r: &'a Library,
        rroot: &'a Schema,
    ) -> Result<Channel<'a>, String> {
        if let Some(why) = endless_defaults(rroot, &r.names) {
            return Err(why);
        }
        guard(|| {
            let e = |e: apache_avro::Error| e.to_string();
            let writer = GenericDatumWriter::builder(wroot)
                .schemata(w.list(wroot))
                .map_err(e)?
                .build()
                .map_err(e)?;
            let reader = GenericDatumReader::builder(wroot)
                .writer_schemata(w.list(wroot))
                .map_err(e)?
                .reader_schema(rroot)
                .reader_schemata(r.list(rroot))
                .map_err(e)?
                .build()
                .map_err(e)?;
            let plain = GenericDatumReader::builder(wroot)
                .writer_schemata(w.list(wroot))
                .map_err(e)?
                .build()
                .map_err(e)?;
            Ok(Channel {
                writer,
                reader,
                plain,
            })
        })
    }

    /// The datum written with the writer's schema.
    pub fn write(&self, v: &Value) -> Result<Vec<u8>, String> {
        guard(|| {
            self.writer
                .write_value_to_vec(v.clone())
                .map_err(|e| e.to_string())
        })
    }

    /// The bytes read with the reader's schema (resolution included).
    pub fn read(&self, bytes: &[u8]) -> Result<Value, String> {
        read_whole(&self.reader, bytes)
    }

    /// The bytes read with the writer's own schema: what was written.
    pub fn decode(&self, bytes: &[u8]) -> Result<Value, String> {
        read_whole(&self.plain, bytes)
    }
}

/// The names of a reader's record fields (nested ones too) that have
/// aliases: the fields apache-avro does not read by them.
pub fn aliased_fields(rs: &Schema, names: &HashMap<String, Schema>) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![rs];
    let mut seen = std::collections::HashSet::new();
    while let Some(s) = stack.pop() {
        match deref(names, s) {
            Schema::Record(r) => {
                if !seen.insert(r.name.fullname(None)) {
                    continue;
                }
                for f in &r.fields {
                    if !f.aliases.is_empty() {
                        out.push(f.name.clone());
                    }
                    stack.push(&f.schema);
                }
            }
            Schema::Array(a) => stack.push(&a.items),
            Schema::Map(m) => stack.push(&m.types),
            Schema::Union(u) => stack.extend(u.variants()),
            _ => {}
        }
    }
    out
}

/// Whether apache-avro's reader would recurse without end resolving this
/// reader schema's defaults, and why. A stack overflow aborts the process,
/// so such a reader is never handed to it.
///
/// apache-avro resolves a value against a union by trying it on every named
/// branch, and reads a JSON object default as a map, which it also tries on
/// every record branch; resolving it as a record fills the record's missing
/// fields from their defaults, which it resolves the same way. A record
/// whose field's object default leads back to the same record with the same
/// value (`{"name": "next", "type": [{"type": "map", ...}, "Node"],
/// "default": {}}` in `Node`) never ends.
pub fn endless_defaults(rs: &Schema, names: &HashMap<String, Schema>) -> Option<String> {
    // Every record a union (or a field) offers to an object value.
    let mut starts: Vec<(String, serde_json::Value)> = Vec::new();
    let mut stack = vec![rs];
    let mut seen = std::collections::HashSet::new();
    while let Some(s) = stack.pop() {
        match deref(names, s) {
            Schema::Record(r) => {
                if !seen.insert(r.name.fullname(None)) {
                    continue;
                }
                // A writer's map, or an object with none of its fields.
                starts.push((r.name.fullname(None), serde_json::json!({})));
                for f in &r.fields {
                    stack.push(&f.schema);
                }
            }
            Schema::Array(a) => stack.push(&a.items),
            Schema::Map(m) => stack.push(&m.types),
            Schema::Union(u) => stack.extend(u.variants()),
            _ => {}
        }
    }
    let mut done: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    for (r, v) in starts {
        let mut path: Vec<(String, String)> = Vec::new();
        if let Some(why) = endless_from(&r, &v, names, &mut path, &mut done) {
            return Some(why);
        }
    }
    None
}

/// Records an object value is resolved against under a schema (a record, a
/// union's records, a map's or an array's values), with the value each gets.
fn object_targets<'a>(
    s: &Schema,
    v: &'a serde_json::Value,
    names: &HashMap<String, Schema>,
    out: &mut Vec<(String, &'a serde_json::Value)>,
    d: usize,
) {
    if d > 32 {
        return;
    }
    match (deref(names, s), v) {
        (Schema::Union(u), _) => {
            for b in u.variants() {
                object_targets(b, v, names, out, d + 1);
            }
        }
        (Schema::Record(r), serde_json::Value::Object(_)) => out.push((r.name.fullname(None), v)),
        (Schema::Map(m), serde_json::Value::Object(o)) => {
            for x in o.values() {
                object_targets(&m.types, x, names, out, d + 1);
            }
        }
        (Schema::Array(a), serde_json::Value::Array(items)) => {
            for x in items {
                object_targets(&a.items, x, names, out, d + 1);
            }
        }
        _ => {}
    }
}

fn endless_from(
    record: &str,
    value: &serde_json::Value,
    names: &HashMap<String, Schema>,
    path: &mut Vec<(String, String)>,
    done: &mut std::collections::HashSet<(String, String)>,
) -> Option<String> {
    let state = (record.to_string(), value.to_string());
    if path.contains(&state) {
        let via: Vec<&str> = path.iter().map(|(r, _)| r.as_str()).collect();
        return Some(format!(
            "apache-avro 0.22 would recurse without end reading with this reader schema (its \
             union resolution tries {} as `{record}` again through the field defaults of {}), \
             and a stack overflow aborts; it is not used with it",
            crate::witness::cut(&state.1, 40),
            via.join(" → ")
        ));
    }
    if done.contains(&state) || path.len() > 64 {
        return None;
    }
    let Some(Schema::Record(r)) = names.get(record) else {
        return None;
    };
    path.push(state.clone());
    let obj = value.as_object();
    for f in &r.fields {
        let next = match obj.and_then(|o| o.get(&f.name)) {
            Some(x) => x,
            // apache-avro stops at the first field it cannot fill.
            None => match f.default.as_ref() {
                Some(d) => d,
                None => break,
            },
        };
        let mut targets = Vec::new();
        object_targets(&f.schema, next, names, &mut targets, 0);
        for (t, v) in targets {
            if let Some(why) = endless_from(&t, v, names, path, done) {
                return Some(why);
            }
        }
    }
    path.pop();
    done.insert(state);
    None
}

/// One datum read with `reader`, which must take every byte.
fn read_whole(reader: &GenericDatumReader<'_>, bytes: &[u8]) -> Result<Value, String> {
    guard(|| {
        let mut b = bytes;
        let v = reader.read_value(&mut b).map_err(|e| e.to_string())?;
        if !b.is_empty() {
            return Err(format!("{} bytes left unread", b.len()));
        }
        Ok(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A default apache-avro refuses to parse (the field's type is the
    /// record around it) is hidden from its parser and given back, so that
    /// a reader that needs it reads with it.
    #[test]
    fn a_default_typed_by_the_enclosing_record_is_read_back() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/avro/default-of-enclosing-record");
        let load = |f: &str| super::super::load::load(&dir.join(f), &Default::default()).unwrap();
        let (old, new) = (load("old.avsc"), load("new.avsc"));
        assert_eq!(super::super::load::deferred_defaults(&new).len(), 1);
        let (lo, ln) = (Library::new(&old).unwrap(), Library::new(&new).unwrap());
        let origin = Origin::Top {
            old: "t.Tree".into(),
            new: "t.Tree".into(),
        };
        let (ro, rn) = (
            lo.root(&origin, true).unwrap(),
            ln.root(&origin, false).unwrap(),
        );
        let ch = Channel::new(&lo, ro.schema, &ln, rn.schema).unwrap();
        let child = Value::Record(vec![("label".into(), Value::String("x".into()))]);
        let tree = Value::Record(vec![
            (
                "name".into(),
                Value::Union(1, Box::new(Value::String("n".into()))),
            ),
            ("children".into(), Value::Array(vec![child])),
        ]);
        let read = ch.read(&ch.write(&tree).unwrap()).unwrap();
        let Value::Record(fields) = read else {
            panic!("{read:?}")
        };
        let Value::Array(children) = &fields[1].1 else {
            panic!("{fields:?}")
        };
        let Value::Record(child) = &children[0] else {
            panic!("{children:?}")
        };
        assert_eq!(child[1].0, "subtree");
        let Value::Record(subtree) = &child[1].1 else {
            panic!("{child:?}")
        };
        assert_eq!(
            subtree[0],
            ("name".to_string(), Value::String("leaf".into()))
        );
        assert_eq!(subtree[1], ("children".to_string(), Value::Array(vec![])));
    }
}
