//! Loading one JSON Schema version: `.json` schema files or directories of
//! them, with every `$ref` resolved (JSON pointers, `$defs`/`definitions`,
//! anchors, `$id`-based references, relative files inside the root). Remote
//! references are refused, and so are paths that leave the root.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use url::Url;

use crate::error::Error;
use crate::json::{self, LineIndex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Draft {
    D4,
    D6,
    D7,
    D2019,
    D2020,
}

impl Draft {
    pub fn from_uri(s: &str) -> Option<Draft> {
        let s = s.trim_end_matches('#');
        Some(if s.contains("draft-04") {
            Draft::D4
        } else if s.contains("draft-06") {
            Draft::D6
        } else if s.contains("draft-07") {
            Draft::D7
        } else if s.contains("2019-09") {
            Draft::D2019
        } else if s.contains("2020-12") {
            Draft::D2020
        } else {
            return None;
        })
    }

    pub fn parse(s: &str) -> Option<Draft> {
        match s
            .to_ascii_lowercase()
            .trim_start_matches("draft")
            .trim_start_matches(['-', '_'])
        {
            "4" | "04" => Some(Draft::D4),
            "6" | "06" => Some(Draft::D6),
            "7" | "07" => Some(Draft::D7),
            "2019-09" | "201909" => Some(Draft::D2019),
            "2020-12" | "202012" => Some(Draft::D2020),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Draft::D4 => "draft-04",
            Draft::D6 => "draft-06",
            Draft::D7 => "draft-07",
            Draft::D2019 => "2019-09",
            Draft::D2020 => "2020-12",
        }
    }

    /// `$ref` replaces its siblings up to draft 7; an applicator since 2019-09.
    pub fn ref_overrides(self) -> bool {
        self <= Draft::D7
    }

    pub fn id_key(self) -> &'static str {
        if self == Draft::D4 { "id" } else { "$id" }
    }
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Draft for schemas that do not say (`$schema`); default 2020-12.
    pub draft: Option<Draft>,
    /// Remote references served from local files: a URI (or a prefix ending
    /// in `/`) and the file (or directory) that stands for it.
    pub ref_map: Vec<(String, PathBuf)>,
    /// For a directory: the schema files to compare (relative,
    /// `/`-separated) instead of every `.json` file under it; others are
    /// still read when a `$ref` points at them.
    pub files: Option<Vec<String>>,
}

/// The local file a remote URI is mapped to, if any.
fn mapped(opts: &LoadOptions, uri: &str) -> Option<PathBuf> {
    opts.ref_map.iter().find_map(|(from, to)| {
        if uri == from {
            Some(to.clone())
        } else if from.ends_with('/') {
            uri.strip_prefix(from.as_str()).map(|rest| to.join(rest))
        } else {
            None
        }
    })
}

/// A schema location: file and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SRef {
    pub file: usize,
    pub ptr: String,
}

impl SRef {
    pub fn child(&self, tokens: &[&str]) -> SRef {
        let mut ptr = self.ptr.clone();
        for t in tokens {
            ptr.push('/');
            ptr.push_str(&json::pointer_token(t));
        }
        SRef {
            file: self.file,
            ptr,
        }
    }
}

#[derive(Debug)]
pub struct Doc {
    /// Relative to the root given on the command line.
    pub display: String,
    pub path: PathBuf,
    pub uri: Url,
    pub text: String,
    pub tree: json::Node,
    /// Where the text's lines start, made on first use.
    pub lines: std::sync::OnceLock<json::Lines>,
    /// The members of the tree's large objects by key (each object by its
    /// start offset), made on first use: finding positions by pointer
    /// would otherwise search 100,000 `properties` once per finding.
    pub large: std::sync::OnceLock<HashMap<usize, HashMap<String, usize>>>,
    pub value: serde_json::Value,
    pub draft: Draft,
    /// Input file (compared), or a file a reference pulled in.
    pub input: bool,
}

#[derive(Debug, Default)]
pub struct Version {
    pub root: String,
    pub root_dir: PathBuf,
    pub docs: Vec<Doc>,
    /// Absolute URI (no fragment) of a resource -> its location.
    pub resources: HashMap<String, SRef>,
    /// `uri#anchor` -> location.
    pub anchors: HashMap<String, SRef>,
    /// Resolved `$ref`s: location of the `$ref`'s schema -> target.
    pub refs: HashMap<SRef, SRef>,
    /// Base URI in force at each schema that changes it (for references).
    pub bases: BTreeMap<SRef, Url>,
    /// The documents for the `jsonschema` crate's validators that follow
    /// references, made when the first of them is built.
    pub validated: super::validate::Registry,
}

