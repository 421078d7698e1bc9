//! Loading one Protobuf version: a directory of `.proto` files, a single
//! file, or a binary FileDescriptorSet / buf image.
//!
//! Sources are parsed with `protox-parse` (protox's parser) in parallel,
//! imports are resolved here against the root, the `-I` include paths and the
//! well-known types that protox ships, and the whole version is then linked
//! and validated in one `prost-reflect` `DescriptorPool` build (the same
//! library protox compiles with). Source positions are taken out of the
//! descriptors before the pool is built and kept in a compact index, which
//! is what makes a 7,000-file tree cheap.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

use prost::Message as _;
use prost_reflect::DescriptorPool;
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    FileDescriptorSet, ServiceDescriptorProto, UninterpretedOption,
};
use rayon::prelude::*;

use super::editions::{self, EditionInfo, FeatureSet};
use super::model::*;
use crate::error::{Error, line_col};

/// Where imports are looked for, after the root itself.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub includes: Vec<PathBuf>,
    /// For a directory: the files to load (relative, `/`-separated) instead
    /// of every `.proto` file under it (repository mode chooses them).
    pub files: Option<Vec<String>>,
}

/// Extensions treated as binary descriptor sets.
const DESCRIPTOR_SET_EXTENSIONS: &[&str] = &["binpb", "pb", "bin", "desc", "protoset", "fds"];

// Descriptor field numbers used in source-info paths.
mod tag {
    pub const FILE_PACKAGE: i32 = 2;
    pub const FILE_DEPENDENCY: i32 = 3;
    pub const FILE_MESSAGE: i32 = 4;
    pub const FILE_ENUM: i32 = 5;
    pub const FILE_SERVICE: i32 = 6;
    pub const FILE_EXTENSION: i32 = 7;
    pub const FILE_OPTIONS: i32 = 8;
    pub const FILE_SYNTAX: i32 = 12;
    pub const MSG_NAME: i32 = 1;
    pub const MSG_FIELD: i32 = 2;
    pub const MSG_NESTED: i32 = 3;
    pub const MSG_ENUM: i32 = 4;
    pub const MSG_EXTENSION: i32 = 6;
    pub const MSG_OPTIONS: i32 = 7;
    pub const MSG_ONEOF: i32 = 8;
    pub const MSG_RESERVED_RANGE: i32 = 9;
    pub const MSG_RESERVED_NAME: i32 = 10;
    pub const FIELD_NAME: i32 = 1;
    pub const FIELD_NUMBER: i32 = 3;
    pub const FIELD_LABEL: i32 = 4;
    pub const FIELD_TYPE: i32 = 5;
    pub const FIELD_TYPE_NAME: i32 = 6;
    pub const FIELD_DEFAULT: i32 = 7;
    pub const FIELD_OPTIONS: i32 = 8;
    pub const FIELD_JSON_NAME: i32 = 10;
    pub const ONEOF_OPTIONS: i32 = 2;
    pub const ENUM_NAME: i32 = 1;
    pub const ENUM_VALUE: i32 = 2;
    pub const ENUM_OPTIONS: i32 = 3;
    pub const ENUM_RESERVED_RANGE: i32 = 4;
    pub const ENUM_RESERVED_NAME: i32 = 5;
    pub const VALUE_NAME: i32 = 1;
    pub const VALUE_NUMBER: i32 = 2;
    pub const VALUE_OPTIONS: i32 = 3;
    pub const SERVICE_METHOD: i32 = 2;
    pub const SERVICE_OPTIONS: i32 = 3;
    pub const METHOD_INPUT: i32 = 2;
    pub const METHOD_OUTPUT: i32 = 3;
    pub const METHOD_OPTIONS: i32 = 4;
    pub const METHOD_CLIENT_STREAMING: i32 = 5;
    pub const METHOD_SERVER_STREAMING: i32 = 6;
    pub const UNINTERPRETED: i32 = 999;
    /// MethodOptions.idempotency_level.
    pub const IDEMPOTENCY: i32 = 34;
    /// MessageOptions.features, EnumOptions.features.
    pub const MSG_FEATURES: i32 = 12;
    pub const ENUM_FEATURES: i32 = 7;
}

/// Source positions of one file, keyed by a hash of the descriptor path.
#[derive(Debug, Default)]
pub struct LocIndex {
    map: HashMap<u64, [u32; 4], BuildHasherDefault<PathHashed>>,
}

/// The keys are already FNV hashes of paths: hashing them again is waste.
#[derive(Default)]
struct PathHashed(u64);

impl Hasher for PathHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | *b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn path_hash(path: &[i32]) -> u64 {
    path_hash2(path, &[])
}

