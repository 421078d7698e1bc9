//! Conformance against other tools' own test data in `../shared/peer-suites`
//! (read from there, never copied here).
//!
//! For every case the peer's expectation is compared with wirecompat's
//! result. Every disagreement must be listed, with its reason, in the
//! committed ledger `tests/conformance/<suite>.toml`; the test fails on a
//! disagreement the ledger does not list and on a ledger entry that no longer
//! disagrees. Run with `--nocapture` for the counts.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use wirecompat::formats::jsonschema::Draft;
use wirecompat::{CheckOptions, Direction, Level, Profile, Severity};

/// One difference between wirecompat and a peer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Disagreement {
    case: String,
    item: String,
    ours: String,
    peer: String,
}

#[derive(Debug, serde::Deserialize)]
struct Ledger {
    #[serde(default)]
    disagree: Vec<Entry>,
    /// Reasons shared by many entries: an entry's `why = "@key"` refers to
    /// `[reasons] key = "..."`.
    #[serde(default)]
    reasons: BTreeMap<String, String>,
}

#[derive(Debug, serde::Deserialize)]
struct Entry {
    case: String,
    item: String,
    ours: String,
    peer: String,
    why: String,
}

#[derive(Default)]
struct Tally {
    cases: usize,
    cases_agreeing: usize,
    items: usize,
    items_agreeing: usize,
    /// Expectations wirecompat answered `unknown` (also in the ledger).
    items_unknown: usize,
}

fn peer_suites() -> PathBuf {
    let p = common::shared().join("peer-suites");
    assert!(
        p.is_dir(),
        "{} is missing: conformance needs ../shared beside the repository",
        p.display()
    );
    p
}

