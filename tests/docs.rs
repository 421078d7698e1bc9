//! `docs/rules.md` is generated from the rule catalogue, the rules' doc
//! comments and their test cases; it must match what is committed.
//!
//! `WIRECOMPAT_BLESS=1 cargo test --test docs` rewrites it from the current
//! code (review the diff).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use wirecompat::docs::{REGENERATE, RULES_MD, heading_anchor, rules_markdown, short_anchor};
use wirecompat::rule::catalogue;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var_os("WIRECOMPAT_BLESS").is_some()
}

fn generated() -> String {
    rules_markdown(&root()).unwrap_or_else(|e| panic!("generating {RULES_MD}: {e}"))
}

/// Lines outside fenced code blocks, with their 1-based numbers.
fn prose_lines(md: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for (i, line) in md.lines().enumerate() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match &fence {
            Some(f) => {
                if ticks >= f.len() && line[ticks..].trim().is_empty() {
                    fence = None;
                }
            }
            None if ticks >= 3 => fence = Some(line[..ticks].to_string()),
            None => out.push((i + 1, line)),
        }
    }
    assert!(fence.is_none(), "{RULES_MD}: a code block is never closed");
    out
}

/// Headings (level, text) outside code blocks.
fn headings(md: &str) -> Vec<(usize, &str)> {
    prose_lines(md)
        .into_iter()
        .filter_map(|(_, l)| {
            let level = l.len() - l.trim_start_matches('#').len();
            (level > 0 && l[level..].starts_with(' ')).then(|| (level, l[level..].trim()))
        })
        .collect()
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-`
/// and `_` dropped, spaces to hyphens.
fn slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The generated text cut into one section per rule, by code.
fn sections(md: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut body = String::new();
    let codes: BTreeSet<&str> = catalogue().iter().map(|r| r.code).collect();
    let prose: BTreeSet<usize> = prose_lines(md).into_iter().map(|(n, _)| n).collect();
    for (i, line) in md.lines().enumerate() {
        let is_heading = prose.contains(&(i + 1)) && line.starts_with('#');
        if is_heading {
            if let Some(code) = current.take() {
                out.insert(code, std::mem::take(&mut body));
            }
            let text = line.trim_start_matches('#').trim();
            let code = text.split(' ').next().unwrap_or("");
            if codes.contains(code) {
                current = Some(code.to_string());
            }
        }
        if current.is_some() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some(code) = current {
        out.insert(code, body);
    }
    out
}

#[test]
fn committed_rules_md_is_current() {
    let path = root().join(RULES_MD);
    let want = generated();
    if bless() {
        std::fs::create_dir_all(path.parent().unwrap()).expect("create docs/");
        std::fs::write(&path, &want).expect("write docs/rules.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have == want {
        return;
    }
    let (mut h, mut w) = (have.lines(), want.lines());
    let mut n = 1;
    let (got, expected) = loop {
        match (h.next(), w.next()) {
            (a, b) if a != b => break (a, b),
            (None, None) => break (None, None),
            _ => n += 1,
        }
    };
    panic!(
        "{RULES_MD} is stale: regenerate it with `{REGENERATE}` and review the diff.\n\
         First difference at line {n}:\n  committed: {}\n  generated: {}",
        got.unwrap_or("(end of file)"),
        expected.unwrap_or("(end of file)"),
    );
}

#[test]
fn every_rule_has_one_heading_and_one_anchor() {
    let md = generated();
    let heads = headings(&md);
    for r in catalogue() {
        let title = format!("{} {}", r.code, r.name);
        let n = heads
            .iter()
            .filter(|(_, t)| t.split(' ').next() == Some(r.code))
            .count();
        assert_eq!(n, 1, "{} is the start of {n} headings", r.code);
        assert!(
            heads.iter().any(|(_, t)| *t == title),
            "no heading `{title}`"
        );
        assert_eq!(slug(&title), heading_anchor(r));
        let anchor = format!("<a id=\"{}\"></a>", short_anchor(r));
        assert_eq!(md.matches(&anchor).count(), 1, "{anchor} is not there once");
    }
}

#[test]
fn every_section_has_old_and_new_examples_and_findings() {
    let md = generated();
    let sections = sections(&md);
    assert_eq!(sections.len(), catalogue().len());
    for r in catalogue() {
        let s = &sections[r.code];
        for label in ["**Old**", "**New**"] {
            let at = s
                .find(&format!("\n{label}"))
                .unwrap_or_else(|| panic!("{}: no {label} example", r.code));
            assert!(
                s[at..].contains("\n```"),
                "{}: no code block after {label}",
                r.code
            );
        }
        let case = format!("testdata/{}/{}/", r.format, r.name);
        assert!(s.contains(&case), "{}: does not name {case}", r.code);
        assert!(
            s.contains(&format!("\n{} {} ", r.code, r.name)),
            "{}: the snapshot shows no finding of the rule",
            r.code
        );
        assert!(s.contains("**Breaks**"), "{}: no Breaks", r.code);
        assert!(s.contains("**Safe change**"), "{}: no Safe change", r.code);
    }
}

#[test]
fn links_inside_the_document_resolve() {
    let md = generated();
    let mut targets: BTreeSet<String> = headings(&md).iter().map(|(_, t)| slug(t)).collect();
    let slugs: Vec<String> = headings(&md).iter().map(|(_, t)| slug(t)).collect();
    assert_eq!(slugs.len(), targets.len(), "two headings share an anchor");
    for r in catalogue() {
        targets.insert(short_anchor(r));
    }
    for (n, line) in prose_lines(&md) {
        for (i, _) in line.match_indices("](#") {
            let rest = &line[i + 3..];
            let target = &rest[..rest.find(')').expect("link closes")];
            assert!(
                targets.contains(target),
                "line {n}: link to #{target}, which is no anchor"
            );
        }
    }
}

#[test]
fn a_rule_without_a_test_case_is_named() {
    let empty = tempfile::tempdir().unwrap();
    let err = rules_markdown(empty.path()).unwrap_err();
    assert!(err.contains("no test case"), "{err}");
    assert!(
        catalogue()
            .iter()
            .any(|r| err.starts_with(&format!("{} {}:", r.code, r.name))),
        "{err}"
    );
}
