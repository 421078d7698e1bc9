//! What `wirecompat check` does with its inputs: two versions (paths or
//! `git:` revisions), or a repository's candidate against its rollback
//! window; then the configuration's rules, levels and acceptances.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::config::{self, Config, Date, RuleSeverity};
use crate::error::Error;
use crate::finding::{Accepted, Severity};
use crate::level::Level;
use crate::repo::{self, Files, Settings, Tree};
use crate::report::{Expired, Report};
use crate::source::{self, Materialized, Repo, Spec};
use crate::window::{PairResult, WindowReport};
use crate::{CheckOptions, Profile};

/// Which configuration file applies.
#[derive(Debug, Clone, Default)]
pub enum ConfigChoice {
    /// `wirecompat.toml` at the repository root, if there is one.
    #[default]
    Auto,
    File(PathBuf),
    Off,
}

/// Where a long run reports its stages (the command line draws a progress
/// bar on a terminal; the library itself never prints).
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// Stage `done` of `total` begins: `what` it does, over `files`
    /// contract files.
    fn stage(&self, what: &str, done: usize, total: usize, files: usize);
    /// The run is over (successfully or not).
    fn finish(&self);
}

/// A `check` as the command line asks for it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// OLD and NEW, each a path or `git:REF[:PATH]`; both absent for
    /// repository mode.
    pub old: Option<String>,
    pub new: Option<String>,
    /// Rollback window size (repository mode).
    pub window: Option<usize>,
    /// Glob of release tags.
    pub tags: Option<String>,
    /// The candidate as a revision instead of the work tree.
    pub head: Option<String>,
    pub prereleases: bool,
    /// The level when given on the command line (else the configuration's).
    pub level: Option<Level>,
    /// Command-line flags that override the configuration when set.
    pub profile: Option<Profile>,
    pub lenient: bool,
    pub format_assertion: bool,
    pub config: ConfigChoice,
    /// Where the command runs (repository discovery, relative paths).
    pub cwd: PathBuf,
    /// Everything else (includes, draft, ref map, allow-unknown).
    pub opts: CheckOptions,
    /// The date acceptances are judged against (today when `None`).
    pub today: Option<Date>,
    /// Told each stage of the run.
    pub progress: Option<std::sync::Arc<dyn Progress>>,
}

impl Request {
    fn stage(&self, what: &str, done: usize, total: usize, files: usize) {
        if let Some(p) = &self.progress {
            p.stage(what, done, total, files);
        }
    }
}

/// The result of a check.
#[derive(Debug)]
pub enum Outcome {
    /// Two versions.
    Pair(Box<Report>),
    /// A candidate against its rollback window.
    Window(Box<WindowReport>),
    /// Several candidates, each against its own versions (the schemas of a
    /// repository against their registry subjects), each with a title.
    Many(Vec<(String, WindowReport)>),
}

impl Outcome {
    pub fn compatible(&self) -> bool {
        match self {
            Outcome::Pair(r) => r.compatible(),
            Outcome::Window(w) => w.compatible(),
            Outcome::Many(all) => all.iter().all(|(_, w)| w.compatible()),
        }
    }
}

fn config_error(e: config::ConfigError) -> Error {
    Error::input(e.file, e.line, e.column, e.message)
}

fn load_config(choice: &ConfigChoice, root: Option<&Path>) -> Result<Option<Config>, Error> {
    match choice {
        ConfigChoice::Off => Ok(None),
        ConfigChoice::File(p) => config::load(p).map(Some).map_err(config_error),
        ConfigChoice::Auto => match root {
            Some(r) => config::find(r).map_err(config_error),
            None => Ok(None),
        },
    }
}

fn parse_level(s: &str) -> Result<Level, Error> {
    s.parse::<Level>().map_err(Error::usage)
}

/// The run's options: the command line's, then the configuration's.
fn options(req: &Request, cfg: Option<&Config>) -> Result<CheckOptions, Error> {
    let mut o = req.opts.clone();
    o.level = match (req.level, cfg) {
        (Some(l), _) => l,
        (None, Some(c)) => parse_level(c.default_level())?,
        (None, None) => Level::Full,
    };
    o.profile = match (req.profile, cfg) {
        (Some(p), _) => p,
        (None, Some(c)) if c.protobuf.profile() == "wire" => Profile::Wire,
        _ => Profile::WireJson,
    };
    o.lenient = req.lenient || cfg.is_some_and(|c| c.jsonschema.lenient());
    o.format_assertion =
        req.format_assertion || cfg.is_some_and(|c| c.jsonschema.format_assertion());
    if o.draft.is_none()
        && let Some(c) = cfg
        && c.jsonschema.draft.is_some()
    {
        o.draft = crate::formats::jsonschema::Draft::parse(c.jsonschema.draft());
    }
    Ok(o)
}

