//! wirecompat's model of one Avro version: named types by full name, the
//! top-level schemas and protocol messages, every node carrying where it
//! sits (file and JSON pointer) so that findings can point at it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Where a schema element is: its file, its JSON pointer in that file, and
/// the element's name (`com.acme.Order.amount`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct At {
    pub file: usize,
    pub pointer: Pointer,
    pub element: String,
}

impl At {
    pub fn child(&self, token: &str, element: Option<&str>) -> At {
        At {
            file: self.file,
            pointer: self.pointer.child(token),
            element: element
                .map(str::to_string)
                .unwrap_or_else(|| self.element.clone()),
        }
    }
}

/// A JSON pointer: a shared prefix and a short tail held inline. The
/// prefix is made once per container (a record's `fields`, a union's
/// branches ...), so the pointers of its elements share it and take no
/// allocation of their own: held whole, the pointers of records nested 15
/// deep (6,600 fields each) weighed 100 MB. Equal paths are built by the
/// same tokens from the document's root and so split the same way.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Pointer {
    base: Option<Arc<str>>,
    tail: Tail,
}

const TAIL: usize = 15;

#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Tail {
    len: u8,
    bytes: [u8; TAIL],
}

impl Tail {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or_default()
    }
}

/// Keywords whose members are many: the pointer to one is made a prefix.
const CONTAINERS: &[&str] = &["fields", "types", "symbols", "messages", "aliases"];

impl Pointer {
    pub fn child(&self, token: &str) -> Pointer {
        let token = crate::json::pointer_token(token);
        let len = self.tail.len as usize;
        let fits = len + 1 + token.len() <= TAIL;
        if fits && !CONTAINERS.contains(&token.as_str()) {
            let mut tail = self.tail;
            tail.bytes[len] = b'/';
            tail.bytes[len + 1..len + 1 + token.len()].copy_from_slice(token.as_bytes());
            tail.len = (len + 1 + token.len()) as u8;
            return Pointer {
                base: self.base.clone(),
                tail,
            };
        }
        Pointer {
            base: Some(format!("{self}/{token}").into()),
            tail: Tail::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.base.is_none() && self.tail.len == 0
    }

    /// Whether this pointer is below `other` (inside it, not it).
    pub fn is_below(&self, other: &Pointer) -> bool {
        self.to_string()
            .strip_prefix(&other.to_string())
            .is_some_and(|rest| rest.starts_with('/'))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base.as_deref().unwrap_or(""))?;
        f.write_str(self.tail.as_str())
    }
}

impl fmt::Debug for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string())
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
                let node = f.json.pointer(&at.pointer.to_string()).unwrap_or(&f.json);
                let (l, c) = idx.line_col(&f.text, node.start);
                let (el, ec) = idx.line_col(&f.text, node.end);
                [l, c, el, ec]
            }
            Source::Idl => super::idl_position(&f.text, &at.element),
        }
    }
}

#[cfg(test)]
mod pointer_tests {
    use super::Pointer;

    #[test]
    fn pointers_read_as_written_and_share_their_containers() {
        let root = Pointer::default();
        assert!(root.is_empty());
        assert_eq!(root.to_string(), "");
        let fields = root.child("types").child("3").child("fields");
        let a = fields.child("12").child("type");
        let b = fields.child("13").child("type");
        assert_eq!(a.to_string(), "/types/3/fields/12/type");
        assert_eq!(b.to_string(), "/types/3/fields/13/type");
        // Both start from the one prefix made for `fields`.
        let (Some(x), Some(y)) = (&a.base, &b.base) else {
            panic!("a prefix")
        };
        assert!(std::sync::Arc::ptr_eq(x, y));
        assert!(a.is_below(&fields) && !fields.is_below(&a) && !a.is_below(&a));
        assert!(!fields.child("1").is_below(&fields.child("12")));
        // Escaped tokens, and tails longer than the inline room.
        let long = root.child("a/b~c").child("a-key-longer-than-the-tail");
        assert_eq!(long.to_string(), "/a~1b~0c/a-key-longer-than-the-tail");
        assert_eq!(
            long,
            root.child("a/b~c").child("a-key-longer-than-the-tail")
        );
        assert_ne!(a, b);
    }
}
