//! `wirecompat registry`: a pre-publish hook for schema registries that
//! speak the Confluent REST API. A local schema is checked against the
//! versions the registry holds for its subject, at the subject's own level:
//! the latest version, or every version for the `_TRANSITIVE` levels (the
//! registry's own compatibility endpoint compares with one version only).
//! Only a passing schema is registered.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::CheckOptions;
use crate::error::Error;
use crate::level::Level;
use crate::report::Report;
use crate::source::registry::{Client, Reference, SchemaType, SchemaVersion};
use crate::window::{PairResult, WindowReport};

/// The label of a registered version in reports.
pub fn label(subject: &str, version: u32) -> String {
    format!("{subject} v{version}")
}

/// The schema type of a local file, from its extension.
pub fn schema_type_of(file: &Path) -> Result<SchemaType, Error> {
    match file.extension().and_then(|e| e.to_str()) {
        Some("avsc") => Ok(SchemaType::Avro),
        Some("proto") => Ok(SchemaType::Protobuf),
        Some("json") => Ok(SchemaType::Json),
        _ => Err(Error::usage(format!(
            "{}: a registry schema is an Avro .avsc, a Protobuf .proto or a JSON Schema .json file",
            file.display()
        ))),
    }
}

/// How deep references may nest.
const MAX_REFERENCE_DEPTH: usize = 32;

/// A version written to a directory, with what the loaders need to read it.
struct Written {
    dir: tempfile::TempDir,
    /// JSON Schema: `$ref` URIs served from the reference files.
    ref_map: Vec<(String, PathBuf)>,
    /// Subjects and versions fetched for the references.
    fetched: Vec<(String, u32)>,
}

/// A relative path that stays inside its directory, or `None`.
fn inside(name: &str) -> Option<PathBuf> {
    let p = Path::new(name);
    if name.is_empty()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    Some(p.to_path_buf())
}

fn file_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, &e))
}

/// Writes `main` (the schema text) as `main_name` in a new directory, with
/// the schemas its references name, fetched recursively: Protobuf imports at
/// their import paths, JSON Schema `$ref`s at their relative paths (or
/// mapped when absolute), Avro named types in files of their own.
fn write_version(
    client: &Client,
    schema_type: SchemaType,
    main_name: &str,
    main: &str,
    references: &[Reference],
) -> Result<Written, Error> {
    let dir = tempfile::Builder::new()
        .prefix("wirecompat-registry-")
        .tempdir()
        .map_err(|e| Error::usage(format!("cannot create a temporary directory: {e}")))?;
    let mut w = Written {
        dir,
        ref_map: Vec::new(),
        fetched: Vec::new(),
    };
    write_file(&w.dir.path().join(main_name), main)?;
    let mut seen = BTreeSet::new();
    let mut queue: Vec<(Reference, usize)> = references.iter().map(|r| (r.clone(), 1)).collect();
    while let Some((r, depth)) = queue.pop() {
        if !seen.insert((r.name.clone(), r.subject.clone(), r.version)) {
            continue;
        }
        if depth > MAX_REFERENCE_DEPTH {
            return Err(Error::usage(format!(
                "registry {}: references nest deeper than {MAX_REFERENCE_DEPTH} at {} ({})",
                client.url(),
                label(&r.subject, r.version),
                r.name
            )));
        }
        let v = client.version(&r.subject, &r.version.to_string())?;
        w.fetched.push((r.subject.clone(), r.version));
        let n = w.fetched.len();
        let path = match schema_type {
            SchemaType::Protobuf => inside(&r.name).ok_or_else(|| {
                Error::usage(format!(
                    "registry {}: reference {:?} of {} is not a relative import path",
                    client.url(),
                    r.name,
                    label(&r.subject, r.version)
                ))
            })?,
            SchemaType::Avro => {
                PathBuf::from(format!("references/{n}-{}.avsc", file_safe(&r.subject)))
            }
            SchemaType::Json => match inside(&r.name).filter(|_| !r.name.contains(':')) {
                Some(p) => p,
                None => {
                    let p = PathBuf::from(format!("references/{n}-{}.json", file_safe(&r.subject)));
                    w.ref_map.push((r.name.clone(), w.dir.path().join(&p)));
                    p
                }
            },
        };
        write_file(&w.dir.path().join(&path), &v.schema)?;
        for next in &v.references {
            queue.push((next.clone(), depth + 1));
        }
    }
    Ok(w)
}