/// FNV-1a over the integers of `a` followed by `b`: stable and cheap, and
/// no path needs to be built to look one up.
fn path_hash2(a: &[i32], b: &[i32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in a.iter().chain(b) {
        for byte in p.to_le_bytes() {
            h ^= byte as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h ^ (a.len() + b.len()) as u64
}

impl LocIndex {
    fn from_source_info(info: Option<prost_types::SourceCodeInfo>) -> LocIndex {
        let Some(info) = info else {
            return LocIndex::default();
        };

        let mut map = HashMap::with_capacity_and_hasher(info.location.len(), Default::default());
        for loc in info.location {
            let s = &loc.span;
            let span = match s.len() {
                3 => [s[0], s[1], s[0], s[2]],
                4 => [s[0], s[1], s[2], s[3]],
                _ => continue,
            };
            let span = span.map(|v| v.max(0) as u32 + 1);
            // protox may record a path twice (`json_name = "x"` and `"x"`), in
            // no fixed order: keep the widest span.
            map.entry(path_hash(&loc.path))
                .and_modify(|cur: &mut [u32; 4]| {
                    let starts_before = (span[0], span[1]) < (cur[0], cur[1]);
                    let ends_after = (span[2], span[3]) > (cur[2], cur[3]);
                    if (starts_before && (span[2], span[3]) >= (cur[2], cur[3]))
                        || ((span[0], span[1]) == (cur[0], cur[1]) && ends_after)
                    {
                        *cur = span;
                    }
                })
                .or_insert(span);
        }
        LocIndex { map }
    }

    pub fn get(&self, path: &[i32]) -> Span {
        self.map.get(&path_hash(path)).copied()
    }

    fn insert(&mut self, path: &[i32], span: [u32; 4]) {
        self.map.insert(path_hash(path), span);
    }

    /// The span of `path`, or of its closest ancestor that has one.
    fn get_or_ancestor(&self, path: &[i32]) -> Span {
        (0..=path.len()).rev().find_map(|n| self.get(&path[..n]))
    }
}

/// One parsed file on its way to the pool.
struct Parsed {
    name: String,
    display: String,
    fdp: FileDescriptorProto,
    locs: LocIndex,
    edition: Option<EditionInfo>,
    in_root: bool,
}

enum InputKind {
    Dir(PathBuf),
    ProtoFile(PathBuf),
    DescriptorSet(PathBuf),
}

fn classify(input: &Path) -> Result<InputKind, Error> {
    let meta = std::fs::metadata(input).map_err(|e| Error::io(input, &e))?;
    if meta.is_dir() {
        return Ok(InputKind::Dir(input.to_path_buf()));
    }
    let ext = input
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "proto" {
        Ok(InputKind::ProtoFile(input.to_path_buf()))
    } else if DESCRIPTOR_SET_EXTENSIONS.contains(&ext.as_str()) {
        Ok(InputKind::DescriptorSet(input.to_path_buf()))
    } else {
        Err(Error::usage(format!(
            "{}: not a Protobuf input: expected a directory, a .proto file, or a descriptor set \
             (.{})",
            input.display(),
            DESCRIPTOR_SET_EXTENSIONS.join(", .")
        )))
    }
}

/// Whether `input` is something the Protobuf loader takes.
pub fn accepts(input: &Path) -> bool {
    classify(input).is_ok()
}

/// Loads and compiles one version.
pub fn load(input: &Path, opts: &LoadOptions) -> Result<Schema, Error> {
    let root_label = input.display().to_string();
    let parsed = match classify(input)? {
        InputKind::Dir(dir) => {
            let names = match &opts.files {
                Some(f) => f.clone(),
                None => walk_protos(&dir)?,
            };
            if names.is_empty() {
                return Err(Error::input(
                    root_label,
                    0,
                    0,
                    "no .proto files in this directory",
                ));
            }
            for name in &names {
                crate::limits::within(&dir, &dir.join(name), name)?;
            }
            load_sources(&dir, names, opts)?
        }
        InputKind::ProtoFile(file) => {
            let dir = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            load_sources(&dir, vec![name], opts)?
        }
        InputKind::DescriptorSet(file) => {
            let (parsed, entries) = load_descriptor_set(&file)?;
            let mut schema =
                compile(parsed, &root_label).map_err(|e| at_entry(e, &root_label, &entries))?;
            schema.root = root_label;
            return Ok(schema);
        }
    };
    let mut schema = compile(parsed, &root_label)?;
    schema.root = root_label;
    Ok(schema)
}

/// Every `.proto` file under `dir`, as '/'-separated names, sorted. Hidden
/// directories (`.git`) are skipped; symbolic links are not followed out of
/// the tree.
fn walk_protos(dir: &Path) -> Result<Vec<String>, Error> {
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
            let ft = entry
                .file_type()
                .map_err(|e| Error::io(&entry.path(), &e))?;
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            if ft.is_dir() {
                stack.push((entry.path(), rel));
            } else if (ft.is_file() || ft.is_symlink()) && name.ends_with(".proto") {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_source(path: &Path, display: &str) -> Result<String, Error> {
    let bytes = crate::limits::read(path, display)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            crate::limits::check_nesting(s, display)?;
            Ok(s.to_string())
        }
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let text = String::from_utf8_lossy(good);
            let (line, col) = line_col(&text, text.len());
            Err(Error::input(
                display,
                line,
                col,
                "file is not valid UTF-8 text",
            ))
        }
    }
}

/// Parses one source file: editions lowering, protox parse, positions out,
/// features and custom options out.
fn parse_one(name: &str, display: String, text: &str, in_root: bool) -> Result<Parsed, Error> {
    let lowered = editions::lower(text);
    let src = lowered.as_ref().map(|l| l.source.as_str()).unwrap_or(text);
    let mut fdp = protox_parse::parse(name, src).map_err(|e| {
        let (line, col) = match e.span() {
            Some(span) => line_col(src, span.start),
            None => line_col(src, src.len()),
        };
        let mut msg = e.to_string();
        // protox 0.10 calls a bad import path (a string) "invalid group
        // name"; say what its help says.
        if msg == "invalid group name"
            && e.span()
                .and_then(|r| src.get(r))
                .is_some_and(|t| t.starts_with(['"', '\'']))
        {
            msg = "invalid import path: imports may not contain backslashes, repeated forward \
                   slashes, '.' or '..' components (nor leave the include path)"
                .into();
        }
        if lowered.is_some() {
            msg = msg
                .replace("proto3 syntax", "editions")
                .replace("proto3", "editions");
        }
        Error::input(display.clone(), line, col, msg)
    })?;
    let mut locs = LocIndex::from_source_info(fdp.source_code_info.take());
    alias_option_locations(&fdp, &mut locs);
    let edition = match lowered {
        Some(l) => {
            let mut info = EditionInfo {
                edition: l.edition.clone(),
                ..Default::default()
            };
            if !matches!(l.edition.as_str(), "2023" | "2024") {
                return Err(Error::input(
                    display,
                    1,
                    1,
                    format!(
                        "edition \"{}\" is not supported (2023 and 2024 are)",
                        l.edition
                    ),
                ));
            }
            extract_features(&mut fdp, &mut info)
                .map_err(|(path, m)| located(&display, &locs, &path, m))?;
            refuse_labels_in_editions(&fdp, &locs, &display)?;
            fdp.syntax = Some("proto2".into());
            Some(info)
        }
        None => None,
    };
    prune_custom_options(&mut fdp);
    let proto3 = edition.is_none() && fdp.syntax.as_deref() == Some("proto3");
    if let Some(p) = super::validate::file(&fdp, proto3) {
        return Err(located(&display, &locs, &p.path, p.message));
    }
    Ok(Parsed {
        name: name.to_string(),
        display,
        fdp,
        locs,
        edition,
        in_root,
    })
}

fn located(display: &str, locs: &LocIndex, path: &[i32], message: String) -> Error {
    let span = locs.get_or_ancestor(path);
    let (l, c) = span.map(|s| (s[0], s[1])).unwrap_or((0, 0));
    Error::input(display.to_string(), l, c, message)
}

/// Editions forbid the `optional` and `required` labels that the proto3
/// lowering would accept.
fn refuse_labels_in_editions(
    fdp: &FileDescriptorProto,
    locs: &LocIndex,
    display: &str,
) -> Result<(), Error> {
    fn walk(m: &DescriptorProto, path: &mut Vec<i32>, out: &mut Option<Vec<i32>>) {
        for (i, f) in m.field.iter().enumerate() {
            if f.proto3_optional == Some(true) && out.is_none() {
                let mut p = path.clone();
                p.extend([tag::MSG_FIELD, i as i32, tag::FIELD_LABEL]);
                *out = Some(p);
            }
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            path.extend([tag::MSG_NESTED, i as i32]);
            walk(n, path, out);
            path.truncate(path.len() - 2);
        }
    }
    let mut found = None;
    for (i, m) in fdp.message_type.iter().enumerate() {
        walk(m, &mut vec![tag::FILE_MESSAGE, i as i32], &mut found);
    }
    match found {
        Some(path) => Err(located(
            display,
            locs,
            &path,
            "label `optional` is not allowed in editions: use `features.field_presence = EXPLICIT`"
                .into(),
        )),
        None => Ok(()),
    }
}

/// Which descriptor an option list belongs to.
#[derive(Clone, Copy)]
enum OptionsOf {
    File,
    Message,
    Field,
    Oneof,
    Enum,
    EnumValue,
    Service,
    Method,
}

impl OptionsOf {
    /// Tag of the options field in the element, and of `features` in the options.
    fn tags(self) -> (i32, i32) {
        match self {
            OptionsOf::File => (tag::FILE_OPTIONS, 50),
            OptionsOf::Message => (tag::MSG_OPTIONS, tag::MSG_FEATURES),
            OptionsOf::Field => (tag::FIELD_OPTIONS, 21),
            OptionsOf::Oneof => (tag::ONEOF_OPTIONS, 1),
            OptionsOf::Enum => (tag::ENUM_OPTIONS, tag::ENUM_FEATURES),
            OptionsOf::EnumValue => (tag::VALUE_OPTIONS, 2),
            OptionsOf::Service => (tag::SERVICE_OPTIONS, 34),
            OptionsOf::Method => (tag::METHOD_OPTIONS, 35),
        }
    }

    /// The path (below the element) an interpreted option would have.
    fn interpreted(self, parts: &[&str]) -> Option<Vec<i32>> {
        let (opt, features) = self.tags();
        Some(match (self, parts) {
            (_, ["features"]) => vec![opt, features],
            (_, ["features", f]) => vec![opt, features, feature_number(f)?],
            (OptionsOf::Field, [p]) if *p == editions::DEFAULT_PLACEHOLDER => {
                vec![tag::FIELD_DEFAULT]
            }
            (OptionsOf::Field, ["packed"]) => vec![opt, 2],
            (OptionsOf::Message, ["message_set_wire_format"]) => vec![opt, 1],
            (OptionsOf::Enum, ["allow_alias"]) => vec![opt, 2],
            (OptionsOf::Method, ["idempotency_level"]) => vec![opt, tag::IDEMPOTENCY],
            _ => return None,
        })
    }
}

fn feature_number(name: &str) -> Option<i32> {
    Some(match name {
        "field_presence" => 1,
        "enum_type" => 2,
        "repeated_field_encoding" => 3,
        "utf8_validation" => 4,
        "message_encoding" => 5,
        "json_format" => 6,
        _ => return None,
    })
}

/// protox leaves options uninterpreted, so their positions sit under
/// `[element, options, 999, i]`. Record the options wirecompat reports
/// on under the path an interpreted option has (as protoc's source info
/// does), so that a finding points at `option idempotency_level = ...;`
/// and not at whatever option comes first.
fn alias_option_locations(fdp: &FileDescriptorProto, locs: &mut LocIndex) {
    fn one(
        list: Option<&Vec<UninterpretedOption>>,
        of: OptionsOf,
        path: &[i32],
        locs: &mut LocIndex,
    ) {
        let Some(list) = list else { return };
        let (opt, _) = of.tags();
        for (i, o) in list.iter().enumerate() {
            let parts: Vec<&str> = o.name.iter().map(|p| p.name_part.as_str()).collect();
            if o.name.first().is_some_and(|p| p.is_extension) {
                continue;
            }
            let Some(rel) = of.interpreted(&parts) else {
                continue;
            };
            if let Some(span) = locs.get(&extend(path, &[opt, tag::UNINTERPRETED, i as i32])) {
                locs.insert(&extend(path, &rel), span);
            }
        }
    }
    fn field(f: &FieldDescriptorProto, path: &[i32], locs: &mut LocIndex) {
        one(
            f.options.as_ref().map(|o| &o.uninterpreted_option),
            OptionsOf::Field,
            path,
            locs,
        );
    }
    fn en(e: &EnumDescriptorProto, path: &[i32], locs: &mut LocIndex) {
        one(
            e.options.as_ref().map(|o| &o.uninterpreted_option),
            OptionsOf::Enum,
            path,
            locs,
        );
        for (i, v) in e.value.iter().enumerate() {
            let p = extend(path, &[tag::ENUM_VALUE, i as i32]);
            one(
                v.options.as_ref().map(|o| &o.uninterpreted_option),
                OptionsOf::EnumValue,
                &p,
                locs,
            );
        }
    }
    fn msg(m: &DescriptorProto, path: &[i32], locs: &mut LocIndex) {
        one(
            m.options.as_ref().map(|o| &o.uninterpreted_option),
            OptionsOf::Message,
            path,
            locs,
        );
        for (t, list) in [
            (tag::MSG_FIELD, &m.field),
            (tag::MSG_EXTENSION, &m.extension),
        ] {
            for (i, f) in list.iter().enumerate() {
                field(f, &extend(path, &[t, i as i32]), locs);
            }
        }
        for (i, o) in m.oneof_decl.iter().enumerate() {
            let p = extend(path, &[tag::MSG_ONEOF, i as i32]);
            one(
                o.options.as_ref().map(|o| &o.uninterpreted_option),
                OptionsOf::Oneof,
                &p,
                locs,
            );
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            en(e, &extend(path, &[tag::MSG_ENUM, i as i32]), locs);
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            msg(n, &extend(path, &[tag::MSG_NESTED, i as i32]), locs);
        }
    }
    one(
        fdp.options.as_ref().map(|o| &o.uninterpreted_option),
        OptionsOf::File,
        &[],
        locs,
    );
    for (i, m) in fdp.message_type.iter().enumerate() {
        msg(m, &[tag::FILE_MESSAGE, i as i32], locs);
    }
    for (i, e) in fdp.enum_type.iter().enumerate() {
        en(e, &[tag::FILE_ENUM, i as i32], locs);
    }
    for (i, f) in fdp.extension.iter().enumerate() {
        field(f, &[tag::FILE_EXTENSION, i as i32], locs);
    }
    for (i, s) in fdp.service.iter().enumerate() {
        let sp = [tag::FILE_SERVICE, i as i32];
        one(
            s.options.as_ref().map(|o| &o.uninterpreted_option),
            OptionsOf::Service,
            &sp,
            locs,
        );
        for (j, m) in s.method.iter().enumerate() {
            let mp = [tag::FILE_SERVICE, i as i32, tag::SERVICE_METHOD, j as i32];
            one(
                m.options.as_ref().map(|o| &o.uninterpreted_option),
                OptionsOf::Method,
                &mp,
                locs,
            );
        }
    }
}

type PathErr = (Vec<i32>, String);

/// Takes the `features.*` and default options out of an editions file.
fn extract_features(fdp: &mut FileDescriptorProto, info: &mut EditionInfo) -> Result<(), PathErr> {
    fn take(
        opts: Option<&mut Vec<UninterpretedOption>>,
        path: &[i32],
        opt_tag: i32,
        info: &mut EditionInfo,
        is_field: bool,
    ) -> Result<(), PathErr> {
        let Some(opts) = opts else { return Ok(()) };
        let (fs, default) = editions::take_features(opts).map_err(|(i, m)| {
            let mut p = path.to_vec();
            p.extend([opt_tag, tag::UNINTERPRETED, i as i32]);
            (p, m)
        })?;
        if !fs.is_empty() {
            info.features.insert(path.to_vec(), fs);
        }
        if let Some(d) = default {
            if !is_field {
                return Err((path.to_vec(), "`default` is only valid on fields".into()));
            }
            info.defaults.insert(path.to_vec(), d);
        }
        Ok(())
    }
    fn field(
        f: &mut FieldDescriptorProto,
        path: &[i32],
        info: &mut EditionInfo,
    ) -> Result<(), PathErr> {
        take(
            f.options.as_mut().map(|o| &mut o.uninterpreted_option),
            path,
            tag::FIELD_OPTIONS,
            info,
            true,
        )
    }
    fn en(
        e: &mut EnumDescriptorProto,
        path: &[i32],
        info: &mut EditionInfo,
    ) -> Result<(), PathErr> {
        take(
            e.options.as_mut().map(|o| &mut o.uninterpreted_option),
            path,
            tag::ENUM_OPTIONS,
            info,
            false,
        )?;
        for (i, v) in e.value.iter_mut().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::ENUM_VALUE, i as i32]);
            take(
                v.options.as_mut().map(|o| &mut o.uninterpreted_option),
                &p,
                tag::VALUE_OPTIONS,
                info,
                false,
            )?;
        }
        Ok(())
    }
    fn msg(m: &mut DescriptorProto, path: &[i32], info: &mut EditionInfo) -> Result<(), PathErr> {
        take(
            m.options.as_mut().map(|o| &mut o.uninterpreted_option),
            path,
            tag::MSG_OPTIONS,
            info,
            false,
        )?;
        for (t, list) in [
            (tag::MSG_FIELD, &mut m.field),
            (tag::MSG_EXTENSION, &mut m.extension),
        ] {
            for (i, f) in list.iter_mut().enumerate() {
                let mut p = path.to_vec();
                p.extend([t, i as i32]);
                field(f, &p, info)?;
            }
        }
        for (i, o) in m.oneof_decl.iter_mut().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::MSG_ONEOF, i as i32]);
            take(
                o.options.as_mut().map(|o| &mut o.uninterpreted_option),
                &p,
                tag::ONEOF_OPTIONS,
                info,
                false,
            )?;
        }
        for (i, e) in m.enum_type.iter_mut().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::MSG_ENUM, i as i32]);
            en(e, &p, info)?;
        }
        for (i, n) in m.nested_type.iter_mut().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::MSG_NESTED, i as i32]);
            msg(n, &p, info)?;
        }
        Ok(())
    }
    take(
        fdp.options.as_mut().map(|o| &mut o.uninterpreted_option),
        &[],
        tag::FILE_OPTIONS,
        info,
        false,
    )?;
    for (i, m) in fdp.message_type.iter_mut().enumerate() {
        msg(m, &[tag::FILE_MESSAGE, i as i32], info)?;
    }
    for (i, e) in fdp.enum_type.iter_mut().enumerate() {
        en(e, &[tag::FILE_ENUM, i as i32], info)?;
    }
    for (i, f) in fdp.extension.iter_mut().enumerate() {
        field(f, &[tag::FILE_EXTENSION, i as i32], info)?;
    }
    for (i, s) in fdp.service.iter_mut().enumerate() {
        take(
            s.options.as_mut().map(|o| &mut o.uninterpreted_option),
            &[tag::FILE_SERVICE, i as i32],
            tag::SERVICE_OPTIONS,
            info,
            false,
        )?;
        for (j, m) in s.method.iter_mut().enumerate() {
            take(
                m.options.as_mut().map(|o| &mut o.uninterpreted_option),
                &[tag::FILE_SERVICE, i as i32, tag::SERVICE_METHOD, j as i32],
                tag::METHOD_OPTIONS,
                info,
                false,
            )?;
        }
    }
    Ok(())
}