/// Compares found disagreements with the suite's ledger and prints counts.
fn settle(suite: &str, found: Vec<Disagreement>, tally: Tally) {
    let path = common::root()
        .join("tests/conformance")
        .join(format!("{suite}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let ledger: Ledger =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut problems = Vec::new();
    for e in &ledger.disagree {
        let why = match e.why.strip_prefix('@') {
            Some(key) => ledger.reasons.get(key).cloned().unwrap_or_else(|| {
                panic!(
                    "{suite} ledger entry {} {}: no reason {key:?}",
                    e.case, e.item
                )
            }),
            None => e.why.clone(),
        };
        assert!(
            why.trim().len() > 10,
            "{suite} ledger entry {} {} needs a reason",
            e.case,
            e.item
        );
    }
    let listed: BTreeSet<(String, String)> = ledger
        .disagree
        .iter()
        .map(|e| (e.case.clone(), e.item.clone()))
        .collect();
    for d in &found {
        match ledger
            .disagree
            .iter()
            .find(|e| e.case == d.case && e.item == d.item)
        {
            None => problems.push(format!(
                "unlisted disagreement:\n[[disagree]]\ncase = {:?}\nitem = {:?}\nours = {:?}\npeer = {:?}\nwhy = \"\"\n",
                d.case, d.item, d.ours, d.peer
            )),
            Some(e) if e.ours != d.ours || e.peer != d.peer => problems.push(format!(
                "ledger entry {} {} says ours={:?} peer={:?}, now ours={:?} peer={:?}",
                d.case, d.item, e.ours, e.peer, d.ours, d.peer
            )),
            Some(_) => {}
        }
    }
    let now: BTreeSet<(String, String)> = found
        .iter()
        .map(|d| (d.case.clone(), d.item.clone()))
        .collect();
    for (case, item) in listed.difference(&now) {
        problems.push(format!("ledger entry no longer disagrees: {case} {item}"));
    }
    println!(
        "conformance {suite}: {} cases, {} agree fully; {} expectations, {} agree, {} disagree \
         on purpose, {} unknown (each listed with its reason in tests/conformance/{suite}.toml)",
        tally.cases,
        tally.cases_agreeing,
        tally.items,
        tally.items_agreeing,
        found.len() - tally.items_unknown,
        tally.items_unknown,
    );
    assert!(problems.is_empty(), "{suite}:\n{}", problems.join("\n"));
}

fn run(
    old: &Path,
    new: &Path,
    profile: Profile,
    includes: Vec<PathBuf>,
) -> Result<wirecompat::Report, String> {
    let opts = CheckOptions {
        level: Level::Full,
        profile,
        includes,
        ..Default::default()
    };
    wirecompat::check(old, new, &opts).map_err(|e| e.to_string())
}

fn breaks_backward(r: &wirecompat::Report) -> bool {
    r.findings
        .iter()
        .any(|f| f.severity == Severity::Error && f.breaks(Direction::Backward))
}

/// Compares wirecompat's backward verdict on (old, new) with a peer's label,
/// counting the case and recording a disagreement.
#[allow(clippy::too_many_arguments)]
fn judge_backward(
    case: String,
    old: &Path,
    new: &Path,
    includes: Vec<PathBuf>,
    peer_compatible: bool,
    tmp: &Path,
    found: &mut Vec<Disagreement>,
    tally: &mut Tally,
) {
    tally.cases += 1;
    tally.items += 1;
    let ours = match run(old, new, Profile::Wire, includes) {
        Ok(r) => verdict_word(!breaks_backward(&r)),
        Err(e) => format!("error: {}", strip_roots(&e, &[old, new, tmp])),
    };
    if ours == verdict_word(peer_compatible) {
        tally.cases_agreeing += 1;
        tally.items_agreeing += 1;
    } else {
        found.push(Disagreement {
            case,
            item: "backward".into(),
            ours,
            peer: verdict_word(peer_compatible),
        });
    }
}

/// An error's text with the scratch directories taken out: errors name
/// files under the version compared (`<tmp>/13/writer/schema.proto`), the
/// ledger names them from the version (`schema.proto`).
fn strip_roots(e: &str, roots: &[&Path]) -> String {
    let mut e = e.to_string();
    for r in roots {
        let base = if r.is_dir() { Some(*r) } else { r.parent() };
        if let Some(b) = base {
            e = e.replace(&format!("{}/", b.display()), "");
            e = e.replace(&b.display().to_string(), "");
        }
    }
    e
}

fn verdict_word(compatible: bool) -> String {
    if compatible {
        "compatible"
    } else {
        "incompatible"
    }
    .to_string()
}

/// buf's own breaking-change cases, for the rules of its WIRE and WIRE_JSON
/// categories: per rule, the file and line of every expected finding against
/// those of wirecompat's findings that cover the same ground (the rule
/// metadata's `peers`).
#[test]
fn buf_wire_and_wire_json() {
    let base = peer_suites().join("protobuf/buf");
    let mut wire = BTreeSet::new();
    let mut wire_json = BTreeSet::new();
    let rules = std::fs::read_to_string(base.join("rules-v2.json")).expect("rules-v2.json");
    for line in rules.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("rules line");
        let id = v["id"].as_str().unwrap_or("").to_string();
        let cats: Vec<&str> = v["categories"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c.as_str()).collect())
            .unwrap_or_default();
        if cats.contains(&"WIRE") {
            wire.insert(id.clone());
        }
        if cats.contains(&"WIRE_JSON") {
            wire_json.insert(id);
        }
    }
    assert!(
        wire.len() >= 15 && wire_json.len() >= 20,
        "rules-v2.json categories"
    );
    let wire_rules: BTreeSet<String> = wire.union(&wire_json).cloned().collect();

    // buf rule -> wirecompat rules covering it.
    let mut covers: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for r in wirecompat::rule::catalogue() {
        for p in r.peers {
            if let Some(id) = p.strip_prefix("buf:") {
                covers.entry(id.to_string()).or_default().push(r.code);
            }
        }
    }
    for id in &wire_rules {
        assert!(
            covers.contains_key(id),
            "no wirecompat rule declares buf:{id} as a peer"
        );
    }

    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(base.join("expected.json")).unwrap())
            .unwrap();
    let mut found = Vec::new();
    let mut tally = Tally::default();
    for case in expected["cases"].as_array().expect("cases") {
        let name = case["case"].as_str().unwrap();
        let cur = base.join(case["current"].as_str().unwrap());
        let prev = base.join(case["previous"].as_str().unwrap());
        let config = std::fs::read_to_string(cur.join("buf.yaml")).unwrap_or_default();
        let (cur, prev) = (module_root(&cur), module_root(&prev));
        let mut under_test: BTreeSet<String> = config
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- "))
            .map(|s| s.trim().to_string())
            .filter(|s| wire_rules.contains(s))
            .collect();
        for f in case["findings"].as_array().unwrap() {
            let t = f["type"].as_str().unwrap().to_string();
            if wire_rules.contains(&t) {
                under_test.insert(t);
            }
        }
        if under_test.is_empty() {
            continue;
        }
        tally.cases += 1;
        let mut case_ok = true;
        for rule in &under_test {
            let profile = if wire.contains(rule) {
                Profile::Wire
            } else {
                Profile::WireJson
            };
            let report = match run(&prev, &cur, profile, vec![]) {
                Ok(r) => r,
                Err(e) => {
                    found.push(Disagreement {
                        case: name.into(),
                        item: format!("{rule} (input)"),
                        ours: format!("error: {e}"),
                        peer: "checked".into(),
                    });
                    case_ok = false;
                    continue;
                }
            };
            let codes = &covers[rule];
            let want: BTreeSet<(String, u64)> = case["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["type"] == rule.as_str())
                .map(|f| {
                    (
                        f["path"].as_str().unwrap_or("").to_string(),
                        f["start_line"].as_u64().unwrap_or(0),
                    )
                })
                .collect();
            let got: BTreeSet<(String, u64)> = report
                .findings
                .iter()
                .filter(|f| codes.contains(&f.rule.code) && f.severity != Severity::Info)
                .filter_map(|f| f.new.as_ref())
                .map(|l| (l.path.clone(), l.line as u64))
                .collect();
            tally.items += want.union(&got).count();
            tally.items_agreeing += want.intersection(&got).count();
            for (p, l) in want.difference(&got) {
                case_ok = false;
                found.push(Disagreement {
                    case: name.into(),
                    item: format!("{rule} {p}:{l}"),
                    ours: "no finding".into(),
                    peer: "finding".into(),
                });
            }
            for (p, l) in got.difference(&want) {
                case_ok = false;
                found.push(Disagreement {
                    case: name.into(),
                    item: format!("{rule} {p}:{l}"),
                    ours: "finding".into(),
                    peer: "no finding".into(),
                });
            }
        }
        if case_ok {
            tally.cases_agreeing += 1;
        }
    }
    found.sort();
    settle("buf", found, tally);
}

