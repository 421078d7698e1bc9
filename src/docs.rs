//! `docs/rules.md`, generated from the rule catalogue.
//!
//! Every section comes from what is declared once per rule: the [`RuleMeta`]
//! record, the rule file's `//!` comment ([`RuleMeta::doc`]) and the rule's
//! test case `testdata/<format>/<rule-name>/` (its old and new versions and
//! the findings snapshot). `tests/docs.rs` fails when the committed file is
//! stale; `WIRECOMPAT_BLESS=1 cargo test --test docs` rewrites it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::finding::Direction;
use crate::rule::{self, Encoding, Format, RuleMeta};

/// Where the generated file lives, relative to the crate root.
pub const RULES_MD: &str = "docs/rules.md";

/// The command that regenerates [`RULES_MD`].
pub const REGENERATE: &str = "WIRECOMPAT_BLESS=1 cargo test --test docs";

/// Longest example file shown in full; longer ones are cut here.
const MAX_FILE_LINES: usize = 60;

/// Most findings of the rule itself shown from a case's snapshot.
const MAX_FINDINGS: usize = 6;

/// The formats in the order the document presents them.
const FORMATS: [Format; 3] = [Format::Protobuf, Format::Avro, Format::JsonSchema];

/// `docs/rules.md`: every rule of the catalogue with its documentation and
/// the example from its test case. `root` is the crate root (the directory
/// holding `testdata/`). Fails, naming the rule, when a rule has no test
/// case or its doc comment lacks a part the document needs.
pub fn rules_markdown(root: &Path) -> Result<String, String> {
    let all = rule::catalogue();
    let mut out = String::new();
    intro(&mut out, &all);
    for format in FORMATS {
        let rules: Vec<&RuleMeta> = all.iter().copied().filter(|r| r.format == format).collect();
        let _ = writeln!(out, "### {}\n", format_title(format));
        contents_table(&mut out, format, &rules);
    }
    for format in FORMATS {
        let _ = writeln!(out, "## {} rules\n", format_title(format));
        for r in all.iter().copied().filter(|r| r.format == format) {
            section(&mut out, root, r).map_err(|e| format!("{} {}: {e}", r.code, r.name))?;
        }
    }
    // One newline at the end, whatever the last block left.
    let len = out.trim_end().len();
    out.truncate(len);
    out.push('\n');
    Ok(out)
}

/// The anchor a rule's heading gets on GitHub (and most renderers):
/// `PB101 field-wire-type-changed` gives `pb101-field-wire-type-changed`.
pub fn heading_anchor(r: &RuleMeta) -> String {
    format!("{}-{}", r.code.to_ascii_lowercase(), r.name)
}

/// The explicit short anchor before each rule's heading: `pb101`.
pub fn short_anchor(r: &RuleMeta) -> String {
    r.code.to_ascii_lowercase()
}

/// The directory of a rule's test case, relative to the crate root.
pub fn case_dir(r: &RuleMeta) -> String {
    format!("testdata/{}/{}", r.format, r.name)
}

fn format_title(f: Format) -> &'static str {
    match f {
        Format::Protobuf => "Protobuf",
        Format::Avro => "Avro",
        Format::JsonSchema => "JSON Schema",
    }
}

