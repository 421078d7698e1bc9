//! wirecompat's own compact model of one compiled Protobuf version: just what
//! the wire rules need, with every feature (presence, packing, closedness,
//! UTF-8 validation, delimited encoding, JSON format) already resolved, so
//! that proto2, proto3 and editions look the same to the rules.

use rustc_hash::FxHashMap as HashMap;

/// 1-based start line, start column, end line, end column.
pub type Span = Option<[u32; 4]>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    Double,
    Float,
    Int64,
    Uint64,
    Int32,
    Fixed64,
    Fixed32,
    Bool,
    String,
    Bytes,
    Uint32,
    Sfixed32,
    Sfixed64,
    Sint32,
    Sint64,
}

impl Scalar {
    pub fn name(self) -> &'static str {
        match self {
            Scalar::Double => "double",
            Scalar::Float => "float",
            Scalar::Int64 => "int64",
            Scalar::Uint64 => "uint64",
            Scalar::Int32 => "int32",
            Scalar::Fixed64 => "fixed64",
            Scalar::Fixed32 => "fixed32",
            Scalar::Bool => "bool",
            Scalar::String => "string",
            Scalar::Bytes => "bytes",
            Scalar::Uint32 => "uint32",
            Scalar::Sfixed32 => "sfixed32",
            Scalar::Sfixed64 => "sfixed64",
            Scalar::Sint32 => "sint32",
            Scalar::Sint64 => "sint64",
        }
    }

    /// From `FieldDescriptorProto.Type`; `None` for message, enum and group.
    pub fn from_proto_type(t: i32) -> Option<Scalar> {
        Some(match t {
            1 => Scalar::Double,
            2 => Scalar::Float,
            3 => Scalar::Int64,
            4 => Scalar::Uint64,
            5 => Scalar::Int32,
            6 => Scalar::Fixed64,
            7 => Scalar::Fixed32,
            8 => Scalar::Bool,
            9 => Scalar::String,
            12 => Scalar::Bytes,
            13 => Scalar::Uint32,
            15 => Scalar::Sfixed32,
            16 => Scalar::Sfixed64,
            17 => Scalar::Sint32,
            18 => Scalar::Sint64,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Kind {
    Scalar(Scalar),
    /// Full name without the leading dot.
    Enum(Box<str>),
    Message(Box<str>),
}

impl Kind {
    pub fn describe(&self) -> String {
        match self {
            Kind::Scalar(s) => s.name().to_string(),
            Kind::Enum(n) => format!("enum {n}"),
            Kind::Message(n) => format!("message {n}"),
        }
    }

    pub fn type_name(&self) -> &str {
        match self {
            Kind::Scalar(s) => s.name(),
            Kind::Enum(n) | Kind::Message(n) => n,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cardinality {
    Singular,
    Repeated,
    Map,
}

impl Cardinality {
    pub fn name(self) -> &'static str {
        match self {
            Cardinality::Singular => "singular",
            Cardinality::Repeated => "repeated",
            Cardinality::Map => "map",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// proto3 plain scalars: zero is not written.
    Implicit,
    /// proto2 optional, proto3 `optional`, messages, oneof members.
    Explicit,
    /// proto2 `required` / editions LEGACY_REQUIRED.
    Required,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonFormat {
    Allow,
    LegacyBestEffort,
}

/// Which syntax a file was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Syntax {
    Proto2,
    Proto3,
    Edition(String),
}

impl Syntax {
    pub fn describe(&self) -> String {
        match self {
            Syntax::Proto2 => "proto2".into(),
            Syntax::Proto3 => "proto3".into(),
            Syntax::Edition(e) => format!("edition {e}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct File {
    /// Import name, relative to the root (`orders/v1/order.proto`).
    pub name: String,
    /// Path reported in findings: relative to the root given on the command line.
    pub display: String,
    pub package: String,
    pub syntax: Syntax,
    /// Part of the input being compared (false for imports from include paths
    /// and the well-known types).
    pub in_root: bool,
    pub package_span: Span,
    pub syntax_span: Span,
}

#[derive(Debug, Clone)]
pub struct Reserved {
    pub start: i32,
    /// Inclusive.
    pub end: i32,
    /// The largest number of the kind (2^29 - 1 for fields, 2^31 - 1 for
    /// enum values), written `max`.
    pub max: i32,
    pub span: Span,
}

/// Largest field number.
pub const FIELD_MAX: i32 = 536_870_911;

impl Reserved {
    pub fn contains(&self, n: i32) -> bool {
        self.start <= n && n <= self.end
    }

    pub fn describe(&self) -> String {
        if self.start == self.end {
            self.start.to_string()
        } else if self.end >= self.max {
            format!("{} to max", self.start)
        } else {
            format!("{} to {}", self.start, self.end)
        }
    }
}

#[derive(Debug, Clone)]
pub struct NameSpan {
    pub name: Box<str>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Oneof {
    pub name: Box<str>,
    /// The synthetic oneof of a proto3 `optional` field.
    pub synthetic: bool,
    pub span: Span,
}

/// A default value, canonical so that proto2 text and editions options compare.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Int(i128),
    Float(f64),
    Bool(bool),
    Bytes(Vec<u8>),
    Enum(Box<str>),
}

impl DefaultValue {
    pub fn describe(&self) -> String {
        match self {
            DefaultValue::Int(i) => i.to_string(),
            DefaultValue::Float(f) => {
                if f.is_nan() {
                    "nan".into()
                } else if f.is_infinite() {
                    if *f > 0.0 {
                        "inf".into()
                    } else {
                        "-inf".into()
                    }
                } else {
                    format!("{f}")
                }
            }
            DefaultValue::Bool(b) => b.to_string(),
            DefaultValue::Bytes(b) => format!("{:?}", String::from_utf8_lossy(b)),
            DefaultValue::Enum(e) => e.to_string(),
        }
    }

    /// Equal as values (NaN equals NaN, 1 equals 1.0).
    pub fn same(&self, other: &DefaultValue) -> bool {
        match (self, other) {
            (DefaultValue::Float(a), DefaultValue::Float(b)) => {
                (a.is_nan() && b.is_nan()) || a == b
            }
            (DefaultValue::Float(a), DefaultValue::Int(b))
            | (DefaultValue::Int(b), DefaultValue::Float(a)) => *a == *b as f64,
            _ => self == other,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: Box<str>,
    /// `pkg.Message.field`, or for an extension `pkg.ext_name`.
    pub full_name: Box<str>,
    pub number: i32,
    pub json_name: Box<str>,
    pub cardinality: Cardinality,
    pub kind: Kind,
    pub presence: Presence,
    /// Repeated scalars written packed.
    pub packed: bool,
    /// Group / DELIMITED message encoding.
    pub delimited: bool,
    /// Strings rejected when not valid UTF-8 (proto3, editions VERIFY).
    pub utf8_verify: bool,
    /// Index into the message's oneofs (never a synthetic oneof).
    pub oneof: Option<usize>,
    /// Explicit default (proto2 `[default = ...]`).
    pub default: Option<DefaultValue>,
    /// For extensions: the extended message.
    pub extendee: Option<Box<str>>,
    pub file: usize,
    pub span: Span,
    pub name_span: Span,
    pub number_span: Span,
    pub type_span: Span,
    pub label_span: Span,
    pub json_name_span: Span,
    pub default_span: Span,
}

impl Field {
    /// `int32`, `repeated string`, `map<string, int64>`-like short type.
    pub fn type_label(&self) -> String {
        match self.cardinality {
            Cardinality::Singular => self.kind.type_name().to_string(),
            Cardinality::Repeated => format!("repeated {}", self.kind.type_name()),
            Cardinality::Map => format!("map entry {}", self.kind.type_name()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Message {
    pub full_name: Box<str>,
    pub file: usize,
    pub span: Span,
    pub name_span: Span,
    /// Sorted by number.
    pub fields: Vec<Field>,
    pub oneofs: Vec<Oneof>,
    pub reserved_ranges: Vec<Reserved>,
    pub reserved_names: Vec<NameSpan>,
    pub map_entry: bool,
    pub message_set_wire_format: bool,
    pub json_format: JsonFormat,
    pub json_format_span: Span,
    /// Field indices by name and by JSON name, built on first use: rules
    /// look fields up by name, and a message may have 100,000 of them.
    pub names: std::sync::OnceLock<FieldNames>,
}

/// Indices into a message's fields by name and by JSON name (the first of
/// each, in number order).
#[derive(Debug, Clone, Default)]
pub struct FieldNames {
    pub by_name: std::collections::HashMap<Box<str>, usize>,
    pub by_json_name: std::collections::HashMap<Box<str>, usize>,
}

impl Message {
    fn names(&self) -> &FieldNames {
        self.names.get_or_init(|| {
            let mut n = FieldNames::default();
            for (i, f) in self.fields.iter().enumerate() {
                n.by_name.entry(f.name.clone()).or_insert(i);
                n.by_json_name.entry(f.json_name.clone()).or_insert(i);
            }
            n
        })
    }

    /// The first field (by number) whose JSON name is `key`.
    pub fn field_by_json_name(&self, key: &str) -> Option<&Field> {
        self.names().by_json_name.get(key).map(|&i| &self.fields[i])
    }

    pub fn field(&self, number: i32) -> Option<&Field> {
        self.fields
            .binary_search_by_key(&number, |f| f.number)
            .ok()
            .map(|i| &self.fields[i])
    }

    pub fn field_by_name(&self, name: &str) -> Option<&Field> {
        self.names().by_name.get(name).map(|&i| &self.fields[i])
    }

    pub fn number_reserved(&self, n: i32) -> bool {
        self.reserved_ranges.iter().any(|r| r.contains(n))
    }

    pub fn name_reserved(&self, name: &str) -> bool {
        self.reserved_names.iter().any(|r| &*r.name == name)
    }

    pub fn oneof_of(&self, f: &Field) -> Option<&Oneof> {
        f.oneof.map(|i| &self.oneofs[i])
    }
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub name: Box<str>,
    pub number: i32,
    pub span: Span,
    pub name_span: Span,
    pub number_span: Span,
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub full_name: Box<str>,
    pub file: usize,
    pub span: Span,
    pub name_span: Span,
    /// In declaration order.
    pub values: Vec<EnumValue>,
    /// Closed enums (proto2, editions CLOSED) drop unknown numbers.
    pub closed: bool,
    /// Where `features.enum_type` is set, if it is.
    pub closed_span: Span,
    pub reserved_ranges: Vec<Reserved>,
    pub reserved_names: Vec<NameSpan>,
    pub json_format: JsonFormat,
    pub json_format_span: Span,
}

impl Enum {
    pub fn values_with_number(&self, n: i32) -> impl Iterator<Item = &EnumValue> {
        self.values.iter().filter(move |v| v.number == n)
    }

    pub fn value_by_name(&self, name: &str) -> Option<&EnumValue> {
        self.values.iter().find(|v| &*v.name == name)
    }

    pub fn number_reserved(&self, n: i32) -> bool {
        self.reserved_ranges.iter().any(|r| r.contains(n))
    }

    pub fn name_reserved(&self, name: &str) -> bool {
        self.reserved_names.iter().any(|r| &*r.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    Unknown,
    NoSideEffects,
    Idempotent,
}

impl Idempotency {
    pub fn name(self) -> &'static str {
        match self {
            Idempotency::Unknown => "IDEMPOTENCY_UNKNOWN",
            Idempotency::NoSideEffects => "NO_SIDE_EFFECTS",
            Idempotency::Idempotent => "IDEMPOTENT",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Method {
    pub name: Box<str>,
    pub full_name: Box<str>,
    pub input: Box<str>,
    pub output: Box<str>,
    pub client_streaming: bool,
    pub server_streaming: bool,
    pub idempotency: Idempotency,
    pub span: Span,
    pub input_span: Span,
    pub output_span: Span,
    pub client_streaming_span: Span,
    pub server_streaming_span: Span,
    pub idempotency_span: Span,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub full_name: Box<str>,
    pub file: usize,
    pub span: Span,
    pub methods: Vec<Method>,
}

impl Service {
    pub fn method(&self, name: &str) -> Option<&Method> {
        self.methods.iter().find(|m| &*m.name == name)
    }
}

/// One compiled version.
#[derive(Debug, Default)]
pub struct Schema {
    /// What the user gave on the command line, for the report header.
    pub root: String,
    pub files: Vec<File>,
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    pub services: Vec<Service>,
    /// Extension fields, keyed by (extendee, number) in `extension_index`.
    pub extensions: Vec<Field>,
    pub message_index: HashMap<Box<str>, usize>,
    pub enum_index: HashMap<Box<str>, usize>,
    pub service_index: HashMap<Box<str>, usize>,
    pub extension_index: HashMap<(Box<str>, i32), usize>,
    /// The linked descriptors, kept for witness payloads (encoded and
    /// decoded with `prost-reflect`). Editions files are in it as the
    /// proto2 they were lowered to; the model above holds their features.
    pub pool: Option<prost_reflect::DescriptorPool>,
}

impl Schema {
    pub fn message(&self, full_name: &str) -> Option<&Message> {
        self.message_index
            .get(full_name)
            .map(|&i| &self.messages[i])
    }

    pub fn enum_(&self, full_name: &str) -> Option<&Enum> {
        self.enum_index.get(full_name).map(|&i| &self.enums[i])
    }

    pub fn service(&self, full_name: &str) -> Option<&Service> {
        self.service_index
            .get(full_name)
            .map(|&i| &self.services[i])
    }

    pub fn extension(&self, extendee: &str, number: i32) -> Option<&Field> {
        self.extension_index
            .get(&(Box::from(extendee), number))
            .map(|&i| &self.extensions[i])
    }

    pub fn file(&self, idx: usize) -> &File {
        &self.files[idx]
    }

    pub fn rebuild_indexes(&mut self) {
        self.message_index = self
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (m.full_name.clone(), i))
            .collect();
        self.enum_index = self
            .enums
            .iter()
            .enumerate()
            .map(|(i, e)| (e.full_name.clone(), i))
            .collect();
        self.service_index = self
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.full_name.clone(), i))
            .collect();
        self.extension_index = self
            .extensions
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.extendee.clone().map(|e| ((e, f.number), i)))
            .collect();
    }
}
