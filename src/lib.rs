//! wirecompat: tells, before a release ships, whether release N and N-1 of a
//! team's wire contracts can read each other's data, per direction.
//!
//! The library returns values and errors; only `main.rs` prints.

pub mod config;
pub mod docs;
pub mod error;
pub mod finding;
pub mod formats;
pub mod guard;
pub mod json;
pub mod level;
pub mod limits;
pub mod registry;
pub mod repo;
pub mod report;
pub mod rule;
pub mod run;
pub mod soundness;
pub mod source;
pub mod window;
pub mod witness;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::Error;
pub use finding::{Direction, Finding, Location, Severity};
pub use level::Level;
pub use report::Report;

pub use formats::protobuf::Profile;
use formats::{avro, jsonschema, protobuf};

/// What `check` needs besides the two inputs.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub level: Level,
    pub profile: Profile,
    /// Include paths for both versions (Protobuf imports).
    pub includes: Vec<PathBuf>,
    /// Include paths for the old version only.
    pub old_includes: Vec<PathBuf>,
    /// Include paths for the new version only.
    pub new_includes: Vec<PathBuf>,
    /// Let directions a rule cannot decide pass.
    pub allow_unknown: bool,
    /// JSON Schema: draft for files without `$schema`.
    pub draft: Option<formats::jsonschema::Draft>,
    /// JSON Schema: lenient content model (Confluent's lenient mode).
    pub lenient: bool,
    /// JSON Schema: check `format` as an assertion.
    pub format_assertion: bool,
    /// JSON Schema: remote references served from local files.
    pub ref_map: Vec<(String, PathBuf)>,
    /// The same for the old version only.
    pub old_ref_map: Vec<(String, PathBuf)>,
    /// The same for the new version only.
    pub new_ref_map: Vec<(String, PathBuf)>,
    /// Do not build witness payloads for findings.
    pub no_witness: bool,
}

/// Compares `old` (release N-1) with `new` (release N).
pub fn check(old: &Path, new: &Path, opts: &CheckOptions) -> Result<Report, Error> {
    let (fo, fnew) = (formats::detect(old)?, formats::detect(new)?);
    if fo != fnew {
        return Err(Error::usage(format!(
            "OLD ({}) is {fo} and NEW ({}) is {fnew}: compare two versions of one format",
            old.display(),
            new.display()
        )));
    }
    match fo {
        rule::Format::Protobuf => check_protobuf(old, new, opts),
        rule::Format::Avro => check_avro(old, new, opts),
        rule::Format::JsonSchema => check_jsonschema(old, new, opts),
    }
}

fn check_protobuf(old: &Path, new: &Path, opts: &CheckOptions) -> Result<Report, Error> {
    let opts_for = |extra: &[PathBuf]| protobuf::LoadOptions {
        includes: opts.includes.iter().chain(extra).cloned().collect(),
        files: None,
    };
    // One version after the other: each loads its files in parallel, and
    // the second's parse and link do not stack on the first's.
    let o =
        protobuf::load_version(old, &opts_for(&opts.old_includes)).map_err(|e| under(old, e))?;
    let n =
        protobuf::load_version(new, &opts_for(&opts.new_includes)).map_err(|e| under(new, e))?;
    let mut findings = protobuf::compare(&o.schema, &n.schema, opts.profile);
    if !opts.no_witness {
        protobuf::witness::attach(&o.schema, &n.schema, opts.profile, &mut findings);
    }
    let report = report(
        rule::Format::Protobuf,
        opts.profile.name(),
        opts,
        (&o.schema.root, o.source_dir.as_deref()),
        (&n.schema.root, n.source_dir.as_deref()),
        findings,
    );
    // The two models are large and nothing waits for their memory: free it
    // on another thread (a command-line run exits first).
    std::thread::spawn(move || drop((o, n)));
    Ok(report)
}

