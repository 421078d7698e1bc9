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
        if r.code == Some(2) && !names_a_position(&r.stderr) {
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
