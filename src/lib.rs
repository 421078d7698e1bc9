//! wirecompat: tells, before a release ships, whether release N and N-1 of a
//! team's wire contracts can read each other's data, per direction.
//!
//! The library returns values and errors; only `main.rs` prints.

pub mod error;
pub mod finding;
pub mod formats;
pub mod level;
pub mod report;
pub mod rule;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::Error;
pub use finding::{Direction, Finding, Location, Severity};
pub use level::Level;
pub use report::Report;

use formats::protobuf;
pub use formats::protobuf::Profile;

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
}

/// Compares `old` (release N-1) with `new` (release N).
pub fn check(old: &Path, new: &Path, opts: &CheckOptions) -> Result<Report, Error> {
    let opts_for = |extra: &[PathBuf]| protobuf::LoadOptions {
        includes: opts.includes.iter().chain(extra).cloned().collect(),
    };
    let (o, n) = rayon::join(
        || protobuf::load_version(old, &opts_for(&opts.old_includes)),
        || protobuf::load_version(new, &opts_for(&opts.new_includes)),
    );
    let (o, n) = (o?, n?);
    let mut findings = protobuf::compare(&o.schema, &n.schema, opts.profile);
    finding::sort_findings(&mut findings);
    let sources = report::Sources {
        old: read_sources(
            o.source_dir.as_deref(),
            findings.iter().filter_map(|f| f.old.as_ref()),
        ),
        new: read_sources(
            n.source_dir.as_deref(),
            findings.iter().filter_map(|f| f.new.as_ref()),
        ),
    };
    let report = Report {
        format: rule::Format::Protobuf,
        profile: opts.profile.name(),
        level: opts.level,
        old_root: o.schema.root.clone(),
        new_root: n.schema.root.clone(),
        findings,
        sources,
    };
    // The two models are large and nothing waits for their memory: free it
    // on another thread (a command-line run exits first).
    std::thread::spawn(move || drop((o, n)));
    Ok(report)
}

/// Reads the files that findings point into (for the text report's lines).
fn read_sources<'a>(
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