/// A buf v1beta1 module with one `build.roots` entry builds from that root.
fn module_root(dir: &Path) -> PathBuf {
    let config = std::fs::read_to_string(dir.join("buf.yaml")).unwrap_or_default();
    let mut lines = config.lines().skip_while(|l| l.trim() != "roots:").skip(1);
    let roots: Vec<&str> = lines
        .by_ref()
        .map_while(|l| l.trim().strip_prefix("- "))
        .collect();
    match roots.as_slice() {
        [one] => dir.join(one.trim()),
        _ => dir.to_path_buf(),
    }
}

fn write_tree(dir: &Path, main: &str, deps: &[Value]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for d in deps {
        if let (Some(n), Some(text)) = (d["name"].as_str(), d["dependency"].as_str()) {
            let p = dir.join(n);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }
    let p = dir.join("schema.proto");
    std::fs::write(&p, main).unwrap();
    p
}

/// Confluent Schema Registry's protobuf diff examples: `compatible` is the
/// BACKWARD verdict (the update reads the original). Compared with
/// wirecompat's backward verdict in the binary profile, which is what a
/// registry guards (Kafka payloads are binary Protobuf).
#[test]
fn confluent_protobuf() {
    let base = peer_suites().join("protobuf/confluent");
    let cases: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(base.join("diff-schema-examples.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cases.len(), 54);
    let tmp = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    let mut tally = Tally::default();
    let empty = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let old = write_tree(
            &tmp.path().join(format!("{i}/old")),
            c["original_schema"].as_str().unwrap(),
            c["original_dependencies"].as_array().unwrap_or(&empty),
        );
        let new = write_tree(
            &tmp.path().join(format!("{i}/new")),
            c["update_schema"].as_str().unwrap(),
            c["update_dependencies"].as_array().unwrap_or(&empty),
        );
        let peer = c["compatible"].as_bool().unwrap();
        let case = format!("{i:02} {}", c["description"].as_str().unwrap());
        judge_backward(
            case,
            &old,
            &new,
            vec![],
            peer,
            tmp.path(),
            &mut found,
            &mut tally,
        );
    }
    // The one case with metadata imports a tree of real files.
    let meta: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(base.join("diff-schema-examples-with-meta.json")).unwrap(),
    )
    .unwrap();
    let protos = base.join("protos");
    for (i, c) in meta.iter().enumerate() {
        let old = protos.join(c["original_schema"].as_str().unwrap());
        let new = protos.join(c["update_schema"].as_str().unwrap());
        let peer = c["compatible"].as_bool().unwrap();
        let case = format!("meta {i:02} {}", c["description"].as_str().unwrap());
        let includes = vec![protos.clone()];
        judge_backward(
            case,
            &old,
            &new,
            includes,
            peer,
            tmp.path(),
            &mut found,
            &mut tally,
        );
    }
    settle("confluent-protobuf", found, tally);
}

/// Karapace's recorded protobuf checks: can `reader` read what `writer`
/// wrote? That is wirecompat's backward direction with old = writer and
/// new = reader, in the binary profile.
#[test]
fn karapace_protobuf() {
    let base = peer_suites().join("protobuf");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(base.join("karapace-cases.json")).unwrap())
            .unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 17);
    let tmp = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    let mut tally = Tally::default();
    for (i, c) in cases.iter().enumerate() {
        let old = write_tree(
            &tmp.path().join(format!("{i}/writer")),
            c["writer"].as_str().unwrap(),
            &[],
        );
        let new = write_tree(
            &tmp.path().join(format!("{i}/reader")),
            c["reader"].as_str().unwrap(),
            &[],
        );
        let peer = c["compatible"].as_bool().unwrap();
        let test = c["test"].as_str().unwrap();
        let case = format!("{i:02} {}", test.rsplit("::").next().unwrap_or(test));
        judge_backward(
            case,
            &old,
            &new,
            vec![],
            peer,
            tmp.path(),
            &mut found,
            &mut tally,
        );
    }
    settle("karapace-protobuf", found, tally);
}

