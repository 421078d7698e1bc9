//! Repository mode: every contract of a repository, whatever its format,
//! compared between two versions of the repository in one report.

use std::path::PathBuf;

use crate::error::Error;
use crate::finding::{self, Finding, Location};
use crate::formats::{avro, jsonschema, protobuf};
use crate::report::{Report, Sources};
use crate::rule::Format;
use crate::{CheckOptions, read_sources};

/// The contract files of one version, by format (relative to its root,
/// `/`-separated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    pub protobuf: Vec<String>,
    pub avro: Vec<String>,
    pub jsonschema: Vec<String>,
}

/// One version of a repository's contracts.
#[derive(Debug)]
pub struct Tree {
    /// `work tree`, `git:v1.4.0` ...
    pub label: String,
    /// The directory the files are under.
    pub root: PathBuf,
    pub files: Files,
}

/// How a repository's contracts are read and compared.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub opts: CheckOptions,
    /// Import root of the `.proto` files, relative to the repository root
    /// (`""` for the root itself).
    pub proto_root: String,
    /// Extra Protobuf import paths, relative to the repository root.
    pub proto_includes: Vec<String>,
    /// Remote `$ref` URI (or prefix) -> path relative to the repository root.
    pub map_ref: Vec<(String, String)>,
}

fn under(files: &[String], root: &str) -> Vec<String> {
    if root.is_empty() || root == "." {
        return files.to_vec();
    }
    let prefix = format!("{}/", root.trim_end_matches('/'));
    files
        .iter()
        .filter_map(|f| f.strip_prefix(&prefix).map(str::to_string))
        .collect()
}

fn prefix_paths(findings: &mut [Finding], root: &str) {
    if root.is_empty() || root == "." {
        return;
    }
    let root = root.trim_end_matches('/');
    let fix = |l: &mut Option<Location>| {
        if let Some(l) = l {
            l.path = format!("{root}/{}", l.path);
        }
    };
    for f in findings {
        fix(&mut f.old);
        fix(&mut f.new);
    }
}

/// What one format contributes to the comparison of two trees.
struct Part {
    format: Format,
    findings: Vec<Finding>,
}

fn one_sided(format: Format, old: &Tree, new: &Tree, o: usize, n: usize) -> Option<String> {
    match (o, n) {
        (0, 0) => None,
        (0, n) => Some(format!(
            "{format}: {n} contract file(s) in {} and none in {}: nothing to compare (new \
             contracts break no reader)",
            new.label, old.label
        )),
        (o, 0) => Some(format!(
            "{format}: {o} contract file(s) in {} and none in {}: every {format} contract was \
             removed; readers of {} lose them",
            old.label, new.label, old.label
        )),
        _ => None,
    }
}

/// An error loading a tree's contracts, said in the repository's terms: paths
/// relative to the repository root (not a temporary directory a revision was
/// read into), which version it is, and how the configuration can help.
fn in_tree(t: &Tree, e: Error) -> Error {
    let root = t.root.display().to_string();
    let local = |s: &str| s.replace(&format!("{root}/"), "./").replace(&root, ".");
    let rel = |s: &str| s.strip_prefix(&format!("{root}/")).unwrap_or(s).to_string();
    match e {
        Error::Input {
            path,
            line,
            column,
            message,
        } => {
            let mut message = format!("{} (in {})", local(&message), t.label);
            if message.contains("not found") && message.contains("import") {
                message.push_str(
                    "; in repository mode, set [protobuf] root and include in wirecompat.toml, \
                     or exclude the files that are not contracts",
                );
            }
            Error::input(rel(&path), line, column, message)
        }
        Error::Usage(m) => Error::Usage(format!("{} (in {})", local(&m), t.label)),
    }
}

fn protobuf_part(old: &Tree, new: &Tree, s: &Settings) -> Result<Option<Part>, Error> {
    let (o, n) = (
        under(&old.files.protobuf, &s.proto_root),
        under(&new.files.protobuf, &s.proto_root),
    );
    if o.is_empty() || n.is_empty() {
        return Ok(None);
    }
    let opts = |t: &Tree, files: Vec<String>| protobuf::LoadOptions {
        includes: s
            .proto_includes
            .iter()
            .map(|i| t.root.join(i))
            .chain(s.opts.includes.iter().cloned())
            .collect(),
        files: Some(files),
    };
    let dir = |t: &Tree| t.root.join(&s.proto_root);
    let (vo, vn) = rayon::join(
        || protobuf::load_version(&dir(old), &opts(old, o)),
        || protobuf::load_version(&dir(new), &opts(new, n)),
    );
    let (vo, vn) = (
        vo.map_err(|e| in_tree(old, e))?,
        vn.map_err(|e| in_tree(new, e))?,
    );
    let mut findings = protobuf::compare(&vo.schema, &vn.schema, s.opts.profile);
    if !s.opts.no_witness {
        protobuf::witness::attach(&vo.schema, &vn.schema, s.opts.profile, &mut findings);
    }
    prefix_paths(&mut findings, &s.proto_root);
    // The models hold descriptor pools that take a while to free.
    std::thread::spawn(move || drop((vo, vn)));
    Ok(Some(Part {
        format: Format::Protobuf,
        findings,
    }))
}