fn intro(out: &mut String, all: &[&RuleMeta]) {
    let count = |f: Format| all.iter().filter(|r| r.format == f).count();
    let _ = write!(
        out,
        "\
# wirecompat rules

<!-- Generated from the rule catalogue by `{REGENERATE}`. Do not edit. -->

Every rule wirecompat applies, generated from the rules themselves: each
rule's metadata, its documentation (also printed by `wirecompat explain
CODE`) and its test case under `testdata/`. Edit the rule's source file or
its test case, never this file, and regenerate it with
`{REGENERATE}`.

A finding compares release N-1 (**old**) with release N (**new**) and names
the direction(s) the change breaks:

* **backward**, the rollout: N, as reader, reads the data N-1 wrote. A
  backward break shows while the release rolls out, as soon as N meets data
  or messages from N-1.
* **forward**, the rollback: N-1, as reader, reads the data N wrote. A
  forward break makes the release **irreversible**: once N has written such
  data, rolling back the code leaves N-1 unable to read it. Code rolls back;
  data does not.

`--level` chooses the directions that block (`BACKWARD`, `FORWARD`, `FULL`,
the default, or `NONE`). A finding of severity *error* that breaks a guarded
direction blocks; *warnings* and *infos* never do. A rule's **May break** is
what its change typically breaks; a single finding may narrow it (the
findings shown below carry their own `breaks=[...]`).

Protobuf rules guard the binary encoding, ProtoJSON, or both. `--profile
wire-json` (the default) checks both encodings; `--profile wire` checks the
binary encoding only and skips the rules that guard ProtoJSON alone.

Each rule's example is its test case: the old and new versions as committed
under `testdata/<format>/<rule-name>/`, and the findings recorded in the
case's `findings.snap` when wirecompat compares them.

## Contents

{pb} Protobuf rules, {av} Avro rules and {js} JSON Schema rules. A code links
to the rule's section below; **May break** is what the change typically
breaks (*none*: a warning or info that breaks no direction today).

",
        pb = count(Format::Protobuf),
        av = count(Format::Avro),
        js = count(Format::JsonSchema),
    );
}

fn contents_table(out: &mut String, format: Format, rules: &[&RuleMeta]) {
    let pb = format == Format::Protobuf;
    out.push_str("| Code | Name | May break | Severity |");
    out.push_str(if pb { " Encodings |" } else { "" });
    out.push_str(" Summary |\n|---|---|---|---|");
    out.push_str(if pb { "---|" } else { "" });
    out.push_str("---|\n");
    for r in rules {
        let _ = write!(
            out,
            "| [{}](#{}) | `{}` | {} | {} |",
            r.code,
            heading_anchor(r),
            r.name,
            breaks_short(r.breaks),
            r.severity
        );
        if pb {
            let _ = write!(out, " {} |", encodings_short(r.encodings));
        }
        let _ = writeln!(out, " {} |", table_cell(r.summary));
    }
    out.push('\n');
}

fn table_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn breaks_short(breaks: &[Direction]) -> String {
    if breaks.is_empty() {
        return "none".to_string();
    }
    let v: Vec<&str> = breaks.iter().map(|d| d.as_str()).collect();
    v.join(", ")
}

fn breaks_long(breaks: &[Direction]) -> String {
    let has = |d| breaks.contains(&d);
    match (has(Direction::Backward), has(Direction::Forward)) {
        (true, true) => {
            "backward (the rollout) and forward (the rollback: the release is irreversible)".into()
        }
        (true, false) => "backward (the rollout)".into(),
        (false, true) => "forward (the rollback: the release is irreversible)".into(),
        (false, false) => "no direction by itself (advisory)".into(),
    }
}

fn encodings_short(e: &[Encoding]) -> &'static str {
    match (e.contains(&Encoding::Binary), e.contains(&Encoding::Json)) {
        (true, true) => "binary, JSON",
        (true, false) => "binary",
        (false, true) => "JSON",
        (false, false) => "-",
    }
}

fn encodings_long(e: &[Encoding]) -> &'static str {
    match (e.contains(&Encoding::Binary), e.contains(&Encoding::Json)) {
        (true, true) => "binary and ProtoJSON (checked under both profiles)",
        (true, false) => "binary (checked under both profiles)",
        (false, true) => "ProtoJSON only (checked under `--profile wire-json`, the default)",
        (false, false) => "none",
    }
}

fn section(out: &mut String, root: &Path, r: &RuleMeta) -> Result<(), String> {
    let doc = DocParts::parse(&r.doc())?;
    let case = Case::load(root, r)?;

    let _ = writeln!(out, "<a id=\"{}\"></a>\n", short_anchor(r));
    let _ = writeln!(out, "### {} {}\n", r.code, r.name);
    let _ = writeln!(out, "> {}\n", r.summary);
    let _ = writeln!(out, "* **May break**: {}", breaks_long(r.breaks));
    let _ = writeln!(out, "* **Default severity**: {}", r.severity);
    if r.format == Format::Protobuf {
        let _ = writeln!(out, "* **Encodings**: {}", encodings_long(r.encodings));
    }
    if !r.peers.is_empty() {
        let peers: Vec<String> = r.peers.iter().map(|p| format!("`{p}`")).collect();
        let _ = writeln!(out, "* **Peer rules**: {}", peers.join(", "));
    }
    out.push('\n');

    for block in doc.flags.iter().chain(&doc.breaks) {
        let _ = writeln!(out, "{block}\n");
    }
    if !doc.example.is_empty() {
        out.push_str("In short:\n\n");
        for block in &doc.example {
            let _ = writeln!(out, "{block}\n");
        }
    }

    case.render(out, r);

    for block in &doc.safe {
        let _ = writeln!(out, "{block}\n");
    }
    // The one-line advice printed with each finding, unless the paragraph
    // above already says it word for word.
    let words = |s: &str| -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let safe = words(&doc.safe.join(" "));
    if !safe.contains(words(r.advice).trim_end_matches('.')) {
        let _ = writeln!(out, "Each finding's advice reads: *{}*.\n", r.advice);
    }
    Ok(())
}

/// A rule's doc comment cut into the parts the document places: what it
/// flags, which direction breaks and why (`**Breaks**:`), the short example
/// (`Example:` and its code block, without the label) and how to evolve
/// safely (`**Safe change**:`). Each part is a list of Markdown blocks.
struct DocParts {
    flags: Vec<String>,
    breaks: Vec<String>,
    example: Vec<String>,
    safe: Vec<String>,
}

impl DocParts {
    fn parse(doc: &str) -> Result<DocParts, String> {
        let mut parts = DocParts {
            flags: Vec::new(),
            breaks: Vec::new(),
            example: Vec::new(),
            safe: Vec::new(),
        };
        #[derive(PartialEq)]
        enum Part {
            Flags,
            Breaks,
            Example,
            Safe,
        }
        let mut part = Part::Flags;
        for block in blocks(doc) {
            if block.starts_with("**Breaks**") {
                part = Part::Breaks;
            } else if block.trim_end() == "Example:" {
                part = Part::Example;
                continue;
            } else if block.starts_with("**Safe change**") {
                part = Part::Safe;
            } else if part == Part::Example && !block.starts_with("```") {
                // Prose after the example's code block belongs to the
                // explanation, not the example.
                part = Part::Breaks;
            }
            match part {
                Part::Flags => parts.flags.push(block),
                Part::Breaks => parts.breaks.push(block),
                Part::Example => parts.example.push(block),
                Part::Safe => parts.safe.push(block),
            }
        }
        let missing = if parts.flags.is_empty() {
            Some("a first paragraph saying what it flags")
        } else if parts.breaks.is_empty() {
            Some("a `**Breaks**:` paragraph")
        } else if parts.safe.is_empty() {
            Some("a `**Safe change**:` paragraph")
        } else {
            None
        };
        match missing {
            Some(what) => Err(format!("the rule's `//!` comment lacks {what}")),
            None => Ok(parts),
        }
    }
}