/// Custom (extension) options never change the wire; they are dropped before
/// linking so that the pool does not interpret thousands of them.
fn prune_custom_options(fdp: &mut FileDescriptorProto) {
    fn keep(v: &mut Vec<UninterpretedOption>) {
        v.retain(|o| !o.name.first().is_some_and(|n| n.is_extension));
    }
    fn field(f: &mut FieldDescriptorProto) {
        if let Some(o) = &mut f.options {
            keep(&mut o.uninterpreted_option);
        }
    }
    fn en(e: &mut EnumDescriptorProto) {
        if let Some(o) = &mut e.options {
            keep(&mut o.uninterpreted_option);
        }
        for v in &mut e.value {
            if let Some(o) = &mut v.options {
                keep(&mut o.uninterpreted_option);
            }
        }
    }
    fn msg(m: &mut DescriptorProto) {
        if let Some(o) = &mut m.options {
            keep(&mut o.uninterpreted_option);
        }
        m.field
            .iter_mut()
            .chain(m.extension.iter_mut())
            .for_each(field);
        for o in &mut m.oneof_decl {
            if let Some(o) = &mut o.options {
                keep(&mut o.uninterpreted_option);
            }
        }
        m.enum_type.iter_mut().for_each(en);
        m.nested_type.iter_mut().for_each(msg);
        for r in &mut m.extension_range {
            if let Some(o) = &mut r.options {
                keep(&mut o.uninterpreted_option);
            }
        }
    }
    fn svc(s: &mut ServiceDescriptorProto) {
        if let Some(o) = &mut s.options {
            keep(&mut o.uninterpreted_option);
        }
        for m in &mut s.method {
            if let Some(o) = &mut m.options {
                keep(&mut o.uninterpreted_option);
            }
        }
    }
    if let Some(o) = &mut fdp.options {
        keep(&mut o.uninterpreted_option);
    }
    fdp.message_type.iter_mut().for_each(msg);
    fdp.enum_type.iter_mut().for_each(en);
    fdp.extension.iter_mut().for_each(field);
    fdp.service.iter_mut().for_each(svc);
}

