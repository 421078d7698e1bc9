//! JSON Schema: load (drafts 4 to 2020-12, `$ref` inside the root), decide
//! set inclusion per direction over the schemas' structure, rules.

pub mod facts;
pub mod generate;
pub mod include;
pub mod load;
pub mod pair;
pub mod regexlang;
pub mod rules;
pub mod sample;
pub mod structure;
pub mod validate;
pub mod witness;

use std::path::{Path, PathBuf};

pub use include::Policy;
pub use load::{Draft, LoadOptions};

use crate::error::Error;
use crate::finding::Finding;

pub struct Version {
    pub schema: load::Version,
    pub source_dir: Option<PathBuf>,
}

pub fn load_version(input: &Path, opts: &LoadOptions) -> Result<Version, Error> {
    let schema = load::load(input, opts)?;
    let source_dir = Some(if input.is_dir() {
        input.to_path_buf()
    } else {
        input
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    });
    Ok(Version { schema, source_dir })
}

pub fn compare(old: &load::Version, new: &load::Version, policy: Policy) -> Vec<Finding> {
    pair::run(old, new, policy)
}
