//! The integration recipes users copy (`.pre-commit-hooks.yaml`, `ci/github`,
//! `ci/gitlab`), run for real in temporary git repositories.
//!
//! * The pre-commit hook runs through the real `pre-commit` tool (`$PRE_COMMIT`
//!   or `pre-commit` on PATH), with the hook definition read from
//!   `.pre-commit-hooks.yaml`.
//! * The GitHub Action's and the GitLab template's shell scripts run through
//!   bash (and sh) the way the runners run them, with the variables the
//!   runners set; `wirecompat` is a logging wrapper around the debug binary so
//!   that every invocation is checked: exit 0 or 1, never 2 (a usage error
//!   means the recipe is wrong).
//! * `shellcheck` and `check-jsonschema` (SchemaStore's schemas for GitHub
//!   actions and workflows and for GitLab CI) lint the files when installed.
//!
//! A missing tool skips its test with a note on stderr, unless
//! `WIRECOMPAT_REQUIRE_TOOLS` is set (as `.ci/run` does): then it fails.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::git::{commit, git, init, tag, write};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlEmitter, YamlLoader};

// ---------------------------------------------------------------------------
// Contracts

const V1: &str = "syntax = \"proto3\";
package orders.v1;

message Order {
  string id = 1;
  string note = 2;
}
";

/// A field added: compatible both ways.
const COMPATIBLE: &str = "syntax = \"proto3\";
package orders.v1;

message Order {
  string id = 1;
  string note = 2;
  int64 quantity = 3;
}
";

/// `note` from string to int64: breaks both directions (PB101).
const BREAKING: &str = "syntax = \"proto3\";
package orders.v1;

message Order {
  string id = 1;
  int64 note = 2;
}
";

const CONTRACT: &str = "proto/order.proto";
const RULE_CODE: &str = "PB101";
const RULE_NAME: &str = "field-wire-type-changed";

// ---------------------------------------------------------------------------
// Helpers

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wirecompat"))
}

fn repo_file(rel: &str) -> PathBuf {
    common::root().join(rel)
}

fn load_yaml(rel: &str) -> Yaml {
    let text = fs::read_to_string(repo_file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: one YAML document");
    docs.remove(0)
}

/// A scalar as a string (`3`, `true` and `'3'` alike); `None` when absent.
fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn string<'a>(y: &'a Yaml, what: &str) -> &'a str {
    y.as_str()
        .unwrap_or_else(|| panic!("{what}: a string expected, got {y:?}"))
}

fn hash<'a>(y: &'a Yaml, what: &str) -> &'a yaml_rust2::yaml::Hash {
    y.as_hash()
        .unwrap_or_else(|| panic!("{what}: a mapping expected, got {y:?}"))
}

fn array<'a>(y: &'a Yaml, what: &str) -> &'a Vec<Yaml> {
    y.as_vec()
        .unwrap_or_else(|| panic!("{what}: a sequence expected, got {y:?}"))
}

/// A mapping's entries with string keys and scalar values.
fn scalar_map(y: &Yaml, what: &str) -> BTreeMap<String, String> {
    hash(y, what)
        .iter()
        .map(|(k, v)| {
            let k = string(k, what).to_string();
            let v = scalar(v).unwrap_or_else(|| panic!("{what}.{k}: a scalar expected"));
            (k, v)
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A tool a test needs: the executable `$var` names, else `name` on PATH.
/// `None` (the test returns) when it is absent and `WIRECOMPAT_REQUIRE_TOOLS`
/// is unset; a failure when it is set.
fn tool(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "${var} = {}: no such file", p.display());
        return Some(p);
    }
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("WIRECOMPAT_REQUIRE_TOOLS").is_none(),
            "{name} is required (WIRECOMPAT_REQUIRE_TOOLS is set) but neither ${var} nor PATH has it"
        );
        eprintln!("skipped: {name} not installed (set ${var} or put it on PATH)");
    }
    found
}

/// PATH with `dirs` first.
fn path_with(dirs: &[&Path]) -> OsString {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let mut all: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    all.extend(std::env::split_paths(&rest));
    std::env::join_paths(all).unwrap()
}

/// A command with a clean environment: PATH, a private HOME and git without
/// system or user configuration (nothing of the CI this test may run in, such
/// as GITHUB_BASE_REF, leaks into a recipe).
fn clean(program: &Path, home: &Path, path: &OsString) -> Command {
    let mut c = Command::new(program);
    c.env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("LANG", "C.UTF-8")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    if let Some(t) = std::env::var_os("TMPDIR") {
        c.env("TMPDIR", t);
    }
    c
}

/// The flags the CI recipes pass to `wirecompat check`; fails with the
/// missing ones named (the recipes cannot work without them).
fn require_check_flags() {
    let o = Command::new(bin())
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = text(&o.stdout);
    let missing: Vec<&str> = [
        "--output", "--format", "github", "sarif", "gitlab", "junit", "--window", "--tags",
        "--level",
    ]
    .into_iter()
    .filter(|f| !help.contains(f))
    .collect();
    assert!(
        missing.is_empty(),
        "`wirecompat check --help` does not mention {missing:?}, which the CI recipes use:\n{help}"
    );
}

/// Every `wirecompat` run through the wrapper: its exit code and arguments.
#[derive(Debug)]
struct Call {
    rc: i32,
    args: Vec<String>,
}

impl Call {
    fn has(&self, args: &[&str]) -> bool {
        self.args.windows(args.len()).any(|w| w == args)
    }
}

