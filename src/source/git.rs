//! A git repository as a source of contract versions: revisions, release tags
//! and a revision's files written into a temporary directory.
//!
//! Everything is read from the object database; the work tree, the index and
//! `HEAD` are never touched.

use std::cmp::Ordering;
use std::path::{Component, Path, PathBuf};

use gix::bstr::ByteSlice;
use gix::objs::tree::EntryKind;
use tempfile::TempDir;

use crate::error::Error;

/// A git repository, found by searching upwards from a directory.
pub struct Repo {
    repo: gix::Repository,
    work_dir: PathBuf,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("git_dir", &self.repo.git_dir())
            .field("work_dir", &self.work_dir)
            .finish()
    }
}

/// The files of one revision, written into a temporary directory that lives
/// as long as this value.
#[derive(Debug)]
pub struct Materialized {
    /// What to hand to the loaders: the temporary directory itself, the
    /// directory `PATH` inside it, or the file `PATH` inside it.
    pub root: PathBuf,
    /// How to name this input to the user: `git:REV` or `git:REV:PATH`.
    pub label: String,
    _dir: TempDir,
}

/// A release tag: a tag whose name parses as a semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The tag's short name (`v1.4.0`, `proto/v1.4.0`).
    pub name: String,
    /// The version the name carries.
    pub version: semver::Version,
    /// Hex id of the commit the tag points at (annotated tags peeled).
    pub commit: String,
}

impl Repo {
    /// Finds the repository containing `dir` (searching upwards).
    pub fn discover(dir: &Path) -> Result<Repo, Error> {
        let repo = gix::discover(dir).map_err(|e| match e {
            gix::discover::Error::Discover(_) => Error::usage(format!(
                "{}: not inside a git repository (git:REF inputs need one)",
                dir.display()
            )),
            e => Error::usage(format!(
                "{}: cannot open the git repository: {e}",
                dir.display()
            )),
        })?;
        let work_dir = repo
            .workdir()
            .unwrap_or_else(|| repo.git_dir())
            .to_path_buf();
        Ok(Repo { repo, work_dir })
    }

    /// The root of the work tree (for a bare repository, its git directory).
    pub fn work_dir(&self) -> &Path {
        &self.work_dir
    }

    /// Hex id of the commit `rev` names (tags are peeled to their commit).
    pub fn resolve(&self, rev: &str) -> Result<String, Error> {
        Ok(self.commit(rev)?.id.to_string())
    }

    /// Hex id of the commit `HEAD` points at; `None` on an unborn branch.
    pub fn head_commit(&self) -> Option<String> {
        self.repo.head_id().ok().map(|id| id.to_string())
    }

    /// Writes the files of the tree at `rev` into a fresh temporary directory,
    /// keeping their repository-relative paths.
    ///
    /// Without `path`, every blob whose repository-relative path passes `keep`
    /// is written. With `path` naming a directory, only the blobs under it
    /// (still tested with `keep` on their repository-relative path); with
    /// `path` naming a file, that file alone (`keep` is not asked).
    /// Symbolic links and submodules are skipped, and so are paths that are
    /// not UTF-8. Blobs are written as stored: no checkout filters (line-ending
    /// conversion, LFS) are applied. `path` is relative to the repository root;
    /// `./` and trailing `/` are ignored.
    pub fn materialize(
        &self,
        rev: &str,
        path: Option<&str>,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Materialized, Error> {
        let path = path.map(normalize).filter(|p| !p.is_empty());
        let label = match &path {
            Some(p) => format!("git:{rev}:{p}"),
            None => format!("git:{rev}"),
        };
        let commit = self.commit(rev)?;
        let tree = commit
            .tree()
            .map_err(|e| Error::input(&label, 0, 0, format!("cannot read the tree: {e}")))?;
        let dir = tempfile::Builder::new()
            .prefix("wirecompat-git-")
            .tempdir()
            .map_err(|e| {
                Error::usage(format!("{label}: cannot create a temporary directory: {e}"))
            })?;
        let writer = Writer {
            repo: &self.repo,
            base: dir.path(),
            label: &label,
        };
        let root = match &path {
            None => {
                writer.tree(&tree, "", keep)?;
                dir.path().to_path_buf()
            }
            Some(p) => {
                let no_such_path = || Error::usage(format!("{label}: no such path at {rev}"));
                let entry = tree
                    .lookup_entry(p.split('/'))
                    .map_err(|e| Error::input(&label, 0, 0, format!("cannot read the tree: {e}")))?
                    .ok_or_else(no_such_path)?;
                match entry.mode().kind() {
                    EntryKind::Tree => {
                        let sub = self.repo.find_tree(entry.object_id()).map_err(|e| {
                            Error::input(&label, 0, 0, format!("cannot read the tree: {e}"))
                        })?;
                        writer.tree(&sub, p, keep)?;
                    }
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        writer.blob(p, entry.object_id())?;
                    }
                    EntryKind::Link => {
                        return Err(Error::usage(format!(
                            "{label}: a symbolic link at {rev}, not a file or directory"
                        )));
                    }
                    EntryKind::Commit => {
                        return Err(Error::usage(format!(
                            "{label}: a submodule at {rev}, not a file or directory"
                        )));
                    }
                }
                join_rel(dir.path(), p).ok_or_else(no_such_path)?
            }
        };
        Ok(Materialized {
            root,
            label,
            _dir: dir,
        })
    }

