//! Loading one Avro version: `.avsc` schema files, `.avpr` protocols and
//! `.avdl` IDL (compiled with the `avdl` crate), alone or as a directory
//! whose named types reference each other across files in any order.
//!
//! Every file is parsed twice: by `apache-avro`, which validates it (names,
//! defaults, logical types, references), and by wirecompat's own walker over
//! a position-keeping JSON tree, which builds the model with each element's
//! file and JSON pointer.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::model::*;
use crate::error::Error;
use crate::json::{self, LineIndex};

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Import directories for `.avdl` files.
    pub includes: Vec<PathBuf>,
    /// For a directory: the files to load (relative, `/`-separated) instead
    /// of every Avro file under it (repository mode chooses them).
    pub files: Option<Vec<String>>,
}

pub const EXTENSIONS: &[&str] = &["avsc", "avpr", "avdl"];

const PRIMITIVES: &[&str] = &[
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// Whether `input` is an Avro file, or a directory holding one.
pub fn accepts(input: &Path) -> bool {
    if input.is_dir() {
        return walk(input).map(|v| !v.is_empty()).unwrap_or(false);
    }
    input
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn walk(dir: &Path) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        let rd = std::fs::read_dir(&d).map_err(|e| Error::io(&d, &e))?;
        for entry in rd {
            let entry = entry.map_err(|e| Error::io(&d, &e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let ft = entry
                .file_type()
                .map_err(|e| Error::io(&entry.path(), &e))?;
            if ft.is_dir() {
                stack.push((entry.path(), rel));
            } else if EXTENSIONS.iter().any(|e| name.ends_with(&format!(".{e}"))) {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

pub fn load(input: &Path, opts: &LoadOptions) -> Result<Schema, Error> {
    let (dir, names) = if input.is_dir() {
        let names = match &opts.files {
            Some(f) => f.clone(),
            None => walk(input)?,
        };
        if names.is_empty() {
            return Err(Error::input(
                input.display().to_string(),
                0,
                0,
                "no .avsc, .avpr or .avdl files in this directory",
            ));
        }
        for name in &names {
            crate::limits::within(input, &input.join(name), name)?;
        }
        (input.to_path_buf(), names)
    } else {
        if !input.exists() {
            let e = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory");
            return Err(Error::io(input, &e));
        }
        let dir = input
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (dir, vec![name])
    };
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        files.push(read_file(&dir, &name, opts)?);
    }
    let mut w = Walker {
        schema: Schema {
            root: input.display().to_string(),
            ..Default::default()
        },
        refs: Vec::new(),
    };
    for (i, f) in files.into_iter().enumerate() {
        w.schema.files.push(f);
        w.file(i)?;
    }
    w.resolve_refs()?;
    crate::guard::catch(|| validate(&w.schema)).map_err(|p| {
        Error::input(
            w.schema.root.clone(),
            1,
            1,
            format!("apache-avro failed on this schema (a bug in it): {p}"),
        )
    })??;
    super::structure::check(&w.schema)?;
    Ok(w.schema)
}

fn read_file(dir: &Path, name: &str, opts: &LoadOptions) -> Result<File, Error> {
    let path = dir.join(name);
    let display = name.to_string();
    let bytes = crate::limits::read(&path, &display)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let (l, c) = LineIndex::new(&good).line_col(good.len());
            return Err(Error::input(display, l, c, "file is not valid UTF-8 text"));
        }
    };
    if name.ends_with(".avdl") {
        crate::limits::check_nesting(&text, &display)?;
        let mut idl = avdl::Idl::new();
        for inc in &opts.includes {
            idl.import_dir(inc.clone());
        }
        let converted = crate::guard::catch(|| idl.convert(&path)).map_err(|p| {
            Error::input(
                display.clone(),
                1,
                1,
                format!("the Avro IDL compiler failed on this file (a bug in it): {p}"),
            )
        })?;
        let out = converted.map_err(|report| {
            let offset = report
                .labels()
                .and_then(|mut l| l.next())
                .map(|l| l.offset())
                .unwrap_or(0);
            let (l, c) = LineIndex::new(&text).line_col(offset);
            // avdl says "parse IDL source"; its label and help say what.
            let mut msg = report.to_string();
            let label = report
                .labels()
                .and_then(|mut l| l.next())
                .and_then(|l| l.label().map(str::to_string));
            if let Some(label) = label {
                msg = format!("{msg}: {label}");
            }
            if let Some(help) = report.help() {
                msg = format!("{msg} ({help})");
            }
            Error::input(display.clone(), l, c, msg)
        })?;
        return Ok(File {
            name: name.to_string(),
            display,
            source: Source::Idl,
            json: from_serde(&out.json),
            text,
            lines: Default::default(),
        });
    }
    let tree = json::parse(&text).map_err(|e| {
        let (l, c) = LineIndex::new(&text).line_col(e.offset);
        Error::input(display.clone(), l, c, format!("invalid JSON: {e}"))
    })?;
    Ok(File {
        name: name.to_string(),
        display,
        source: Source::Json,
        json: tree,
        text,
        lines: Default::default(),
    })
}

/// A JSON tree without positions, from a `serde_json::Value`.
fn from_serde(v: &serde_json::Value) -> json::Node {
    use serde_json::Value as V;
    let value = match v {
        V::Null => json::Value::Null,
        V::Bool(b) => json::Value::Bool(*b),
        V::Number(n) => json::Value::Number(n.to_string()),
        V::String(s) => json::Value::String(s.clone()),
        V::Array(a) => json::Value::Array(a.iter().map(from_serde).collect()),
        V::Object(m) => json::Value::Object(
            m.iter()
                .map(|(k, v)| json::Member {
                    key: k.clone(),
                    key_start: 0,
                    value: from_serde(v),
                })
                .collect(),
        ),
    };
    json::Node {
        start: 0,
        end: 0,
        value,
    }
}

struct Walker {
    schema: Schema,
    /// Type references to check once every file is read: (full name as
    /// qualified where used, where).
    refs: Vec<(String, At)>,
}

fn qualify(name: &str, ns: &str) -> String {
    if name.contains('.') || ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}.{name}")
    }
}

fn split_name(full: &str) -> (&str, &str) {
    match full.rfind('.') {
        Some(i) => (&full[..i], &full[i + 1..]),
        None => ("", full),
    }
}

impl Walker {
    fn err(&self, at: &At, msg: impl Into<String>) -> Error {
        let f = &self.schema.files[at.file];
        let [l, c, _, _] = self.schema.position(at);
        let _ = f;
        Error::input(self.schema.files[at.file].display.clone(), l, c, msg)
    }

    fn file(&mut self, fi: usize) -> Result<(), Error> {
        let json = self.schema.files[fi].json.clone();
        let at = At {
            file: fi,
            pointer: Pointer::default(),
            element: String::new(),
        };
        let is_protocol = json.get("protocol").is_some();
        if is_protocol {
            return self.protocol(&json, at);
        }
        let node = self.node(&json, "", at)?;
        let key = match &node.ty {
            Ty::Named(n) => n.clone(),
            _ => self.schema.files[fi].name.clone(),
        };
        self.schema.tops.push(Top { key, node });
        Ok(())
    }

    fn protocol(&mut self, j: &json::Node, at: At) -> Result<(), Error> {
        let name = j.get("protocol").and_then(|n| n.as_str()).unwrap_or("");
        let ns = j
            .get("namespace")
            .and_then(|n| n.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| split_name(name).0.to_string());
        let full = qualify(name, &ns);
        if let Some(types) = j.get("types").and_then(|t| t.as_array()) {
            for (i, t) in types.iter().enumerate() {
                let node =
                    self.node(t, &ns, at.child("types", None).child(&i.to_string(), None))?;
                if let Ty::Named(n) = &node.ty {
                    let key = n.clone();
                    self.schema.tops.push(Top { key, node });
                }
            }
        }
        if let Some(json::Value::Object(msgs)) = j.get("messages").map(|m| &m.value) {
            for m in msgs {
                let mat = at
                    .child("messages", None)
                    .child(&m.key, Some(&format!("{full}.{}", m.key)));
                let request = match m.value.get("request").and_then(|r| r.as_array()) {
                    Some(params) => {
                        self.fields(params, &ns, &mat.child("request", None), &mat.element)?
                    }
                    None => Vec::new(),
                };
                let response = match m.value.get("response") {
                    Some(r) => self.node(r, &ns, mat.child("response", None))?,
                    None => Node {
                        ty: Ty::Null,
                        logical: None,
                        at: mat.clone(),
                    },
                };
                // A message's errors are a union that always holds `string`
                // (the system error), declared errors after it.
                let eat = mat.child("errors", None);
                let mut branches = vec![Node {
                    ty: Ty::String,
                    logical: None,
                    at: mat.clone(),
                }];
                if let Some(e) = m.value.get("errors") {
                    match self.node(e, &ns, eat.clone())?.ty {
                        Ty::Union(bs) => branches.extend(bs),
                        ty => branches.push(Node {
                            ty,
                            logical: None,
                            at: eat.clone(),
                        }),
                    }
                }
                let errors = Some(Node {
                    ty: Ty::Union(branches),
                    logical: None,
                    at: if m.value.get("errors").is_some() {
                        eat
                    } else {
                        mat.clone()
                    },
                });
                let one_way = matches!(
                    m.value.get("one-way").map(|o| &o.value),
                    Some(json::Value::Bool(true))
                );
                self.schema.messages.push(Message {
                    key: format!("{full}.{}", m.key),
                    name: m.key.clone(),
                    request,
                    response,
                    errors,
                    one_way,
                    at: mat,
                });
            }
        }
        Ok(())
    }

    fn fields(
        &mut self,
        arr: &[json::Node],
        ns: &str,
        at: &At,
        owner: &str,
    ) -> Result<Vec<Field>, Error> {
        let mut out = Vec::with_capacity(arr.len());
        for (i, f) in arr.iter().enumerate() {
            let name = f
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string();
            let fat = at.child(&i.to_string(), Some(&format!("{owner}.{name}")));
            let Some(t) = f.get("type") else {
                return Err(self.err(&fat, format!("field `{name}` has no type")));
            };
            let ty = self.node(t, ns, fat.child("type", None))?;
            let aliases = strings(f.get("aliases"));
            out.push(Field {
                name,
                aliases,
                ty,
                default: f.get("default").map(json::Node::to_serde),
                at: fat,
                index: i,
            });
        }
        Ok(out)
    }

    fn node(&mut self, j: &json::Node, ns: &str, at: At) -> Result<Node, Error> {
        match &j.value {
            json::Value::String(s) => Ok(Node {
                ty: self.type_name(s, ns, &at),
                logical: None,
                at,
            }),
            json::Value::Array(branches) => {
                let mut out = Vec::with_capacity(branches.len());
                for (i, b) in branches.iter().enumerate() {
                    out.push(self.node(b, ns, at.child(&i.to_string(), None))?);
                }
                Ok(Node {
                    ty: Ty::Union(out),
                    logical: None,
                    at,
                })
            }
            json::Value::Object(_) => self.object(j, ns, at),
            _ => Err(self.err(&at, "expected a type: a name, an object or a union")),
        }
    }

    fn type_name(&mut self, s: &str, ns: &str, at: &At) -> Ty {
        match s {
            "null" => Ty::Null,
            "boolean" => Ty::Boolean,
            "int" => Ty::Int,
            "long" => Ty::Long,
            "float" => Ty::Float,
            "double" => Ty::Double,
            "bytes" => Ty::Bytes,
            "string" => Ty::String,
            other => {
                let full = qualify(other, ns);
                self.refs.push((full.clone(), at.clone()));
                Ty::Named(full)
            }
        }
    }

    fn object(&mut self, j: &json::Node, ns: &str, at: At) -> Result<Node, Error> {
        let Some(t) = j.get("type") else {
            return Err(self.err(&at, "type object without a `type`"));
        };
        let logical = logical(j);
        let kind = match &t.value {
            json::Value::String(s) => s.as_str(),
            // {"type": {...}} or {"type": [...]}: the inner value is the type.
            _ => return self.node(t, ns, at.child("type", None)),
        };
        match kind {
            "record" | "error" | "enum" | "fixed" => self.named(j, kind, ns, at, logical),
            "array" => {
                let items = j
                    .get("items")
                    .ok_or_else(|| self.err(&at, "array without `items`"))?;
                let n = self.node(items, ns, at.child("items", None))?;
                Ok(Node {
                    ty: Ty::Array(Box::new(n)),
                    logical: None,
                    at,
                })
            }
            "map" => {
                let values = j
                    .get("values")
                    .ok_or_else(|| self.err(&at, "map without `values`"))?;
                let n = self.node(values, ns, at.child("values", None))?;
                Ok(Node {
                    ty: Ty::Map(Box::new(n)),
                    logical: None,
                    at,
                })
            }
            p if PRIMITIVES.contains(&p) => Ok(Node {
                ty: self.type_name(p, ns, &at),
                logical: logical.filter(|l| logical_fits(l, p)),
                at,
            }),
            other => Ok(Node {
                ty: self.type_name(other, ns, &at),
                logical: None,
                at,
            }),
        }
    }

    fn named(
        &mut self,
        j: &json::Node,
        kind: &str,
        ns: &str,
        at: At,
        logical: Option<Logical>,
    ) -> Result<Node, Error> {
        let Some(name) = j.get("name").and_then(|n| n.as_str()) else {
            return Err(self.err(&at, format!("{kind} without a `name`")));
        };
        let own_ns = j.get("namespace").and_then(|n| n.as_str()).unwrap_or(ns);
        let full = qualify(name, own_ns);
        let (type_ns, short) = split_name(&full);
        let (type_ns, short) = (type_ns.to_string(), short.to_string());
        let at = At {
            element: full.clone(),
            ..at
        };
        if self.schema.named.contains_key(&full) {
            return Err(self.err(
                &at.child("name", None),
                format!("the name `{full}` is defined twice"),
            ));
        }
        let aliases = strings(j.get("aliases"))
            .into_iter()
            .map(|a| qualify(&a, &type_ns))
            .collect();
        // Register before the fields, so a recursive reference resolves.
        self.schema.named.insert(
            full.clone(),
            Named {
                full_name: full.clone(),
                name: short,
                aliases,
                kind: NamedKind::Fixed { size: 0 },
                logical: None,
                at: at.clone(),
            },
        );
        let kind = match kind {
            "record" | "error" => {
                let fields = match j.get("fields").and_then(|f| f.as_array()) {
                    Some(f) => self.fields(f, &type_ns, &at.child("fields", None), &full)?,
                    None => return Err(self.err(&at, format!("record `{full}` without `fields`"))),
                };
                NamedKind::Record {
                    fields,
                    error: kind == "error",
                }
            }
            "enum" => NamedKind::Enum {
                symbols: strings(j.get("symbols")),
                default: j
                    .get("default")
                    .and_then(|d| d.as_str())
                    .map(str::to_string),
            },
            _ => NamedKind::Fixed {
                size: j
                    .get("size")
                    .and_then(|s| match &s.value {
                        json::Value::Number(n) => n.parse().ok(),
                        _ => None,
                    })
                    .ok_or_else(|| {
                        self.err(&at, format!("fixed `{full}` without a valid `size`"))
                    })?,
            },
        };
        let logical = match (&kind, logical) {
            (
                NamedKind::Fixed { .. },
                Some(l @ (Logical::Decimal { .. } | Logical::Duration | Logical::Uuid)),
            ) => Some(l),
            _ => None,
        };
        if let Some(n) = self.schema.named.get_mut(&full) {
            n.kind = kind;
            n.logical = logical;
        }
        Ok(Node {
            ty: Ty::Named(full),
            logical: None,
            at,
        })
    }

    /// References resolve in the enclosing namespace first, then as given.
    fn resolve_refs(&mut self) -> Result<(), Error> {
        let mut rename: HashMap<String, String> = HashMap::new();
        for (full, at) in std::mem::take(&mut self.refs) {
            if self.schema.named.contains_key(&full) || rename.contains_key(&full) {
                continue;
            }
            let short = split_name(&full).1.to_string();
            if self.schema.named.contains_key(&short) {
                rename.insert(full, short);
            } else {
                let known: BTreeSet<&str> = self.schema.named.keys().map(String::as_str).collect();
                let hint = known
                    .iter()
                    .find(|k| split_name(k).1 == short.as_str())
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                return Err(self.err(&at, format!("unknown type `{full}`{hint}")));
            }
        }
        if rename.is_empty() {
            return Ok(());
        }
        let fix = |n: &mut Node| fix_names(n, &rename);
        for t in &mut self.schema.tops {
            fix(&mut t.node);
        }
        for named in self.schema.named.values_mut() {
            if let NamedKind::Record { fields, .. } = &mut named.kind {
                for f in fields {
                    fix(&mut f.ty);
                }
            }
        }
        for m in &mut self.schema.messages {
            for f in &mut m.request {
                fix(&mut f.ty);
            }
            fix(&mut m.response);
            if let Some(e) = &mut m.errors {
                fix(e);
            }
        }
        Ok(())
    }
}

fn fix_names(n: &mut Node, rename: &HashMap<String, String>) {
    match &mut n.ty {
        Ty::Named(name) => {
            if let Some(r) = rename.get(name) {
                *name = r.clone();
            }
        }
        Ty::Array(i) | Ty::Map(i) => fix_names(i, rename),
        Ty::Union(bs) => bs.iter_mut().for_each(|b| fix_names(b, rename)),
        _ => {}
    }
}

fn strings(n: Option<&json::Node>) -> Vec<String> {
    n.and_then(|n| n.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn logical(j: &json::Node) -> Option<Logical> {
    let name = j.get("logicalType")?.as_str()?;
    let num = |k: &str| -> Option<u64> {
        match &j.get(k)?.value {
            json::Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    };
    Some(match name {
        "decimal" => {
            let (precision, scale) = (num("precision")?, num("scale").unwrap_or(0));
            // The specification ignores a decimal with no precision or a
            // scale above it.
            if precision == 0 || scale > precision {
                return None;
            }
            Logical::Decimal { precision, scale }
        }
        "uuid" => Logical::Uuid,
        "date" => Logical::Date,
        "time-millis" => Logical::TimeMillis,
        "time-micros" => Logical::TimeMicros,
        "timestamp-millis" => Logical::TimestampMillis,
        "timestamp-micros" => Logical::TimestampMicros,
        "timestamp-nanos" => Logical::TimestampNanos,
        "local-timestamp-millis" => Logical::LocalTimestampMillis,
        "local-timestamp-micros" => Logical::LocalTimestampMicros,
        "local-timestamp-nanos" => Logical::LocalTimestampNanos,
        "duration" => Logical::Duration,
        // Unknown logical types are ignored, as the specification says.
        _ => return None,
    })
}

/// Whether a logical type annotates this primitive (else it is ignored).
fn logical_fits(l: &Logical, primitive: &str) -> bool {
    match l {
        Logical::Decimal { .. } => primitive == "bytes",
        Logical::Uuid => primitive == "string",
        Logical::Date | Logical::TimeMillis => primitive == "int",
        Logical::Duration => false,
        _ => primitive == "long",
    }
}

/// The version's schemas as apache-avro parses them: the named top-level
/// definitions of every file (a protocol's `types`, with its namespace and
/// `error` read as `record`), and the other (unnamed) top-level schemas,
/// each with its file's index and the JSON pointer in that file where it
/// sits (empty for a whole file).
pub type ApacheJson = (
    Vec<(usize, String, serde_json::Value)>,
    Vec<(usize, String, serde_json::Value)>,
);

pub fn apache_json(schema: &Schema) -> ApacheJson {
    // Named top-level definitions of every file, as JSON, for references.
    let mut named_json: Vec<(usize, String, serde_json::Value)> = Vec::new();
    let mut others: Vec<(usize, String, serde_json::Value)> = Vec::new();
    for (fi, f) in schema.files.iter().enumerate() {
        let v = f.json.to_serde();
        if let Some(obj) = v.as_object()
            && obj.contains_key("protocol")
        {
            let ns = obj.get("namespace").cloned();
            for (i, t) in obj
                .get("types")
                .and_then(|t| t.as_array())
                .into_iter()
                .flatten()
                .enumerate()
            {
                let mut t = t.clone();
                // apache-avro parses schemas, not protocols: an `error` is a
                // record with another keyword.
                if let Some(o) = t.as_object_mut()
                    && o.get("type").and_then(|t| t.as_str()) == Some("error")
                {
                    o.insert("type".into(), "record".into());
                }
                if let (Some(o), Some(ns)) = (t.as_object_mut(), &ns)
                    && !o.contains_key("namespace")
                {
                    o.insert("namespace".into(), ns.clone());
                }
                if t.is_object() {
                    named_json.push((fi, format!("/types/{i}"), t));
                }
            }
            continue;
        }
        let is_named = v
            .get("type")
            .and_then(|t| t.as_str())
            .is_some_and(|t| matches!(t, "record" | "error" | "enum" | "fixed"));
        if is_named {
            named_json.push((fi, String::new(), v));
        } else {
            others.push((fi, String::new(), v));
        }
    }
    (named_json, others)
}

/// A field default that apache-avro cannot check: the field's type reaches
/// a record whose definition encloses the field, which apache-avro has not
/// finished building when it checks the default, so it refuses every
/// default there (0.22: "`default`'s value type of field ... must be ..."),
/// though the specification allows them (`{"name": "next", "type": "Node",
/// "default": {"value": 1, "children": []}}` inside `Node`). wirecompat
/// hides these defaults from apache-avro's parser, checks them itself
/// ([`super::resolve::default_error`]), and gives them back to the parsed
/// schemas that read data ([`super::library`]).
#[derive(Debug, Clone)]
pub struct Deferred {
    /// The record's full name and the field's name.
    pub record: String,
    pub field: String,
    /// The field object.
    pub at: At,
    pub default: serde_json::Value,
}

/// The defaults apache-avro cannot check (see [`Deferred`]), in a fixed
/// order. Only looked for once apache-avro has refused a version.
pub fn deferred_defaults(schema: &Schema) -> Vec<Deferred> {
    let mut records: Vec<&Named> = schema
        .named
        .values()
        .filter(|n| matches!(n.kind, NamedKind::Record { .. }))
        .collect();
    records.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    let mut out = Vec::new();
    for r in &records {
        let NamedKind::Record { fields, .. } = &r.kind else {
            continue;
        };
        for f in fields {
            let Some(default) = &f.default else {
                continue;
            };
            let enclosing: Vec<&str> = records
                .iter()
                .filter(|e| e.at.file == f.at.file && f.at.pointer.is_below(&e.at.pointer))
                .map(|e| e.full_name.as_str())
                .collect();
            let mut seen = BTreeSet::new();
            reach(&f.ty, schema, &mut seen);
            if enclosing.iter().any(|e| seen.contains(*e)) {
                out.push(Deferred {
                    record: r.full_name.clone(),
                    field: f.name.clone(),
                    at: f.at.clone(),
                    default: default.clone(),
                });
            }
        }
    }
    out
}

/// The named types a type reaches, through fields, items, values and
/// branches.
fn reach<'a>(n: &'a Node, schema: &'a Schema, seen: &mut BTreeSet<&'a str>) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        match &n.ty {
            Ty::Array(i) | Ty::Map(i) => stack.push(i),
            Ty::Union(bs) => stack.extend(bs.iter()),
            Ty::Named(name) => {
                if !seen.insert(name.as_str()) {
                    continue;
                }
                if let Some(Named {
                    kind: NamedKind::Record { fields, .. },
                    ..
                }) = schema.named(name)
                {
                    stack.extend(fields.iter().map(|f| &f.ty));
                }
            }
            _ => {}
        }
    }
}

/// Takes the deferred defaults out of apache-avro's copy of the version.
pub fn without_deferred(json: &mut ApacheJson, deferred: &[Deferred]) {
    for d in deferred {
        let pointer = d.at.pointer.to_string();
        let entry = json
            .0
            .iter_mut()
            .chain(json.1.iter_mut())
            .find(|(fi, base, _)| *fi == d.at.file && pointer.starts_with(&format!("{base}/")));
        if let Some((_, base, v)) = entry
            && let Some(o) = v
                .pointer_mut(&pointer[base.len()..])
                .and_then(|f| f.as_object_mut())
        {
            o.remove("default");
        }
    }
}

/// The version's schemas as the texts apache-avro parses ([`apache_json`]
/// written out), without the `deferred` defaults. Each JSON value is
/// dropped once written: a version's values and apache-avro's parse of the
/// texts are not held at once (for one record of 100,000 fields the values
/// weigh about nine times the text).
pub struct ApacheTexts {
    /// The named top-level definitions, parsed together.
    pub named: Vec<String>,
    /// The file of each of `named`.
    pub named_files: Vec<usize>,
    /// The unnamed top-level schemas, with their files.
    pub others: Vec<(usize, String)>,
}

/// `hoisted`: with nested records taken out as definitions of their own
/// ([`super::hoist`]: apache-avro's parse of deeply nested records is
/// otherwise quadratic in memory); else as the files have them.
pub fn apache_texts(schema: &Schema, deferred: &[Deferred], hoisted: bool) -> ApacheTexts {
    let mut json = apache_json(schema);
    if !deferred.is_empty() {
        without_deferred(&mut json, deferred);
    }
    let (mut named, others) = json;
    if hoisted {
        named = super::hoist::hoist(named);
    }
    let mut t = ApacheTexts {
        named: Vec::with_capacity(named.len()),
        named_files: Vec::with_capacity(named.len()),
        others: Vec::with_capacity(others.len()),
    };
    for (fi, _, v) in named {
        t.named.push(v.to_string());
        t.named_files.push(fi);
    }
    for (fi, _, v) in others {
        t.others.push((fi, v.to_string()));
    }
    t
}

/// Lets apache-avro parse every schema of the version; its refusal is an
/// input error on the file that caused it. Defaults apache-avro cannot
/// check (see [`Deferred`]) are checked by wirecompat instead.
fn validate(schema: &Schema) -> Result<(), Error> {
    let Err(e) = apache_parses(schema, &[]) else {
        return Ok(());
    };
    let deferred = deferred_defaults(schema);
    if deferred.is_empty() {
        return Err(e);
    }
    apache_parses(schema, &deferred)?;
    for d in &deferred {
        let ty = schema
            .named(&d.record)
            .and_then(|r| match &r.kind {
                NamedKind::Record { fields, .. } => fields.iter().find(|f| f.name == d.field),
                _ => None,
            })
            .map(|f| &f.ty);
        if let Some(ty) = ty
            && let Err(why) = super::resolve::default_error(&d.default, ty, schema)
        {
            let at = d.at.child("default", None);
            let [l, c, _, _] = schema.position(&at);
            return Err(Error::input(
                schema.files[d.at.file].display.clone(),
                l,
                c,
                format!(
                    "invalid Avro schema: the default of field `{}` in `{}` does not fit its \
                     type: {why}",
                    d.field, d.record
                ),
            ));
        }
    }
    Ok(())
}

/// apache-avro's parse of the version's named definitions (without the
/// `deferred` defaults), with the texts it parsed: nested records taken out
/// first ([`super::hoist`]), and where that is refused, the texts as
/// written, so that a refusal names what the files say.
pub fn apache_parse(
    schema: &Schema,
    deferred: &[Deferred],
) -> (ApacheTexts, Result<Vec<apache_avro::Schema>, String>) {
    let parse = |t: &ApacheTexts| {
        super::library::guard(|| {
            apache_avro::Schema::parse_list(&t.named).map_err(|e| e.to_string())
        })
    };
    let hoisted = apache_texts(schema, deferred, true);
    let parsed = parse(&hoisted);
    if parsed.is_ok() {
        return (hoisted, parsed);
    }
    drop(hoisted);
    let written = apache_texts(schema, deferred, false);
    let parsed = parse(&written);
    (written, parsed)
}

/// Whether apache-avro parses the version (without the `deferred`
/// defaults); a refusal is an error on the file that caused it.
fn apache_parses(schema: &Schema, deferred: &[Deferred]) -> Result<(), Error> {
    let (t, parsed) = apache_parse(schema, deferred);
    let texts = &t.named;
    if let Err(e) = parsed {
        // Find the file: parse each alone, with the others for references.
        for (i, fi) in t.named_files.iter().enumerate() {
            let rest: Vec<&String> = texts
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, t)| t)
                .collect();
            if let Err(e) = apache_avro::Schema::parse_str_with_list(&texts[i], rest) {
                return Err(avro_error(schema, *fi, &e.to_string()));
            }
        }
        let fi = t.named_files.first().copied().unwrap_or(0);
        return Err(avro_error(schema, fi, &e));
    }
    for (fi, text) in &t.others {
        if let Err(e) = apache_avro::Schema::parse_str_with_list(text, texts) {
            return Err(avro_error(schema, *fi, &e.to_string()));
        }
    }
    Ok(())
}