/// File extensions worth reading out of a revision.
fn contract_like(rel: &str) -> bool {
    [".proto", ".avsc", ".avpr", ".avdl", ".json"]
        .iter()
        .any(|e| rel.ends_with(e))
}

/// Runs a check.
pub fn run(req: &Request) -> Result<Outcome, Error> {
    match (&req.old, &req.new) {
        (Some(old), Some(new)) => {
            if req.window.is_some() {
                return Err(Error::usage(
                    "--window compares the repository's candidate with its release tags: give \
                     no OLD and NEW with it",
                ));
            }
            pair(req, old, new).map(|r| Outcome::Pair(Box::new(r)))
        }
        (Some(old), None) => match source::parse_spec(old) {
            // NEW defaults to the work tree: the same path in it, or the
            // whole work tree for a whole revision.
            Spec::Git { path, .. } => {
                let repo = Repo::discover(&req.cwd)?;
                let (new, label) = match &path {
                    Some(p) => (
                        repo.work_dir().join(p).display().to_string(),
                        p.trim_end_matches('/').to_string(),
                    ),
                    None => (
                        repo.work_dir().display().to_string(),
                        "work tree".to_string(),
                    ),
                };
                // Reports name the work tree as the repository does: paths
                // relative to its root, never a machine's absolute path.
                pair(req, old, &new).map(|mut r| {
                    r.new_root = label;
                    Outcome::Pair(Box::new(r))
                })
            }
            Spec::Path(_) => Err(Error::usage(
                "NEW is missing: only a git revision (git:REF or git:REF:PATH) has the work tree \
                 as its default NEW",
            )),
        },
        (None, None) => window(req).map(|w| Outcome::Window(Box::new(w))),
        (None, Some(_)) => Err(Error::usage("OLD is missing")),
    }
}

/// An input on disk, from a path or out of git.
struct Input {
    root: PathBuf,
    label: String,
    _held: Option<Materialized>,
}

fn input(spec: &str, req: &Request, repo: &mut Option<Repo>) -> Result<Input, Error> {
    match source::parse_spec(spec) {
        Spec::Path(p) => {
            let root = if p.is_absolute() {
                p.clone()
            } else {
                req.cwd.join(&p)
            };
            Ok(Input {
                root,
                label: spec.to_string(),
                _held: None,
            })
        }
        Spec::Git { rev, path } => {
            if repo.is_none() {
                *repo = Some(Repo::discover(&req.cwd)?);
            }
            let r = repo.as_ref().expect("discovered above");
            let m = r.materialize(&rev, path.as_deref(), &contract_like)?;
            Ok(Input {
                root: m.root.clone(),
                label: m.label.clone(),
                _held: Some(m),
            })
        }
    }
}

/// An input error's file named from OLD or NEW as the user gave them
/// (`new/a.proto`, `git:v1.2:schemas/a.proto`), not from the absolute path
/// it was read at.
fn as_given(e: Error, inputs: &[&Input]) -> Error {
    e.map_path(|path| {
        let p = Path::new(&path);
        inputs
            .iter()
            .find_map(|i| {
                let rest = p.strip_prefix(&i.root).ok()?;
                Some(if rest.as_os_str().is_empty() {
                    i.label.clone()
                } else {
                    format!("{}/{}", i.label.trim_end_matches('/'), rest.display())
                })
            })
            .unwrap_or(path)
    })
}

/// Whether an input is a whole revision (every contract of the tree).
fn whole_tree(spec: &str) -> bool {
    matches!(source::parse_spec(spec), Spec::Git { path: None, .. })
}

fn pair(req: &Request, old: &str, new: &str) -> Result<Report, Error> {
    let mut repo = None;
    let o = input(old, req, &mut repo)?;
    let n = input(new, req, &mut repo)?;
    let root = match &repo {
        Some(r) => Some(r.work_dir().to_path_buf()),
        None => Repo::discover(&req.cwd)
            .ok()
            .map(|r| r.work_dir().to_path_buf()),
    };
    let cfg = load_config(&req.config, root.as_deref())?;
    let opts = options(req, cfg.as_ref())?;
    if req.progress.is_some() {
        let count = |root: &Path| {
            if root.is_dir() {
                source::list_dir(root).map(|l| l.len()).unwrap_or(0)
            } else {
                1
            }
        };
        req.stage(
            &format!("comparing {} with {}", o.label, n.label),
            0,
            1,
            count(&o.root) + count(&n.root),
        );
    }
    let report = if whole_tree(old) || whole_tree(new) {
        // Whole trees hold contracts of any format: compare them as the
        // repository mode does.
        let tree = |i: &Input, spec: &str| -> Result<Tree, Error> {
            let listing = if whole_tree(spec) {
                source::list_dir(&i.root)?
            } else {
                source::list_work_tree(&i.root)?
            };
            Ok(Tree {
                label: i.label.clone(),
                root: i.root.clone(),
                files: files(&i.root, &listing, cfg.as_ref()),
            })
        };
        tree(&o, old).and_then(|to| {
            repo::compare_trees(&to, &tree(&n, new)?, &settings(cfg.as_ref(), &opts))
        })
    } else {
        crate::check(&o.root, &n.root, &opts).map_err(|e| as_given(e, &[&o, &n]))
    };
    if let Some(p) = &req.progress {
        p.finish();
    }
    let mut report = report?;
    report.old_root = o.label;
    report.new_root = n.label;
    if let Some(c) = &cfg {
        let today = req.today.unwrap_or_else(Date::today);
        let mut used = BTreeSet::new();
        apply_config(&mut report, c, today, &mut used);
        report.stale = stale(c, &used);
    }
    Ok(report)
}