/// Reads and parses the root files, then follows imports through the include
/// paths and the well-known types.
fn load_sources(root: &Path, names: Vec<String>, opts: &LoadOptions) -> Result<Vec<Parsed>, Error> {
    let mut search: Vec<PathBuf> = vec![root.to_path_buf()];
    search.extend(opts.includes.iter().cloned());

    let results: Vec<Result<Parsed, Error>> = names
        .par_iter()
        .map(|name| {
            let path = root.join(name);
            let text = read_source(&path, name)?;
            parse_one(name, name.clone(), &text, true)
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    for r in results {
        files.push(r?);
    }

    let wkt = DescriptorPool::global();
    let mut known: HashSet<String> = files.iter().map(|p| p.name.clone()).collect();
    let mut frontier: Vec<usize> = (0..files.len()).collect();
    while !frontier.is_empty() {
        // Imports not loaded yet, with the first file and statement importing each.
        let mut wanted: Vec<(String, usize, usize)> = Vec::new();
        for &fi in &frontier {
            for (di, dep) in files[fi].fdp.dependency.iter().enumerate() {
                if !known.contains(dep) && !wanted.iter().any(|(d, _, _)| d == dep) {
                    wanted.push((dep.clone(), fi, di));
                }
            }
        }
        let found: Vec<Result<Parsed, Error>> = wanted
            .par_iter()
            .map(|(dep, fi, di)| {
                for dir in &search {
                    let p = dir.join(dep);
                    if p.is_file() {
                        let display = p.display().to_string();
                        let text = read_source(&p, &display)?;
                        return parse_one(dep, display, &text, false);
                    }
                }
                if let Some(f) = wkt.get_file_by_name(dep) {
                    return Ok(Parsed {
                        name: dep.clone(),
                        display: dep.clone(),
                        fdp: f.file_descriptor_proto().clone(),
                        locs: LocIndex::default(),
                        edition: None,
                        in_root: false,
                    });
                }
                let importer = &files[*fi];
                let searched: Vec<String> =
                    search.iter().map(|d| d.display().to_string()).collect();
                Err(located(
                    &importer.display,
                    &importer.locs,
                    &[tag::FILE_DEPENDENCY, *di as i32],
                    format!(
                        "import \"{dep}\" not found (searched {}; add an include path with -I)",
                        searched.join(", ")
                    ),
                ))
            })
            .collect();
        frontier.clear();
        for r in found {
            let p = r?;
            known.insert(p.name.clone());
            frontier.push(files.len());
            files.push(p);
        }
    }
    Ok(files)
}

/// Mirror of the descriptor tree that keeps only what prost-types 0.14 drops:
/// the edition, `features` at every level, and buf images' `is_import`.
mod mirror {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct FileSet {
        #[prost(message, repeated, tag = "1")]
        pub file: Vec<File>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct File {
        #[prost(message, repeated, tag = "4")]
        pub message_type: Vec<Msg>,
        #[prost(message, repeated, tag = "5")]
        pub enum_type: Vec<Enum>,
        #[prost(message, repeated, tag = "7")]
        pub extension: Vec<Field>,
        #[prost(message, optional, tag = "8")]
        pub options: Option<FileOptions>,
        #[prost(int32, optional, tag = "14")]
        pub edition: Option<i32>,
        #[prost(message, optional, tag = "8042")]
        pub buf: Option<BufExt>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct BufExt {
        #[prost(bool, optional, tag = "1")]
        pub is_import: Option<bool>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Msg {
        #[prost(message, repeated, tag = "2")]
        pub field: Vec<Field>,
        #[prost(message, repeated, tag = "3")]
        pub nested_type: Vec<Msg>,
        #[prost(message, repeated, tag = "4")]
        pub enum_type: Vec<Enum>,
        #[prost(message, repeated, tag = "6")]
        pub extension: Vec<Field>,
        #[prost(message, optional, tag = "7")]
        pub options: Option<MsgOptions>,
        #[prost(message, repeated, tag = "8")]
        pub oneof_decl: Vec<Oneof>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Field {
        #[prost(message, optional, tag = "8")]
        pub options: Option<FieldOptions>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Oneof {
        #[prost(message, optional, tag = "2")]
        pub options: Option<OneofOptions>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Enum {
        #[prost(message, optional, tag = "3")]
        pub options: Option<EnumOptions>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct FileOptions {
        #[prost(message, optional, tag = "50")]
        pub features: Option<Features>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MsgOptions {
        #[prost(message, optional, tag = "12")]
        pub features: Option<Features>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct FieldOptions {
        #[prost(message, optional, tag = "21")]
        pub features: Option<Features>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct OneofOptions {
        #[prost(message, optional, tag = "1")]
        pub features: Option<Features>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct EnumOptions {
        #[prost(message, optional, tag = "7")]
        pub features: Option<Features>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Features {
        #[prost(int32, optional, tag = "1")]
        pub field_presence: Option<i32>,
        #[prost(int32, optional, tag = "2")]
        pub enum_type: Option<i32>,
        #[prost(int32, optional, tag = "3")]
        pub repeated_field_encoding: Option<i32>,
        #[prost(int32, optional, tag = "4")]
        pub utf8_validation: Option<i32>,
        #[prost(int32, optional, tag = "5")]
        pub message_encoding: Option<i32>,
        #[prost(int32, optional, tag = "6")]
        pub json_format: Option<i32>,
    }
}

fn mirror_features(f: Option<&mirror::Features>) -> FeatureSet {
    f.map(|f| FeatureSet {
        field_presence: f.field_presence,
        enum_type: f.enum_type,
        repeated_field_encoding: f.repeated_field_encoding,
        utf8_validation: f.utf8_validation,
        message_encoding: f.message_encoding,
        json_format: f.json_format,
    })
    .unwrap_or_default()
}

fn edition_name(e: i32) -> String {
    match e {
        1000 => "2023".into(),
        1001 => "2024".into(),
        998 => "proto2".into(),
        999 => "proto3".into(),
        other => format!("edition {other}"),
    }
}

fn mirror_info(file: &mirror::File) -> EditionInfo {
    fn put(info: &mut EditionInfo, path: Vec<i32>, fs: FeatureSet) {
        if !fs.is_empty() {
            info.features.insert(path, fs);
        }
    }
    fn msg(m: &mirror::Msg, path: &[i32], info: &mut EditionInfo) {
        put(
            info,
            path.to_vec(),
            mirror_features(m.options.as_ref().and_then(|o| o.features.as_ref())),
        );
        for (t, list) in [
            (tag::MSG_FIELD, &m.field),
            (tag::MSG_EXTENSION, &m.extension),
        ] {
            for (i, f) in list.iter().enumerate() {
                let mut p = path.to_vec();
                p.extend([t, i as i32]);
                put(
                    info,
                    p,
                    mirror_features(f.options.as_ref().and_then(|o| o.features.as_ref())),
                );
            }
        }
        for (i, o) in m.oneof_decl.iter().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::MSG_ONEOF, i as i32]);
            put(
                info,
                p,
                mirror_features(o.options.as_ref().and_then(|o| o.features.as_ref())),
            );
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::MSG_ENUM, i as i32]);
            put(
                info,
                p,
                mirror_features(e.options.as_ref().and_then(|o| o.features.as_ref())),
            );
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::MSG_NESTED, i as i32]);
            msg(n, &p, info);
        }
    }
    let mut info = EditionInfo {
        edition: edition_name(file.edition.unwrap_or(1000)),
        ..Default::default()
    };
    put(
        &mut info,
        vec![],
        mirror_features(file.options.as_ref().and_then(|o| o.features.as_ref())),
    );
    for (i, m) in file.message_type.iter().enumerate() {
        msg(m, &[tag::FILE_MESSAGE, i as i32], &mut info);
    }
    for (i, e) in file.enum_type.iter().enumerate() {
        put(
            &mut info,
            vec![tag::FILE_ENUM, i as i32],
            mirror_features(e.options.as_ref().and_then(|o| o.features.as_ref())),
        );
    }
    for (i, f) in file.extension.iter().enumerate() {
        put(
            &mut info,
            vec![tag::FILE_EXTENSION, i as i32],
            mirror_features(f.options.as_ref().and_then(|o| o.features.as_ref())),
        );
    }
    info
}

/// Where each file of a descriptor set starts: its name and byte offset.
type Entries = Vec<(String, usize)>;

/// An error about a file of a descriptor set, which has no lines: placed at
/// the byte where the file's entry starts.
fn at_entry(e: Error, set: &str, entries: &Entries) -> Error {
    match e {
        Error::Input {
            path,
            line: 0,
            message,
            ..
        } => match entries.iter().position(|(n, _)| *n == path) {
            Some(i) => Error::input(
                set.to_string(),
                0,
                0,
                format!(
                    "at byte {} (file #{i}, \"{path}\"): {message}",
                    entries[i].1
                ),
            ),
            None if path == set => Error::input(path, 0, 0, message),
            None => Error::input(
                set.to_string(),
                0,
                0,
                format!("at byte 0 ({path}): {message}"),
            ),
        },
        other => other,
    }
}

/// A `file` entry of a FileDescriptorSet: the offset of its tag, of its
/// bytes, and their length.
type Entry = (usize, usize, usize);

/// Walks the top level of a FileDescriptorSet: each `file` entry's offset,
/// or the byte where the encoding breaks and why.
fn set_entries(bytes: &[u8]) -> Result<Vec<Entry>, (usize, String)> {
    let varint = |i: &mut usize| -> Result<u64, (usize, String)> {
        let start = *i;
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *bytes
                .get(*i)
                .ok_or((start, "the data ends inside a varint".to_string()))?;
            *i += 1;
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err((start, "a varint longer than 10 bytes".into()))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let key = varint(&mut i)?;
        let (number, wt) = (key >> 3, key & 7);
        match wt {
            0 => {
                varint(&mut i)?;
            }
            1 => i += 8,
            5 => i += 4,
            2 => {
                let len = varint(&mut i)? as usize;
                if number == 1 {
                    out.push((start, i, len));
                }
                i = i.saturating_add(len);
            }
            _ => {
                return Err((
                    start,
                    format!(
                        "record {number} has wire type {wt}, which a descriptor set never uses"
                    ),
                ));
            }
        }
        if i > bytes.len() {
            return Err((
                start,
                format!("record {number} runs past the end of the data"),
            ));
        }
    }
    Ok(out)
}

fn load_descriptor_set(path: &Path) -> Result<(Vec<Parsed>, Entries), Error> {
    let display = path.display().to_string();
    let bytes = crate::limits::read(path, &display)?;
    let at_byte = |offset: usize, msg: String| {
        Error::input(
            display.clone(),
            0,
            0,
            format!("at byte {offset}: not a valid FileDescriptorSet or buf image: {msg}"),
        )
    };
    let records = set_entries(&bytes).map_err(|(o, m)| at_byte(o, m))?;
    for (k, &(start, body, len)) in records.iter().enumerate() {
        if let Err(e) = FileDescriptorProto::decode(&bytes[body..body + len]) {
            return Err(at_byte(start, format!("file #{k}: {e}")));
        }
    }
    let bad = |e: prost::DecodeError| at_byte(0, e.to_string());
    let set = FileDescriptorSet::decode(bytes.as_slice()).map_err(bad)?;
    let mirror = mirror::FileSet::decode(bytes.as_slice()).map_err(bad)?;
    if set.file.is_empty() {
        return Err(Error::input(
            display,
            0,
            0,
            "at byte 0: the descriptor set holds no files",
        ));
    }
    let entries: Entries = set
        .file
        .iter()
        .zip(&records)
        .map(|(f, r)| (f.name.clone().unwrap_or_default(), r.0))
        .collect();
    let mut out = Vec::with_capacity(set.file.len());
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    for (i, mut fdp) in set.file.into_iter().enumerate() {
        let name = fdp.name.clone().unwrap_or_default();
        if name.is_empty() {
            return Err(Error::input(
                display,
                0,
                0,
                format!(
                    "at byte {}: file #{i} of the set has no name",
                    records.get(i).map(|r| r.0).unwrap_or(0)
                ),
            ));
        }
        if let Some(&first) = seen.get(&name) {
            return Err(Error::input(
                display,
                0,
                0,
                format!(
                    "at byte {} (file #{i}, \"{name}\"): the set holds a file of this name \
                     already (file #{first}, at byte {})",
                    records.get(i).map(|r| r.0).unwrap_or(0),
                    entries[first].1
                ),
            ));
        }
        seen.insert(name.clone(), i);
        if !matches!(
            fdp.syntax.as_deref(),
            None | Some("proto2") | Some("proto3") | Some("editions")
        ) {
            return Err(Error::input(
                display,
                0,
                0,
                format!(
                    "at byte {} (file #{i}, \"{name}\"): unknown syntax {:?}",
                    records.get(i).map(|r| r.0).unwrap_or(0),
                    fdp.syntax()
                ),
            ));
        }
        if let Some(p) = super::validate::file(&fdp, fdp.syntax.as_deref() == Some("proto3")) {
            return Err(Error::input(
                display,
                0,
                0,
                format!(
                    "at byte {} (file #{i}, \"{name}\"): {}",
                    records.get(i).map(|r| r.0).unwrap_or(0),
                    p.message
                ),
            ));
        }
        let m = &mirror.file[i];
        let is_import = m.buf.as_ref().and_then(|b| b.is_import).unwrap_or(false);
        let edition = if fdp.syntax.as_deref() == Some("editions") {
            fdp.syntax = Some("proto2".into());
            Some(mirror_info(m))
        } else {
            None
        };
        let locs = LocIndex::from_source_info(fdp.source_code_info.take());
        out.push(Parsed {
            display: name.clone(),
            name,
            fdp,
            locs,
            edition,
            in_root: !is_import,
        });
    }
    // Well-known types a set left out.
    let wkt = DescriptorPool::global();
    let have: HashSet<String> = out.iter().map(|p| p.name.clone()).collect();
    let mut missing: Vec<String> = Vec::new();
    for p in &out {
        for d in &p.fdp.dependency {
            if !have.contains(d) && !missing.contains(d) {
                missing.push(d.clone());
            }
        }
    }
    for d in missing {
        match wkt.get_file_by_name(&d) {
            Some(f) => out.push(Parsed {
                name: d.clone(),
                display: d,
                fdp: f.file_descriptor_proto().clone(),
                locs: LocIndex::default(),
                edition: None,
                in_root: false,
            }),
            None => {
                return Err(Error::input(
                    display,
                    0,
                    0,
                    format!("at byte 0: the set imports \"{d}\" but does not contain it"),
                ));
            }
        }
    }
    Ok((out, entries))
}

/// Orders files so that each comes after its imports; refuses cycles.
fn topo_order(files: &[Parsed]) -> Result<Vec<usize>, Error> {
    let index: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    // 0 = unvisited, 1 = on stack, 2 = done
    let mut state = vec![0u8; files.len()];
    let mut order = Vec::with_capacity(files.len());
    for start in 0..files.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative DFS: (file, next dependency to look at).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (f, ref mut next)) = stack.last_mut() {
            let deps = &files[f].fdp.dependency;
            if *next < deps.len() {
                let di = *next;
                *next += 1;
                let Some(&d) = index.get(deps[di].as_str()) else {
                    continue;
                };
                match state[d] {
                    0 => {
                        state[d] = 1;
                        stack.push((d, 0));
                    }
                    1 => {
                        let mut cycle: Vec<&str> = stack
                            .iter()
                            .skip_while(|(x, _)| *x != d)
                            .map(|(x, _)| files[*x].name.as_str())
                            .collect();
                        cycle.push(files[d].name.as_str());
                        let p = &files[f];
                        return Err(located(
                            &p.display,
                            &p.locs,
                            &[tag::FILE_DEPENDENCY, di as i32],
                            format!("import cycle: {}", cycle.join(" -> ")),
                        ));
                    }
                    _ => {}
                }
            } else {
                state[f] = 2;
                order.push(f);
                stack.pop();
            }
        }
    }
    Ok(order)
}

/// Links the version in one pool and builds the model from it.
fn compile(mut files: Vec<Parsed>, root_label: &str) -> Result<Schema, Error> {
    let order = topo_order(&files)?;
    // Reorder files topologically.
    let mut slots: Vec<Option<Parsed>> = files.drain(..).map(Some).collect();
    let mut files: Vec<Parsed> = order
        .iter()
        .map(|&i| slots[i].take().expect("each file once"))
        .collect();

    let mut pool = DescriptorPool::new();
    // The pool takes the descriptors; the model reads them back from it.
    let protos: Vec<FileDescriptorProto> = files
        .iter_mut()
        .map(|p| std::mem::take(&mut p.fdp))
        .collect();
    let added = crate::guard::catch(|| pool.add_file_descriptor_protos(protos)).map_err(|p| {
        Error::input(
            root_label.to_string(),
            0,
            0,
            format!("prost-reflect failed on this input (a bug in it, reported as an error): {p}"),
        )
    })?;
    if let Err(e) = added {
        let file = e.file().unwrap_or(root_label).to_string();
        let (display, span) = match files.iter().find(|p| p.name == file) {
            Some(p) => (
                p.display.clone(),
                e.path().and_then(|path| p.locs.get_or_ancestor(path)),
            ),
            None => (file, None),
        };
        let (l, c) = span.map(|s| (s[0], s[1])).unwrap_or((0, 0));
        return Err(Error::input(display, l, c, e.to_string()));
    }

    let parts: Vec<FilePart> = files
        .par_iter()
        .enumerate()
        .map(|(idx, p)| {
            let fd = pool
                .get_file_by_name(&p.name)
                .expect("every linked file is in the pool");
            build_file(idx, p, fd.file_descriptor_proto())
        })
        .collect::<Result<_, Error>>()?;

    let mut schema = Schema::default();
    for (p, part) in files.iter().zip(parts) {
        let fdp = pool.get_file_by_name(&p.name).expect("linked");
        let fdp = fdp.file_descriptor_proto();
        schema.files.push(File {
            name: p.name.clone(),
            display: p.display.clone(),
            package: fdp.package.clone().unwrap_or_default(),
            syntax: match &p.edition {
                Some(e) => Syntax::Edition(e.edition.clone()),
                None if fdp.syntax.as_deref() == Some("proto3") => Syntax::Proto3,
                None => Syntax::Proto2,
            },
            in_root: p.in_root,
            package_span: p.locs.get(&[tag::FILE_PACKAGE]),
            syntax_span: p.locs.get(&[tag::FILE_SYNTAX]),
        });
        schema.messages.extend(part.messages);
        schema.enums.extend(part.enums);
        schema.services.extend(part.services);
        schema.extensions.extend(part.extensions);
    }
    schema.pool = Some(pool);
    schema.rebuild_indexes();
    resolve_maps(&mut schema);
    if let Some(p) = super::validate::model(&schema) {
        let (l, c) = p.span.map(|s| (s[0], s[1])).unwrap_or((0, 0));
        return Err(Error::input(
            schema.files[p.file].display.clone(),
            l,
            c,
            p.message,
        ));
    }
    Ok(schema)
}

/// Map fields are repeated fields of a map-entry message: mark them so.
fn resolve_maps(schema: &mut Schema) {
    let entries: HashSet<Box<str>> = schema
        .messages
        .iter()
        .filter(|m| m.map_entry)
        .map(|m| m.full_name.clone())
        .collect();
    for m in &mut schema.messages {
        for f in &mut m.fields {
            if let (Cardinality::Repeated, Kind::Message(n)) = (&f.cardinality, &f.kind)
                && entries.contains(n)
            {
                f.cardinality = Cardinality::Map;
                f.packed = false;
            }
        }
    }
}

#[derive(Default)]
struct FilePart {
    messages: Vec<Message>,
    enums: Vec<Enum>,
    services: Vec<Service>,
    extensions: Vec<Field>,
}

/// Syntax-level defaults of a file, as a feature set.
fn syntax_features(fdp: &FileDescriptorProto, edition: Option<&EditionInfo>) -> FeatureSet {
    match edition {
        Some(_) => FeatureSet::edition_defaults(),
        None if fdp.syntax.as_deref() == Some("proto3") => FeatureSet {
            field_presence: Some(2),
            enum_type: Some(1),
            repeated_field_encoding: Some(1),
            utf8_validation: Some(2),
            message_encoding: Some(1),
            json_format: Some(1),
        },
        None => FeatureSet {
            field_presence: Some(1),
            enum_type: Some(2),
            repeated_field_encoding: Some(2),
            utf8_validation: Some(3),
            message_encoding: Some(1),
            json_format: Some(2),
        },
    }
}

struct Builder<'a> {
    file_idx: usize,
    p: &'a Parsed,
    package: &'a str,
    out: FilePart,
    /// The first thing protoc refuses that only resolved types and
    /// features show: where (a source-info path) and what.
    problem: std::cell::RefCell<Option<(Vec<i32>, String)>>,
}

impl Builder<'_> {
    fn features_at(&self, parent: &FeatureSet, path: &[i32]) -> FeatureSet {
        match self.p.edition.as_ref().and_then(|e| e.features.get(path)) {
            Some(own) => parent.merge(own),
            None => *parent,
        }
    }

    fn span(&self, path: &[i32]) -> Span {
        self.p.locs.get(path)
    }

    fn sub(&self, path: &[i32], more: &[i32]) -> Span {
        self.p.locs.map.get(&path_hash2(path, more)).copied()
    }

    fn message(&mut self, m: &DescriptorProto, scope: &str, path: &[i32], parent: &FeatureSet) {
        let name = m.name.as_deref().unwrap_or("");
        let full: Box<str> = join(scope, name).into();
        let features = self.features_at(parent, path);
        let opts = m.options.as_ref();
        let json_format = if features.json_format == Some(2) {
            JsonFormat::LegacyBestEffort
        } else {
            JsonFormat::Allow
        };
        let mut oneofs = Vec::with_capacity(m.oneof_decl.len());
        let mut oneof_features = Vec::with_capacity(m.oneof_decl.len());
        for (i, o) in m.oneof_decl.iter().enumerate() {
            let opath = extend(path, &[tag::MSG_ONEOF, i as i32]);
            let synthetic = m
                .field
                .iter()
                .any(|f| f.oneof_index == Some(i as i32) && f.proto3_optional == Some(true));
            oneofs.push(Oneof {
                name: o.name.clone().unwrap_or_default().into(),
                synthetic,
                span: self.span(&opath),
            });
            oneof_features.push(self.features_at(&features, &opath));
        }
        let mut fields = Vec::with_capacity(m.field.len());
        for (i, f) in m.field.iter().enumerate() {
            let fpath = extend(path, &[tag::MSG_FIELD, i as i32]);
            let inherited = match f.oneof_index {
                Some(o) if (o as usize) < oneof_features.len() => oneof_features[o as usize],
                _ => features,
            };
            let mut field = self.field(f, &full, &fpath, &inherited);
            field.oneof = f
                .oneof_index
                .map(|o| o as usize)
                .filter(|&o| o < oneofs.len() && !oneofs[o].synthetic);
            if field.oneof.is_some() || f.proto3_optional == Some(true) {
                field.presence = Presence::Explicit;
            }
            fields.push(field);
        }
        fields.sort_by_key(|f| f.number);
        let reserved_ranges = m
            .reserved_range
            .iter()
            .enumerate()
            .map(|(i, r)| Reserved {
                start: r.start.unwrap_or(0),
                end: r.end.unwrap_or(0) - 1,
                max: FIELD_MAX,
                span: self.sub(path, &[tag::MSG_RESERVED_RANGE, i as i32]),
            })
            .collect();
        let reserved_names = m
            .reserved_name
            .iter()
            .enumerate()
            .map(|(i, n)| NameSpan {
                name: n.as_str().into(),
                span: self.sub(path, &[tag::MSG_RESERVED_NAME, i as i32]),
            })
            .collect();
        // The element's own `features.json_format` option, if it sets one.
        let json_format_span = self
            .sub(path, &[tag::MSG_OPTIONS, tag::MSG_FEATURES, 6])
            .or_else(|| self.sub(path, &[tag::MSG_OPTIONS, tag::MSG_FEATURES]));
        self.out.messages.push(Message {
            full_name: full.clone(),
            file: self.file_idx,
            span: self.span(path),
            name_span: self.sub(path, &[tag::MSG_NAME]),
            fields,
            oneofs,
            reserved_ranges,
            reserved_names,
            map_entry: opts.and_then(|o| o.map_entry) == Some(true),
            message_set_wire_format: opts.and_then(|o| o.message_set_wire_format) == Some(true),
            json_format,
            json_format_span,
            names: Default::default(),
        });
        for (i, e) in m.extension.iter().enumerate() {
            let epath = extend(path, &[tag::MSG_EXTENSION, i as i32]);
            let ext = self.field(e, &full, &epath, &features);
            self.out.extensions.push(ext);
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.enum_(
                e,
                &full,
                &extend(path, &[tag::MSG_ENUM, i as i32]),
                &features,
            );
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            // A map field's features apply to its entry's key and value (as
            // protoc copies them there).
            let entry_of = n.options.as_ref().and_then(|o| o.map_entry) == Some(true);
            let inherited = if entry_of {
                let entry = format!(".{full}.{}", n.name.as_deref().unwrap_or(""));
                m.field
                    .iter()
                    .position(|f| f.type_name.as_deref() == Some(entry.as_str()))
                    .map(|fi| {
                        self.features_at(&features, &extend(path, &[tag::MSG_FIELD, fi as i32]))
                    })
                    .unwrap_or(features)
            } else {
                features
            };
            self.message(
                n,
                &full,
                &extend(path, &[tag::MSG_NESTED, i as i32]),
                &inherited,
            );
        }
    }

    fn field(
        &self,
        f: &FieldDescriptorProto,
        scope: &str,
        path: &[i32],
        inherited: &FeatureSet,
    ) -> Field {
        let features = self.features_at(inherited, path);
        let name = f.name.clone().unwrap_or_default();
        let t = f.r#type.unwrap_or(0);
        let type_name = f
            .type_name
            .as_deref()
            .map(|n| n.trim_start_matches('.'))
            .unwrap_or("");
        let kind = match Scalar::from_proto_type(t) {
            Some(s) => Kind::Scalar(s),
            None if t == 14 => Kind::Enum(type_name.into()),
            None => Kind::Message(type_name.into()),
        };
        let repeated = f.label == Some(3);
        let required = f.label == Some(2) || features.field_presence == Some(3);
        let is_message = matches!(kind, Kind::Message(_));
        let own_presence = self
            .p
            .edition
            .as_ref()
            .and_then(|e| e.features.get(path))
            .and_then(|own| own.field_presence);
        if is_message && own_presence == Some(2) {
            self.problem.borrow_mut().get_or_insert_with(|| {
                (
                    path.to_vec(),
                    format!("message field `{name}` cannot have implicit presence"),
                )
            });
        }
        let presence = if required {
            Presence::Required
        } else if is_message || features.field_presence != Some(2) {
            Presence::Explicit
        } else {
            Presence::Implicit
        };
        let packable = matches!(kind, Kind::Enum(_))
            || matches!(kind, Kind::Scalar(s) if !matches!(s, Scalar::String | Scalar::Bytes));
        let packed = repeated
            && packable
            && match f.options.as_ref().and_then(|o| o.packed) {
                Some(p) => p,
                None => features.repeated_field_encoding == Some(1),
            };
        let delimited = t == 10 || (is_message && features.message_encoding == Some(2));
        let utf8_verify =
            matches!(kind, Kind::Scalar(Scalar::String)) && features.utf8_validation == Some(2);
        let json_name = f
            .json_name
            .clone()
            .unwrap_or_else(|| default_json_name(&name));
        let default = match self.p.edition.as_ref().and_then(|e| e.defaults.get(path)) {
            Some(raw) => Some(default_from_option(raw)),
            None => f.default_value.as_deref().map(|d| parse_default(d, &kind)),
        };
        let type_span = self
            .sub(path, &[tag::FIELD_TYPE_NAME])
            .or_else(|| self.sub(path, &[tag::FIELD_TYPE]));
        Field {
            full_name: join(scope, &name).into(),
            name: name.into(),
            number: f.number.unwrap_or(0),
            json_name: json_name.into(),
            cardinality: if repeated {
                Cardinality::Repeated
            } else {
                Cardinality::Singular
            },
            kind,
            presence,
            packed,
            delimited,
            utf8_verify,
            oneof: None,
            default,
            extendee: f
                .extendee
                .as_deref()
                .map(|e| e.trim_start_matches('.').into()),
            file: self.file_idx,
            span: self.span(path),
            name_span: self.sub(path, &[tag::FIELD_NAME]),
            number_span: self.sub(path, &[tag::FIELD_NUMBER]),
            type_span,
            label_span: self.sub(path, &[tag::FIELD_LABEL]),
            json_name_span: self.sub(path, &[tag::FIELD_JSON_NAME]),
            default_span: self.sub(path, &[tag::FIELD_DEFAULT]),
        }
    }

    fn enum_(&mut self, e: &EnumDescriptorProto, scope: &str, path: &[i32], parent: &FeatureSet) {
        let features = self.features_at(parent, path);
        let name = e.name.as_deref().unwrap_or("");
        let values = e
            .value
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let vpath = extend(path, &[tag::ENUM_VALUE, i as i32]);
                EnumValue {
                    name: v.name.clone().unwrap_or_default().into(),
                    number: v.number.unwrap_or(0),
                    span: self.span(&vpath),
                    name_span: self.sub(&vpath, &[tag::VALUE_NAME]),
                    number_span: self.sub(&vpath, &[tag::VALUE_NUMBER]),
                }
            })
            .collect();
        let own_features = self.sub(path, &[tag::ENUM_OPTIONS, tag::ENUM_FEATURES]);
        let closed_span = self
            .sub(path, &[tag::ENUM_OPTIONS, tag::ENUM_FEATURES, 2])
            .or(own_features);
        let json_format_span = self
            .sub(path, &[tag::ENUM_OPTIONS, tag::ENUM_FEATURES, 6])
            .or(own_features);
        self.out.enums.push(Enum {
            full_name: join(scope, name).into(),
            file: self.file_idx,
            span: self.span(path),
            name_span: self.sub(path, &[tag::ENUM_NAME]),
            values,
            closed: features.enum_type == Some(2),
            closed_span,
            reserved_ranges: e
                .reserved_range
                .iter()
                .enumerate()
                .map(|(i, r)| Reserved {
                    start: r.start.unwrap_or(0),
                    end: r.end.unwrap_or(0),
                    max: i32::MAX,
                    span: self.sub(path, &[tag::ENUM_RESERVED_RANGE, i as i32]),
                })
                .collect(),
            reserved_names: e
                .reserved_name
                .iter()
                .enumerate()
                .map(|(i, n)| NameSpan {
                    name: n.as_str().into(),
                    span: self.sub(path, &[tag::ENUM_RESERVED_NAME, i as i32]),
                })
                .collect(),
            json_format: if features.json_format == Some(2) {
                JsonFormat::LegacyBestEffort
            } else {
                JsonFormat::Allow
            },
            json_format_span,
        });
    }

    fn service(&mut self, s: &ServiceDescriptorProto, path: &[i32]) {
        let full = join(self.package, s.name.as_deref().unwrap_or(""));
        let methods = s
            .method
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mp = extend(path, &[tag::SERVICE_METHOD, i as i32]);
                let name = m.name.clone().unwrap_or_default();
                Method {
                    full_name: format!("{full}.{name}").into(),
                    name: name.into(),
                    input: m
                        .input_type
                        .as_deref()
                        .unwrap_or("")
                        .trim_start_matches('.')
                        .into(),
                    output: m
                        .output_type
                        .as_deref()
                        .unwrap_or("")
                        .trim_start_matches('.')
                        .into(),
                    client_streaming: m.client_streaming == Some(true),
                    server_streaming: m.server_streaming == Some(true),
                    idempotency: match m.options.as_ref().and_then(|o| o.idempotency_level) {
                        Some(1) => Idempotency::NoSideEffects,
                        Some(2) => Idempotency::Idempotent,
                        _ => Idempotency::Unknown,
                    },
                    span: self.span(&mp),
                    input_span: self.sub(&mp, &[tag::METHOD_INPUT]),
                    output_span: self.sub(&mp, &[tag::METHOD_OUTPUT]),
                    client_streaming_span: self.sub(&mp, &[tag::METHOD_CLIENT_STREAMING]),
                    server_streaming_span: self.sub(&mp, &[tag::METHOD_SERVER_STREAMING]),
                    idempotency_span: self.sub(&mp, &[tag::METHOD_OPTIONS, tag::IDEMPOTENCY]),
                }
            })
            .collect();
        self.out.services.push(Service {
            full_name: full.into(),
            file: self.file_idx,
            span: self.span(path),
            methods,
        });
    }
}

