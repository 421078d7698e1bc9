//! Where versions come from: input specs, git revisions and release tags read
//! from real temporary repositories (built with the `git` command line), and
//! the contract files of a tree.

use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::git::{commit, git, write};
use wirecompat::source::{
    self, ContractKind, Contracts, Repo, Spec, classify, find_contracts, list_dir, list_work_tree,
    parse_spec,
};

const A_V1: &str = "syntax = \"proto3\";\nmessage A { string x = 1; }\n";
const A_V2: &str = "syntax = \"proto3\";\nmessage A { string x = 1; int32 y = 2; }\n";
const B_V2: &str = "syntax = \"proto3\";\nmessage B {}\n";

/// A repository with five commits and these tags:
///
/// - c1: `v1.0.0` (lightweight)
/// - c2: `v1.2.0` (annotated), `v1.2.0+build.7`
/// - c3: `v1.9.0`, created after `v1.10.0`
/// - c4: `v1.10.0`
/// - c5 (HEAD): `v2.0.0`, `v2.0.0-rc.1`, `nightly`, `release-2`
/// - `v9.9.9` points at a tree, not a commit
///
/// The work tree then has an uncommitted edit of `proto/a.proto`.
struct Fixture {
    dir: tempfile::TempDir,
    commits: Vec<String>,
}

impl Fixture {
    fn root(&self) -> &Path {
        self.dir.path()
    }
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let mut commits = Vec::new();

    write(root, "proto/a.proto", A_V1);
    write(root, "README.md", "hello\n");
    write(root, "schemas/user.schema.json", "{\"type\": \"object\"}\n");
    commits.push(commit(root, "c1"));
    git(root, &["tag", "v1.0.0"]);

    write(root, "proto/a.proto", A_V2);
    write(root, "proto/b.proto", B_V2);
    commits.push(commit(root, "c2"));
    git(root, &["tag", "-a", "v1.2.0", "-m", "release 1.2.0"]);
    git(root, &["tag", "v1.2.0+build.7"]);

    write(root, "README.md", "hello 3\n");
    commits.push(commit(root, "c3"));
    write(root, "README.md", "hello 4\n");
    commits.push(commit(root, "c4"));
    // Out of creation order: v1.10.0 on c4 first, then v1.9.0 on c3.
    git(root, &["tag", "v1.10.0"]);
    git(root, &["tag", "v1.9.0", &commits[2]]);

    write(root, "README.md", "hello 5\n");
    commits.push(commit(root, "c5"));
    git(root, &["tag", "v2.0.0-rc.1"]);
    git(root, &["tag", "-a", "v2.0.0", "-m", "release 2.0.0"]);
    git(root, &["tag", "nightly"]);
    git(root, &["tag", "release-2"]);
    git(root, &["tag", "v9.9.9", "HEAD^{tree}"]);

    // An uncommitted edit the work tree must keep.
    write(root, "proto/a.proto", "// being edited\n");
    Fixture { dir, commits }
}

fn names(tags: &[source::Tag]) -> Vec<&str> {
    tags.iter().map(|t| t.name.as_str()).collect()
}

#[test]
fn parse_spec_cases() {
    let git_spec = |rev: &str, path: Option<&str>| Spec::Git {
        rev: rev.to_string(),
        path: path.map(str::to_string),
    };
    assert_eq!(parse_spec("git:v1.4.0"), git_spec("v1.4.0", None));
    assert_eq!(
        parse_spec("git:v1.4.0:proto"),
        git_spec("v1.4.0", Some("proto"))
    );
    assert_eq!(
        parse_spec("git:origin/main:proto/api/v1"),
        git_spec("origin/main", Some("proto/api/v1"))
    );
    assert_eq!(
        parse_spec("git:HEAD~1:a/b.proto"),
        git_spec("HEAD~1", Some("a/b.proto"))
    );
    assert_eq!(parse_spec("git:HEAD:"), git_spec("HEAD", None));
    assert_eq!(parse_spec("git:"), git_spec("HEAD", None));
    assert_eq!(parse_spec("git::proto"), git_spec("HEAD", Some("proto")));
    assert_eq!(parse_spec("proto"), Spec::Path(PathBuf::from("proto")));
    assert_eq!(parse_spec("./git:x"), Spec::Path(PathBuf::from("./git:x")));
    assert_eq!(
        parse_spec("/abs/dir/a.proto"),
        Spec::Path(PathBuf::from("/abs/dir/a.proto"))
    );
}

