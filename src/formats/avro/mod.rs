//! Avro: load (apache-avro validates, wirecompat's walker keeps positions),
//! resolve per the specification in both directions, rules.

pub mod datum;
pub mod hoist;
pub mod library;
pub mod load;
pub mod meaning;
pub mod model;
pub mod pair;
pub mod resolve;
pub mod rules;
pub mod structure;
pub mod witness;

use std::path::{Path, PathBuf};

pub use load::LoadOptions;

use crate::error::Error;
use crate::finding::Finding;

pub struct Version {
    pub schema: model::Schema,
    pub source_dir: Option<PathBuf>,
}

pub fn accepts(input: &Path) -> bool {
    load::accepts(input)
}

pub fn load_version(input: &Path, opts: &LoadOptions) -> Result<Version, Error> {
    let schema = load::load(input, opts)?;
    let source_dir = if input.is_dir() {
        Some(input.to_path_buf())
    } else {
        Some(
            input
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
        )
    };
    Ok(Version { schema, source_dir })
}

pub fn compare(old: &model::Schema, new: &model::Schema) -> Vec<Finding> {
    pair::run(old, new)
}

/// Where an element sits in Avro IDL text, found by name: the type's
/// declaration (`record Order`), then the field's declaration inside it.
/// IDL is compiled to JSON by the `avdl` crate, which keeps no positions.
pub fn idl_position(text: &str, element: &str) -> [u32; 4] {
    let parts: Vec<&str> = element.split('.').collect();
    let idx = crate::json::LineIndex::new(text);
    let at = |off: usize, len: usize| {
        let (l, c) = idx.line_col(off);
        let (el, ec) = idx.line_col(off + len);
        [l, c, el, ec]
    };
    // Try "... Type field" first, then "... Type".
    for split in [2usize, 1] {
        if parts.len() < split {
            continue;
        }
        let ty = parts[parts.len() - split];
        // A message parameter: `name(` ... `param` ... `)`.
        if split == 2
            && find_decl(text, ty).is_none()
            && let Some(mpos) = find_message(text, ty)
        {
            let param = parts[parts.len() - 1];
            let close = text[mpos..]
                .find(')')
                .map(|c| mpos + c)
                .unwrap_or(text.len());
            if let Some(p) = words(text, param, mpos + ty.len()).find(|&p| p < close) {
                return at(p, param.len());
            }
            return at(mpos, ty.len());
        }
        let Some(tpos) = find_decl(text, ty) else {
            continue;
        };
        if split == 2 {
            let field = parts[parts.len() - 1];
            if let Some(fpos) = find_field(text, tpos, field) {
                return at(fpos, field.len());
            }
            continue;
        }
        return at(tpos, ty.len());
    }
    [1, 1, 1, 1]
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Offsets of `word` in `text` at word boundaries, from `from`.
fn words<'a>(text: &'a str, word: &'a str, from: usize) -> impl Iterator<Item = usize> + 'a {
    let b = text.as_bytes();
    text[from..]
        .match_indices(word)
        .map(move |(i, _)| i + from)
        .filter(move |&i| {
            (i == 0 || !is_word(b[i - 1])) && b.get(i + word.len()).is_none_or(|c| !is_word(*c))
        })
}

/// `record Name`, `error Name`, `enum Name`, `fixed Name` (or `protocol Name`).
fn find_decl(text: &str, name: &str) -> Option<usize> {
    words(text, name, 0).find(|&i| {
        let before = text[..i].trim_end();
        ["record", "error", "enum", "fixed", "protocol"]
            .iter()
            .any(|k| before.ends_with(k))
    })
}

/// A message declaration: `name` followed by `(`.
fn find_message(text: &str, name: &str) -> Option<usize> {
    words(text, name, 0).find(|&i| text[i + name.len()..].trim_start().starts_with('('))
}

/// A field (or message) named `name` after `from`: followed by `=`, `;`, `(`
/// or a `@` annotation.
fn find_field(text: &str, from: usize, name: &str) -> Option<usize> {
    words(text, name, from).find(|&i| {
        let after = text[i + name.len()..].trim_start();
        after.starts_with('=') || after.starts_with(';') || after.starts_with('(')
    })
}
