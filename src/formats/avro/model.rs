//! wirecompat's model of one Avro version: named types by full name, the
//! top-level schemas and protocol messages, every node carrying where it
//! sits (file and JSON pointer) so that findings can point at it.

use std::collections::HashMap;

/// Where a schema element is: its file, its JSON pointer in that file, and
/// the element's name (`com.acme.Order.amount`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct At {
    pub file: usize,
    pub pointer: String,
    pub element: String,
}

impl At {
    pub fn child(&self, token: &str, element: Option<&str>) -> At {
        At {
            file: self.file,
            pointer: format!("{}/{}", self.pointer, crate::json::pointer_token(token)),
            element: element
                .map(str::to_string)
                .unwrap_or_else(|| self.element.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Logical {
    Decimal { precision: u64, scale: u64 },
    Uuid,
    Date,
    TimeMillis,
    TimeMicros,
    TimestampMillis,
    TimestampMicros,
    TimestampNanos,
    LocalTimestampMillis,
    LocalTimestampMicros,
    LocalTimestampNanos,
    Duration,
}

impl Logical {
    pub fn name(&self) -> String {
        match self {
            Logical::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
            Logical::Uuid => "uuid".into(),
            Logical::Date => "date".into(),
            Logical::TimeMillis => "time-millis".into(),
            Logical::TimeMicros => "time-micros".into(),
            Logical::TimestampMillis => "timestamp-millis".into(),
            Logical::TimestampMicros => "timestamp-micros".into(),
            Logical::TimestampNanos => "timestamp-nanos".into(),
            Logical::LocalTimestampMillis => "local-timestamp-millis".into(),
            Logical::LocalTimestampMicros => "local-timestamp-micros".into(),
            Logical::LocalTimestampNanos => "local-timestamp-nanos".into(),
            Logical::Duration => "duration".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array(Box<Node>),
    Map(Box<Node>),
    Union(Vec<Node>),
    /// A record, enum or fixed, by full name.
    Named(String),
}

/// A type where it is used.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub ty: Ty,
    /// A logical type on a primitive (for named types it sits on the type).
    pub logical: Option<Logical>,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub aliases: Vec<String>,
    pub ty: Node,
    pub default: Option<serde_json::Value>,
    /// The field object.
    pub at: At,
    /// Its position among the record's fields.
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NamedKind {
    Record {
        fields: Vec<Field>,
        error: bool,
    },
    Enum {
        symbols: Vec<String>,
        default: Option<String>,
    },
    Fixed {
        size: u64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub full_name: String,
    /// The unqualified name.
    pub name: String,
    /// Aliases, fully qualified.
    pub aliases: Vec<String>,
    pub kind: NamedKind,
    pub logical: Option<Logical>,
    /// The definition.
    pub at: At,
}

impl Named {
    pub fn kind_word(&self) -> &'static str {
        match self.kind {
            NamedKind::Record { error: true, .. } => "error",
            NamedKind::Record { .. } => "record",
            NamedKind::Enum { .. } => "enum",
            NamedKind::Fixed { .. } => "fixed",
        }
    }
}

/// A top-level schema: what a file (or a protocol's `types` entry) defines.
#[derive(Debug, Clone, PartialEq)]
pub struct Top {
    /// Pairing key: the full name of a named type, else the file's name.
    pub key: String,
    pub node: Node,
}

/// A protocol message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `protocol full name.message`.
    pub key: String,
    pub name: String,
    pub request: Vec<Field>,
    pub response: Node,
    pub errors: Option<Node>,
    pub one_way: bool,
    pub at: At,
}

/// How a file is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `.avsc` / `.avpr`: JSON text with positions.
    Json,
    /// `.avdl`: compiled to JSON by the IDL compiler; positions are found by
    /// name in the IDL text.
    Idl,
}

#[derive(Debug)]
pub struct File {
    pub name: String,
    pub display: String,
    pub source: Source,
    pub text: String,
    /// The JSON tree (for IDL, of the compiled JSON: no positions).
    pub json: crate::json::Node,
    /// Where the text's lines start, made on first use.
    pub lines: std::sync::OnceLock<crate::json::Lines>,
}

#[derive(Debug, Default)]
pub struct Schema {
    pub root: String,
    pub files: Vec<File>,
    pub named: HashMap<String, Named>,
    pub tops: Vec<Top>,
    pub messages: Vec<Message>,
}

impl Schema {
    pub fn named(&self, full_name: &str) -> Option<&Named> {
        self.named.get(full_name)
    }

    /// 1-based line and column of a location, and its end.
    pub fn position(&self, at: &At) -> [u32; 4] {
        let f = &self.files[at.file];
        match f.source {
            Source::Json => {
                let idx = f.lines.get_or_init(|| crate::json::Lines::new(&f.text));
                let node = f.json.pointer(&at.pointer).unwrap_or(&f.json);
                let (l, c) = idx.line_col(&f.text, node.start);
                let (el, ec) = idx.line_col(&f.text, node.end);
                [l, c, el, ec]
            }
            Source::Idl => super::idl_position(&f.text, &at.element),
        }
    }
}