/// An Avro schema from a peer's case as `.avsc` text. A string is a type
/// name (`"null"`, `"int"`), unless it holds a JSON object or array.
fn avsc_text(v: &Value) -> String {
    match v {
        Value::String(s)
            if serde_json::from_str::<Value>(s).is_ok_and(|j| j.is_object() || j.is_array()) =>
        {
            s.clone()
        }
        other => other.to_string(),
    }
}

fn write_avsc(dir: &Path, name: &str, v: &Value) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, avsc_text(v)).unwrap();
    p
}

fn breaks(r: &wirecompat::Report, d: Direction) -> bool {
    r.findings
        .iter()
        .any(|f| f.severity == Severity::Error && f.breaks(d))
}

/// Apache Avro's own `SchemaCompatibility` tests: can `reader` read data
/// written with `writer`? wirecompat's backward direction with old = writer
/// and new = reader. Besides the verdict, every incompatibility Java lists
/// (type and location) must appear among wirecompat's backward findings: a
/// finding of a rule declaring that Java type as a peer, at that path (the
/// traversal path, or either version's JSON pointer).
#[test]
fn avro_java_schema_compatibility() {
    let base = peer_suites().join("avro/java");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(base.join("cases.json")).unwrap()).unwrap();
    let rows: Vec<&Value> = cases
        .iter()
        .filter(|c| c["checker_under_test"] == "SchemaCompatibility")
        .collect();
    assert_eq!(rows.len(), 144);
    let tmp = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    let mut tally = Tally::default();
    for c in rows {
        let id = c["id"].as_str().unwrap();
        let dir = tmp.path().join(id);
        let old = write_avsc(&dir, "writer.avsc", &c["writer"]);
        let new = write_avsc(&dir, "reader.avsc", &c["reader"]);
        let peer = c["expected"] == "compatible";
        tally.cases += 1;
        let mut case_ok = true;
        let report = run(&old, &new, Profile::Wire, vec![]);
        let ours = match &report {
            Ok(r) => verdict_word(!breaks(r, Direction::Backward)),
            Err(e) => format!("error: {}", strip_roots(e, &[&old, &new, &dir])),
        };
        tally.items += 1;
        if ours == verdict_word(peer) {
            tally.items_agreeing += 1;
        } else {
            case_ok = false;
            found.push(Disagreement {
                case: id.into(),
                item: "backward".into(),
                ours: ours.clone(),
                peer: verdict_word(peer),
            });
        }
        if let Ok(r) = &report {
            for inc in c["java_incompatibilities"].as_array().into_iter().flatten() {
                let ty = inc["type"].as_str().unwrap();
                let loc = inc["location"].as_str().unwrap();
                let peer_tag = format!("java:{ty}");
                let hit = r.findings.iter().any(|f| {
                    f.rule.peers.contains(&peer_tag.as_str())
                        && f.breaks(Direction::Backward)
                        && (f.arg("path") == Some(loc)
                            || f.old.as_ref().is_some_and(|l| l.pointer == loc)
                            || f.new.as_ref().is_some_and(|l| l.pointer == loc))
                });
                tally.items += 1;
                if hit {
                    tally.items_agreeing += 1;
                } else {
                    case_ok = false;
                    found.push(Disagreement {
                        case: id.into(),
                        item: format!("{ty} at {loc}"),
                        ours: "no such finding".into(),
                        peer: "incompatibility".into(),
                    });
                }
            }
        }
        if case_ok {
            tally.cases_agreeing += 1;
        }
    }
    settle("avro-java", found, tally);
}