/// How repository trees are read, from the configuration.
fn settings(cfg: Option<&Config>, opts: &CheckOptions) -> Settings {
    Settings {
        opts: opts.clone(),
        proto_root: cfg
            .and_then(|c| c.protobuf.root.clone())
            .unwrap_or_default(),
        proto_includes: cfg.map(|c| c.protobuf.include.clone()).unwrap_or_default(),
        map_ref: cfg
            .map(|c| {
                c.jsonschema
                    .map_ref
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The contract files under `root`, by format.
fn files(root: &Path, listing: &[String], cfg: Option<&Config>) -> Files {
    let excluded = |p: &str| cfg.is_some_and(|c| c.is_excluded(p));
    let c = source::find_contracts(root, listing, &excluded);
    Files {
        protobuf: c.protobuf,
        avro: c.avro,
        jsonschema: c.jsonschema,
    }
}

fn window(req: &Request) -> Result<WindowReport, Error> {
    let repo = Repo::discover(&req.cwd)?;
    let root = repo.work_dir().to_path_buf();
    let cfg = load_config(&req.config, Some(&root))?;
    let cfg = cfg.as_ref();
    let opts = options(req, cfg)?;
    let settings = settings(cfg, &opts);
    // The candidate: the work tree, or a revision.
    let mut held = Vec::new();
    let (candidate, exclude_commit) = match &req.head {
        Some(rev) => {
            let m = repo.materialize(rev, None, &contract_like)?;
            let listing = source::list_dir(&m.root)?;
            let tree = Tree {
                label: m.label.clone(),
                root: m.root.clone(),
                files: files(&m.root, &listing, cfg),
            };
            held.push(m);
            (tree, Some(repo.resolve(rev)?))
        }
        None => {
            let listing = source::list_work_tree(&root)?;
            let tree = Tree {
                label: "work tree".to_string(),
                root: root.clone(),
                files: files(&root, &listing, cfg),
            };
            // The work tree is the release at HEAD only when its contracts
            // are HEAD's, byte for byte; with edits, HEAD's tag is N-1.
            let same = match repo.head_commit() {
                Some(_) => {
                    let m = repo.materialize("HEAD", None, &contract_like)?;
                    let at_head = files(&m.root, &source::list_dir(&m.root)?, cfg);
                    let same = same_contracts(&tree, &m.root, &at_head);
                    held.push(m);
                    same
                }
                None => false,
            };
            (tree, if same { repo.head_commit() } else { None })
        }
    };
    let k = req
        .window
        .or(cfg.map(|c| c.window.size() as usize))
        .unwrap_or(1)
        .max(1);
    let glob = req
        .tags
        .clone()
        .or(cfg.map(|c| c.window.tags().to_string()))
        .unwrap_or_else(|| "v*".to_string());
    let prereleases = req.prereleases || cfg.is_some_and(|c| c.window.prereleases());
    let grows_from = match &req.head {
        Some(rev) => Some(repo.resolve(rev)?),
        None => repo.head_commit(),
    };
    let tags = repo.window(
        k,
        &glob,
        prereleases,
        exclude_commit.as_deref(),
        grows_from.as_deref(),
    )?;
    let mut notes = Vec::new();
    let mut versions: Vec<(String, Materialized)> = Vec::new();
    for t in &tags {
        versions.push((
            t.name.clone(),
            repo.materialize(&t.name, None, &contract_like)?,
        ));
    }
    if tags.is_empty() {
        if req.head.is_none() && repo.head_commit().is_some() {
            notes.push(format!(
                "no release tag matches {glob:?}: the work tree is compared with HEAD"
            ));
            versions.push((
                "HEAD".to_string(),
                repo.materialize("HEAD", None, &contract_like)?,
            ));
        } else {
            notes.push(format!(
                "no release tag matches {glob:?}: there is no earlier version to compare with"
            ));
        }
    } else if tags.len() < k {
        notes.push(format!(
            "the window asks for {k} release(s) matching {glob:?}; the repository has {}",
            tags.len()
        ));
    }
    let today = req.today.unwrap_or_else(Date::today);
    let mut used = BTreeSet::new();
    let mut expired = Vec::new();
    let mut pairs = Vec::new();
    let files_of = |f: &Files| f.protobuf.len() + f.avro.len() + f.jsonschema.len();
    for (i, (label, m)) in versions.iter().enumerate() {
        req.stage(
            &format!("comparing with {label}"),
            i,
            versions.len(),
            files_of(&candidate.files),
        );
        let listing = source::list_dir(&m.root)?;
        let old = Tree {
            label: label.clone(),
            root: m.root.clone(),
            files: files(&m.root, &listing, cfg),
        };
        let mut report = repo::compare_trees(&old, &candidate, &settings)?;
        if let Some(c) = cfg {
            apply_config(&mut report, c, today, &mut used);
            expired.append(&mut report.expired);
        }
        pairs.push(PairResult {
            against: label.clone(),
            distance: i + 1,
            guarded: i == 0 || opts.level.transitive(),
            report,
        });
    }
    drop(held);
    if let Some(p) = &req.progress {
        p.finish();
    }
    let mut w = WindowReport::new(
        opts.level,
        candidate.label.clone(),
        pairs,
        opts.allow_unknown,
    );
    w.notes = notes;
    expired.sort_by(|a: &Expired, b: &Expired| a.fingerprint.cmp(&b.fingerprint));
    expired.dedup();
    w.expired = expired;
    if let Some(c) = cfg {
        w.stale = stale(c, &used);
    }
    Ok(w)
}

/// Whether `tree` holds the same contract files, with the same bytes, as
/// the directory `other` whose contracts are `files`.
fn same_contracts(tree: &Tree, other: &Path, files: &Files) -> bool {
    if tree.files != *files {
        return false;
    }
    files
        .protobuf
        .iter()
        .chain(&files.avro)
        .chain(&files.jsonschema)
        .all(|f| std::fs::read(tree.root.join(f)).ok() == std::fs::read(other.join(f)).ok())
}

/// Applies the configuration to a report's findings: rules turned off or
/// re-graded, the level of each finding's path, and acceptances (an expired
/// one no longer covers its finding and is listed in `report.expired`).
/// `used` collects the fingerprints of the acceptances that matched.
pub fn apply_config(report: &mut Report, cfg: &Config, today: Date, used: &mut BTreeSet<String>) {
    let mut kept = Vec::with_capacity(report.findings.len());
    for mut f in std::mem::take(&mut report.findings) {
        let path = f.anchor().map(|l| l.path.clone());
        match cfg.rule_setting(f.rule.code, f.rule.name, path.as_deref()) {
            Some(RuleSeverity::Off) => continue,
            Some(RuleSeverity::Error) => f.severity = Severity::Error,
            Some(RuleSeverity::Warning) => f.severity = Severity::Warning,
            Some(RuleSeverity::Info) => f.severity = Severity::Info,
            None => {}
        }
        let element = f.anchor().map(|l| l.element.clone()).unwrap_or_default();
        let level = path
            .as_deref()
            .and_then(|p| cfg.level_for_path(p))
            .or_else(|| subject_level(cfg, &element));
        if let Some(l) = level
            && let Ok(l) = l.parse::<Level>()
        {
            f.level = Some(l);
        }
        if let Some(a) = cfg.acceptance(&f.fingerprint) {
            used.insert(a.fingerprint.clone());
            let by = a.by.clone().unwrap_or_default();
            if a.expired(today) {
                report.expired.push(Expired {
                    fingerprint: a.fingerprint.clone(),
                    expires: a.expires.to_string(),
                    by,
                });
            } else {
                f.accepted = Some(Box::new(Accepted {
                    reason: a.reason.clone(),
                    by,
                    expires: a.expires.to_string(),
                }));
            }
        }
        kept.push(f);
    }
    report.findings = kept;
    report.expired.dedup();
}

/// The level a `[[levels]]` entry with a `subject` sets for an element: the
/// subject names the element or one of its enclosing names (a Protobuf
/// package or message, an Avro namespace or record), nearest first.
fn subject_level<'a>(cfg: &'a Config, element: &str) -> Option<&'a str> {
    let mut name = element;
    while !name.is_empty() {
        if let Some(l) = cfg.level_for_subject(name) {
            return Some(l);
        }
        name = name.rfind('.').map_or("", |i| &name[..i]);
    }
    None
}

/// Acceptances that matched nothing.
fn stale(cfg: &Config, used: &BTreeSet<String>) -> Vec<String> {
    cfg.accept
        .iter()
        .filter(|a| !used.contains(&a.fingerprint))
        .map(|a| a.fingerprint.clone())
        .collect()
}