    /// Tags whose short name matches `glob` and carries a semantic version,
    /// oldest first (semantic-version precedence, build metadata ignored, ties
    /// broken by name).
    ///
    /// The version is read from the last `/`-separated part of the name after
    /// dropping a leading `v` or `V` (`v1.4.0`, `1.4.0`, `proto/v1.4.0`); tags
    /// that do not parse are skipped, and so are tags not pointing at a commit.
    /// Pre-releases (`v2.0.0-rc.1`) are skipped unless `prereleases`.
    pub fn release_tags(&self, glob: &str, prereleases: bool) -> Result<Vec<Tag>, Error> {
        let matcher = globset::Glob::new(glob)
            .map_err(|e| Error::usage(format!("bad tag pattern {glob:?}: {e}")))?
            .compile_matcher();
        let refs_err = |e: &dyn std::fmt::Display| {
            Error::usage(format!(
                "{}: cannot list tags: {e}",
                self.work_dir.display()
            ))
        };
        let platform = self.repo.references().map_err(|e| refs_err(&e))?;
        let iter = platform.tags().map_err(|e| refs_err(&e))?;
        let mut candidates = Vec::new();
        for r in iter {
            let r = r.map_err(|e| refs_err(&e))?;
            let Ok(name) = r.name().shorten().to_str() else {
                continue;
            };
            if !matcher.is_match(name) {
                continue;
            }
            let Some(version) = parse_version(name) else {
                continue;
            };
            if !version.pre.is_empty() && !prereleases {
                continue;
            }
            // A symbolic tag (rare) has no id of its own: skipped.
            if let Some(id) = r.try_id() {
                candidates.push((name.to_string(), version, id.detach()));
            }
        }
        let mut tags = Vec::with_capacity(candidates.len());
        for (name, version, id) in candidates {
            // Tags pointing at trees or blobs are not releases.
            let object = self.repo.find_object(id).map_err(|e| refs_err(&e))?;
            let Ok(commit) = object.peel_to_commit() else {
                continue;
            };
            tags.push(Tag {
                name,
                version,
                commit: commit.id.to_string(),
            });
        }
        tags.sort_by(release_order);
        Ok(tags)
    }

    /// The last `k` release tags (see [`Repo::release_tags`]), newest first,
    /// leaving out tags that point at `exclude_commit` (the candidate itself;
    /// a full hex id as [`Repo::resolve`] returns).
    ///
    /// With `candidate` (the commit the candidate is, or grows from), releases
    /// newer than the newest release in its history are left out: checking
    /// out v1.4.0 makes v1.5.0 a future release, not a rollback target. A
    /// release that is not in the history but older than that newest one (a
    /// hotfix tagged on a branch) stays in.
    pub fn window(
        &self,
        k: usize,
        glob: &str,
        prereleases: bool,
        exclude_commit: Option<&str>,
        candidate: Option<&str>,
    ) -> Result<Vec<Tag>, Error> {
        let mut tags = self.release_tags(glob, prereleases)?;
        if let Some(c) = candidate {
            let history = self.history(c)?;
            let newest = tags
                .iter()
                .filter(|t| history.contains(&t.commit))
                .map(|t| t.version.clone())
                .max_by(|a, b| a.cmp_precedence(b));
            if let Some(newest) = newest {
                tags.retain(|t| t.version.cmp_precedence(&newest) != Ordering::Greater);
            }
        }
        if let Some(c) = exclude_commit {
            tags.retain(|t| !t.commit.eq_ignore_ascii_case(c));
        }
        Ok(tags.into_iter().rev().take(k).collect())
    }

    /// Hex ids of `rev` and every commit it descends from.
    fn history(&self, rev: &str) -> Result<std::collections::HashSet<String>, Error> {
        let start = self.commit(rev)?.id;
        let err = |e: &dyn std::fmt::Display| {
            Error::usage(format!(
                "{}: cannot walk the history of {rev}: {e}",
                self.work_dir.display()
            ))
        };
        let walk = self.repo.rev_walk([start]).all().map_err(|e| err(&e))?;
        let mut seen = std::collections::HashSet::new();
        for info in walk {
            let info = info.map_err(|e| err(&e))?;
            seen.insert(info.id.to_string());
        }
        Ok(seen)
    }