/// An apache-avro refusal, placed at the element of the file that the
/// message names (a field or type name), else at the file's start. Names the
/// message quotes in backticks come first (apache-avro writes "field `a` in
/// `R`"), then names it mentions as words; records and fields are visited in
/// a fixed order so that the place does not change from run to run.
fn avro_error(schema: &Schema, fi: usize, message: &str) -> Error {
    let f = &schema.files[fi];
    let quoted = |name: &str| message.contains(&format!("`{name}`"));
    let word = |name: &str| {
        message.match_indices(name).any(|(i, _)| {
            let before = message[..i].chars().next_back();
            let after = message[i + name.len()..].chars().next();
            let edge = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            edge(before) && edge(after)
        })
    };
    let about_default = message.contains("default");
    let mut named: Vec<_> = schema.named.values().collect();
    named.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    // (rank, place): lower rank first; the first place of the best rank.
    let mut best: Option<(u8, At)> = None;
    let mut consider = |at: At, rank: u8| {
        if at.file == fi && best.as_ref().is_none_or(|(r, _)| rank < *r) {
            best = Some((rank, at));
        }
    };
    for n in &named {
        let short = n.full_name.rsplit('.').next().unwrap_or(&n.full_name);
        let record_quoted = quoted(&n.full_name) || quoted(short);
        if let NamedKind::Record { fields, .. } = &n.kind {
            for fld in fields {
                if fld.name.is_empty() {
                    continue;
                }
                let at = if about_default && fld.default.is_some() {
                    fld.at.child("default", None)
                } else {
                    fld.at.clone()
                };
                if quoted(&fld.name) && record_quoted {
                    consider(at, 0);
                } else if quoted(&fld.name) {
                    consider(at, 1);
                } else if word(&fld.name) {
                    consider(at, 3);
                }
            }
        }
        if record_quoted {
            consider(n.at.clone(), 2);
        } else if word(&n.full_name) || word(short) {
            consider(n.at.clone(), 4);
        }
    }
    let best = best.map(|(_, at)| at);
    let [l, c, _, _] = best.map(|at| schema.position(&at)).unwrap_or([1, 1, 1, 1]);
    Error::input(
        f.display.clone(),
        l,
        c,
        format!("invalid Avro schema: {message}"),
    )
}