/// A temporary place with a logging `wirecompat` wrapper around the debug
/// binary, a private HOME and a runner temp directory.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let s = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        for d in ["shim", "home", "temp"] {
            fs::create_dir_all(s.dir.path().join(d)).unwrap();
        }
        s.wrapper(&s.shim().join("wirecompat"));
        s
    }

    fn shim(&self) -> PathBuf {
        self.dir.path().join("shim")
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn temp(&self) -> PathBuf {
        self.dir.path().join("temp")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("calls.log")
    }

    /// Writes a wrapper at `at` that runs the debug binary and logs the call.
    fn wrapper(&self, at: &Path) {
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        let script = format!(
            "#!/bin/sh\n\
             '{bin}' \"$@\"\n\
             rc=$?\n\
             {{ printf '%s' \"$rc\"; for a in \"$@\"; do printf '\\037%s' \"$a\"; done; printf '\\n'; }} >> '{log}'\n\
             exit \"$rc\"\n",
            bin = bin().display(),
            log = self.log().display(),
        );
        fs::write(at, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(at, fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    fn path(&self) -> OsString {
        path_with(&[&self.shim()])
    }

    fn calls(&self) -> Vec<Call> {
        let Ok(log) = fs::read_to_string(self.log()) else {
            return Vec::new();
        };
        log.lines()
            .map(|l| {
                let mut parts = l.split('\u{1f}');
                let rc = parts.next().unwrap().parse().unwrap();
                Call {
                    rc,
                    args: parts.map(str::to_string).collect(),
                }
            })
            .collect()
    }
}

/// A repository with `proto/order.proto` at V1, committed on `main` and
/// tagged v1.0.0.
fn released_repo() -> tempfile::TempDir {
    let repo = init();
    write(repo.path(), CONTRACT, V1);
    write(repo.path(), "README.md", "orders\n");
    commit(repo.path(), "v1");
    tag(repo.path(), "v1.0.0");
    repo
}

/// `upstream` (a released repository) with a branch `feature` that changes
/// the contract to `contract`, and a clone of it checked out at `feature`
/// that knows no other branch (as a pull request's checkout may not).
fn pull_request(contract: &str, shallow: bool) -> (tempfile::TempDir, tempfile::TempDir) {
    let upstream = released_repo();
    git(upstream.path(), &["checkout", "-q", "-b", "feature"]);
    write(upstream.path(), CONTRACT, contract);
    commit(upstream.path(), "change the contract");
    git(upstream.path(), &["checkout", "-q", "main"]);
    let parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", upstream.path().display());
    let mut args = vec!["clone", "-q", "--single-branch", "--branch", "feature"];
    if shallow {
        args.extend(["--depth", "1"]);
    }
    args.extend([url.as_str(), "work"]);
    git(parent.path(), &args);
    let work = parent.path().join("work");
    assert!(
        git(&work, &["branch", "-r"])
            .lines()
            .all(|b| !b.contains("origin/main")),
        "the clone must not have origin/main yet"
    );
    (parent, upstream)
}

fn work(parent: &tempfile::TempDir) -> PathBuf {
    parent.path().join("work")
}

/// A full clone of a released repository whose work tree changes the
/// contract to `contract` (uncommitted), for branch and tag pipelines.
fn release_clone(contract: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let upstream = released_repo();
    let parent = tempfile::tempdir().unwrap();
    git(
        parent.path(),
        &[
            "clone",
            "-q",
            &upstream.path().display().to_string(),
            "work",
        ],
    );
    write(&parent.path().join("work"), CONTRACT, contract);
    (parent, upstream)
}

fn assert_calls_ok(calls: &[Call], expected_rc: i32, context: &str) {
    assert!(!calls.is_empty(), "{context}: wirecompat was never run");
    for c in calls {
        assert_ne!(c.rc, 2, "{context}: a usage or input error: {c:?}");
        assert_eq!(c.rc, expected_rc, "{context}: {c:?}");
    }
}

// ---------------------------------------------------------------------------
// pre-commit

fn hooks() -> Vec<Yaml> {
    array(
        &load_yaml(".pre-commit-hooks.yaml"),
        ".pre-commit-hooks.yaml",
    )
    .clone()
}

fn hook(id: &str) -> Yaml {
    hooks()
        .into_iter()
        .find(|h| h["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!(".pre-commit-hooks.yaml has no hook {id}"))
}

#[test]
fn pre_commit_hooks_definition() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| string(&h["id"], "id")).collect();
    assert_eq!(ids, ["wirecompat", "wirecompat-system"]);
    let files = string(&hooks[0]["files"], "files").to_string();
    for (h, language) in hooks.iter().zip(["rust", "system"]) {
        let id = string(&h["id"], "id");
        assert_eq!(string(&h["language"], id), language, "{id}: language");
        assert_eq!(string(&h["entry"], id), "wirecompat check git:HEAD", "{id}");
        assert_eq!(h["pass_filenames"].as_bool(), Some(false), "{id}");
        assert!(h["name"].as_str().is_some(), "{id}: name");
        assert_eq!(string(&h["files"], id), files, "{id}: the same files");
    }
    // pre-commit matches `files` with Python's re.search; this pattern means
    // the same in Rust's regex syntax.
    let re = regex_automata::meta::Regex::new(&files).unwrap();
    for path in [
        "a.proto",
        "proto/orders/v1/order.proto",
        "avro/user.avsc",
        "p.avpr",
        "schema/idl.avdl",
        "schemas/order.schema.json",
        "x.json",
        "wirecompat.toml",
        "sub/wirecompat.toml",
    ] {
        assert!(re.is_match(path), "`files` must match {path}");
    }
    for path in [
        "README.md",
        "Cargo.toml",
        "mywirecompat.toml",
        "a.proto.orig",
        "jsonschema.py",
        "order.proto/README",
    ] {
        assert!(!re.is_match(path), "`files` must not match {path}");
    }
}

#[test]
fn pre_commit_validates_the_hooks_manifest() {
    let Some(pre_commit) = tool("PRE_COMMIT", "pre-commit") else {
        return;
    };
    let o = Command::new(&pre_commit)
        .arg("validate-manifest")
        .arg(repo_file(".pre-commit-hooks.yaml"))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "pre-commit validate-manifest:\n{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

/// A repository with V1 committed and a `.pre-commit-config.yaml` that runs
/// the real `wirecompat-system` hook definition as a local hook.
fn pre_commit_repo() -> tempfile::TempDir {
    let repo = init();
    write(repo.path(), CONTRACT, V1);
    write(repo.path(), "README.md", "orders\n");
    let local = hash(&hook("wirecompat-system"), "wirecompat-system").clone();
    let mut repo_entry = yaml_rust2::yaml::Hash::new();
    repo_entry.insert(Yaml::String("repo".into()), Yaml::String("local".into()));
    repo_entry.insert(
        Yaml::String("hooks".into()),
        Yaml::Array(vec![Yaml::Hash(local)]),
    );
    let mut config = yaml_rust2::yaml::Hash::new();
    config.insert(
        Yaml::String("repos".into()),
        Yaml::Array(vec![Yaml::Hash(repo_entry)]),
    );
    let mut out = String::new();
    YamlEmitter::new(&mut out)
        .dump(&Yaml::Hash(config))
        .unwrap();
    write(repo.path(), ".pre-commit-config.yaml", &out);
    commit(repo.path(), "v1");
    repo
}

/// `pre-commit run` (staged files only) in `repo`, with the debug binary's
/// directory first on PATH.
fn pre_commit_run(pre_commit: &Path, repo: &Path) -> (i32, String) {
    let home = tempfile::tempdir().unwrap();
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let path = path_with(&[&bin_dir]);
    let o = clean(pre_commit, home.path(), &path)
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", home.path().join("pre-commit"))
        .args(["run", "--color", "never"])
        .output()
        .unwrap();
    let out = format!("{}{}", text(&o.stdout), text(&o.stderr));
    (o.status.code().unwrap_or(-1), out)
}

#[test]
fn pre_commit_passes_a_compatible_staged_change() {
    let Some(pre_commit) = tool("PRE_COMMIT", "pre-commit") else {
        return;
    };
    let repo = pre_commit_repo();
    write(repo.path(), CONTRACT, COMPATIBLE);
    git(repo.path(), &["add", CONTRACT]);
    let (rc, out) = pre_commit_run(&pre_commit, repo.path());
    assert_eq!(rc, 0, "{out}");
    assert!(out.contains("Passed"), "the hook ran:\n{out}");
}

#[test]
fn pre_commit_fails_a_breaking_staged_change() {
    let Some(pre_commit) = tool("PRE_COMMIT", "pre-commit") else {
        return;
    };
    let repo = pre_commit_repo();
    write(repo.path(), CONTRACT, BREAKING);
    git(repo.path(), &["add", CONTRACT]);
    let (rc, out) = pre_commit_run(&pre_commit, repo.path());
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("- exit code: 1"), "wirecompat exits 1:\n{out}");
    assert!(
        out.contains(RULE_CODE) && out.contains(RULE_NAME),
        "the output names the rule:\n{out}"
    );
}

#[test]
fn pre_commit_checks_what_is_staged_not_the_work_tree() {
    let Some(pre_commit) = tool("PRE_COMMIT", "pre-commit") else {
        return;
    };
    let repo = pre_commit_repo();
    // Staged: a compatible change. Unstaged on top of it: a breaking one.
    write(repo.path(), CONTRACT, COMPATIBLE);
    git(repo.path(), &["add", CONTRACT]);
    write(repo.path(), CONTRACT, BREAKING);
    let (rc, out) = pre_commit_run(&pre_commit, repo.path());
    assert_eq!(rc, 0, "the unstaged edit is stashed:\n{out}");
    assert!(out.contains("Passed"), "{out}");
    assert_eq!(
        fs::read_to_string(repo.path().join(CONTRACT)).unwrap(),
        BREAKING,
        "pre-commit restores the unstaged edit"
    );

    // The reverse: a breaking change staged, the work tree put back.
    let repo = pre_commit_repo();
    write(repo.path(), CONTRACT, BREAKING);
    git(repo.path(), &["add", CONTRACT]);
    write(repo.path(), CONTRACT, V1);
    let (rc, out) = pre_commit_run(&pre_commit, repo.path());
    assert_eq!(rc, 1, "the staged breaking change blocks:\n{out}");
}

#[test]
fn pre_commit_runs_the_hook_only_for_contract_files() {
    let Some(pre_commit) = tool("PRE_COMMIT", "pre-commit") else {
        return;
    };
    // Only README.md staged: the hook is skipped (the unstaged breaking edit
    // is not looked at).
    let repo = pre_commit_repo();
    write(repo.path(), "README.md", "orders, v2\n");
    git(repo.path(), &["add", "README.md"]);
    write(repo.path(), CONTRACT, BREAKING);
    let (rc, out) = pre_commit_run(&pre_commit, repo.path());
    assert_eq!(rc, 0, "{out}");
    assert!(out.contains("Skipped"), "no contract staged:\n{out}");

    // wirecompat.toml staged: the hook runs.
    let repo = pre_commit_repo();
    write(repo.path(), "wirecompat.toml", "level = \"FULL\"\n");
    git(repo.path(), &["add", "wirecompat.toml"]);
    let (rc, out) = pre_commit_run(&pre_commit, repo.path());
    assert_eq!(rc, 0, "{out}");
    assert!(out.contains("Passed"), "wirecompat.toml staged:\n{out}");
}

// ---------------------------------------------------------------------------
// GitHub: the composite action, run step by step as the runner would

/// The event a run simulates.
#[derive(Clone, Copy)]
enum Event<'a> {
    PullRequest { base: &'a str },
    Push,
}

/// What an action run left.
struct ActionRun {
    rc: i32,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
    summary: String,
    calls: Vec<Call>,
    /// The install step's `if:` held (with no preinstalled binary).
    installed: bool,
    /// Each step's outputs, by step id.
    steps: BTreeMap<String, BTreeMap<String, String>>,
}

impl ActionRun {
    fn context(&self) -> String {
        format!(
            "exit {}\ncalls: {:?}\nstdout:\n{}\nstderr:\n{}",
            self.rc, self.calls, self.stdout, self.stderr
        )
    }
}

/// `${{ a.b.c }}` as the whole value: the path. Anything else with `${{` is
/// refused: the action passes values to scripts through `env:` only.
fn expression(value: &str) -> Option<&str> {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix("${{").and_then(|r| r.strip_suffix("}}")) {
        let inner = inner.trim();
        assert!(
            inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "unsupported expression {value:?}: the test knows context paths only"
        );
        return Some(inner);
    }
    assert!(!v.contains("${{"), "unsupported expression {value:?}");
    None
}

struct Contexts {
    inputs: BTreeMap<String, String>,
    steps: BTreeMap<String, BTreeMap<String, String>>,
    action_path: PathBuf,
}

impl Contexts {
    fn lookup(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self
                .inputs
                .get(*name)
                .unwrap_or_else(|| panic!("no input {name}"))
                .clone(),
            ["github", "action_path"] => self.action_path.display().to_string(),
            ["steps", id, "outputs", name] => self
                .steps
                .get(*id)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            _ => panic!("the test does not know the context {path}"),
        }
    }

    fn eval(&self, value: &str) -> String {
        match expression(value) {
            Some(path) => self.lookup(path),
            None => value.to_string(),
        }
    }

    /// An `if:` of `path == 'literal'` / `!=` terms joined by `&&`.
    fn condition(&self, cond: &str) -> bool {
        cond.split("&&").all(|term| {
            let term = term.trim();
            let (lhs, rhs, equal) = if let Some((l, r)) = term.split_once("==") {
                (l, r, true)
            } else if let Some((l, r)) = term.split_once("!=") {
                (l, r, false)
            } else {
                panic!("unsupported condition {cond:?}")
            };
            let lit = rhs
                .trim()
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .unwrap_or_else(|| panic!("unsupported condition {cond:?}"));
            (self.lookup(lhs.trim()) == lit) == equal
        })
    }
}

/// `key=value` lines of a `$GITHUB_OUTPUT` file.
fn github_outputs(file: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            assert!(
                !l.contains("<<"),
                "multi-line outputs are not expected: {l}"
            );
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("bad output line {l:?}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// Runs `ci/github/action.yml` with inputs `with` in `repo`: the composite
/// steps in order, `if:` evaluated, `run:` steps through
/// `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`), stopping
/// at the first failing step. `uses:` steps (the cache) produce no output.
/// The install step is not run (it would build wirecompat with cargo): the
/// binary it would install is the logging wrapper, and its command is checked.
fn run_action(sandbox: &Sandbox, repo: &Path, with: &[(&str, &str)], event: Event) -> ActionRun {
    let action = load_yaml("ci/github/action.yml");
    let mut inputs = BTreeMap::new();
    for (k, v) in hash(&action["inputs"], "inputs") {
        let k = string(k, "inputs").to_string();
        inputs.insert(k, scalar(&v["default"]).unwrap_or_default());
    }
    for (k, v) in with {
        assert!(inputs.contains_key(*k), "the action has no input {k}");
        inputs.insert(k.to_string(), v.to_string());
    }
    let mut ctx = Contexts {
        inputs,
        steps: BTreeMap::new(),
        action_path: repo_file("ci/github"),
    };
    let tool_cache = sandbox.dir.path().join("toolcache");
    let summary = sandbox.dir.path().join("step-summary.md");
    let mut run = ActionRun {
        rc: 0,
        stdout: String::new(),
        stderr: String::new(),
        outputs: BTreeMap::new(),
        summary: String::new(),
        calls: Vec::new(),
        installed: false,
        steps: BTreeMap::new(),
    };
    for (i, step) in array(&action["runs"]["steps"], "runs.steps")
        .iter()
        .enumerate()
    {
        let id = step["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or(format!("{i}"));
        if let Some(cond) = step["if"].as_str()
            && !ctx.condition(cond)
        {
            continue;
        }
        if let Some(uses) = step["uses"].as_str() {
            assert!(uses.starts_with("actions/cache@"), "step {id}: {uses}");
            ctx.steps.insert(id, BTreeMap::new());
            continue;
        }
        let env: BTreeMap<String, String> = match &step["env"] {
            Yaml::BadValue => BTreeMap::new(),
            e => scalar_map(e, "env")
                .into_iter()
                .map(|(k, v)| (k, ctx.eval(&v)))
                .collect(),
        };
        let script = string(&step["run"], &id).to_string();
        assert_eq!(step["shell"].as_str(), Some("bash"), "step {id}: shell");
        if id == "install" {
            // `cargo install --locked --path <the action's checkout>`.
            assert!(
                script.contains("cargo install --locked")
                    && script.contains("--path \"$SRC\"")
                    && script.contains("--root \"$ROOT\""),
                "install step:\n{script}"
            );
            let src = fs::canonicalize(&env["SRC"]).unwrap();
            assert_eq!(src, fs::canonicalize(common::root()).unwrap());
            let manifest = fs::read_to_string(src.join("Cargo.toml")).unwrap();
            assert!(manifest.contains("name = \"wirecompat\""));
            assert_eq!(
                Path::new(&env["ROOT"]).join("bin/wirecompat"),
                Path::new(&ctx.steps["setup"]["bin"]),
                "the installed binary is the one the check runs"
            );
            sandbox.wrapper(&Path::new(&env["ROOT"]).join("bin/wirecompat"));
            run.installed = true;
            continue;
        }
        let cwd = match step["working-directory"].as_str() {
            Some(w) => repo.join(ctx.eval(w)),
            None => repo.to_path_buf(),
        };
        let script_file = sandbox.dir.path().join(format!("step-{id}.sh"));
        fs::write(&script_file, &script).unwrap();
        let output_file = sandbox.dir.path().join(format!("output-{id}"));
        fs::write(&output_file, "").unwrap();
        let mut cmd = clean(Path::new("bash"), &sandbox.home(), &sandbox.path());
        cmd.current_dir(&cwd)
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .envs(&env)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", repo)
            .env("GITHUB_ACTION_PATH", &ctx.action_path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", sandbox.temp())
            .env("RUNNER_TOOL_CACHE", &tool_cache);
        match event {
            Event::PullRequest { base } => {
                cmd.env("GITHUB_EVENT_NAME", "pull_request")
                    .env("GITHUB_BASE_REF", base)
                    .env("GITHUB_HEAD_REF", "feature");
            }
            Event::Push => {
                cmd.env("GITHUB_EVENT_NAME", "push")
                    .env("GITHUB_BASE_REF", "");
            }
        }
        let o: Output = cmd.output().unwrap();
        run.stdout.push_str(&text(&o.stdout));
        run.stderr.push_str(&text(&o.stderr));
        ctx.steps.insert(id.clone(), github_outputs(&output_file));
        let rc = o.status.code().unwrap_or(-1);
        if rc != 0 {
            run.rc = rc;
            break;
        }
    }
    for (k, v) in hash(&action["outputs"], "outputs") {
        let k = string(k, "outputs").to_string();
        run.outputs
            .insert(k, ctx.eval(string(&v["value"], "value")));
    }
    run.summary = fs::read_to_string(&summary).unwrap_or_default();
    run.calls = sandbox.calls();
    run.steps = ctx.steps;
    run
}

fn sarif_of(run: &ActionRun) -> Value {
    let path = &run.outputs["sarif-file"];
    assert!(
        Path::new(path).is_absolute(),
        "sarif-file output {path:?}\n{}",
        run.context()
    );
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0", "SARIF 2.1.0");
    v
}

fn sarif_results(v: &Value) -> usize {
    v["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["results"].as_array().map_or(0, Vec::len))
        .sum()
}

#[test]
fn github_action_structure() {
    let action = load_yaml("ci/github/action.yml");
    assert!(action["name"].as_str().is_some());
    assert!(action["description"].as_str().is_some());
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs = hash(&action["inputs"], "inputs");
    for name in [
        "against",
        "level",
        "window",
        "tags",
        "args",
        "sarif-file",
        "reports",
        "binary",
        "cache",
        "working-directory",
    ] {
        let input = inputs
            .get(&Yaml::String(name.into()))
            .unwrap_or_else(|| panic!("input {name}"));
        assert!(
            input["description"].as_str().is_some(),
            "input {name} with a description"
        );
        assert!(scalar(&input["default"]).is_some(), "input {name}: default");
    }
    let outputs = hash(&action["outputs"], "outputs");
    for name in ["sarif-file", "exit-code"] {
        let output = outputs
            .get(&Yaml::String(name.into()))
            .unwrap_or_else(|| panic!("output {name}"));
        let value = string(&output["value"], name);
        assert_eq!(value, format!("${{{{ steps.check.outputs.{name} }}}}"));
    }
    let steps = array(&action["runs"]["steps"], "steps");
    let ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, ["setup", "cache", "install", "check"]);
    for s in steps {
        if let Some(run) = s["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "scripts take inputs through env:\n{run}"
            );
            assert_eq!(s["shell"].as_str(), Some("bash"));
        }
    }
    // The check step calls the binary with the annotations format and the
    // SARIF output.
    let check = string(&steps[3]["run"], "check");
    for needle in [
        "\"$WIRECOMPAT\" \"${argv[@]}\"",
        "--format github",
        "--output \"sarif=$sarif\"",
        "git:origin/$GITHUB_BASE_REF",
        "exit \"$rc\"",
    ] {
        assert!(
            check.contains(needle),
            "check step lacks {needle}:\n{check}"
        );
    }
}

#[test]
fn github_action_setup_without_a_binary_installs_from_its_checkout() {
    require_check_flags();
    let sandbox = Sandbox::new();
    let repo = released_repo();
    write(repo.path(), CONTRACT, COMPATIBLE);
    let run = run_action(&sandbox, repo.path(), &[], Event::Push);
    assert!(run.installed, "no binary given: the install step runs");
    // The cache key: the runner, then a hash of the sources.
    let key = &run.steps["setup"]["key"];
    let hex = key
        .strip_prefix("wirecompat-Linux-X64-")
        .and_then(|k| k.rsplit_once('-'))
        .map(|(_, h)| h)
        .unwrap_or_else(|| panic!("cache key {key}"));
    assert!(
        hex.len() == 20 && hex.chars().all(|c| c.is_ascii_hexdigit()),
        "cache key {key}"
    );
    assert!(key.starts_with(&run.steps["setup"]["key-prefix"]));
    assert_eq!(run.rc, 0, "{}", run.context());
    assert_calls_ok(&run.calls, 0, "install then check");
}

#[test]
fn github_action_pull_request_compatible() {
    require_check_flags();
    let sandbox = Sandbox::new();
    let (parent, _upstream) = pull_request(COMPATIBLE, true);
    let repo = work(&parent);
    let run = run_action(
        &sandbox,
        &repo,
        &[("binary", "wirecompat")],
        Event::PullRequest { base: "main" },
    );
    assert!(!run.installed, "a binary given: nothing is installed");
    assert_eq!(run.rc, 0, "{}", run.context());
    assert_calls_ok(&run.calls, 0, "pull request, compatible");
    let call = &run.calls[0];
    assert!(call.has(&["check", "git:origin/main"]), "{call:?}");
    assert!(call.has(&["--format", "github"]), "{call:?}");
    assert_eq!(run.outputs["exit-code"], "0");
    assert_eq!(sarif_results(&sarif_of(&run)), 0, "{}", run.context());
    // The base branch was fetched into the shallow clone.
    git(
        &repo,
        &["rev-parse", "--verify", "refs/remotes/origin/main"],
    );
}

#[test]
fn github_action_pull_request_breaking() {
    require_check_flags();
    let sandbox = Sandbox::new();
    let (parent, _upstream) = pull_request(BREAKING, false);
    let repo = work(&parent);
    let run = run_action(
        &sandbox,
        &repo,
        &[("binary", "wirecompat"), ("level", "FULL")],
        Event::PullRequest { base: "main" },
    );
    assert_eq!(run.rc, 1, "the exit code passes through\n{}", run.context());
    assert_calls_ok(&run.calls, 1, "pull request, breaking");
    assert!(run.calls[0].has(&["--level", "FULL"]));
    assert_eq!(run.outputs["exit-code"], "1");
    let annotation = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("an ::error annotation\n{}", run.context()));
    // The runner turns a path under GITHUB_WORKSPACE into a repository path;
    // any other path puts the annotation nowhere on the diff.
    let absolute = format!("file={}/{CONTRACT},", repo.display());
    assert!(
        annotation.contains(&format!("file={CONTRACT},")) || annotation.contains(&absolute),
        "annotations name the file in the repository: {annotation}"
    );
    assert!(
        !run.summary.trim().is_empty(),
        "a job summary in $GITHUB_STEP_SUMMARY\n{}",
        run.context()
    );
    let sarif = sarif_of(&run);
    assert!(sarif_results(&sarif) > 0, "{sarif}");
    assert!(sarif.to_string().contains(RULE_CODE), "{sarif}");
}

#[test]
fn github_action_push_compares_with_the_release_tags() {
    require_check_flags();
    for (contract, rc) in [(COMPATIBLE, 0), (BREAKING, 1)] {
        let sandbox = Sandbox::new();
        let repo = released_repo();
        write(repo.path(), "README.md", "orders, v2\n");
        commit(repo.path(), "v2");
        tag(repo.path(), "v2.0.0");
        write(repo.path(), CONTRACT, contract);
        let run = run_action(
            &sandbox,
            repo.path(),
            &[
                ("binary", &bin().display().to_string()),
                ("window", "2"),
                ("tags", "v*"),
                (
                    "reports",
                    "junit=reports/junit.xml json=reports/report.json",
                ),
                ("args", "--allow-unknown"),
            ],
            Event::Push,
        );
        assert_eq!(run.rc, rc, "{}", run.context());
        assert_eq!(run.outputs["exit-code"], rc.to_string());
        sarif_of(&run);
        for f in ["reports/junit.xml", "reports/report.json"] {
            assert!(repo.path().join(f).is_file(), "{f}\n{}", run.context());
        }
        let report: Value = serde_json::from_str(
            &fs::read_to_string(repo.path().join("reports/report.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(report["compatible"], rc == 0, "{report}");
    }
}

#[test]
fn github_action_repository_mode_arguments() {
    require_check_flags();
    let sandbox = Sandbox::new();
    let repo = released_repo();
    write(repo.path(), CONTRACT, BREAKING);
    let run = run_action(
        &sandbox,
        repo.path(),
        &[("binary", "wirecompat"), ("window", "3"), ("tags", "v*")],
        Event::Push,
    );
    assert_eq!(run.rc, 1, "{}", run.context());
    assert_calls_ok(&run.calls, 1, "push");
    let call = &run.calls[0];
    assert_eq!(call.args[0], "check");
    assert!(
        call.args[1].starts_with("--"),
        "repository mode: no OLD: {call:?}"
    );
    assert!(
        call.has(&["--window", "3"]) && call.has(&["--tags", "v*"]),
        "{call:?}"
    );

    // An explicit OLD: window and tags are repository mode's only.
    let sandbox = Sandbox::new();
    let run = run_action(
        &sandbox,
        repo.path(),
        &[
            ("binary", "wirecompat"),
            ("against", "git:v1.0.0"),
            ("window", "3"),
        ],
        Event::PullRequest { base: "main" },
    );
    assert_eq!(run.rc, 1, "{}", run.context());
    assert_calls_ok(&run.calls, 1, "against git:v1.0.0");
    assert!(run.calls[0].has(&["check", "git:v1.0.0"]));
    assert!(!run.calls[0].has(&["--window", "3"]));
}

#[test]
fn github_example_workflow_uses_the_action() {
    let wf = load_yaml("ci/github/example-workflow.yml");
    let on = hash(&wf["on"], "on");
    for event in ["pull_request", "push"] {
        assert!(on.contains_key(&Yaml::String(event.into())), "on: {event}");
    }
    assert_eq!(wf["permissions"]["security-events"].as_str(), Some("write"));
    let jobs = hash(&wf["jobs"], "jobs");
    assert_eq!(jobs.len(), 1);
    let job = jobs.values().next().unwrap();
    let steps = array(&job["steps"], "steps");
    let uses = |s: &Yaml| s["uses"].as_str().unwrap_or("").to_string();
    let checkout = steps
        .iter()
        .find(|s| uses(s).starts_with("actions/checkout@"))
        .expect("a checkout step");
    assert_eq!(
        scalar(&checkout["with"]["fetch-depth"]).as_deref(),
        Some("0"),
        "release tags need the whole history"
    );
    let action = steps
        .iter()
        .find(|s| uses(s).contains("/ci/github@"))
        .expect("a step using the action");
    let id = string(&action["id"], "the action step's id");
    let known = load_yaml("ci/github/action.yml");
    let with = match &action["with"] {
        Yaml::BadValue => BTreeMap::new(),
        w => scalar_map(w, "with"),
    };
    for k in with.keys() {
        assert!(
            !known["inputs"][k.as_str()].is_badvalue(),
            "the action has no input {k}"
        );
    }
    let upload = steps
        .iter()
        .find(|s| uses(s).starts_with("github/codeql-action/upload-sarif@"))
        .expect("an upload-sarif step");
    assert_eq!(
        string(&upload["with"]["sarif_file"], "sarif_file"),
        format!("${{{{ steps.{id}.outputs.sarif-file }}}}")
    );
    let cond = string(&upload["if"], "upload-sarif if");
    assert!(
        cond.contains("always()"),
        "SARIF is uploaded when the check fails too: {cond}"
    );
    let positions: Vec<usize> = [checkout, action, upload]
        .iter()
        .map(|s| steps.iter().position(|x| std::ptr::eq(x, *s)).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "step order");

    // The workflow's inputs, run for real on a pull request and on a push.
    require_check_flags();
    let mut with: Vec<(String, String)> = with.into_iter().collect();
    with.push(("binary".into(), "wirecompat".into()));
    let with: Vec<(&str, &str)> = with.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sandbox = Sandbox::new();
    let (parent, _upstream) = pull_request(BREAKING, true);
    let run = run_action(
        &sandbox,
        &work(&parent),
        &with,
        Event::PullRequest { base: "main" },
    );
    assert_eq!(run.rc, 1, "{}", run.context());
    assert_calls_ok(&run.calls, 1, "example workflow, pull request");
    let sandbox = Sandbox::new();
    let repo = released_repo();
    write(repo.path(), CONTRACT, COMPATIBLE);
    let run = run_action(&sandbox, repo.path(), &with, Event::Push);
    assert_eq!(run.rc, 0, "{}", run.context());
    assert_calls_ok(&run.calls, 0, "example workflow, push");
}

// ---------------------------------------------------------------------------
// GitLab: the template job's script, run as the runner would

const CODE_QUALITY: &str = "gl-code-quality-report.json";
const JUNIT: &str = "wirecompat-junit.xml";

fn gitlab_job() -> Yaml {
    load_yaml("ci/gitlab/wirecompat.gitlab-ci.yml")[".wirecompat"].clone()
}

/// The job's `before_script` and `script`, one shell script.
fn gitlab_script(job: &Yaml) -> String {
    let mut lines = Vec::new();
    for key in ["before_script", "script"] {
        if let Some(list) = job[key].as_vec() {
            lines.extend(list.iter().map(|l| string(l, key).to_string()));
        }
    }
    assert!(!lines.is_empty(), "the job has a script");
    lines.join("\n")
}

#[derive(Clone, Copy, Debug)]
enum Shell {
    /// The runner's bash: `set -eo pipefail`.
    Bash,
    /// A POSIX sh (dash here), `set -e`.
    Sh,
}

struct JobRun {
    rc: i32,
    out: String,
    calls: Vec<Call>,
}

/// Runs the template's script in `repo` with the job's variables, the
/// predefined ones in `ci` and `overrides`.
fn run_gitlab(
    sandbox: &Sandbox,
    repo: &Path,
    ci: &[(&str, &str)],
    overrides: &[(&str, &str)],
    shell: Shell,
) -> JobRun {
    let job = gitlab_job();
    let mut vars = scalar_map(&job["variables"], "variables");
    for (k, v) in overrides {
        vars.insert(k.to_string(), v.to_string());
    }
    let script = gitlab_script(&job);
    let (program, flags): (&str, &[&str]) = match shell {
        Shell::Bash => ("bash", &["--noprofile", "--norc", "-eo", "pipefail", "-c"]),
        Shell::Sh => ("sh", &["-e", "-c"]),
    };
    let o = clean(Path::new(program), &sandbox.home(), &sandbox.path())
        .current_dir(repo)
        .args(flags)
        .arg(&script)
        .envs(&vars)
        .env("CI", "true")
        .env("GITLAB_CI", "true")
        .env("CI_PROJECT_DIR", repo)
        .envs(ci.iter().copied())
        .output()
        .unwrap();
    JobRun {
        rc: o.status.code().unwrap_or(-1),
        out: format!("{}{}", text(&o.stdout), text(&o.stderr)),
        calls: sandbox.calls(),
    }
}

/// The Code Quality report: its issues' paths.
fn code_quality(repo: &Path) -> Vec<String> {
    let text = fs::read_to_string(repo.join(CODE_QUALITY)).expect("the Code Quality report");
    let v: Value = serde_json::from_str(&text).expect("Code Quality JSON");
    v.as_array()
        .expect("Code Quality is an array of issues")
        .iter()
        .map(|i| {
            for k in ["description", "check_name", "fingerprint", "severity"] {
                assert!(i[k].is_string(), "issue {k}: {i}");
            }
            i["location"]["path"].as_str().expect("path").to_string()
        })
        .collect()
}

/// The JUnit report: how many failures it has.
fn junit_failures(repo: &Path) -> usize {
    let xml = fs::read_to_string(repo.join(JUNIT)).expect("the JUnit report");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit XML");
    assert!(
        ["testsuites", "testsuite"].contains(&doc.root_element().tag_name().name()),
        "{xml}"
    );
    doc.descendants()
        .filter(|n| n.has_tag_name("failure") || n.has_tag_name("error"))
        .count()
}

fn merge_request(target: &str) -> Vec<(&str, &str)> {
    vec![
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", target),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature"),
        ("CI_COMMIT_REF_NAME", "feature"),
    ]
}

const BRANCH_PIPELINE: &[(&str, &str)] = &[
    ("CI_PIPELINE_SOURCE", "push"),
    ("CI_COMMIT_BRANCH", "main"),
    ("CI_COMMIT_REF_NAME", "main"),
    ("CI_DEFAULT_BRANCH", "main"),
];

#[test]
fn gitlab_template_structure() {
    let doc = load_yaml("ci/gitlab/wirecompat.gitlab-ci.yml");
    let job = &doc[".wirecompat"];
    assert!(job.as_hash().is_some(), "a hidden template job .wirecompat");
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"));
    let reports = &job["artifacts"]["reports"];
    assert_eq!(reports["codequality"].as_str(), Some(CODE_QUALITY));
    assert_eq!(reports["junit"].as_str(), Some(JUNIT));
    let script = gitlab_script(job);
    for needle in [
        format!("--output gitlab={CODE_QUALITY}"),
        format!("--output junit={JUNIT}"),
        "git:origin/$target".to_string(),
        "target=\"$CI_MERGE_REQUEST_TARGET_BRANCH_NAME\"".to_string(),
        "\"$WIRECOMPAT\" \"$@\"".to_string(),
    ] {
        assert!(
            script.contains(&needle),
            "the script lacks {needle}:\n{script}"
        );
    }
    let vars = scalar_map(&job["variables"], "variables");
    assert_eq!(vars.get("GIT_DEPTH").map(String::as_str), Some("0"));
    for v in [
        "WIRECOMPAT",
        "WIRECOMPAT_INSTALL",
        "WIRECOMPAT_AGAINST",
        "WIRECOMPAT_LEVEL",
        "WIRECOMPAT_WINDOW",
        "WIRECOMPAT_TAGS",
        "WIRECOMPAT_ARGS",
    ] {
        assert!(vars.contains_key(v), "variable {v}");
    }
    let concrete = &doc["wirecompat"];
    assert_eq!(concrete["extends"].as_str(), Some(".wirecompat"));
    assert!(concrete["stage"].as_str().is_some());
    let rules = array(&concrete["rules"], "rules");
    assert!(
        rules
            .iter()
            .any(|r| r["if"].as_str() == Some("$CI_PIPELINE_SOURCE == \"merge_request_event\"")),
        "the job runs in merge request pipelines"
    );
}

#[test]
fn gitlab_merge_request_against_the_target_branch() {
    require_check_flags();
    for (contract, rc, shell) in [
        (COMPATIBLE, 0, Shell::Bash),
        (BREAKING, 1, Shell::Bash),
        (BREAKING, 1, Shell::Sh),
    ] {
        let sandbox = Sandbox::new();
        let (parent, _upstream) = pull_request(contract, true);
        let repo = work(&parent);
        let run = run_gitlab(&sandbox, &repo, &merge_request("main"), &[], shell);
        let context = format!("{shell:?}, exit {rc}: {:?}\n{}", run.calls, run.out);
        assert_eq!(run.rc, rc, "{context}");
        assert_calls_ok(&run.calls, rc, &context);
        assert!(run.calls[0].has(&["check", "git:origin/main"]), "{context}");
        let issues = code_quality(&repo);
        let failures = junit_failures(&repo);
        if rc == 0 {
            assert!(issues.is_empty(), "{issues:?}");
            assert_eq!(failures, 0, "{context}");
        } else {
            assert!(
                issues.iter().any(|p| p == CONTRACT),
                "Code Quality paths are relative to the repository (GitLab maps no other): {issues:?}"
            );
            assert!(failures > 0, "{context}");
        }
    }
}

#[test]
fn gitlab_branch_pipeline_against_the_release_tags() {
    require_check_flags();
    for (contract, rc, shell) in [(COMPATIBLE, 0, Shell::Sh), (BREAKING, 1, Shell::Bash)] {
        let sandbox = Sandbox::new();
        let (parent, _upstream) = release_clone(contract);
        let repo = work(&parent);
        // Tags the clone lacks are fetched.
        git(&repo, &["tag", "-d", "v1.0.0"]);
        let run = run_gitlab(
            &sandbox,
            &repo,
            BRANCH_PIPELINE,
            &[
                ("WIRECOMPAT_WINDOW", "2"),
                ("WIRECOMPAT_TAGS", "v*"),
                ("WIRECOMPAT_LEVEL", "FULL_TRANSITIVE"),
                ("WIRECOMPAT_ARGS", "--allow-unknown --no-config"),
            ],
            shell,
        );
        let context = format!("{shell:?}: {:?}\n{}", run.calls, run.out);
        assert_eq!(run.rc, rc, "{context}");
        assert_calls_ok(&run.calls, rc, &context);
        let call = &run.calls[0];
        assert!(call.args[1].starts_with("--"), "repository mode: {call:?}");
        assert!(
            call.has(&["--window", "2"])
                && call.has(&["--tags", "v*"])
                && call.has(&["--level", "FULL_TRANSITIVE"])
                && call.has(&["--allow-unknown", "--no-config"]),
            "{context}"
        );
        assert_eq!(code_quality(&repo).is_empty(), rc == 0, "{context}");
        assert_eq!(junit_failures(&repo) == 0, rc == 0, "{context}");
    }
}

#[test]
fn gitlab_without_wirecompat_says_how_to_install_it() {
    let sandbox = Sandbox::new();
    let repo = released_repo();
    let run = run_gitlab(
        &sandbox,
        repo.path(),
        BRANCH_PIPELINE,
        &[("WIRECOMPAT", "wirecompat-not-installed")],
        Shell::Bash,
    );
    assert_eq!(run.rc, 2, "{}", run.out);
    assert!(run.out.contains("WIRECOMPAT_INSTALL"), "{}", run.out);
    assert!(run.calls.is_empty());
}

// ---------------------------------------------------------------------------
// Linters: shellcheck on every script, SchemaStore's schemas on every file

fn shellcheck(shellcheck: &Path, dialect: &str, script: &str, what: &str) {
    use std::io::Write;
    let mut child = Command::new(shellcheck)
        // Variables set by the runner or the job's `env:` / `variables:`
        // look unassigned to shellcheck (SC2153, SC2154).
        .args(["-s", dialect, "-e", "SC2153,SC2154", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "shellcheck {what}:\n{}",
        text(&o.stdout)
    );
}

#[test]
fn recipes_pass_shellcheck() {
    let Some(sc) = tool("SHELLCHECK", "shellcheck") else {
        return;
    };
    let action = load_yaml("ci/github/action.yml");
    for step in array(&action["runs"]["steps"], "steps") {
        if let Some(run) = step["run"].as_str() {
            let id = step["id"].as_str().unwrap_or("?");
            shellcheck(&sc, "bash", run, &format!("action step {id}"));
        }
    }
    shellcheck(
        &sc,
        "sh",
        &gitlab_script(&gitlab_job()),
        "the GitLab template",
    );
}

#[test]
fn recipes_follow_schemastore_schemas() {
    let Some(cj) = tool("CHECK_JSONSCHEMA", "check-jsonschema") else {
        return;
    };
    for (schema, file) in [
        ("vendor.github-actions", "ci/github/action.yml"),
        ("vendor.github-workflows", "ci/github/example-workflow.yml"),
        ("vendor.gitlab-ci", "ci/gitlab/wirecompat.gitlab-ci.yml"),
    ] {
        let o = Command::new(&cj)
            .args(["--builtin-schema", schema])
            .arg(repo_file(file))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "check-jsonschema {schema} {file}:\n{}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
    }
}