    /// The commit `rev` names.
    fn commit(&self, rev: &str) -> Result<gix::Commit<'_>, Error> {
        if rev.is_empty() {
            return Err(Error::usage("empty git revision"));
        }
        let id = self.repo.rev_parse_single(rev).map_err(|e| {
            use gix::revision::spec::parse::single::Error as E;
            let dir = self.work_dir.display();
            match e {
                E::RangedRev { .. } => {
                    Error::usage(format!("git:{rev}: a range, not one revision"))
                }
                E::Parse(e) => {
                    let detail = e.to_string();
                    if detail.starts_with("couldn't parse revision") {
                        Error::usage(format!("git:{rev}: unknown revision {rev:?} in {dir}"))
                    } else {
                        Error::usage(format!(
                            "git:{rev}: unknown revision {rev:?} in {dir} ({detail})"
                        ))
                    }
                }
            }
        })?;
        let object = id
            .object()
            .map_err(|e| Error::usage(format!("git:{rev}: cannot read {id}: {e}")))?;
        object
            .peel_to_commit()
            .map_err(|_| Error::usage(format!("git:{rev}: {rev:?} does not name a commit")))
    }
}

/// Writes blobs below one temporary directory.
struct Writer<'a> {
    repo: &'a gix::Repository,
    base: &'a Path,
    label: &'a str,
}

impl Writer<'_> {
    /// Writes the blobs of `tree`, whose repository-relative path is `prefix`
    /// (empty for the root tree).
    fn tree(
        &self,
        tree: &gix::Tree<'_>,
        prefix: &str,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<(), Error> {
        let entries =
            tree.traverse().breadthfirst.files().map_err(|e| {
                Error::input(self.label, 0, 0, format!("cannot read the tree: {e}"))
            })?;
        for entry in entries {
            if !matches!(
                entry.mode.kind(),
                EntryKind::Blob | EntryKind::BlobExecutable
            ) {
                continue;
            }
            let Ok(rel) = entry.filepath.to_str() else {
                continue;
            };
            let rel = if prefix.is_empty() {
                rel.to_string()
            } else {
                format!("{prefix}/{rel}")
            };
            if keep(&rel) {
                self.blob(&rel, entry.oid)?;
            }
        }
        Ok(())
    }

    /// Writes one blob at the repository-relative path `rel`.
    fn blob(&self, rel: &str, id: gix::ObjectId) -> Result<(), Error> {
        let dest = join_rel(self.base, rel).ok_or_else(|| {
            Error::input(
                self.label,
                0,
                0,
                format!("unsafe path in the tree: {rel:?}"),
            )
        })?;
        let object = self
            .repo
            .find_object(id)
            .map_err(|e| Error::input(self.label, 0, 0, format!("cannot read {rel}: {e}")))?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
        }
        std::fs::write(&dest, &object.data).map_err(|e| Error::io(&dest, &e))
    }
}

/// `base` joined with the `/`-separated relative path `rel`, or `None` when a
/// part of `rel` could leave `base` (`..`, a root, a drive, a separator
/// inside a name).
fn join_rel(base: &Path, rel: &str) -> Option<PathBuf> {
    let mut out = base.to_path_buf();
    for part in rel.split('/') {
        let mut comps = Path::new(part).components();
        match (comps.next(), comps.next()) {
            (Some(Component::Normal(c)), None) if c == part => out.push(part),
            _ => return None,
        }
    }
    Some(out)
}

/// A user's path inside a tree without `./`, empty parts and trailing `/`.
fn normalize(p: &str) -> String {
    p.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The semantic version a tag name carries (see [`Repo::release_tags`]):
/// the last `/`-separated part of the name from its first digit on, after a
/// prefix without digits (`v1.4.0`, `release-1.4.0`, `proto/v1.4.0`). A
/// version of one or two numbers is read with the missing ones as zero
/// (`release-2` is 2.0.0, `v1.4` is 1.4.0).
fn parse_version(name: &str) -> Option<semver::Version> {
    let last = name.rsplit('/').next().unwrap_or(name);
    let start = last.find(|c: char| c.is_ascii_digit())?;
    let bare = &last[start..];
    if let Ok(v) = semver::Version::parse(bare) {
        return Some(v);
    }
    let end = bare.find(['-', '+']).unwrap_or(bare.len());
    let (core, rest) = bare.split_at(end);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 2
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let padded = format!("{core}{}{rest}", ".0".repeat(3 - parts.len()));
    semver::Version::parse(&padded).ok()
}

/// Semantic-version precedence (build metadata ignored), then name.
fn release_order(a: &Tag, b: &Tag) -> Ordering {
    a.version
        .cmp_precedence(&b.version)
        .then_with(|| a.name.cmp(&b.name))
}