/// Markdown blocks: paragraphs split at blank lines, fenced code kept whole.
fn blocks(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut fence: Option<&str> = None;
    for line in doc.lines() {
        let t = line.trim_start();
        if let Some(f) = fence {
            cur.push(line);
            if t.starts_with(f) && t.trim_start_matches('`').trim().is_empty() {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") {
            let n = t.len() - t.trim_start_matches('`').len();
            fence = Some(&t[..n]);
            cur.push(line);
        } else if t.is_empty() {
            if !cur.is_empty() {
                out.push(cur.join("\n"));
                cur.clear();
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        out.push(cur.join("\n"));
    }
    out
}

/// A rule's test case: both versions' files and the recorded findings.
struct Case {
    /// `testdata/<format>/<name>`.
    dir: String,
    old: Side,
    new: Side,
    /// Files identical in both versions (relative to the side's root).
    unchanged: Vec<String>,
    /// Command-line flags from the case's `args` file.
    args: String,
    /// The `findings.snap` body (the insta header removed).
    findings: String,
}

/// One version of a case: `old.proto` or the directory `old/`.
struct Side {
    /// The argument as given on the command line: `old.proto` or `old`.
    arg: String,
    is_dir: bool,
    /// (path relative to the case directory, contents), sorted.
    files: Vec<(String, String)>,
}

impl Case {
    fn load(root: &Path, r: &RuleMeta) -> Result<Case, String> {
        let rel = case_dir(r);
        let dir = root.join(&rel);
        if !dir.is_dir() {
            return Err(format!("no test case: {rel}/ does not exist"));
        }
        let mut old = Side::load(&dir, "old").map_err(|e| format!("{rel}/: {e}"))?;
        let mut new = Side::load(&dir, "new").map_err(|e| format!("{rel}/: {e}"))?;
        // In a directory case, leave out the files no version changed.
        let mut unchanged = Vec::new();
        if old.is_dir && new.is_dir {
            let strip = |side: &Side, p: &str| p[side.arg.len() + 1..].to_string();
            let new_files: BTreeMap<String, String> = new
                .files
                .iter()
                .map(|(p, t)| (strip(&new, p), t.clone()))
                .collect();
            for (p, t) in &old.files {
                let inner = strip(&old, p);
                if new_files.get(&inner) == Some(t) {
                    unchanged.push(inner);
                }
            }
            let keep = |side: &mut Side| {
                let arg = side.arg.clone();
                side.files
                    .retain(|(p, _)| !unchanged.contains(&p[arg.len() + 1..].to_string()));
            };
            keep(&mut old);
            keep(&mut new);
        }
        let args = std::fs::read_to_string(dir.join("args"))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        let snap = dir.join("findings.snap");
        let snap =
            std::fs::read_to_string(&snap).map_err(|e| format!("{rel}/findings.snap: {e}"))?;
        Ok(Case {
            dir: rel,
            old,
            new,
            unchanged,
            args,
            findings: snapshot_body(&snap).to_string(),
        })
    }

    fn render(&self, out: &mut String, r: &RuleMeta) {
        let _ = writeln!(
            out,
            "**Example** from the test case [`{dir}/`](../{dir}/):\n",
            dir = self.dir
        );
        // A directory case whose files all exist in both versions shows each
        // file's old version beside its new one; when files were added,
        // removed or renamed, all of the old version comes first.
        let inner = |side: &Side| -> Vec<String> {
            side.files
                .iter()
                .map(|(p, _)| p[side.arg.len() + 1..].to_string())
                .collect()
        };
        let pair = self.old.is_dir && self.new.is_dir && inner(&self.old) == inner(&self.new);
        let mut shown: Vec<(&str, u8, &str, &str)> = Vec::new();
        for (order, side) in [(0, &self.old), (1, &self.new)] {
            for (path, text) in &side.files {
                let key = if pair {
                    &path[side.arg.len() + 1..]
                } else {
                    ""
                };
                shown.push((key, order, path, text));
            }
        }
        shown.sort();
        for (_, order, path, text) in shown {
            let label = if order == 0 { "Old" } else { "New" };
            let _ = writeln!(out, "**{label}**, `{path}`:\n");
            code_block(out, lang(path), text, &format!("{}/{path}", self.dir));
        }
        if !self.unchanged.is_empty() {
            let list: Vec<String> = self.unchanged.iter().map(|p| format!("`{p}`")).collect();
            let _ = writeln!(
                out,
                "Not shown, the same in both versions: {}.\n",
                list.join(", ")
            );
        }
        self.render_findings(out, r);
    }

    fn render_findings(&self, out: &mut String, r: &RuleMeta) {
        // Entries: a finding (its header line and indented lines) or the
        // verdict line.
        let mut entries: Vec<Vec<&str>> = Vec::new();
        for line in self.findings.lines() {
            match entries.last_mut() {
                Some(e) if line.starts_with(' ') => e.push(line),
                _ => entries.push(vec![line]),
            }
        }
        let code_of = |e: &Vec<&str>| e[0].split(' ').next().unwrap_or("").to_string();
        let (own, rest): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|e| code_of(e) == r.code || e[0].starts_with("verdict:"));
        let (verdict, own): (Vec<_>, Vec<_>) =
            own.into_iter().partition(|e| e[0].starts_with("verdict:"));
        let mut others: BTreeMap<String, usize> = BTreeMap::new();
        for e in &rest {
            *others.entry(code_of(e)).or_default() += 1;
        }

        let args = if self.args.is_empty() {
            String::new()
        } else {
            format!(" {}", self.args)
        };
        let command = format!("`wirecompat check {} {}{args}`", self.old.arg, self.new.arg);
        if others.is_empty() {
            let _ = writeln!(out, "In that directory, {command} reports:\n");
        } else {
            let all = rule::catalogue();
            let list: Vec<String> = others
                .iter()
                .map(|(code, n)| {
                    let link = match all.iter().find(|m| m.code == code.as_str()) {
                        Some(m) => format!("[{code}](#{})", heading_anchor(m)),
                        None => format!("`{code}`"),
                    };
                    if *n == 1 {
                        format!("1 finding of {link}")
                    } else {
                        format!("{n} findings of {link}")
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "In that directory, {command} reports the findings below and its \
                 verdict on the whole case. Left out here: {}.\n",
                list.join(", ")
            );
        }
        let mut text = String::new();
        for e in own.iter().take(MAX_FINDINGS) {
            for line in e {
                text.push_str(line);
                text.push('\n');
            }
        }
        if own.len() > MAX_FINDINGS {
            let _ = writeln!(
                text,
                "... {} more {} findings in findings.snap",
                own.len() - MAX_FINDINGS,
                r.code
            );
        }
        for e in &verdict {
            for line in e {
                text.push_str(line);
                text.push('\n');
            }
        }
        code_block(out, "text", &text, "");
    }
}

impl Side {
    /// `stem` is `old` or `new`: the directory `stem/` or the file `stem.*`.
    fn load(dir: &Path, stem: &str) -> Result<Side, String> {
        let d = dir.join(stem);
        if d.is_dir() {
            let mut paths = Vec::new();
            walk(&d, &mut paths).map_err(|e| format!("{stem}/: {e}"))?;
            let mut files = Vec::new();
            for p in paths {
                let rel = p.strip_prefix(dir).unwrap_or(&p);
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let text =
                    std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                files.push((rel.join("/"), text));
            }
            files.sort();
            if files.is_empty() {
                return Err(format!("{stem}/ holds no files"));
            }
            return Ok(Side {
                arg: stem.to_string(),
                is_dir: true,
                files,
            });
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_stem().is_some_and(|s| s == stem))
            .collect();
        found.sort();
        let Some(p) = found.first() else {
            return Err(format!("no {stem} version ({stem}.* or {stem}/)"));
        };
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(p).map_err(|e| format!("{name}: {e}"))?;
        Ok(Side {
            arg: name.clone(),
            is_dir: false,
            files: vec![(name, text)],
        })
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// An insta snapshot without its `---` header.
fn snapshot_body(snap: &str) -> &str {
    if let Some(rest) = snap.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        return &rest[end + 5..];
    }
    snap
}

fn lang(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "proto" => "proto",
        "avsc" | "avpr" | "json" => "json",
        "avdl" => "avdl",
        _ => "text",
    }
}

/// A fenced code block, cut at [`MAX_FILE_LINES`] with a note naming
/// `source` (no note when `source` is empty). The fence is longer than any
/// run of backticks in the text.
fn code_block(out: &mut String, lang: &str, text: &str, source: &str) {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let longest = lines
        .iter()
        .map(|l| {
            let t = l.trim_start();
            t.len() - t.trim_start_matches('`').len()
        })
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let cut = !source.is_empty() && lines.len() > MAX_FILE_LINES;
    let shown = if cut {
        &lines[..MAX_FILE_LINES]
    } else {
        &lines[..]
    };
    let _ = writeln!(out, "{fence}{lang}");
    for l in shown {
        let _ = writeln!(out, "{}", l.trim_end());
    }
    let _ = writeln!(out, "{fence}\n");
    if cut {
        let _ = writeln!(
            out,
            "*(The first {MAX_FILE_LINES} of {} lines; the rest is in `{source}`.)*\n",
            lines.len()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_parts_follow_the_convention() {
        let doc = "Flags x.\n\n**Breaks**: both.\n\nExample:\n\n```text\nold: a\n\nnew: b\n```\n\n**Safe change**: don't.\n";
        let p = DocParts::parse(doc).unwrap();
        assert_eq!(p.flags, ["Flags x."]);
        assert_eq!(p.breaks, ["**Breaks**: both."]);
        assert_eq!(p.example, ["```text\nold: a\n\nnew: b\n```"]);
        assert_eq!(p.safe, ["**Safe change**: don't."]);
        assert!(DocParts::parse("Flags x.\n\n**Breaks**: both.\n").is_err());
    }

    #[test]
    fn snapshot_header_is_removed() {
        let s = "---\nsource: tests/cases.rs\n---\nPB101 x\nverdict: ok\n";
        assert_eq!(snapshot_body(s), "PB101 x\nverdict: ok\n");
    }
}