/// Objects with more members than this are indexed for lookups by key.
const LARGE_OBJECT: usize = 32;

impl Doc {
    /// The member `key` of the object `n` of this document's tree.
    pub fn member<'a>(&'a self, n: &'a json::Node, key: &str) -> Option<&'a json::Member> {
        let json::Value::Object(m) = &n.value else {
            return None;
        };
        if m.len() <= LARGE_OBJECT {
            return m.iter().find(|m| m.key == key);
        }
        let large = self.large.get_or_init(|| {
            let mut out = HashMap::new();
            let mut stack = vec![&self.tree];
            while let Some(n) = stack.pop() {
                match &n.value {
                    json::Value::Object(m) => {
                        if m.len() > LARGE_OBJECT {
                            let keys = m.iter().enumerate().map(|(i, m)| (m.key.clone(), i));
                            // The first of a repeated key, as a search finds.
                            let mut idx: HashMap<String, usize> = HashMap::new();
                            for (k, i) in keys {
                                idx.entry(k).or_insert(i);
                            }
                            out.insert(n.start, idx);
                        }
                        stack.extend(m.iter().map(|m| &m.value));
                    }
                    json::Value::Array(a) => stack.extend(a.iter()),
                    _ => {}
                }
            }
            out
        });
        match large.get(&n.start) {
            Some(idx) => idx.get(key).map(|&i| &m[i]),
            None => m.iter().find(|m| m.key == key),
        }
    }

