//! Where versions of the contracts come from: a directory or file on disk, or
//! a revision of a git repository (`git:REF` or `git:REF:PATH`), read from the
//! object database without touching the work tree.
//!
//! - [`parse_spec`] tells the two kinds of input apart;
//! - [`git::Repo`] resolves revisions, lists release tags in semantic-version
//!   order and writes a revision's files into a temporary directory;
//! - [`fs`] lists the files of a tree and picks out the contracts.

pub mod fs;
pub mod git;
pub mod registry;

use std::path::PathBuf;

pub use fs::{ContractKind, Contracts, classify, find_contracts, list_dir, list_work_tree};
pub use git::{Materialized, Repo, Tag};

/// One input as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A file or directory on disk.
    Path(PathBuf),
    /// A revision of the enclosing git repository, optionally narrowed to a
    /// file or directory (relative to the repository root, `/`-separated).
    Git {
        /// Any rev spec git understands (`v1.4.0`, `origin/main`, `HEAD~1`,
        /// a commit id). Never empty: `git:` and `git::PATH` mean `HEAD`.
        rev: String,
        /// A path inside the tree of `rev`; `None` for the whole tree.
        path: Option<String>,
    },
}

/// Parses an input spec.
///
/// `git:REF` and `git:REF:PATH` name a revision (REF may contain `/`, as in
/// `git:origin/main:proto`; the split is at the first `:` after `git:`). An
/// empty REF means `HEAD`, an empty PATH means the whole tree. Anything else
/// is a path (write `./git:x` for a file literally named `git:x`).
pub fn parse_spec(s: &str) -> Spec {
    let Some(rest) = s.strip_prefix("git:") else {
        return Spec::Path(PathBuf::from(s));
    };
    let (rev, path) = match rest.split_once(':') {
        Some((rev, path)) => (rev, Some(path)),
        None => (rest, None),
    };
    let rev = if rev.is_empty() { "HEAD" } else { rev };
    Spec::Git {
        rev: rev.to_string(),
        path: path.filter(|p| !p.is_empty()).map(str::to_string),
    }
}
