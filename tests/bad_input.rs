//! Hostile and broken input: every case of `testdata/bad/<group>/` is
//! compared with itself through the CLI, and must end as its `<case>.out`
//! says: exit 2 with a message naming the file, line and column (or, for a
//! binary descriptor set, the byte), or, for a case named `ok_*` that is
//! valid but odd, exit 0. Never a panic, never a hang.
//!
//! `WIRECOMPAT_BLESS=1 cargo test --test bad_input` rewrites the `.out`
//! files; review the diff. `testdata/bad/make_cases.py` writes the inputs.
//! Inputs too large to commit are made by the tests at the end of this file.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GROUPS: &[&str] = &["protobuf", "descriptor", "avro", "jsonschema", "config"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var_os("WIRECOMPAT_BLESS").is_some()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs the CLI from the repository root, killing it after `limit`.
fn run(args: &[String], limit: Duration) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirecompat"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wirecompat");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    Run {
        code: status.and_then(|s| s.code()),
        stdout,
        stderr,
        elapsed: started.elapsed(),
    }
}

/// A case: what is compared with itself, and extra arguments.
struct Case {
    group: &'static str,
    name: String,
    input: PathBuf,
    out: PathBuf,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for group in GROUPS {
        let dir = root().join("testdata/bad").join(group);
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            if file.ends_with(".out") || file.ends_with(".args") {
                continue;
            }
            let name = match file.rsplit_once('.') {
                Some((stem, _)) if p.is_file() => stem.to_string(),
                _ => file.clone(),
            };
            let rel = |p: &Path| p.strip_prefix(root()).unwrap().display().to_string();
            let mut args = vec!["check".to_string()];
            if *group == "config" {
                args.extend([
                    "--config".into(),
                    rel(&p.join("wirecompat.toml")),
                    "testdata/example/old".into(),
                    "testdata/example/old".into(),
                ]);
            } else {
                args.extend([rel(&p), rel(&p)]);
            }
            let extra = dir.join(format!("{name}.args"));
            if let Ok(text) = std::fs::read_to_string(&extra) {
                args.extend(text.split_whitespace().map(str::to_string));
            }
            out.push(Case {
                group,
                out: dir.join(format!("{name}.out")),
                name,
                input: p,
                args,
            });
        }
    }
    out
}

/// What a run shows: the exit code, the error lines, and for a verdict
/// its last lines.
fn shown(r: &Run) -> String {
    let mut s = match r.code {
        Some(c) => format!("exit {c}\n"),
        None => "killed (took too long)\n".to_string(),
    };
    s.push_str(&r.stderr);
    if r.code != Some(2) {
        for line in r.stdout.lines() {
            if line.starts_with("verdict:") || line.starts_with("summary:") {
                s.push_str(line);
                s.push('\n');
            }
        }
    }
    s.replace(&root().display().to_string(), "<root>")
}

/// Whether an error message names a position: `path:line:column:` for
/// text, `at byte N` for binary.
fn names_a_position(stderr: &str) -> bool {
    stderr.lines().any(|l| {
        // `:<digits>:<digits>:` somewhere in the line, or `at byte N`.
        let b = l.as_bytes();
        let digits = |mut i: usize| {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            (i > s).then_some(i)
        };
        (0..b.len()).any(|i| {
            b[i] == b':'
                && digits(i + 1)
                    .filter(|&j| j < b.len() && b[j] == b':')
                    .and_then(|j| digits(j + 1))
                    .is_some_and(|k| k < b.len() && b[k] == b':')
        }) || l.contains(" at byte ")
    })
}

/// Cases whose error is about a whole file or directory, where no line and
/// column exist: the message names the path and what is wrong with it.
const NO_POSITION: &[&str] = &[
    // A directory with no contract in it.
    "protobuf/not_a_contract",
    // A symbolic link out of the tree: the link is the problem, not a line.
    "protobuf/symlink_out_of_root",
    "avro/symlink_out_of_root",
    "jsonschema/symlink_out_of_root",
];