/// The model of one linked file, or the first thing in it protoc refuses
/// that only a linked file shows (resolved types, interpreted options).
fn build_file(idx: usize, p: &Parsed, fdp: &FileDescriptorProto) -> Result<FilePart, Error> {
    let proto3 = p.edition.is_none() && fdp.syntax.as_deref() == Some("proto3");
    if let Some(problem) = super::validate::file(fdp, proto3) {
        return Err(located(&p.display, &p.locs, &problem.path, problem.message));
    }
    let package = fdp.package.as_deref().unwrap_or("");
    let base = syntax_features(fdp, p.edition.as_ref());
    let mut b = Builder {
        file_idx: idx,
        p,
        package,
        out: FilePart::default(),
        problem: Default::default(),
    };
    let file_features = b.features_at(&base, &[]);
    for (i, m) in fdp.message_type.iter().enumerate() {
        b.message(m, package, &[tag::FILE_MESSAGE, i as i32], &file_features);
    }
    for (i, e) in fdp.enum_type.iter().enumerate() {
        b.enum_(e, package, &[tag::FILE_ENUM, i as i32], &file_features);
    }
    for (i, s) in fdp.service.iter().enumerate() {
        b.service(s, &[tag::FILE_SERVICE, i as i32]);
    }
    for (i, e) in fdp.extension.iter().enumerate() {
        let ext = b.field(e, package, &[tag::FILE_EXTENSION, i as i32], &file_features);
        b.out.extensions.push(ext);
    }
    if let Some((path, message)) = b.problem.take() {
        return Err(located(&p.display, &p.locs, &path, message));
    }
    Ok(b.out)
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

fn extend(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = Vec::with_capacity(path.len() + more.len());
    p.extend_from_slice(path);
    p.extend_from_slice(more);
    p
}

/// protoc's default JSON name: drop underscores, capitalise the next letter.
pub fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A default from `FieldDescriptorProto.default_value` (protoc's text form).
fn parse_default(text: &str, kind: &Kind) -> DefaultValue {
    match kind {
        Kind::Scalar(Scalar::Bool) => DefaultValue::Bool(text == "true"),
        Kind::Scalar(Scalar::String) => DefaultValue::Bytes(text.as_bytes().to_vec()),
        Kind::Scalar(Scalar::Bytes) => DefaultValue::Bytes(unescape_c(text)),
        Kind::Scalar(Scalar::Float | Scalar::Double) => DefaultValue::Float(parse_float(text)),
        Kind::Scalar(_) => match text.parse::<i128>() {
            Ok(i) => DefaultValue::Int(i),
            Err(_) => DefaultValue::Float(parse_float(text)),
        },
        Kind::Enum(_) | Kind::Message(_) => DefaultValue::Enum(text.into()),
    }
}

fn parse_float(text: &str) -> f64 {
    match text {
        "inf" | "infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        "nan" | "-nan" => f64::NAN,
        t => t.parse().unwrap_or(f64::NAN),
    }
}

/// A default from an editions `[default = ...]` option as parsed.
fn default_from_option(o: &UninterpretedOption) -> DefaultValue {
    if let Some(i) = &o.identifier_value {
        return match i.as_str() {
            "true" => DefaultValue::Bool(true),
            "false" => DefaultValue::Bool(false),
            "inf" | "infinity" => DefaultValue::Float(f64::INFINITY),
            "nan" => DefaultValue::Float(f64::NAN),
            other => DefaultValue::Enum(other.into()),
        };
    }
    if let Some(v) = o.positive_int_value {
        return DefaultValue::Int(v as i128);
    }
    if let Some(v) = o.negative_int_value {
        return DefaultValue::Int(v as i128);
    }
    if let Some(v) = o.double_value {
        return DefaultValue::Float(v);
    }
    if let Some(s) = &o.string_value {
        return DefaultValue::Bytes(s.clone());
    }
    DefaultValue::Enum(o.aggregate_value.clone().unwrap_or_default().into())
}

/// Undo protoc's C escaping of bytes defaults.
fn unescape_c(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 == b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        i += 1;
        match b[i] {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'0'..=b'7' => {
                let mut v: u32 = 0;
                let mut n = 0;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + (b[i] - b'0') as u32;
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
                continue;
            }
            b'x' => {
                let mut v: u32 = 0;
                let mut n = 0;
                i += 1;
                while n < 2 && i < b.len() && b[i].is_ascii_hexdigit() {
                    v = v * 16 + (b[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
                continue;
            }
            other => out.push(other),
        }
        i += 1;
    }
    out
}