#[test]
fn discover_resolve_and_head() {
    let f = fixture();
    let sub = f.root().join("proto");
    let repo = Repo::discover(&sub).unwrap();
    assert_eq!(
        repo.work_dir().canonicalize().unwrap(),
        f.root().canonicalize().unwrap()
    );
    assert_eq!(repo.head_commit().as_deref(), Some(f.commits[4].as_str()));
    assert_eq!(repo.resolve("HEAD").unwrap(), f.commits[4]);
    assert_eq!(repo.resolve("main").unwrap(), f.commits[4]);
    assert_eq!(repo.resolve("v1.0.0").unwrap(), f.commits[0]);
    // Annotated tags are peeled to their commit.
    assert_eq!(repo.resolve("v1.2.0").unwrap(), f.commits[1]);
    assert_eq!(repo.resolve("HEAD~2").unwrap(), f.commits[2]);
    assert_eq!(repo.resolve(&f.commits[3][..12]).unwrap(), f.commits[3]);

    let err = repo.resolve("v7.7.7").unwrap_err().to_string();
    assert!(err.contains("v7.7.7"), "{err}");
    assert!(err.contains("unknown revision"), "{err}");
    let err = repo.resolve("v9.9.9").unwrap_err().to_string();
    assert!(err.contains("does not name a commit"), "{err}");
}

#[test]
fn discover_outside_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let err = Repo::discover(dir.path()).unwrap_err().to_string();
    assert!(err.contains("not inside a git repository"), "{err}");
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
}

#[test]
fn release_tags_in_semver_order() {
    let f = fixture();
    let repo = Repo::discover(f.root()).unwrap();
    let tags = repo.release_tags("v*", false).unwrap();
    assert_eq!(
        names(&tags),
        [
            "v1.0.0",
            "v1.2.0",
            "v1.2.0+build.7",
            "v1.9.0",
            "v1.10.0",
            "v2.0.0"
        ]
    );
    // Annotated and lightweight tags both carry their commit.
    let commit_of = |name: &str| {
        tags.iter()
            .find(|t| t.name == name)
            .map(|t| t.commit.clone())
            .unwrap()
    };
    assert_eq!(commit_of("v1.0.0"), f.commits[0]);
    assert_eq!(commit_of("v1.2.0"), f.commits[1]);
    assert_eq!(commit_of("v1.9.0"), f.commits[2]);
    assert_eq!(commit_of("v1.10.0"), f.commits[3]);
    assert_eq!(commit_of("v2.0.0"), f.commits[4]);
    assert_eq!(tags[4].version, semver::Version::new(1, 10, 0));

    let with_pre = repo.release_tags("v*", true).unwrap();
    assert_eq!(
        names(&with_pre),
        [
            "v1.0.0",
            "v1.2.0",
            "v1.2.0+build.7",
            "v1.9.0",
            "v1.10.0",
            "v2.0.0-rc.1",
            "v2.0.0"
        ]
    );

    let ones = repo.release_tags("v1.*", false).unwrap();
    assert_eq!(
        names(&ones),
        ["v1.0.0", "v1.2.0", "v1.2.0+build.7", "v1.9.0", "v1.10.0"]
    );
    // `nightly` matches `*` but is not a version; `release-2` is 2.0.0
    // (missing numbers are zero), ordered by name beside `v2.0.0`.
    let all = repo.release_tags("*", false).unwrap();
    let mut expected = names(&tags);
    expected.insert(expected.len() - 1, "release-2");
    assert_eq!(names(&all), expected);
    let release = repo.release_tags("release-*", false).unwrap();
    assert_eq!(names(&release), ["release-2"]);
    assert_eq!(release[0].version, semver::Version::new(2, 0, 0));

    let err = repo.release_tags("v[", false).unwrap_err().to_string();
    assert!(err.contains("v["), "{err}");

    // Prefixed tags (one series per directory in a monorepo): the version is
    // the last part of the name.
    git(f.root(), &["tag", "proto/v3.0.0", &f.commits[0]]);
    git(f.root(), &["tag", "proto/v2.1.0", &f.commits[1]]);
    let prefixed = repo.release_tags("proto/v*", false).unwrap();
    assert_eq!(names(&prefixed), ["proto/v2.1.0", "proto/v3.0.0"]);
    assert_eq!(prefixed[1].commit, f.commits[0]);

    // The same from packed refs, as in a fresh clone.
    git(f.root(), &["pack-refs", "--all"]);
    let repo = Repo::discover(f.root()).unwrap();
    assert_eq!(repo.release_tags("v*", false).unwrap(), tags);
}