    /// The node at a JSON pointer of this document's tree.
    pub fn node(&self, ptr: &str) -> Option<&json::Node> {
        if ptr.is_empty() || ptr == "/" {
            return Some(&self.tree);
        }
        let mut node = &self.tree;
        for raw in ptr.strip_prefix('/')?.split('/') {
            let tok = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                json::Value::Object(_) => &self.member(node, &tok)?.value,
                json::Value::Array(a) => a.get(tok.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

impl Version {
    pub fn node(&self, s: &SRef) -> Option<&json::Node> {
        self.docs.get(s.file)?.node(&s.ptr)
    }

    /// The member `key` of the object at `s`.
    pub fn member(&self, s: &SRef, key: &str) -> Option<&json::Member> {
        let d = self.docs.get(s.file)?;
        d.member(d.node(&s.ptr)?, key)
    }

    pub fn value(&self, s: &SRef) -> Option<&serde_json::Value> {
        let v = &self.docs.get(s.file)?.value;
        if s.ptr.is_empty() {
            Some(v)
        } else {
            v.pointer(&s.ptr)
        }
    }

    pub fn draft(&self, s: &SRef) -> Draft {
        self.docs[s.file].draft
    }

    /// 1-based [line, column, end line, end column] of a location.
    pub fn position(&self, s: &SRef) -> [u32; 4] {
        let d = &self.docs[s.file];
        let node = d.node(&s.ptr).unwrap_or(&d.tree);
        let idx = d.lines.get_or_init(|| json::Lines::new(&d.text));
        let (l, c) = idx.line_col(&d.text, node.start);
        let (el, ec) = idx.line_col(&d.text, node.end);
        [l, c, el, ec]
    }

    /// Position of a keyword (the member's key) inside the schema at `s`.
    pub fn key_position(&self, s: &SRef, key: &str) -> Option<[u32; 4]> {
        let d = &self.docs[s.file];
        let m = d.member(d.node(&s.ptr)?, key)?;
        let idx = d.lines.get_or_init(|| json::Lines::new(&d.text));
        let (l, c) = idx.line_col(&d.text, m.key_start);
        let (el, ec) = idx.line_col(&d.text, m.value.end);
        Some([l, c, el, ec])
    }
}

pub const EXTENSIONS: &[&str] = &["json"];

pub fn accepts(input: &Path) -> bool {
    if input.is_dir() {
        return walk(input).map(|v| !v.is_empty()).unwrap_or(false);
    }
    input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
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
            } else if name.ends_with(".json") {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Keywords whose value is a schema.
pub const SCHEMA_KEYS: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "items",
    "contentSchema",
];
/// Keywords whose value is an array of schemas.
pub const SCHEMA_ARRAY_KEYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
/// Keywords whose value maps names to schemas.
pub const SCHEMA_MAP_KEYS: &[&str] = &[
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
    "dependencies",
];

pub fn load(input: &Path, opts: &LoadOptions) -> Result<Version, Error> {
    let abs = std::fs::canonicalize(input).map_err(|e| Error::io(input, &e))?;
    let (root_dir, names) = if abs.is_dir() {
        let names = match &opts.files {
            Some(f) => f.clone(),
            None => walk(&abs)?,
        };
        if names.is_empty() {
            return Err(Error::input(
                input.display().to_string(),
                0,
                0,
                "no .json schema files in this directory",
            ));
        }
        (abs.clone(), names)
    } else {
        let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (dir, vec![name])
    };
    let mut v = Version {
        root: input.display().to_string(),
        root_dir: root_dir.clone(),
        ..Default::default()
    };
    for name in &names {
        let path = root_dir.join(name);
        crate::limits::within(&root_dir, &path, name)?;
        add_doc(&mut v, &path, name.clone(), true, opts)?;
    }
    // Resolve references; a reference may pull in more files.
    let mut i = 0;
    while i < v.docs.len() {
        resolve_doc_refs(&mut v, i, opts)?;
        i += 1;
    }
    super::structure::check(&v)?;
    Ok(v)
}

fn read_text(path: &Path, display: &str) -> Result<String, Error> {
    let bytes = crate::limits::read(path, display)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(e) => {
            let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let (l, c) = LineIndex::new(&good).line_col(good.len());
            Err(Error::input(display, l, c, "file is not valid UTF-8 text"))
        }
    }
}

fn add_doc(
    v: &mut Version,
    path: &Path,
    display: String,
    input: bool,
    opts: &LoadOptions,
) -> Result<usize, Error> {
    let text = read_text(path, &display)?;
    let tree = json::parse(&text).map_err(|e| {
        let (l, c) = LineIndex::new(&text).line_col(e.offset);
        Error::input(display.clone(), l, c, format!("invalid JSON: {e}"))
    })?;
    let value = tree.to_serde();
    if !(value.is_object() || value.is_boolean()) {
        return Err(Error::input(
            display,
            1,
            1,
            "a JSON Schema is an object or a boolean",
        ));
    }
    let draft = match value.get("$schema").and_then(|s| s.as_str()) {
        Some(s) => match Draft::from_uri(s) {
            Some(d) => d,
            None => {
                let at = tree.get("$schema").map(|n| n.start).unwrap_or(0);
                let (l, c) = LineIndex::new(&text).line_col(at);
                return Err(Error::input(
                    display,
                    l,
                    c,
                    format!(
                        "unknown $schema {s:?}: wirecompat reads drafts 4, 6, 7, 2019-09 and 2020-12"
                    ),
                ));
            }
        },
        None => opts.draft.unwrap_or(Draft::D2020),
    };
    let meta = match draft {
        Draft::D4 => jsonschema::draft4::meta::validate(&value),
        Draft::D6 => jsonschema::draft6::meta::validate(&value),
        Draft::D7 => jsonschema::draft7::meta::validate(&value),
        Draft::D2019 => jsonschema::draft201909::meta::validate(&value),
        Draft::D2020 => jsonschema::draft202012::meta::validate(&value),
    };
    if let Err(e) = meta {
        // Point at the offending keyword (its parent when the value is a
        // member of it, such as `"type": "strin"` in an array).
        let ptr = e.instance_path().as_str().to_string();
        let at = tree.pointer(&ptr).map(|n| n.start).unwrap_or(0);
        let (l, c) = LineIndex::new(&text).line_col(at);
        return Err(Error::input(
            display,
            l,
            c,
            format!(
                "not a valid {} schema: {} (at {})",
                draft.name(),
                e,
                if ptr.is_empty() { "/" } else { &ptr }
            ),
        ));
    }
    let uri = Url::from_file_path(path)
        .map_err(|_| Error::input(display.clone(), 0, 0, "cannot make a file URI of this path"))?;
    let idx = v.docs.len();
    v.docs.push(Doc {
        display,
        path: path.to_path_buf(),
        uri: uri.clone(),
        text,
        tree,
        lines: Default::default(),
        large: Default::default(),
        value,
        draft,
        input,
    });
    v.resources.insert(
        strip_fragment(&uri),
        SRef {
            file: idx,
            ptr: String::new(),
        },
    );
    register(v, idx)?;
    Ok(idx)
}

fn strip_fragment(u: &Url) -> String {
    let mut u = u.clone();
    u.set_fragment(None);
    u.to_string()
}

fn err_at(v: &Version, at: &SRef, msg: impl Into<String>) -> Error {
    let [l, c, _, _] = v.position(at);
    Error::input(v.docs[at.file].display.clone(), l, c, msg)
}

/// Every subschema of a schema, with the pointer tokens leading to it.
pub fn subschemas(node: &serde_json::Value, draft: Draft) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let Some(obj) = node.as_object() else {
        return out;
    };
    for (k, val) in obj {
        let k = k.as_str();
        if SCHEMA_KEYS.contains(&k) && (val.is_object() || val.is_boolean()) {
            out.push(vec![k.to_string()]);
        }
        if SCHEMA_ARRAY_KEYS.contains(&k)
            && let Some(a) = val.as_array()
        {
            for i in 0..a.len() {
                out.push(vec![k.to_string(), i.to_string()]);
            }
        }
        if SCHEMA_MAP_KEYS.contains(&k)
            && let Some(m) = val.as_object()
        {
            for (name, sub) in m {
                // draft-4..7 `dependencies` may hold arrays of names.
                if sub.is_object() || sub.is_boolean() {
                    out.push(vec![k.to_string(), name.clone()]);
                }
            }
        }
        let _ = draft;
    }
    out
}

/// Records the resources (`$id`) and anchors of a document.
fn register(v: &mut Version, file: usize) -> Result<(), Error> {
    let draft = v.docs[file].draft;
    let base = v.docs[file].uri.clone();
    // Each entry's base is shared with its siblings: the properties of an
    // object of 100,000 are on the stack at once.
    let mut stack = vec![(String::new(), std::rc::Rc::new(base))];
    while let Some((ptr, mut base)) = stack.pop() {
        let at = SRef {
            file,
            ptr: ptr.clone(),
        };
        // What is read of the schema, taken before the version is written
        // to (a copy of the schema itself copied every subtree once per
        // schema enclosing it).
        let Some(node) = v.value(&at) else {
            continue;
        };
        let text = |key: &str| node.get(key).and_then(|i| i.as_str()).map(str::to_string);
        let id = text(draft.id_key());
        let anchors = ["$anchor", "$dynamicAnchor"].map(text);
        let children = subschemas(node, draft);
        if let Some(id) = id.as_deref() {
            if let Some(anchor) = id.strip_prefix('#')
                && draft <= Draft::D7
            {
                // A plain-name fragment `$id` is an anchor up to draft 7.
                v.anchors
                    .insert(format!("{}#{anchor}", strip_fragment(&base)), at.clone());
            } else {
                let joined = base
                    .join(id)
                    .map_err(|e| err_at(v, &at, format!("invalid {}: {e}", draft.id_key())))?;
                base = std::rc::Rc::new(joined);
                if let Some(prev) = v.resources.insert(strip_fragment(&base), at.clone())
                    && prev != at
                {
                    let [l, c, _, _] = v.position(&prev);
                    return Err(err_at(
                        v,
                        &at,
                        format!(
                            "{} {} is declared twice: also at {}:{l}:{c}",
                            draft.id_key(),
                            strip_fragment(&base),
                            v.docs[prev.file].display
                        ),
                    ));
                }
                v.bases.insert(at.clone(), (*base).clone());
            }
        }
        for a in anchors.iter().flatten() {
            v.anchors
                .insert(format!("{}#{a}", strip_fragment(&base)), at.clone());
        }
        if ptr.is_empty() {
            v.bases.insert(at.clone(), (*base).clone());
        }
        for tokens in children {
            let child = at.child(&tokens.iter().map(String::as_str).collect::<Vec<_>>());
            stack.push((child.ptr, base.clone()));
        }
    }
    Ok(())
}

/// The base URI in force at a location: the nearest enclosing `$id`.
pub fn base_at(v: &Version, at: &SRef) -> Url {
    let mut ptr = at.ptr.clone();
    loop {
        if let Some(b) = v.bases.get(&SRef {
            file: at.file,
            ptr: ptr.clone(),
        }) {
            return b.clone();
        }
        match ptr.rfind('/') {
            Some(i) => ptr.truncate(i),
            None if !ptr.is_empty() => ptr.clear(),
            None => return v.docs[at.file].uri.clone(),
        }
    }
}

fn resolve_doc_refs(v: &mut Version, file: usize, opts: &LoadOptions) -> Result<(), Error> {
    let draft = v.docs[file].draft;
    let mut stack = vec![String::new()];
    let mut found: Vec<(SRef, String)> = Vec::new();
    while let Some(ptr) = stack.pop() {
        let at = SRef { file, ptr };
        let Some(node) = v.value(&at) else { continue };
        for key in ["$ref", "$dynamicRef", "$recursiveRef"] {
            if let Some(r) = node.get(key).and_then(|r| r.as_str()) {
                found.push((at.clone(), r.to_string()));
            }
        }
        for tokens in subschemas(node, draft) {
            stack.push(
                at.child(&tokens.iter().map(String::as_str).collect::<Vec<_>>())
                    .ptr,
            );
        }
    }
    for (at, r) in found {
        let target = resolve_ref(v, &at, &r, opts)?;
        v.refs.insert(at, target);
    }
    Ok(())
}

/// Resolves one reference written at `at`.
fn resolve_ref(v: &mut Version, at: &SRef, r: &str, opts: &LoadOptions) -> Result<SRef, Error> {
    let ref_at = at.child(&["$ref"]);
    let here = if v.node(&ref_at).is_some() {
        ref_at
    } else {
        at.clone()
    };
    let base = base_at(v, at);
    let target = base
        .join(r)
        .map_err(|e| err_at(v, &here, format!("invalid reference {r:?}: {e}")))?;
    let fragment = target.fragment().map(|f| {
        percent_encoding::percent_decode_str(f)
            .decode_utf8_lossy()
            .into_owned()
    });
    let doc_uri = strip_fragment(&target);
    let doc = match v.resources.get(&doc_uri).cloned() {
        Some(d) => d,
        None if target.scheme() == "file" => {
            let path = target
                .to_file_path()
                .map_err(|_| err_at(v, &here, format!("cannot read reference {r:?}")))?;
            // Outside the root is refused before the file system is asked
            // (the URL has its `..` resolved already), and again once links
            // are followed.
            let leaves = |p: &Path| {
                (!p.starts_with(&v.root_dir)).then(|| {
                    err_at(
                        v,
                        &here,
                        format!(
                            "reference {r:?} leaves the root {}: refused",
                            v.root_dir.display()
                        ),
                    )
                })
            };
            if let Some(e) = leaves(&path) {
                return Err(e);
            }
            let path = std::fs::canonicalize(&path).map_err(|e| {
                err_at(
                    v,
                    &here,
                    format!("reference {r:?}: {} not found ({e})", path.display()),
                )
            })?;
            if let Some(e) = leaves(&path) {
                return Err(e);
            }
            let display = path
                .strip_prefix(&v.root_dir)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| path.display().to_string());
            let idx = add_doc(v, &path, display, false, opts)?;
            SRef {
                file: idx,
                ptr: String::new(),
            }
        }
        None => match mapped(opts, &doc_uri) {
            Some(path) => {
                let path = std::fs::canonicalize(&path).map_err(|e| {
                    err_at(
                        v,
                        &here,
                        format!(
                            "reference {r:?} is mapped to {}, which cannot be read ({e})",
                            path.display()
                        ),
                    )
                })?;
                let idx = add_doc(v, &path, path.display().to_string(), false, opts)?;
                let at = SRef {
                    file: idx,
                    ptr: String::new(),
                };
                v.resources.insert(doc_uri.clone(), at.clone());
                at
            }
            None => {
                return Err(err_at(
                    v,
                    &here,
                    format!(
                        "remote reference {r:?} ({doc_uri}) refused: wirecompat never fetches \
                         from the network during a check; put the schema in the root and refer \
                         to it by path, or map the URI to a local file with --map-ref URI=FILE"
                    ),
                ));
            }
        },
    };
    match fragment.as_deref() {
        None | Some("") => Ok(doc),
        Some(f) if f.starts_with('/') => {
            let t = SRef {
                file: doc.file,
                ptr: format!("{}{f}", doc.ptr),
            };
            if v.node(&t).is_none() {
                return Err(err_at(
                    v,
                    &here,
                    format!("reference {r:?}: no schema at {f}"),
                ));
            }
            Ok(t)
        }
        Some(anchor) => v
            .anchors
            .get(&format!("{doc_uri}#{anchor}"))
            .cloned()
            .ok_or_else(|| err_at(v, &here, format!("reference {r:?}: no anchor {anchor:?}"))),
    }
}