/// Confluent Schema Registry's Avro level tests: `new_schema` against the
/// chronological history at a level; plain levels compare with the last
/// version only, `_TRANSITIVE` levels with every one.
#[test]
fn avro_confluent_levels() {
    let base = peer_suites().join("avro/confluent");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(base.join("cases.json")).unwrap()).unwrap();
    let schemas = &v["schemas"];
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 32);
    let tmp = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    let mut tally = Tally::default();
    for (i, c) in cases.iter().enumerate() {
        let level = c["level"].as_str().unwrap();
        let new_name = c["new_schema"].as_str().unwrap();
        let history: Vec<&str> = c["previous_schemas_chronological"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let against: Vec<&str> = if level.ends_with("_TRANSITIVE") {
            history.clone()
        } else {
            history.last().into_iter().copied().collect()
        };
        let dirs: &[Direction] = match level.trim_end_matches("_TRANSITIVE") {
            "BACKWARD" => &[Direction::Backward],
            "FORWARD" => &[Direction::Forward],
            _ => Direction::BOTH,
        };
        let dir = tmp.path().join(i.to_string());
        let new = write_avsc(&dir.join("new"), "schema.avsc", &schemas[new_name]);
        let mut ours = "compatible".to_string();
        for (j, prev) in against.iter().enumerate() {
            let old = write_avsc(&dir.join(format!("old{j}")), "schema.avsc", &schemas[prev]);
            match run(&old, &new, Profile::Wire, vec![]) {
                Ok(r) if dirs.iter().any(|d| breaks(&r, *d)) => ours = "incompatible".into(),
                Ok(_) => {}
                Err(e) => ours = format!("error: {e}"),
            }
        }
        let peer = verdict_word(c["compatible"].as_bool().unwrap());
        tally.cases += 1;
        tally.items += 1;
        if ours == peer {
            tally.cases_agreeing += 1;
            tally.items_agreeing += 1;
        } else {
            found.push(Disagreement {
                case: format!("{i:02} {level} {new_name} vs {}", history.join(",")),
                item: level.into(),
                ours,
                peer,
            });
        }
    }
    settle("avro-confluent", found, tally);
}

/// Karapace's recorded Avro checks: can `reader` read what `writer` wrote?
#[test]
fn avro_karapace() {
    let base = peer_suites().join("avro/karapace");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(base.join("cases.json")).unwrap()).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 156);
    let tmp = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    let mut tally = Tally::default();
    for (i, c) in cases.iter().enumerate() {
        let dir = tmp.path().join(i.to_string());
        let old = write_avsc(&dir, "writer.avsc", &c["writer"]);
        let new = write_avsc(&dir, "reader.avsc", &c["reader"]);
        let test = c["test"].as_str().unwrap_or("");
        let case = format!("{i:03} {}", test.rsplit("::").next().unwrap_or(test));
        let peer = c["compatible"].as_bool().unwrap();
        judge_backward(case, &old, &new, vec![], peer, &dir, &mut found, &mut tally);
    }
    settle("avro-karapace", found, tally);
}