/// What `registry check` and `registry publish` compare.
pub struct Candidate {
    pub subject: String,
    pub file: PathBuf,
    pub schema: String,
    pub schema_type: SchemaType,
}

impl Candidate {
    pub fn read(subject: &str, file: &Path) -> Result<Candidate, Error> {
        let schema_type = schema_type_of(file)?;
        let schema = std::fs::read_to_string(file).map_err(|e| Error::io(file, &e))?;
        Ok(Candidate {
            subject: subject.to_string(),
            file: file.to_path_buf(),
            schema,
            schema_type,
        })
    }

    fn main_name(&self) -> String {
        self.file
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("schema.{}", self.schema_type.extension()))
    }
}

/// The outcome of checking a candidate against its subject.
pub struct Checked {
    pub report: WindowReport,
    /// The references of the latest version, registered again with the
    /// candidate (it is read with them).
    pub references: Vec<Reference>,
    /// Subjects and versions fetched.
    pub fetched: Vec<(String, u32)>,
}

/// Compares two written versions.
fn compare(old: &Written, new: &Written, opts: &CheckOptions) -> Result<Report, Error> {
    let mut o = opts.clone();
    o.old_ref_map = old.ref_map.clone();
    o.new_ref_map = new.ref_map.clone();
    crate::check(old.dir.path(), new.dir.path(), &o)
}

/// Checks `c` against the versions of its subject the level implies.
/// `level`: the command line's, else the subject's in the registry.
pub fn check(
    client: &Client,
    c: &Candidate,
    level: Option<Level>,
    opts: &CheckOptions,
) -> Result<Checked, Error> {
    let mut fetched = Vec::new();
    let Some(versions) = client.versions(&c.subject)? else {
        let level = match level {
            Some(l) => l,
            None => client.level(&c.subject)?,
        };
        let mut w = WindowReport::new(level, c.file.display().to_string(), Vec::new(), false);
        w.notes.push(format!(
            "subject {} is not in the registry yet: there is no earlier version to compare with",
            c.subject
        ));
        return Ok(Checked {
            report: w,
            references: Vec::new(),
            fetched,
        });
    };
    let level = match level {
        Some(l) => l,
        None => client.level(&c.subject)?,
    };
    // Newest first: the latest alone, or all of them.
    let wanted: Vec<u32> = if level.transitive() {
        versions.iter().rev().copied().collect()
    } else {
        versions.last().copied().into_iter().collect()
    };
    let main = c.main_name();
    let mut pairs = Vec::new();
    let mut references = Vec::new();
    let mut new_side: Option<Written> = None;
    for (i, v) in wanted.iter().enumerate() {
        let sv: SchemaVersion = client.version(&c.subject, &v.to_string())?;
        fetched.push((c.subject.clone(), sv.version));
        if sv.schema_type != c.schema_type {
            return Err(Error::usage(format!(
                "{}: a {} schema, but {} holds {} schemas",
                c.file.display(),
                c.schema_type.as_str(),
                label(&c.subject, sv.version),
                sv.schema_type.as_str()
            )));
        }
        let old = write_version(client, sv.schema_type, &main, &sv.schema, &sv.references)?;
        fetched.extend(old.fetched.iter().cloned());
        if i == 0 {
            // The candidate is read with the latest version's references.
            references = sv.references.clone();
            let new = write_version(client, c.schema_type, &main, &c.schema, &references)?;
            new_side = Some(new);
        }
        let new = new_side.as_ref().expect("written with the latest version");
        let mut report = compare(&old, new, opts)?;
        report.old_root = label(&c.subject, sv.version);
        report.new_root = c.file.display().to_string();
        report.level = level;
        pairs.push(PairResult {
            against: label(&c.subject, sv.version),
            distance: i + 1,
            guarded: true,
            report,
        });
    }
    let mut w = WindowReport::new(
        level,
        c.file.display().to_string(),
        pairs,
        opts.allow_unknown,
    );
    if !level.transitive() && versions.len() > 1 {
        w.notes.push(format!(
            "level {level}: compared with the latest of {} versions of {} only",
            versions.len(),
            c.subject
        ));
    }
    fetched.sort();
    fetched.dedup();
    Ok(Checked {
        report: w,
        references,
        fetched,
    })
}