#[test]
fn window_is_newest_first_and_skips_the_candidate() {
    let f = fixture();
    let repo = Repo::discover(f.root()).unwrap();
    let head = repo.head_commit().unwrap();
    let w = repo.window(2, "v*", false, Some(&head), None).unwrap();
    assert_eq!(names(&w), ["v1.10.0", "v1.9.0"]);
    let w = repo.window(2, "v*", false, None, None).unwrap();
    assert_eq!(names(&w), ["v2.0.0", "v1.10.0"]);
    let w = repo.window(3, "v*", true, Some(&head), None).unwrap();
    assert_eq!(names(&w), ["v1.10.0", "v1.9.0", "v1.2.0+build.7"]);
    let w = repo.window(100, "v*", false, Some(&head), None).unwrap();
    assert_eq!(w.len(), 5);
    assert!(repo.window(0, "v*", false, None, None).unwrap().is_empty());
    // A candidate growing from v1.2.0's commit: later releases are its
    // future, not its rollback window.
    let w = repo
        .window(5, "v*", false, None, Some(&f.commits[1]))
        .unwrap();
    assert_eq!(names(&w), ["v1.2.0+build.7", "v1.2.0", "v1.0.0"]);
    let w = repo
        .window(5, "v*", false, Some(&f.commits[1]), Some(&f.commits[1]))
        .unwrap();
    assert_eq!(names(&w), ["v1.0.0"]);
}

fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push((p.display().to_string(), fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn materialize_at_a_tag_leaves_the_work_tree_alone() {
    let f = fixture();
    let repo = Repo::discover(f.root()).unwrap();
    let before = snapshot(f.root());
    let status = git(f.root(), &["status", "--porcelain"]);
    assert_eq!(status, "M proto/a.proto");

    let m = repo.materialize("v1.0.0", None, &|_| true).unwrap();
    assert_eq!(m.label, "git:v1.0.0");
    assert!(!m.root.starts_with(f.root()));
    assert_eq!(
        list_dir(&m.root).unwrap(),
        ["README.md", "proto/a.proto", "schemas/user.schema.json"]
    );
    assert_eq!(
        fs::read_to_string(m.root.join("proto/a.proto")).unwrap(),
        A_V1
    );
    assert_eq!(
        fs::read_to_string(m.root.join("README.md")).unwrap(),
        "hello\n"
    );

    let m2 = repo
        .materialize("v1.2.0", None, &|p| p.ends_with(".proto"))
        .unwrap();
    assert_eq!(
        list_dir(&m2.root).unwrap(),
        ["proto/a.proto", "proto/b.proto"]
    );
    assert_eq!(
        fs::read_to_string(m2.root.join("proto/a.proto")).unwrap(),
        A_V2
    );

    // The work tree, the index and HEAD are as they were.
    assert_eq!(snapshot(f.root()), before);
    assert_eq!(git(f.root(), &["status", "--porcelain"]), status);
    assert_eq!(git(f.root(), &["rev-parse", "HEAD"]), f.commits[4]);
    assert_eq!(
        fs::read_to_string(f.root().join("proto/a.proto")).unwrap(),
        "// being edited\n"
    );

    // The temporary directory goes with the value.
    let root = m.root.clone();
    drop(m);
    assert!(!root.exists());
}

#[test]
fn materialize_a_subdirectory_and_a_file() {
    let f = fixture();
    let repo = Repo::discover(f.root()).unwrap();

    let m = repo
        .materialize("v1.2.0", Some("proto"), &|_| true)
        .unwrap();
    assert_eq!(m.label, "git:v1.2.0:proto");
    assert!(m.root.is_dir());
    assert!(m.root.ends_with("proto"));
    assert_eq!(list_dir(&m.root).unwrap(), ["a.proto", "b.proto"]);
    assert_eq!(fs::read_to_string(m.root.join("b.proto")).unwrap(), B_V2);

    // `keep` sees repository-relative paths.
    let seen = std::cell::RefCell::new(Vec::new());
    let m = repo
        .materialize("v1.2.0", Some("./proto/"), &|p| {
            seen.borrow_mut().push(p.to_string());
            p != "proto/b.proto"
        })
        .unwrap();
    assert_eq!(m.label, "git:v1.2.0:proto");
    assert_eq!(list_dir(&m.root).unwrap(), ["a.proto"]);
    let mut seen = seen.into_inner();
    seen.sort();
    assert_eq!(seen, ["proto/a.proto", "proto/b.proto"]);

    let m = repo
        .materialize("v1.0.0", Some("proto/a.proto"), &|_| false)
        .unwrap();
    assert_eq!(m.label, "git:v1.0.0:proto/a.proto");
    assert!(m.root.is_file());
    assert!(m.root.ends_with("proto/a.proto"));
    assert_eq!(fs::read_to_string(&m.root).unwrap(), A_V1);

    // Through `parse_spec`, as the command line will.
    let Spec::Git { rev, path } = parse_spec("git:main:schemas") else {
        panic!("a git spec")
    };
    let m = repo.materialize(&rev, path.as_deref(), &|_| true).unwrap();
    assert_eq!(m.label, "git:main:schemas");
    assert_eq!(list_dir(&m.root).unwrap(), ["user.schema.json"]);
}

#[test]
fn materialize_errors() {
    let f = fixture();
    let repo = Repo::discover(f.root()).unwrap();
    let err = repo
        .materialize("v1.0.0", Some("proto/b.proto"), &|_| true)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "git:v1.0.0:proto/b.proto: no such path at v1.0.0");
    let err = repo
        .materialize("v1.0.0", Some("nope"), &|_| true)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "git:v1.0.0:nope: no such path at v1.0.0");
    let err = repo
        .materialize("v1.0.0", Some("proto/../README.md"), &|_| true)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no such path"), "{err}");
    let err = repo
        .materialize("no-such-tag", Some("proto"), &|_| true)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no-such-tag"), "{err}");
    assert!(err.contains("unknown revision"), "{err}");
}

#[test]
fn list_work_tree_honours_ignores() {
    let f = fixture();
    let root = f.root();
    write(root, ".gitignore", "build/\n*.log\n");
    write(root, "build/gen.proto", "");
    write(root, "debug.log", "");
    write(root, "deep/x/trace.log", "");
    write(root, "secret.proto", "");
    write(root, ".hidden/h.proto", "");
    write(root, ".git/info/exclude", "secret.proto\n");
    let files = list_work_tree(root).unwrap();
    assert_eq!(
        files,
        [
            "README.md",
            "proto/a.proto",
            "proto/b.proto",
            "schemas/user.schema.json"
        ]
    );
    // A subdirectory still sees the parent's `.gitignore`.
    write(root, "proto/build/x.proto", "");
    write(root, "proto/y.log", "");
    assert_eq!(
        list_work_tree(&root.join("proto")).unwrap(),
        ["a.proto", "b.proto"]
    );
    // A plain listing applies no ignore rules (hidden files still left out).
    assert_eq!(
        list_dir(&root.join("proto")).unwrap(),
        ["a.proto", "b.proto", "build/x.proto", "y.log"]
    );
}