// ---------------------------------------------------------------- JSON Schema

/// One JSON Schema case in the suites' common form.
struct JsCase {
    name: String,
    old: Value,
    new: Value,
    /// Peer labels: `item` ("backward", "forward", "backward-lenient") and
    /// whether the peer calls that direction compatible.
    labels: Vec<(&'static str, bool)>,
}

fn js_options(draft: Option<Draft>, lenient: bool) -> CheckOptions {
    CheckOptions {
        level: Level::Full,
        draft,
        lenient,
        ..Default::default()
    }
}

/// Runs every case and compares each labelled direction. A direction
/// wirecompat leaves undecided is an `unknown`; it is ledgered like a
/// disagreement (so that no case goes unexplained) but counted apart.
fn js_suite(suite: &str, cases: &[JsCase], draft: Option<Draft>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    let mut tally = Tally::default();
    for (i, c) in cases.iter().enumerate() {
        if c.labels.is_empty() {
            continue;
        }
        let dir = tmp.path().join(i.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        let (old, new) = (dir.join("old.json"), dir.join("new.json"));
        std::fs::write(&old, serde_json::to_string_pretty(&c.old).unwrap()).unwrap();
        std::fs::write(&new, serde_json::to_string_pretty(&c.new).unwrap()).unwrap();
        let case = format!("{i:03} {}", c.name);
        tally.cases += 1;
        let mut all = true;
        let mut results: BTreeMap<bool, Result<wirecompat::Report, String>> = BTreeMap::new();
        for &(item, peer) in &c.labels {
            tally.items += 1;
            let lenient = item.ends_with("-lenient");
            let r = results.entry(lenient).or_insert_with(|| {
                wirecompat::check(&old, &new, &js_options(draft, lenient))
                    .map_err(|e| e.to_string())
            });
            let d = if item.starts_with("backward") {
                Direction::Backward
            } else {
                Direction::Forward
            };
            let ours = match r {
                Ok(r) => r.direction_word(d).to_string(),
                Err(e) => format!("error: {}", strip_roots(e, &[&old, &new, &dir])),
            };
            let peer = verdict_word(peer);
            if ours == peer {
                tally.items_agreeing += 1;
                continue;
            }
            all = false;
            if ours == "unknown" {
                tally.items_unknown += 1;
            }
            found.push(Disagreement {
                case: case.clone(),
                item: item.to_string(),
                ours,
                peer,
            });
        }
        if all {
            tally.cases_agreeing += 1;
        }
    }
    settle(suite, found, tally);
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&strip_trailing_commas(&text))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Confluent's 2020-12 examples file has trailing commas: drop a comma
/// whose next non-blank character closes an object or array.
fn strip_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut in_str, mut escaped) = (false, false);
    for (i, &ch) in chars.iter().enumerate() {
        if in_str {
            out.push(ch);
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        if ch == '"' {
            in_str = true;
        }
        if ch == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(ch);
    }
    out
}

/// The suites in the common `{name, old, new, expect}` form.
fn common_cases(suite: &str) -> Vec<JsCase> {
    let v = read_json(
        &peer_suites()
            .join("jsonschema")
            .join(suite)
            .join("cases.json"),
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut labels = Vec::new();
            for item in ["backward", "forward"] {
                if let Some(b) = c["expect"][item].as_bool() {
                    labels.push((item, b));
                }
            }
            JsCase {
                name: c["name"].as_str().unwrap_or("").to_string(),
                old: c["old"].clone(),
                new: c["new"].clone(),
                labels,
            }
        })
        .collect()
}