#[test]
fn every_bad_input_ends_as_its_case_says() {
    let all = cases();
    assert!(all.len() >= 200, "only {} cases", all.len());
    let mut failures = Vec::new();
    for c in &all {
        let r = run(&c.args, Duration::from_secs(60));
        let got = shown(&r);
        let label = format!("{}/{}", c.group, c.name);
        if r.code.is_none() {
            failures.push(format!("{label}: killed after {:?}", r.elapsed));
            continue;
        }
        if r.stderr.contains("panicked") || r.code == Some(101) {
            failures.push(format!("{label}: panicked:\n{}", r.stderr));
            continue;
        }
        let ok_case = c.name.starts_with("ok_");
        if ok_case && r.code != Some(0) {
            failures.push(format!(
                "{label}: a valid input must compare equal to itself: {got}"
            ));
        }
        if !ok_case && r.code != Some(2) {
            failures.push(format!("{label}: must exit 2: {got}"));
        }
        if r.code == Some(2) && !names_a_position(&r.stderr) && !NO_POSITION.contains(&&*label) {
            failures.push(format!("{label}: the message names no position: {got}"));
        }
        if bless() {
            std::fs::write(&c.out, &got).expect("write .out");
            continue;
        }
        let want = std::fs::read_to_string(&c.out).unwrap_or_default();
        if want != got {
            failures.push(format!(
                "{label}: output differs from {}\n--- want\n{want}--- got\n{got}",
                c.out.display()
            ));
        }
        let _ = &c.input;
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed (bless with WIRECOMPAT_BLESS=1 when the change is meant):\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_out_file_has_its_case() {
    let names: Vec<PathBuf> = cases().into_iter().map(|c| c.out).collect();
    for group in GROUPS {
        let dir = root().join("testdata/bad").join(group);
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "out") {
                assert!(names.contains(&p), "{} has no case", p.display());
            }
        }
    }
}

