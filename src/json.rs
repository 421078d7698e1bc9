//! A JSON parser that keeps where every value and key sits, so that findings
//! on JSON-based contracts (Avro schemas, JSON Schema) can name file, line
//! and column. `serde_json` parses the same text for the libraries that want
//! a `serde_json::Value`; this tree is only for positions and pointers.

use std::fmt;

/// Values nested deeper than the run's depth limit ([`crate::limits`]) are
/// refused, so that a hostile file cannot exhaust the stack of this parser
/// or of the libraries that read the same text.

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte offsets of the value in the text.
    pub start: usize,
    pub end: usize,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    /// Byte offset of the key's opening quote.
    pub key_start: usize,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(m) => m.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(m) => m.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The node at an RFC 6901 JSON pointer (`/fields/3/type`).
    pub fn pointer(&self, ptr: &str) -> Option<&Node> {
        if ptr.is_empty() || ptr == "/" {
            return Some(self);
        }
        let mut node = self;
        for raw in ptr.strip_prefix('/')?.split('/') {
            let tok = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Object(m) => &m.iter().find(|m| m.key == tok)?.value,
                Value::Array(a) => a.get(tok.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The same value as a `serde_json::Value`.
    pub fn to_serde(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => n
                .parse::<serde_json::Number>()
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Node::to_serde).collect()),
            Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|m| (m.key.clone(), m.value.to_serde()))
                    .collect(),
            ),
        }
    }
}

/// Escapes one pointer token.
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Parses a whole document (a UTF-8 byte-order mark is skipped; offsets
/// then count from after it).
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut p = Parser {
        b: text.as_bytes(),
        s: text,
        i: 0,
    };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(node)
}

struct Parser<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn err(&self, m: &str) -> ParseError {
        ParseError {
            offset: self.i,
            message: m.to_string(),
        }
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        let max = crate::limits::get().max_depth;
        if depth > max {
            return Err(self.err(&format!(
                "JSON nested deeper than the depth limit of {max} (raise it with --max-depth, \
                 up to {})",
                crate::limits::HIGHEST_MAX_DEPTH
            )));
        }
        let start = self.i;
        let value = match self.b.get(self.i) {
            None => return Err(self.err("unexpected end of input: expected a value")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(c) if *c == b'-' || c.is_ascii_digit() => self.number()?,
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(Node {
            start,
            end: self.i,
            value,
        })
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, ParseError> {
        if self.s[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.i < p.b.len() && p.b[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i > s
        };
        if !digits(self) {
            return Err(self.err("expected digits"));
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return Err(self.err("expected digits after the decimal point"));
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(self.err("expected digits in the exponent"));
            }
        }
        Ok(Value::Number(self.s[start..self.i].to_string()))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.err("unterminated string"));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else {
                        return Err(self.err("unterminated string"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let ch = if (0xD800..0xDC00).contains(&hi) {
                                if self.s[self.i..].starts_with("\\u") {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    let c = 0x10000
                                        + ((hi - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF);
                                    char::from_u32(c)
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(ch.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err("invalid escape in string"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.err("control character in string")),
                _ => {
                    // Copy the run of plain characters at once.
                    let start = self.i;
                    while self.i < self.b.len()
                        && !matches!(self.b[self.i], b'"' | b'\\')
                        && self.b[self.i] >= 0x20
                    {
                        self.i += 1;
                    }
                    out.push_str(&self.s[start..self.i]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.err("invalid \\u escape"))?;
        self.i += 4;
        Ok(h)
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    // Grown by doubling: a one-item array held four.
                    items.shrink_to_fit();
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.err("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a string key"));
            }
            let key_start = self.i;
            let key = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.err("expected `:` after the key"));
            }
            self.i += 1;
            self.ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_start,
                value,
            });
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    // A schema's objects are mostly of one to three members,
                    // and a pushed vector holds at least four.
                    members.shrink_to_fit();
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
    }
}

/// Turns byte offsets into 1-based lines and columns (in characters).
pub struct LineIndex<'a> {
    text: &'a str,
    lines: Lines,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            lines: Lines::new(text),
        }
    }

    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        self.lines.line_col(self.text, offset)
    }
}

/// Where the lines of a text start, and which are plain ASCII (where a
/// column is a byte count): made once per file and kept, so that placing
/// thousands of findings in one long line (minified JSON) does not scan
/// the file for each.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ascii = starts
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let end = starts.get(i + 1).copied().unwrap_or(text.len());
                text.as_bytes()[s..end].is_ascii()
            })
            .collect();
        Lines { starts, ascii }
    }

    /// 1-based line and column (in characters) of a byte offset of `text`,
    /// the text this index was made from.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col = if self.ascii.get(line).copied().unwrap_or(false) {
            offset - self.starts[line] + 1
        } else {
            let mut start = offset;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            text[self.starts[line]..start].chars().count() + 1
        };
        (line as u32 + 1, col as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_pointers() {
        let text = "{\n  \"type\": \"record\",\n  \"fields\": [\n    {\"name\": \"a\", \"type\": \"int\"}\n  ]\n}";
        let n = parse(text).unwrap();
        let t = n.pointer("/fields/0/type").unwrap();
        assert_eq!(t.as_str(), Some("int"));
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(t.start), (4, 27));
        assert_eq!(n.pointer("/fields/1"), None);
        assert_eq!(n.to_serde()["fields"][0]["name"], "a");
    }

    #[test]
    fn refuses_bad_json_with_offsets() {
        let e = parse("{\"a\": [1, 2,]}").unwrap_err();
        assert_eq!(e.offset, 12);
        assert!(parse("[1] x").is_err());
        assert!(parse("\"abc").is_err());
        let deep = "[".repeat(crate::limits::DEFAULT_MAX_DEPTH + 2);
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
    }

    #[test]
    fn decodes_escapes() {
        let n = parse(r#""a\"b\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(n.as_str(), Some("a\"bé😀"));
    }
}
