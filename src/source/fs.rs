//! The files of a tree and the contracts among them.
//!
//! Paths are relative to the tree's root, `/`-separated, and sorted. Hidden
//! files and directories (names starting with `.`), symbolic links and paths
//! that are not UTF-8 are left out of every listing.

use std::path::Path;

use crate::error::Error;

/// The format a contract file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContractKind {
    Protobuf,
    Avro,
    JsonSchema,
}

/// The contract files of a tree, by format, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contracts {
    /// `.proto` files.
    pub protobuf: Vec<String>,
    /// `.avsc`, `.avpr` and `.avdl` files.
    pub avro: Vec<String>,
    /// `*.schema.json` files and `.json` files with a top-level `$schema`.
    pub jsonschema: Vec<String>,
    /// The other `.json` files: not contracts themselves, but JSON Schema
    /// `$ref`s may point into them.
    pub json_other: Vec<String>,
}

/// The kind of contract the file at `rel` holds, if any.
///
/// Decided by the name: `.proto` is Protobuf; `.avsc`, `.avpr` and `.avdl`
/// are Avro; `*.schema.json` is JSON Schema. Another `.json` file is JSON
/// Schema only if it holds a JSON object with a top-level `$schema` key; only
/// then is `read` called (once) for its content, and `None` from it (an
/// unreadable file) means "not a contract".
pub fn classify(rel: &str, read: impl FnOnce() -> Option<Vec<u8>>) -> Option<ContractKind> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.ends_with(".proto") {
        Some(ContractKind::Protobuf)
    } else if [".avsc", ".avpr", ".avdl"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        Some(ContractKind::Avro)
    } else if name.ends_with(".schema.json") {
        Some(ContractKind::JsonSchema)
    } else if name.ends_with(".json") {
        has_schema_key(&read()?).then_some(ContractKind::JsonSchema)
    } else {
        None
    }
}

/// Whether `bytes` is a JSON object with a top-level `$schema` key (values
/// are skipped, not built).
fn has_schema_key(bytes: &[u8]) -> bool {
    use std::collections::HashMap;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice::<HashMap<String, serde::de::IgnoredAny>>(bytes)
        .is_ok_and(|m| m.contains_key("$schema"))
}

/// Every file under the directory `root`, as git would see it: files ignored
/// by `.gitignore` (in `root` and its parents), `.git/info/exclude` or the
/// global excludes file are left out, as are hidden files and the `.git`
/// directory. Works outside a git repository too (the `.gitignore` files
/// still count).
pub fn list_work_tree(root: &Path) -> Result<Vec<String>, Error> {
    let mut walk = ignore::WalkBuilder::new(root);
    walk.standard_filters(true)
        .ignore(false)
        .require_git(false)
        .follow_links(false);
    collect(root, walk)
}

/// Every file under the directory `root`, with no ignore rules (hidden files
/// still left out). For trees written from a git revision.
pub fn list_dir(root: &Path) -> Result<Vec<String>, Error> {
    let mut walk = ignore::WalkBuilder::new(root);
    walk.standard_filters(false)
        .hidden(true)
        .follow_links(false);
    collect(root, walk)
}

fn collect(root: &Path, walk: ignore::WalkBuilder) -> Result<Vec<String>, Error> {
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::usage(format!("{}: not a directory", root.display())));
        }
        Err(e) => return Err(Error::io(root, &e)),
    }
    let mut out = Vec::new();
    for entry in walk.build() {
        let entry = match entry {
            Ok(entry) => entry,
            // An unreadable directory or file fails the listing; a bad line
            // in an ignore file does not (git ignores it too).
            Err(e) => match e.io_error() {
                Some(io) => {
                    let path = error_path(&e).unwrap_or(root);
                    return Err(Error::io(path, io));
                }
                None => continue,
            },
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        if let Some(rel) = slash_path(rel) {
            out.push(rel);
        }
    }
    out.sort();
    Ok(out)
}

/// The path an `ignore` error is about, if it says.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// `rel` with `/` between its parts; `None` if a part is not UTF-8.
fn slash_path(rel: &Path) -> Option<String> {
    let mut out = String::new();
    for part in rel.components() {
        let std::path::Component::Normal(part) = part else {
            continue;
        };
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(part.to_str()?);
    }
    (!out.is_empty()).then_some(out)
}

/// Sorts the `files` of the tree at `root` (as [`list_work_tree`] or
/// [`list_dir`] return them) by contract kind, leaving out those `excluded`
/// says no to. `.json` files are read only when their name does not decide.
pub fn find_contracts(root: &Path, files: &[String], excluded: &dyn Fn(&str) -> bool) -> Contracts {
    let mut out = Contracts::default();
    for rel in files {
        if excluded(rel) {
            continue;
        }
        let read = || std::fs::read(root.join(rel)).ok();
        match classify(rel, read) {
            Some(ContractKind::Protobuf) => out.protobuf.push(rel.clone()),
            Some(ContractKind::Avro) => out.avro.push(rel.clone()),
            Some(ContractKind::JsonSchema) => out.jsonschema.push(rel.clone()),
            None if rel.ends_with(".json") => out.json_other.push(rel.clone()),
            None => {}
        }
    }
    out
}
