//! Protobuf: load (protox parser + prost-reflect linking), pair, rules.

pub mod compat;
pub mod editions;
pub mod load;
pub mod meaning;
pub mod model;
pub mod pair;
pub mod rules;
pub mod validate;
pub mod witness;

use std::path::{Path, PathBuf};

pub use load::LoadOptions;
pub use pair::Profile;

use crate::error::Error;
use crate::finding::Finding;

/// A loaded version and the directory its report paths are relative to.
pub struct Version {
    pub schema: model::Schema,
    pub source_dir: Option<PathBuf>,
}

pub fn load_version(input: &Path, opts: &LoadOptions) -> Result<Version, Error> {
    let schema = load::load(input, opts)?;
    let source_dir = if input.is_dir() {
        Some(input.to_path_buf())
    } else if input.extension().is_some_and(|e| e == "proto") {
        Some(
            input
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
        )
    } else {
        None
    };
    Ok(Version { schema, source_dir })
}

/// Every finding of every enabled rule between two loaded versions.
pub fn compare(old: &model::Schema, new: &model::Schema, profile: Profile) -> Vec<Finding> {
    let ctx = pair::Ctx::new(old, new, profile);
    pair::run(&ctx)
}