#[test]
fn list_work_tree_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", "gen/\nskip.proto\n");
    write(root, "a.proto", "");
    write(root, "skip.proto", "");
    write(root, "gen/g.proto", "");
    write(root, "sub/b.avsc", "");
    assert_eq!(list_work_tree(root).unwrap(), ["a.proto", "sub/b.avsc"]);

    let err = list_work_tree(&root.join("a.proto"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a directory"), "{err}");
    assert!(list_work_tree(&root.join("missing")).is_err());
}

#[test]
fn classify_by_name_then_content() {
    let never = || -> Option<Vec<u8>> { panic!("content not needed") };
    assert_eq!(classify("a/b.proto", never), Some(ContractKind::Protobuf));
    assert_eq!(classify("b.avsc", never), Some(ContractKind::Avro));
    assert_eq!(classify("b.avpr", never), Some(ContractKind::Avro));
    assert_eq!(classify("b.avdl", never), Some(ContractKind::Avro));
    assert_eq!(
        classify("x/user.schema.json", never),
        Some(ContractKind::JsonSchema)
    );
    assert_eq!(classify("README.md", never), None);
    assert_eq!(classify("proto/README", never), None);

    let reads = Cell::new(0);
    let content = |text: &'static str| {
        let reads = &reads;
        move || {
            reads.set(reads.get() + 1);
            Some(text.as_bytes().to_vec())
        }
    };
    let draft = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}"#;
    assert_eq!(
        classify("a.json", content(draft)),
        Some(ContractKind::JsonSchema)
    );
    let bom = "\u{feff}{\"$schema\": \"x\"}";
    assert_eq!(
        classify("a.json", content(bom)),
        Some(ContractKind::JsonSchema)
    );
    assert_eq!(classify("a.json", content(r#"{"type": "object"}"#)), None);
    assert_eq!(
        classify("a.json", content(r#"{"nested": {"$schema": "x"}}"#)),
        None
    );
    assert_eq!(classify("a.json", content(r#"["$schema"]"#)), None);
    assert_eq!(classify("a.json", content("{not json")), None);
    assert_eq!(classify("a.json", || None), None);
    assert_eq!(reads.get(), 6);
}

#[test]
fn find_contracts_sorts_files_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "api/a.proto", "");
    write(root, "api/b.avsc", "{}");
    write(root, "api/c.avpr", "{}");
    write(root, "api/d.avdl", "");
    write(root, "json/e.schema.json", "{}");
    write(
        root,
        "json/f.json",
        r#"{"$schema": "http://json-schema.org/draft-07/schema#"}"#,
    );
    write(root, "json/g.json", r#"{"definitions": {}}"#);
    write(root, "json/h.json", "[1, 2]");
    write(root, "notes.txt", "");
    write(root, "vendor/v.proto", "");
    let files = list_work_tree(root).unwrap();
    let contracts = find_contracts(root, &files, &|p| p.starts_with("vendor/"));
    assert_eq!(
        contracts,
        Contracts {
            protobuf: vec!["api/a.proto".into()],
            avro: vec![
                "api/b.avsc".into(),
                "api/c.avpr".into(),
                "api/d.avdl".into()
            ],
            jsonschema: vec!["json/e.schema.json".into(), "json/f.json".into()],
            json_other: vec!["json/g.json".into(), "json/h.json".into()],
        }
    );
}

#[test]
fn find_contracts_in_a_materialized_tree() {
    let f = fixture();
    let repo = Repo::discover(f.root()).unwrap();
    let m = repo.materialize("v1.2.0", None, &|_| true).unwrap();
    let files = list_dir(&m.root).unwrap();
    let contracts = find_contracts(&m.root, &files, &|_| false);
    assert_eq!(contracts.protobuf, ["proto/a.proto", "proto/b.proto"]);
    assert_eq!(contracts.jsonschema, ["schemas/user.schema.json"]);
    assert!(contracts.avro.is_empty() && contracts.json_other.is_empty());
}