/// Confluent's four files: `compatible` is BACKWARD under its strict
/// policy, `compatible_lenient` BACKWARD under lenient. Schemas without
/// `$schema` are draft 7 there.
#[test]
fn jsonschema_confluent() {
    let mut cases = Vec::new();
    for file in [
        "diff-schema-examples.json",
        "diff-schema-examples-2020-12.json",
        "diff-combined-schema-examples.json",
        "diff-combined-schema-examples-2020-12.json",
    ] {
        let v = read_json(&peer_suites().join("jsonschema/confluent").join(file));
        let stem = file.trim_end_matches(".json").trim_start_matches("diff-");
        for c in v.as_array().unwrap() {
            let mut labels = vec![("backward", c["compatible"].as_bool().unwrap())];
            if let Some(l) = c["compatible_lenient"].as_bool() {
                labels.push(("backward-lenient", l));
            }
            cases.push(JsCase {
                name: format!("{stem}: {}", c["description"].as_str().unwrap_or("")),
                old: c["original_schema"].clone(),
                new: c["update_schema"].clone(),
                labels,
            });
        }
    }
    assert_eq!(cases.len(), 104 + 113 + 28 + 18);
    js_suite("jsonschema-confluent", &cases, Some(Draft::D7));
}

#[test]
fn jsonschema_apicurio() {
    let cases = common_cases("apicurio");
    assert_eq!(cases.len(), 145);
    js_suite("jsonschema-apicurio", &cases, Some(Draft::D7));
}

#[test]
fn jsonschema_jsoncompat() {
    let cases = common_cases("jsoncompat");
    assert_eq!(cases.len(), 63);
    js_suite("jsonschema-jsoncompat", &cases, Some(Draft::D2020));
}

#[test]
fn jsonschema_jsonsubschema() {
    let cases = common_cases("jsonsubschema");
    assert_eq!(cases.len(), 450);
    js_suite("jsonschema-jsonsubschema", &cases, Some(Draft::D4));
}

#[test]
fn jsonschema_karapace() {
    let cases = common_cases("karapace");
    assert_eq!(cases.len(), 321);
    js_suite("jsonschema-karapace", &cases, Some(Draft::D7));
}

#[test]
fn jsonschema_getsentry() {
    let cases = common_cases("getsentry");
    assert_eq!(cases.len(), 85);
    js_suite("jsonschema-getsentry", &cases, Some(Draft::D7));
}

/// jsoncompat's witness instances validate as its labels say (checked with
/// the `jsonschema` crate), and none contradicts wirecompat: an instance
/// valid under OLD and invalid under NEW proves backward broken, so
/// wirecompat must not call backward compatible (and the same forward).
#[test]
fn jsonschema_jsoncompat_witnesses() {
    let path = peer_suites().join("jsonschema/jsoncompat/cases.json");
    let v = read_json(&path);
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for (i, c) in v.as_array().unwrap().iter().enumerate() {
        let name = c["name"].as_str().unwrap_or("");
        let vo = jsonschema::draft202012::new(&c["old"]).expect("old compiles");
        let vn = jsonschema::draft202012::new(&c["new"]).expect("new compiles");
        let dir = tmp.path().join(i.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        let (old, new) = (dir.join("old.json"), dir.join("new.json"));
        std::fs::write(&old, c["old"].to_string()).unwrap();
        std::fs::write(&new, c["new"].to_string()).unwrap();
        let r = wirecompat::check(&old, &new, &js_options(Some(Draft::D2020), false))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (group, want_old, want_new) in [
            ("old_only", true, false),
            ("new_only", false, true),
            ("both", true, true),
        ] {
            for w in c["witnesses"][group].as_array().into_iter().flatten() {
                checked += 1;
                if vo.is_valid(w) != want_old || vn.is_valid(w) != want_new {
                    problems.push(format!("{name}: {group} witness {w} does not validate so"));
                }
                let contradicted = match group {
                    "old_only" => Some(Direction::Backward),
                    "new_only" => Some(Direction::Forward),
                    _ => None,
                };
                if let Some(d) = contradicted
                    && r.direction_word(d) == "compatible"
                {
                    problems.push(format!(
                        "{name}: wirecompat calls {} compatible, but {w} is valid only under {}",
                        d.as_str(),
                        if want_old { "OLD" } else { "NEW" }
                    ));
                }
            }
        }
    }
    println!("jsoncompat witnesses: {checked} instances checked");
    assert_eq!(checked, 116);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