fn check_avro(old: &Path, new: &Path, opts: &CheckOptions) -> Result<Report, Error> {
    let opts_for = |extra: &[PathBuf]| avro::LoadOptions {
        includes: opts.includes.iter().chain(extra).cloned().collect(),
        files: None,
    };
    let o = avro::load_version(old, &opts_for(&opts.old_includes)).map_err(|e| under(old, e))?;
    let n = avro::load_version(new, &opts_for(&opts.new_includes)).map_err(|e| under(new, e))?;
    let mut findings = avro::compare(&o.schema, &n.schema);
    if !opts.no_witness {
        avro::witness::attach(&o.schema, &n.schema, &mut findings);
    }
    Ok(report(
        rule::Format::Avro,
        "binary",
        opts,
        (&o.schema.root, o.source_dir.as_deref()),
        (&n.schema.root, n.source_dir.as_deref()),
        findings,
    ))
}

fn check_jsonschema(old: &Path, new: &Path, opts: &CheckOptions) -> Result<Report, Error> {
    let lo = |extra: &[(String, PathBuf)]| jsonschema::LoadOptions {
        draft: opts.draft,
        ref_map: opts.ref_map.iter().chain(extra).cloned().collect(),
        files: None,
    };
    let o = jsonschema::load_version(old, &lo(&opts.old_ref_map)).map_err(|e| under(old, e))?;
    let n = jsonschema::load_version(new, &lo(&opts.new_ref_map)).map_err(|e| under(new, e))?;
    let policy = jsonschema::Policy {
        lenient: opts.lenient,
        format_assertion: opts.format_assertion,
    };
    let mut findings = jsonschema::compare(&o.schema, &n.schema, policy);
    if !opts.no_witness {
        jsonschema::witness::attach(&o.schema, &n.schema, &mut findings);
    }
    Ok(report(
        rule::Format::JsonSchema,
        if opts.lenient { "lenient" } else { "strict" },
        opts,
        (&o.schema.root, o.source_dir.as_deref()),
        (&n.schema.root, n.source_dir.as_deref()),
        findings,
    ))
}

/// An input error's file named as the user can open it: under the version
/// (OLD or NEW as given, or the directory of the file given), so that one
/// can tell which version is broken when both hold `a.proto`. Loaders name
/// files relative to the version; a file found elsewhere (an include
/// directory) keeps its name.
fn under(version: &Path, e: Error) -> Error {
    let base = if version.is_dir() {
        Some(version)
    } else {
        version.parent()
    };
    e.map_path(|path| {
        let p = Path::new(&path);
        match base {
            Some(b) if !b.as_os_str().is_empty() && b != Path::new(".") && p.is_relative() => {
                let joined = b.join(p);
                if joined.exists() && !p.starts_with(b) {
                    joined.display().to_string()
                } else {
                    path
                }
            }
            _ => path,
        }
    })
}

/// Sorts findings and gathers the lines they point at.
fn report(
    format: rule::Format,
    profile: &'static str,
    opts: &CheckOptions,
    old: (&str, Option<&Path>),
    new: (&str, Option<&Path>),
    mut findings: Vec<Finding>,
) -> Report {
    finding::sort_findings(&mut findings);
    let sources = report::Sources {
        old: read_sources(old.1, findings.iter().filter_map(|f| f.old.as_ref())),
        new: read_sources(new.1, findings.iter().filter_map(|f| f.new.as_ref())),
    };
    Report {
        format,
        profile,
        level: opts.level,
        old_root: old.0.to_string(),
        new_root: new.0.to_string(),
        findings,
        sources,
        allow_unknown: opts.allow_unknown,
        formats: vec![format],
        notes: Vec::new(),
        expired: Vec::new(),
        stale: Vec::new(),
    }
}

/// Reads the files that findings point into (for the text report's lines).
pub(crate) fn read_sources<'a>(
    dir: Option<&Path>,
    locs: impl Iterator<Item = &'a Location>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(dir) = dir else { return out };
    for l in locs {
        if !l.has_position() || out.contains_key(&l.path) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(dir.join(&l.path)) {
            out.insert(l.path.clone(), text);
        }
    }
    out
}