fn avro_part(old: &Tree, new: &Tree, s: &Settings) -> Result<Option<Part>, Error> {
    if old.files.avro.is_empty() || new.files.avro.is_empty() {
        return Ok(None);
    }
    let opts = |files: &[String]| avro::LoadOptions {
        includes: s.opts.includes.clone(),
        files: Some(files.to_vec()),
    };
    let vo = avro::load_version(&old.root, &opts(&old.files.avro)).map_err(|e| in_tree(old, e))?;
    let vn = avro::load_version(&new.root, &opts(&new.files.avro)).map_err(|e| in_tree(new, e))?;
    let mut findings = avro::compare(&vo.schema, &vn.schema);
    if !s.opts.no_witness {
        avro::witness::attach(&vo.schema, &vn.schema, &mut findings);
    }
    Ok(Some(Part {
        format: Format::Avro,
        findings,
    }))
}

fn jsonschema_part(old: &Tree, new: &Tree, s: &Settings) -> Result<Option<Part>, Error> {
    if old.files.jsonschema.is_empty() || new.files.jsonschema.is_empty() {
        return Ok(None);
    }
    let opts = |t: &Tree| jsonschema::LoadOptions {
        draft: s.opts.draft,
        ref_map: s
            .map_ref
            .iter()
            .map(|(uri, p)| (uri.clone(), t.root.join(p)))
            .chain(s.opts.ref_map.iter().cloned())
            .collect(),
        files: Some(t.files.jsonschema.clone()),
    };
    let vo = jsonschema::load_version(&old.root, &opts(old)).map_err(|e| in_tree(old, e))?;
    let vn = jsonschema::load_version(&new.root, &opts(new)).map_err(|e| in_tree(new, e))?;
    let policy = jsonschema::Policy {
        lenient: s.opts.lenient,
        format_assertion: s.opts.format_assertion,
    };
    let mut findings = jsonschema::compare(&vo.schema, &vn.schema, policy);
    if !s.opts.no_witness {
        jsonschema::witness::attach(&vo.schema, &vn.schema, &mut findings);
    }
    Ok(Some(Part {
        format: Format::JsonSchema,
        findings,
    }))
}

/// Compares every contract of `old` with its counterpart in `new`, all
/// formats at once. Contracts pair by identity within each format
/// (Protobuf and Avro by full name, JSON Schema by `$id`, else path), so a
/// moved file is not a deletion plus an addition.
pub fn compare_trees(old: &Tree, new: &Tree, s: &Settings) -> Result<Report, Error> {
    let mut notes = Vec::new();
    for (format, o, n) in [
        (
            Format::Protobuf,
            under(&old.files.protobuf, &s.proto_root).len(),
            under(&new.files.protobuf, &s.proto_root).len(),
        ),
        (Format::Avro, old.files.avro.len(), new.files.avro.len()),
        (
            Format::JsonSchema,
            old.files.jsonschema.len(),
            new.files.jsonschema.len(),
        ),
    ] {
        notes.extend(one_sided(format, old, new, o, n));
    }
    let mut parts = Vec::new();
    parts.extend(protobuf_part(old, new, s)?);
    parts.extend(avro_part(old, new, s)?);
    parts.extend(jsonschema_part(old, new, s)?);
    let formats: Vec<Format> = parts.iter().map(|p| p.format).collect();
    let mut findings: Vec<Finding> = parts.into_iter().flat_map(|p| p.findings).collect();
    finding::sort_findings(&mut findings);
    let sources = Sources {
        old: read_sources(
            Some(&old.root),
            findings.iter().filter_map(|f| f.old.as_ref()),
        ),
        new: read_sources(
            Some(&new.root),
            findings.iter().filter_map(|f| f.new.as_ref()),
        ),
    };
    let profile = if formats.contains(&Format::Protobuf) {
        s.opts.profile.name()
    } else if formats == [Format::JsonSchema] {
        if s.opts.lenient { "lenient" } else { "strict" }
    } else {
        "default"
    };
    Ok(Report {
        format: formats.first().copied().unwrap_or(Format::Protobuf),
        profile,
        level: s.opts.level,
        old_root: old.label.clone(),
        new_root: new.label.clone(),
        findings,
        sources,
        allow_unknown: s.opts.allow_unknown,
        formats,
        notes,
        expired: Vec::new(),
        stale: Vec::new(),
    })
}