/// A scratch directory for inputs too large to commit, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("wirecompat-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("scratch dir");
        Scratch(p)
    }

    fn write(&self, name: &str, body: &[u8]) -> String {
        let p = self.0.join(name);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("dir");
        }
        std::fs::write(&p, body).expect("write");
        p.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn check(args: &[&str]) -> Run {
    let mut all = vec!["check".to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    let r = run(&all, Duration::from_secs(120));
    assert!(r.code.is_some(), "killed after {:?}: {args:?}", r.elapsed);
    assert!(!r.stderr.contains("panicked"), "panicked: {}", r.stderr);
    r
}

#[test]
fn nesting_ten_thousand_deep_is_refused_at_the_depth_limit() {
    let s = Scratch::new("deep");
    let n = 10_000;
    let files = [
        (
            "deep.proto",
            format!(
                "syntax = \"proto3\";\n{}{}\n",
                "message A { ".repeat(n),
                "}".repeat(n)
            ),
        ),
        (
            "deep.avsc",
            format!(
                "{}\"int\"{}\n",
                "{\"type\": \"array\", \"items\": ".repeat(n),
                "}".repeat(n)
            ),
        ),
        (
            "deep.avdl",
            format!(
                "protocol P {{\n  record R {{ {}int{} a; }}\n}}\n",
                "array<".repeat(n),
                ">".repeat(n)
            ),
        ),
        (
            "deep.json",
            format!("{}{{}}{}\n", "{\"items\": ".repeat(n), "}".repeat(n)),
        ),
        (
            "wirecompat.toml",
            format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
        ),
    ];
    for (name, body) in &files {
        let p = s.write(name, body.as_bytes());
        let r = if *name == "wirecompat.toml" {
            check(&[
                "--config",
                &p,
                "testdata/example/old",
                "testdata/example/old",
            ])
        } else {
            check(&[&p, &p])
        };
        assert_eq!(r.code, Some(2), "{name}: {}", r.stderr);
        assert!(names_a_position(&r.stderr), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
        if *name != "wirecompat.toml" {
            assert!(
                r.stderr.contains("depth limit of 64") && r.stderr.contains("--max-depth"),
                "{name}: {}",
                r.stderr
            );
        }
    }
    // The depth limit cannot be raised past what the libraries hold.
    let r = check(&[
        "--max-depth",
        "101",
        "testdata/example/old",
        "testdata/example/old",
    ]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("101 is not in 1..=100"), "{}", r.stderr);
    // A descriptor set nested as deep: prost stops decoding at its limit.
    let set: Vec<u8> = b"\x0a\x05".repeat(n);
    let p = s.write("deep.binpb", &set);
    let r = check(&[&p, &p]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains(" at byte "), "{}", r.stderr);
}

#[test]
fn a_file_of_50_mb_is_decided_and_the_size_limit_says_where_it_fell() {
    let s = Scratch::new("big");
    let body = format!(
        "{{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n \"description\": \
         \"{}\",\n \"type\": \"string\"}}\n",
        "x".repeat(50 << 20)
    );
    let p = s.write("big.json", body.as_bytes());
    let r = check(&[&p, &p]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("verdict: compatible at FULL"),
        "{}",
        r.stdout
    );

    let r = check(&["--max-file-size", "10M", &p, &p]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("big.json:2:")
            && r.stderr.contains("over the file size limit of 10 MiB")
            && r.stderr.contains("--max-file-size")
            && r.stderr.contains("at byte 10485760"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_schema_of_100000_fields_is_decided_in_every_format() {
    let s = Scratch::new("wide");
    let n = 100_000;
    // Field numbers skip 19000-19999, reserved by Protobuf.
    let numbers: Vec<u32> = (1..)
        .filter(|i| !(19000..20000).contains(i))
        .take(n)
        .collect();
    let proto = |last: &str| {
        let mut t = String::from("syntax = \"proto3\";\npackage wide.v1;\nmessage M {\n");
        for (i, num) in numbers.iter().enumerate() {
            let ty = if i + 1 == n { last } else { "int64" };
            t.push_str(&format!("  {ty} f{num} = {num};\n"));
        }
        t + "}\n"
    };
    let avro = |last: &str| {
        let fields: Vec<String> = (0..n)
            .map(|i| {
                let ty = if i + 1 == n { last } else { "long" };
                format!("{{\"name\": \"f{i}\", \"type\": \"{ty}\"}}")
            })
            .collect();
        format!(
            "{{\"type\": \"record\", \"name\": \"R\", \"fields\": [\n{}\n]}}\n",
            fields.join(",\n")
        )
    };
    let json = |last: &str| {
        let props: Vec<String> = (0..n)
            .map(|i| {
                let ty = if i + 1 == n { last } else { "integer" };
                format!("\"f{i}\": {{\"type\": \"{ty}\"}}")
            })
            .collect();
        format!(
            "{{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \
             \"object\", \"properties\": {{\n{}\n}}}}\n",
            props.join(",\n")
        )
    };
    let pairs = [
        ("proto", proto("int64"), proto("string")),
        ("avsc", avro("long"), avro("string")),
        ("json", json("integer"), json("string")),
    ];
    for (ext, old, new) in &pairs {
        let o = s.write(&format!("old/m.{ext}"), old.as_bytes());
        let n2 = s.write(&format!("new/m.{ext}"), new.as_bytes());
        // The same schema: compatible.
        let r = check(&[&o, &o]);
        assert_eq!(r.code, Some(0), "{ext}: {}", r.stderr);
        // The last field retyped: that one field, both directions.
        let r = check(&["--format", "json", "--no-witness", &o, &n2]);
        assert_eq!(r.code, Some(1), "{ext}: {}{}", r.stderr, r.stdout);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON report");
        let findings = v["findings"].as_array().expect("findings");
        let errors: Vec<&serde_json::Value> = findings
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert_eq!(errors.len(), 1, "{ext}: {findings:#?}");
        let last = if *ext == "proto" {
            format!("f{}", numbers[n - 1])
        } else {
            format!("f{}", n - 1)
        };
        assert!(
            errors[0].to_string().contains(&last),
            "{ext}: {:#}",
            errors[0]
        );
    }
}