/// Whether the candidate is what the subject's latest version already
/// holds (the same JSON for Avro and JSON Schema, the same text for
/// Protobuf), so that there is nothing to check or register.
pub fn unchanged(client: &Client, c: &Candidate) -> Result<bool, Error> {
    if client.versions(&c.subject)?.is_none_or(|v| v.is_empty()) {
        return Ok(false);
    }
    let latest = client.version(&c.subject, "latest")?;
    if latest.schema_type != c.schema_type {
        return Ok(false);
    }
    Ok(match c.schema_type {
        SchemaType::Protobuf => latest.schema.trim() == c.schema.trim(),
        SchemaType::Avro | SchemaType::Json => {
            let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
            match (parse(&latest.schema), parse(&c.schema)) {
                (Some(a), Some(b)) => a == b,
                _ => latest.schema.trim() == c.schema.trim(),
            }
        }
    })
}

/// The outcome of a publish.
pub struct Published {
    pub checked: Checked,
    /// The id the registry gave the schema; `None` when the check failed or
    /// in a dry run.
    pub id: Option<u64>,
    pub dry_run: bool,
}

/// Checks, then registers only when the check passes (and not in a dry run).
pub fn publish(
    client: &Client,
    c: &Candidate,
    level: Option<Level>,
    opts: &CheckOptions,
    dry_run: bool,
) -> Result<Published, Error> {
    let checked = check(client, c, level, opts)?;
    let id = if checked.report.compatible() && !dry_run {
        Some(client.register(&c.subject, &c.schema, c.schema_type, &checked.references)?)
    } else {
        None
    };
    Ok(Published {
        checked,
        id,
        dry_run,
    })
}

/// One subject's history, audited.
pub struct Audited {
    pub subject: String,
    pub level: Level,
    /// Each checked pair: (older, newer) version numbers and the report.
    pub pairs: Vec<(u32, u32, Report)>,
}

impl Audited {
    pub fn violations(&self) -> impl Iterator<Item = &(u32, u32, Report)> {
        self.pairs.iter().filter(|(_, _, r)| !r.compatible())
    }
}

/// Walks every subject matching `glob` and checks each version against its
/// predecessor (or, at `_TRANSITIVE` levels, against every earlier version)
/// at the subject's level: the registry's past mistakes.
pub fn audit(
    client: &Client,
    glob: Option<&str>,
    level: Option<Level>,
    opts: &CheckOptions,
) -> Result<Vec<Audited>, Error> {
    let matcher = match glob {
        Some(g) => Some(
            globset::Glob::new(g)
                .map_err(|e| Error::usage(format!("--subject-glob {g:?}: {e}")))?
                .compile_matcher(),
        ),
        None => None,
    };
    let mut subjects = client.subjects()?;
    subjects.sort();
    let mut out = Vec::new();
    for s in subjects {
        if matcher.as_ref().is_some_and(|m| !m.is_match(&s)) {
            continue;
        }
        let versions = client.versions(&s)?.unwrap_or_default();
        let level = match level {
            Some(l) => l,
            None => client.level(&s)?,
        };
        let mut written = Vec::new();
        for v in &versions {
            let sv = client.version(&s, &v.to_string())?;
            let main = format!("{}.{}", file_safe(&s), sv.schema_type.extension());
            written.push((
                sv.version,
                write_version(client, sv.schema_type, &main, &sv.schema, &sv.references)?,
            ));
        }
        let mut pairs = Vec::new();
        for j in 1..written.len() {
            let earlier: Vec<usize> = if level.transitive() {
                (0..j).collect()
            } else {
                vec![j - 1]
            };
            for i in earlier {
                let mut report = compare(&written[i].1, &written[j].1, opts)?;
                report.level = level;
                report.old_root = label(&s, written[i].0);
                report.new_root = label(&s, written[j].0);
                pairs.push((written[i].0, written[j].0, report));
            }
        }
        out.push(Audited {
            subject: s,
            level,
            pairs,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::inside;

    #[test]
    fn reference_paths_stay_inside() {
        assert!(inside("common/money.proto").is_some());
        assert!(inside("../etc/passwd").is_none());
        assert!(inside("/etc/passwd").is_none());
        assert!(inside("").is_none());
    }
}
