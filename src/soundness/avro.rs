//! The Avro soundness harness (see the module above): random record
//! schemas (primitives, enums with and without defaults, fixed, arrays,
//! maps, unions nullable or not, nested and referenced records, decimals,
//! dates, times, timestamps, uuids, field defaults and aliases), random
//! evolutions of them (fields added with or without a default, removed,
//! renamed with or without an alias, reordered; types promoted, narrowed or
//! replaced, made nullable or not; enum symbols and defaults, union
//! branches, fixed sizes, decimal scales and precisions, logical types and
//! type names changed), and random data.
//!
//! Truth is the Avro specification's Schema Resolution, as
//! [`crate::formats::avro::meaning`] reads it, not apache-avro alone:
//! apache-avro resolves values, not schemas, and departs from the
//! specification in places (it ignores reader field aliases and the names
//! of named types, picks a union branch by the value's shape, accepts a
//! long that fits an int, a double as a float and a string as a fixed of
//! any size, refuses a decimal whose bytes are shorter than the reader's
//! precision would need, refuses a value of another logical type on the
//! same underlying type (a timestamp in another unit, a uuid read as a
//! string), fills a bytes default with its UTF-8 encoding and a union
//! default from its first branch). So, for a
//! direction said compatible, a datum is a counterexample when the
//! specification's reading of it breaks (it refuses it, or the meaning
//! changes), whatever apache-avro does; when only apache-avro breaks it,
//! the datum is counted as a library disagreement, by kind.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value as Json, json};

use super::{Config, Counterexample, Failure, Rng, Stats};
use crate::finding::Direction;
use crate::formats::avro::library::{self, ApacheSchema, Channel, Library};
use crate::formats::avro::meaning::{self, Sides};
use crate::formats::avro::pair::Origin;
use crate::formats::avro::witness::{Trial, replay, trial};
use crate::formats::avro::{self, datum};

/// Runs evolutions of random avro schemas until `cfg` says stop.
pub fn run(cfg: &Config) -> Stats {
    // apache-avro recurses once per level of a datum with large frames: run
    // on a thread with room for it (a test's thread has 2 MiB).
    let cfg = cfg.clone();
    std::thread::Builder::new()
        .name("wirecompat-avro-soundness".into())
        .stack_size(crate::formats::avro::witness::STACK)
        .spawn(move || run_here(&cfg))
        .ok()
        .and_then(|h| h.join().ok())
        .unwrap_or_default()
}

fn run_here(cfg: &Config) -> Stats {
    let mut stats = Stats::default();
    let mut kinds: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(_) => return stats,
    };
    let mut i = 0usize;
    while !cfg.done(i) {
        // Evolution i replays alone from its seed: `Config { seed, evolutions: 1, .. }`.
        let seed = cfg.seed.wrapping_add(i as u64);
        evolution(seed, cfg, dir.path(), &mut stats, &mut kinds);
        i += 1;
    }
    stats.evolutions = i;
    for (kind, (n, example)) in kinds {
        stats
            .library_samples
            .push(format!("{n} x {kind} (e.g. {example})"));
    }
    stats
}

/// The two schema texts (v(N-1), v(N)) of the evolution a seed makes, to
/// replay a counterexample by hand.
pub fn schemas(seed: u64) -> (String, String) {
    let mut rng = Rng::new(seed);
    let old = schema(&mut rng);
    let new = evolve(&old, &mut rng);
    (pretty(&old), pretty(&new))
}

/// One evolution: generate, check, and test each direction's verdict.
fn evolution(
    seed: u64,
    cfg: &Config,
    dir: &Path,
    stats: &mut Stats,
    kinds: &mut BTreeMap<String, (usize, String)>,
) {
    let mut rng = Rng::new(seed);
    let old = schema(&mut rng);
    let new = evolve(&old, &mut rng);
    let (old_text, new_text) = (pretty(&old), pretty(&new));
    let (old_path, new_path) = (dir.join("old.avsc"), dir.join("new.avsc"));
    if std::fs::write(&old_path, &old_text).is_err()
        || std::fs::write(&new_path, &new_text).is_err()
    {
        return;
    }
    let report = match crate::check(&old_path, &new_path, &crate::CheckOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            stats.refuse(seed, format!("wirecompat refused: {e}"));
            return;
        }
    };
    let load = |p: &Path| -> Result<(Library, String), String> {
        let v = avro::load_version(p, &avro::LoadOptions::default()).map_err(|e| e.to_string())?;
        let key = v
            .schema
            .tops
            .first()
            .ok_or("no top-level schema")?
            .key
            .clone();
        Ok((
            Library::new(&v.schema).map_err(|e| format!("apache-avro: {e}"))?,
            key,
        ))
    };
    let ((olib, okey), (nlib, nkey)) = match (load(&old_path), load(&new_path)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let e = o.err().or(n.err()).unwrap_or_default();
            stats.refuse(seed, format!("loading for the library: {e}"));
            return;
        }
    };
    let origin = Origin::Top {
        old: okey,
        new: nkey,
    };
    let ctx = Case {
        seed,
        old: &old_text,
        new: &new_text,
    };
    for &d in Direction::BOTH {
        let (wlib, rlib, wold) = match d {
            Direction::Backward => (&olib, &nlib, true),
            Direction::Forward => (&nlib, &olib, false),
        };
        let (Some(wroot), Some(rroot)) = (wlib.root(&origin, wold), rlib.root(&origin, !wold))
        else {
            stats.refuse(seed, format!("{d}: the library has no root schema"));
            continue;
        };
        let ch = match Channel::new(wlib, wroot.schema, rlib, rroot.schema) {
            Ok(ch) => ch,
            Err(e) if e.contains("recurse without end") => {
                // apache-avro cannot read with this reader at all: counted
                // with its deviations, the direction left unchecked.
                stats.library_disagreements += 1;
                let entry = kinds
                    .entry(
                        "recurses without end (a stack overflow) resolving a reader whose \
                         union tries a record whose field defaults lead back to it"
                            .into(),
                    )
                    .or_insert_with(|| (0, format!("seed {seed}, {d}: {e}")));
                entry.0 += 1;
                continue;
            }
            Err(e) => {
                stats.refuse(seed, format!("{d}: apache-avro resolution: {e}"));
                continue;
            }
        };
        let sides = Sides {
            writer: &wlib.names,
            reader: &rlib.names,
        };
        let io = Io {
            ch: &ch,
            sides,
            ws: wroot.schema,
            rs: rroot.schema,
            names: &wlib.names,
        };
        let breaking: Vec<&crate::Finding> =
            report.findings.iter().filter(|f| f.breaks(d)).collect();
        let unknown = report.findings.iter().any(|f| f.unknown.contains(&d));
        if breaking.is_empty() && unknown {
            stats.unknown += 1;
            continue;
        }
        stats.verdicts_checked += 1;
        if breaking.is_empty() {
            stats.compatible += 1;
            compatible(&ctx, d, &io, cfg, &mut rng, stats, kinds);
        } else {
            broken(&ctx, d, &io, &breaking, &mut rng, stats);
        }
    }
}

/// The evolution being tested, for counterexamples.
struct Case<'a> {
    seed: u64,
    old: &'a str,
    new: &'a str,
}

impl Case<'_> {
    fn counterexample(&self, failure: Failure, d: Direction, detail: String) -> Counterexample {
        Counterexample {
            failure,
            direction: d,
            seed: self.seed,
            old: self.old.to_string(),
            new: self.new.to_string(),
            detail,
        }
    }
}

/// A direction's writer and reader.
struct Io<'a> {
    ch: &'a Channel<'a>,
    sides: Sides<'a>,
    ws: &'a ApacheSchema,
    rs: &'a ApacheSchema,
    names: &'a std::collections::HashMap<String, ApacheSchema>,
}

fn describe(io: &Io, t: &Trial) -> String {
    let mut s = format!(
        "datum {} (bytes {})",
        meaning::show(io.ws, &t.written, io.names),
        crate::witness::hex(&t.bytes, 64)
    );
    match &t.read {
        Err(e) => s.push_str(&format!("; apache-avro refuses it: {e}")),
        Ok(_) if t.diffs.is_empty() => s.push_str("; apache-avro reads it with its meaning"),
        Ok(_) => {
            for x in &t.diffs {
                s.push_str(&format!(
                    "; apache-avro reads `{}` = {} as {}",
                    x.at, x.writer_sees, x.reader_sees
                ));
            }
        }
    }
    for p in &t.spec.problems {
        s.push_str(&format!(
            "; the specification refuses `{}`: {}",
            p.at, p.why
        ));
    }
    for x in t
        .spec_diffs
        .iter()
        .filter(|x| !t.spec.problems.iter().any(|p| p.path == x.path))
    {
        s.push_str(&format!(
            "; under the specification `{}` = {} reads as {}",
            x.at, x.writer_sees, x.reader_sees
        ));
    }
    s
}

/// A direction said compatible: random data must keep its meaning under
/// the specification; apache-avro's deviations are counted apart.
fn compatible(
    ctx: &Case,
    d: Direction,
    io: &Io,
    cfg: &Config,
    rng: &mut Rng,
    stats: &mut Stats,
    kinds: &mut BTreeMap<String, (usize, String)>,
) {
    for _ in 0..cfg.data_per_direction {
        let Some(v) = datum::random(io.names, io.ws, rng) else {
            return;
        };
        let Some(t) = trial(io.ch, io.sides, io.ws, io.rs, &v) else {
            continue;
        };
        stats.data_checked += 1;
        if t.spec_broken() {
            stats.counterexamples.push(ctx.counterexample(
                Failure::Unsound,
                d,
                format!("said compatible, but {}", describe(io, &t)),
            ));
            return;
        }
        if t.broken() {
            stats.library_disagreements += 1;
            let kind = library_kind(&t, &library::aliased_fields(io.rs, io.sides.reader));
            let entry = kinds.entry(kind).or_insert_with(|| {
                (
                    0,
                    format!(
                        "seed {}, {d}: {}",
                        ctx.seed,
                        crate::witness::cut(&describe(io, &t), 300)
                    ),
                )
            });
            entry.0 += 1;
        }
    }
}

/// What kind of apache-avro deviation a trial shows.
fn library_kind(t: &Trial, aliased: &[String]) -> String {
    let by_alias = |at: &str| {
        at.split('.')
            .map(|seg| seg.split('[').next().unwrap_or(seg))
            .any(|seg| aliased.iter().any(|a| a == seg))
    };
    match &t.read {
        Err(e) => {
            let missing = e
                .strip_prefix("Missing field in record: ")
                .map(|f| f.trim_matches('"'));
            let kind = if e.starts_with("Precision") {
                "refuses a decimal whose bytes are shorter than the reader's precision needs"
            } else if missing.is_some_and(|f| aliased.iter().any(|a| a == f))
                || (e.ends_with("got: Null") && !aliased.is_empty())
            {
                "does not read a field through the reader's alias for it"
            } else if e.contains("Timestamp")
                || e.contains("Time")
                || e.contains("Date")
                || e.contains("Decimal")
            {
                "refuses a value of another logical type on the same underlying type"
            } else if e.starts_with("Could not find matching type") {
                "finds no union branch for a value the specification resolves"
            } else {
                return format!("refuses it: {}", crate::witness::cut(e, 60));
            };
            kind.to_string()
        }
        Ok(_) => {
            let x = &t.diffs[0];
            if by_alias(&x.at) {
                "does not read a field through the reader's alias for it (it fills the reader's \
                 default instead)"
                    .into()
            } else if x.reader_sees.ends_with("not the default") {
                "fills a reader default otherwise than the specification (bytes or fixed code \
                 points, or a union default that fits a later branch)"
                    .into()
            } else if x.writer_sees.ends_with(')') && x.reader_sees.ends_with(')') {
                "picks a union branch by the value's shape, not by the writer's type name".into()
            } else {
                format!(
                    "reads another value ({} as {})",
                    crate::witness::cut(&x.writer_sees, 30),
                    crate::witness::cut(&x.reader_sees, 30)
                )
            }
        }
    }
}

/// A direction said broken: every witness must still verify; findings
/// without one are counted.
fn broken(
    ctx: &Case,
    d: Direction,
    io: &Io,
    breaking: &[&crate::Finding],
    rng: &mut Rng,
    stats: &mut Stats,
) {
    let mut unwitnessed: Option<&crate::Finding> = None;
    for f in breaking {
        let ws: Vec<&crate::witness::Witness> =
            f.witnesses.iter().filter(|w| w.direction == d).collect();
        if ws.is_empty() {
            unwitnessed.get_or_insert(f);
        }
        for w in ws {
            let verified = unhex(&w.payload).is_some_and(|bytes| match io.ch.decode(&bytes) {
                Ok(written) => replay(io.ch, io.sides, io.ws, io.rs, bytes, written).broken(),
                Err(_) => false,
            });
            if !verified {
                stats.counterexamples.push(ctx.counterexample(
                    Failure::WitnessFailed,
                    d,
                    format!(
                        "{} {}: the witness {} no longer shows a break ({} / {})",
                        f.rule.code, f.rule.name, w.payload, w.writer_sees, w.reader_sees
                    ),
                ));
            }
        }
    }
    match unwitnessed {
        None => stats.broken_witnessed += 1,
        Some(f) => {
            stats.broken_unwitnessed += 1;
            if stats.unwitnessed_samples.len() < 20 {
                // Whether random data breaks at all, as a hint of a false
                // alarm.
                let mut broke = 0;
                let n = 20;
                for _ in 0..n {
                    if let Some(v) = datum::random(io.names, io.ws, rng)
                        && let Some(t) = trial(io.ch, io.sides, io.ws, io.rs, &v)
                        && (t.broken() || t.spec_broken())
                    {
                        broke += 1;
                    }
                }
                stats.unwitnessed_samples.push(format!(
                    "seed {} {d}: {} {} ({}); {}; random data broken: {broke} of {n}",
                    ctx.seed,
                    f.rule.code,
                    f.rule.name,
                    f.message,
                    f.witness_note.as_deref().unwrap_or("no note"),
                ));
            }
        }
    }
}

/// The bytes of a witness payload (`None` when it was cut).
fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.starts_with('(') {
        return Some(Vec::new());
    }
    s.split(' ')
        .map(|b| u8::from_str_radix(b, 16).ok())
        .collect()
}

fn pretty(v: &Json) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Schemas

const NAMESPACE: &str = "t.ns";

/// Names of the named types a schema defines, for references.
struct Gen {
    next: usize,
    /// (name, kind) of every named type defined so far.
    named: Vec<(String, &'static str)>,
}

impl Gen {
    fn name(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }
}

/// A random top-level record.
fn schema(rng: &mut Rng) -> Json {
    let mut g = Gen {
        next: 0,
        named: Vec::new(),
    };
    let mut r = record(rng, &mut g, 0);
    r["namespace"] = json!(NAMESPACE);
    fix(&mut r, &BTreeMap::new(), rng);
    r
}

fn record(rng: &mut Rng, g: &mut Gen, depth: usize) -> Json {
    let name = g.name("R");
    g.named.push((name.clone(), "record"));
    let n = 1 + rng.below(if depth == 0 { 6 } else { 3 });
    let mut fields = Vec::new();
    for k in 0..n {
        fields.push(field(rng, g, depth, &format!("f{k}")));
    }
    let mut r = json!({"type": "record", "name": name, "fields": fields});
    if rng.percent(10) {
        r["aliases"] = json!([format!("Old{name}")]);
    }
    r
}

fn field(rng: &mut Rng, g: &mut Gen, depth: usize, name: &str) -> Json {
    let t = ty(rng, g, depth + 1);
    let mut f = json!({"name": name, "type": t});
    if rng.percent(35) {
        let t = f["type"].clone();
        if let Some(dflt) = default_for(rng, &t) {
            f["default"] = dflt;
        }
    }
    if rng.percent(8) {
        f["aliases"] = json!([format!("{name}_old")]);
    }
    f
}

const PRIMS: &[&str] = &[
    "int", "long", "float", "double", "string", "bytes", "boolean",
];

fn ty(rng: &mut Rng, g: &mut Gen, depth: usize) -> Json {
    let deep = depth > 3;
    match rng.below(100) {
        0..=39 => json!(*rng.pick(PRIMS)),
        40..=49 => logical(rng, g),
        50..=57 => enumeration(rng, g),
        58..=61 => fixed(rng, g),
        62..=68 if !deep => json!({"type": "array", "items": ty(rng, g, depth + 1)}),
        69..=73 if !deep => json!({"type": "map", "values": ty(rng, g, depth + 1)}),
        74..=85 => {
            let t = non_union(rng, g, depth + 1);
            if rng.percent(70) {
                json!(["null", t])
            } else {
                json!([t, "null"])
            }
        }
        86..=90 if !deep => union(rng, g, depth + 1),
        91..=96 if !deep => record(rng, g, depth + 1),
        97..=99 if !g.named.is_empty() => {
            // A reference to a type defined before; a record (perhaps one
            // being defined, which makes a recursive type) only in a union
            // with null, so that its data can end.
            let (name, kind) = rng.pick(&g.named).clone();
            if kind == "record" {
                json!(["null", name])
            } else {
                json!(name)
            }
        }
        _ => json!(*rng.pick(PRIMS)),
    }
}

fn non_union(rng: &mut Rng, g: &mut Gen, depth: usize) -> Json {
    loop {
        let t = ty(rng, g, depth.max(4));
        if !t.is_array() && t != json!("null") {
            return t;
        }
    }
}

/// A union of 2-3 branches of distinct kinds.
fn union(rng: &mut Rng, g: &mut Gen, depth: usize) -> Json {
    let n = 2 + rng.below(2);
    let mut out: Vec<Json> = Vec::new();
    let mut tries = 0;
    while out.len() < n && tries < 20 {
        tries += 1;
        let t = if rng.percent(20) {
            json!("null")
        } else if rng.percent(20) && depth < 4 {
            record(rng, g, depth + 1)
        } else {
            non_union(rng, g, depth + 1)
        };
        if out.iter().all(|b| branch_key(b) != branch_key(&t)) {
            out.push(t);
        }
    }
    if out.len() < 2 {
        out = vec![json!("null"), json!("string")];
    }
    Json::Array(out)
}

/// What two union branches may not share: the type, or for named types the
/// name.
fn branch_key(t: &Json) -> String {
    match t {
        Json::String(s) => s.clone(),
        Json::Object(o) => match o.get("type").and_then(|t| t.as_str()) {
            Some("record" | "enum" | "fixed") => {
                o.get("name").and_then(|n| n.as_str()).unwrap_or("").into()
            }
            Some(t) => t.into(),
            None => String::new(),
        },
        _ => "union".into(),
    }
}

fn logical(rng: &mut Rng, g: &mut Gen) -> Json {
    match rng.below(9) {
        0 | 1 => {
            let p = 1 + rng.below(20) as u64;
            let s = rng.below(p as usize + 1) as u64;
            json!({"type": "bytes", "logicalType": "decimal", "precision": p, "scale": s})
        }
        2 => {
            let size = 4 + rng.below(8);
            let name = g.name("D");
            g.named.push((name.clone(), "fixed"));
            let maxp = ((8.0 * size as f64 - 1.0) * 2f64.log10()).floor() as usize;
            let p = 1 + rng.below(maxp.max(1));
            let s = rng.below(p + 1);
            json!({"type": "fixed", "name": name, "size": size, "logicalType": "decimal",
                   "precision": p, "scale": s})
        }
        3 => json!({"type": "int", "logicalType": "date"}),
        4 => json!({"type": "int", "logicalType": "time-millis"}),
        5 => {
            json!({"type": "long", "logicalType": *rng.pick(&["timestamp-millis", "timestamp-micros"])})
        }
        6 => {
            json!({"type": "long", "logicalType": *rng.pick(&["local-timestamp-millis", "time-micros"])})
        }
        7 => json!({"type": "string", "logicalType": "uuid"}),
        _ => json!({"type": "long", "logicalType": "timestamp-millis"}),
    }
}

const SYMBOLS: &[&str] = &["A", "B", "C", "D", "E", "F"];

fn enumeration(rng: &mut Rng, g: &mut Gen) -> Json {
    let name = g.name("E");
    g.named.push((name.clone(), "enum"));
    let n = 1 + rng.below(4);
    let start = rng.below(3);
    let symbols: Vec<&str> = SYMBOLS[start..start + n].to_vec();
    let mut e = json!({"type": "enum", "name": name, "symbols": symbols});
    if rng.percent(30) {
        e["default"] = json!(*rng.pick(&symbols));
    }
    e
}

fn fixed(rng: &mut Rng, g: &mut Gen) -> Json {
    let name = g.name("F");
    g.named.push((name.clone(), "fixed"));
    json!({"type": "fixed", "name": name, "size": 1 + rng.below(6)})
}

/// Named definitions of a schema by name (for defaults of references).
fn definitions(v: &Json, out: &mut BTreeMap<String, Json>) {
    match v {
        Json::Object(o) => {
            if let (Some(t), Some(n)) = (
                o.get("type").and_then(|t| t.as_str()),
                o.get("name").and_then(|n| n.as_str()),
            ) && matches!(t, "record" | "enum" | "fixed")
            {
                out.entry(n.to_string()).or_insert_with(|| v.clone());
            }
            for (k, x) in o {
                if k != "default" {
                    definitions(x, out);
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| definitions(x, out)),
        _ => {}
    }
}

/// A valid default for a type (its first branch for a union), sometimes
/// one of a later branch (valid since Avro 1.12).
fn default_for(rng: &mut Rng, t: &Json) -> Option<Json> {
    default_with(rng, t, &BTreeMap::new(), 0)
}

fn default_with(rng: &mut Rng, t: &Json, defs: &BTreeMap<String, Json>, d: usize) -> Option<Json> {
    if d > 6 {
        return None;
    }
    Some(match t {
        Json::String(s) => match s.as_str() {
            "null" => Json::Null,
            "boolean" => json!(rng.percent(50)),
            "int" | "long" => json!(rng.range(-5, 5)),
            "float" | "double" => json!(1.5),
            "string" => json!(*rng.pick(&["x", "", "dflt"])),
            "bytes" => json!(*rng.pick(&["ab", "", "\u{00ff}"])),
            name => return default_with(rng, defs.get(name)?, defs, d + 1),
        },
        // apache-avro takes a string in a record's default for a union's
        // uuid branch before its first, `bytes`, one, and refuses it.
        Json::Array(bs)
            if d > 0
                && bs
                    .iter()
                    .any(|b| b.get("logicalType") == Some(&json!("uuid"))) =>
        {
            return None;
        }
        Json::Array(bs) => {
            // Now and then a later branch's, at the field's own union (Avro
            // 1.12 allows it; nested in a record default, apache-avro does
            // not).
            let i = if d == 0 && rng.percent(10) {
                rng.below(bs.len().max(1))
            } else {
                0
            };
            // (A later branch of a primitive type only: apache-avro checks
            // a default against the types defined so far.)
            let i = if bs
                .get(i)
                .is_some_and(|b| b.as_str().is_some_and(|p| PRIMS.contains(&p)))
            {
                i
            } else {
                0
            };
            default_with(rng, bs.get(i)?, defs, d + 1)?
        }
        Json::Object(o) => match o.get("type")? {
            Json::String(k) => match k.as_str() {
                "record" => {
                    let mut m = serde_json::Map::new();
                    for f in o.get("fields")?.as_array()? {
                        let name = f.get("name")?.as_str()?;
                        m.insert(name.into(), default_with(rng, f.get("type")?, defs, d + 1)?);
                    }
                    Json::Object(m)
                }
                "enum" => json!(rng.pick(o.get("symbols")?.as_array()?).clone()),
                "fixed" => {
                    let size = o.get("size")?.as_u64()? as usize;
                    if o.contains_key("logicalType") {
                        json!("\u{0}".repeat(size))
                    } else {
                        json!("a".repeat(size))
                    }
                }
                "array" => {
                    if rng.percent(50) {
                        json!([])
                    } else {
                        json!([default_with(rng, o.get("items")?, defs, d + 1)?])
                    }
                }
                "map" => json!({}),
                "int" | "long" if o.contains_key("logicalType") => json!(0),
                "string" if o.get("logicalType") == Some(&json!("uuid")) => {
                    json!("1b4e28ba-2fa1-11d2-883f-0016d3cca427")
                }
                "bytes" if o.contains_key("logicalType") => json!("\u{0}"),
                other => return default_with(rng, &json!(other), defs, d + 1),
            },
            inner => return default_with(rng, inner, defs, d + 1),
        },
        _ => return None,
    })
}

/// Whether a default is valid for a type (a union's: for its first
/// branch, or a later one as Avro 1.12 allows).
fn default_ok(v: &Json, t: &Json, defs: &BTreeMap<String, Json>, d: usize) -> bool {
    if d > 8 {
        return false;
    }
    match t {
        Json::String(s) => match s.as_str() {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "int" => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            "long" => v.as_i64().is_some(),
            "float" | "double" => v.is_number(),
            "string" | "bytes" => v.is_string(),
            name => defs
                .get(name)
                .is_some_and(|x| default_ok(v, x, defs, d + 1)),
        },
        Json::Array(bs) => bs.iter().any(|b| default_ok(v, b, defs, d + 1)),
        Json::Object(o) => match o.get("type") {
            Some(Json::String(k)) => match k.as_str() {
                "record" => {
                    let (Some(m), Some(fs)) =
                        (v.as_object(), o.get("fields").and_then(|f| f.as_array()))
                    else {
                        return false;
                    };
                    fs.iter().all(|f| {
                        let name = f.get("name").and_then(|n| n.as_str()).unwrap_or("");
                        match (m.get(name), f.get("type")) {
                            (Some(x), Some(ft)) => default_ok(x, ft, defs, d + 1),
                            // apache-avro wants every field in a record's
                            // default, defaults or not.
                            (None, _) => false,
                            _ => false,
                        }
                    }) && m.keys().all(|k| {
                        fs.iter()
                            .any(|f| f.get("name").and_then(|n| n.as_str()) == Some(k))
                    })
                }
                "enum" => o
                    .get("symbols")
                    .and_then(|s| s.as_array())
                    .is_some_and(|s| s.contains(v)),
                "fixed" => {
                    let size = o.get("size").and_then(|s| s.as_u64()).unwrap_or(0) as usize;
                    v.as_str().is_some_and(|s| s.chars().count() == size)
                }
                "array" => v.as_array().is_some_and(|a| {
                    a.iter().all(|x| {
                        o.get("items")
                            .is_some_and(|i| default_ok(x, i, defs, d + 1))
                    })
                }),
                "map" => v.as_object().is_some_and(|m| {
                    m.values().all(|x| {
                        o.get("values")
                            .is_some_and(|i| default_ok(x, i, defs, d + 1))
                    })
                }),
                "string" if o.get("logicalType") == Some(&json!("uuid")) => {
                    v.as_str().is_some_and(meaning::is_uuid)
                }
                other => default_ok(v, &json!(other), defs, d + 1),
            },
            Some(inner) => default_ok(v, inner, defs, d + 1),
            None => false,
        },
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Evolutions

/// Every JSON pointer in `v` to a value matching `want`, in document order.
fn pointers(v: &Json, at: &str, want: &dyn Fn(&Json) -> bool, out: &mut Vec<String>) {
    if want(v) {
        out.push(at.to_string());
    }
    match v {
        Json::Object(o) => {
            for (k, x) in o {
                if k != "default" {
                    pointers(x, &format!("{at}/{k}"), want, out);
                }
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, &format!("{at}/{i}"), want, out);
            }
        }
        _ => {}
    }
}

fn kind_of(v: &Json) -> Option<&str> {
    v.get("type").and_then(|t| t.as_str())
}

fn is_record(v: &Json) -> bool {
    kind_of(v) == Some("record")
}

/// A new version of `old`: one to three random changes (sometimes none).
fn evolve(old: &Json, rng: &mut Rng) -> Json {
    let mut new = old.clone();
    if rng.percent(8) {
        return new;
    }
    let mut g = Gen {
        next: 100 + rng.below(100),
        named: Vec::new(),
    };
    let mut defs = BTreeMap::new();
    definitions(old, &mut defs);
    for (name, d) in &defs {
        g.named.push((
            name.clone(),
            match kind_of(d) {
                Some("enum") => "enum",
                Some("fixed") => "fixed",
                _ => "record",
            },
        ));
    }
    let n = 1 + rng.below(3);
    for _ in 0..n {
        mutate(&mut new, rng, &mut g);
        // The latest definition of every named type, for a reference whose
        // definition a change removed.
        let mut now = BTreeMap::new();
        definitions(&new, &mut now);
        defs.extend(now);
    }
    fix(&mut new, &defs, rng);
    new
}

fn mutate(v: &mut Json, rng: &mut Rng, g: &mut Gen) {
    let mut records = Vec::new();
    pointers(v, "", &is_record, &mut records);
    // Fields: the objects in a record's `fields`.
    let mut fields = Vec::new();
    pointers(v, "", &|x| x.is_object(), &mut fields);
    fields.retain(|p| {
        p.rsplit_once('/')
            .is_some_and(|(parent, _)| parent.ends_with("/fields"))
    });
    match rng.below(15) {
        // Add a field, with or without a default.
        0 | 1 => {
            let r = rng.pick(&records).clone();
            let k = 50 + rng.below(50);
            let mut f = field(rng, g, 2, &format!("n{k}"));
            if rng.percent(70) {
                let t = f["type"].clone();
                if let Some(dflt) = default_for(rng, &t) {
                    f["default"] = dflt;
                }
            } else if let Some(o) = f.as_object_mut() {
                o.remove("default");
            }
            if let Some(fs) = v
                .pointer_mut(&format!("{r}/fields"))
                .and_then(|f| f.as_array_mut())
            {
                if fs.iter().all(|x| x.get("name") != f.get("name")) {
                    let at = rng.below(fs.len() + 1);
                    fs.insert(at, f);
                }
            }
        }
        // Remove a field.
        2 => {
            if let Some(p) = pick(rng, &fields)
                && let Some((parent, i)) = p.rsplit_once('/')
                && let Ok(i) = i.parse::<usize>()
                && let Some(fs) = v.pointer_mut(parent).and_then(|f| f.as_array_mut())
                && fs.len() > 1
            {
                fs.remove(i);
            }
        }
        // Change a type (a field's, an array's items, a map's values, a
        // union's branch): promote, narrow, or replace.
        3..=5 => {
            let mut places = Vec::new();
            type_positions(v, "", &mut places);
            if let Some(p) = pick(rng, &places)
                && let Some(t) = v.pointer_mut(&p)
            {
                let nt = match (t.as_str(), rng.below(3)) {
                    (Some("int"), 0 | 1) => json!(*rng.pick(&["long", "float", "double"])),
                    (Some("long"), 0 | 1) => json!(*rng.pick(&["float", "double", "int"])),
                    (Some("float"), 0 | 1) => json!(*rng.pick(&["double", "int", "long"])),
                    (Some("double"), 0 | 1) => json!(*rng.pick(&["float", "long"])),
                    (Some("string"), 0 | 1) => json!("bytes"),
                    (Some("bytes"), 0 | 1) => json!("string"),
                    _ => ty(rng, g, 2),
                };
                // A union's branch stays a non-union.
                let in_union = p
                    .rsplit_once('/')
                    .is_some_and(|(_, last)| last.parse::<usize>().is_ok());
                if !(in_union && nt.is_array()) {
                    *t = nt;
                }
            }
        }
        // Rename a field, with or without an alias for the old name.
        6 => {
            if let Some(p) = pick(rng, &fields)
                && let Some(f) = v.pointer_mut(&p)
            {
                let old = f["name"].as_str().unwrap_or("x").to_string();
                f["name"] = json!(format!("{old}r"));
                if rng.percent(60) {
                    f["aliases"] = json!([old]);
                }
            }
        }
        // Reorder a record's fields.
        7 => {
            let r = rng.pick(&records).clone();
            if let Some(fs) = v
                .pointer_mut(&format!("{r}/fields"))
                .and_then(|f| f.as_array_mut())
            {
                for i in (1..fs.len()).rev() {
                    let j = rng.below(i + 1);
                    fs.swap(i, j);
                }
            }
        }
        // Make a field nullable, or not.
        8 => {
            if let Some(p) = pick(rng, &fields)
                && let Some(f) = v.pointer_mut(&p)
            {
                let t = f["type"].clone();
                match t {
                    Json::Array(bs) => {
                        let rest: Vec<Json> = bs.into_iter().filter(|b| b != "null").collect();
                        f["type"] = if rest.len() == 1 {
                            rest[0].clone()
                        } else {
                            Json::Array(rest)
                        };
                    }
                    t => {
                        f["type"] = if rng.percent(70) {
                            json!(["null", t])
                        } else {
                            json!([t, "null"])
                        };
                        if rng.percent(60) {
                            f["default"] = Json::Null;
                        }
                    }
                }
            }
        }
        // Enums: add or remove a symbol, add or remove the default.
        9 => {
            let mut enums = Vec::new();
            pointers(v, "", &|x| kind_of(x) == Some("enum"), &mut enums);
            if let Some(p) = pick(rng, &enums)
                && let Some(e) = v.pointer_mut(&p)
            {
                let syms: Vec<Json> = e["symbols"].as_array().cloned().unwrap_or_default();
                match rng.below(5) {
                    4 => {
                        let mut syms = syms.clone();
                        syms.reverse();
                        e["symbols"] = Json::Array(syms);
                    }
                    0 => {
                        if let Some(s) = SYMBOLS.iter().find(|s| !syms.contains(&json!(s))) {
                            let mut syms = syms.clone();
                            let at = rng.below(syms.len() + 1);
                            syms.insert(at, json!(s));
                            e["symbols"] = Json::Array(syms);
                        }
                    }
                    1 if syms.len() > 1 => {
                        let mut syms = syms.clone();
                        syms.remove(rng.below(syms.len()));
                        e["symbols"] = Json::Array(syms);
                    }
                    2 if !syms.is_empty() => e["default"] = rng.pick(&syms).clone(),
                    _ => {
                        if let Some(o) = e.as_object_mut() {
                            o.remove("default");
                        }
                    }
                }
            }
        }
        // Unions: add or remove a branch.
        10 => {
            let mut unions = Vec::new();
            pointers(
                v,
                "",
                &|x| {
                    x.is_array()
                        && x.as_array().is_some_and(|a| {
                            a.iter().all(|b| !b.is_array())
                                && a.iter().any(|b| b.is_string() || b.is_object())
                        })
                },
                &mut unions,
            );
            // Only unions in a type position (not `fields`, `symbols` or `aliases`).
            unions.retain(|p| {
                !p.ends_with("/fields") && !p.ends_with("/symbols") && !p.ends_with("/aliases")
            });
            if let Some(p) = pick(rng, &unions)
                && let Some(u) = v.pointer_mut(&p)
                && let Some(bs) = u.as_array_mut()
            {
                if rng.percent(50) && bs.len() > 2 {
                    bs.remove(rng.below(bs.len()));
                } else {
                    let t = non_union(rng, g, 4);
                    if bs.iter().all(|b| branch_key(b) != branch_key(&t)) {
                        let at = rng.below(bs.len() + 1);
                        bs.insert(at, t);
                    }
                }
            }
        }
        // Fixed sizes.
        11 => {
            let mut fx = Vec::new();
            pointers(
                v,
                "",
                &|x| kind_of(x) == Some("fixed") && x.get("logicalType").is_none(),
                &mut fx,
            );
            if let Some(p) = pick(rng, &fx)
                && let Some(f) = v.pointer_mut(&p)
            {
                f["size"] = json!(1 + rng.below(8));
            }
        }
        // Decimals: scale or precision.
        12 => {
            let mut ds = Vec::new();
            pointers(
                v,
                "",
                &|x| x.get("logicalType") == Some(&json!("decimal")),
                &mut ds,
            );
            if let Some(p) = pick(rng, &ds)
                && let Some(dd) = v.pointer_mut(&p)
            {
                let prec = dd["precision"].as_u64().unwrap_or(4);
                let scale = dd["scale"].as_u64().unwrap_or(0);
                let limit = match dd.get("size").and_then(|s| s.as_u64()) {
                    Some(size) => ((8.0 * size as f64 - 1.0) * 2f64.log10()).floor() as u64,
                    None => 38,
                };
                if rng.percent(50) {
                    let np = (prec as i64 + rng.range(-3, 3)).clamp(1, limit as i64) as u64;
                    dd["precision"] = json!(np);
                    if scale > np {
                        dd["scale"] = json!(np);
                    }
                } else {
                    dd["scale"] = json!(rng.range(0, prec as i64));
                }
            }
        }
        // Logical types: another unit, added, removed.
        13 => {
            let mut ls = Vec::new();
            pointers(
                v,
                "",
                &|x| {
                    matches!(
                        x.get("logicalType").and_then(|l| l.as_str()),
                        Some(
                            "timestamp-millis"
                                | "timestamp-micros"
                                | "local-timestamp-millis"
                                | "time-micros"
                                | "date"
                                | "time-millis"
                                | "uuid"
                        )
                    )
                },
                &mut ls,
            );
            if let Some(p) = pick(rng, &ls)
                && let Some(l) = v.pointer_mut(&p)
            {
                let under = l["type"].as_str().unwrap_or("long").to_string();
                *l = match (under.as_str(), rng.below(2)) {
                    ("long", 0) => json!({"type": "long", "logicalType": *rng.pick(&[
                        "timestamp-millis", "timestamp-micros", "local-timestamp-millis", "time-micros"])}),
                    ("int", 0) => {
                        json!({"type": "int", "logicalType": *rng.pick(&["date", "time-millis"])})
                    }
                    (u, _) => json!(u),
                };
            } else if let Some(p) = pick(rng, &fields)
                && let Some(f) = v.pointer_mut(&p)
            {
                match f["type"].as_str() {
                    Some("long") => {
                        f["type"] = json!({"type": "long", "logicalType": "timestamp-millis"})
                    }
                    Some("int") => f["type"] = json!({"type": "int", "logicalType": "date"}),
                    Some("string") => f["type"] = json!({"type": "string", "logicalType": "uuid"}),
                    _ => {}
                }
            }
        }
        // Rename a named type, with or without an alias for the old name.
        _ => {
            let mut named = Vec::new();
            pointers(
                v,
                "",
                &|x| matches!(kind_of(x), Some("record" | "enum" | "fixed")),
                &mut named,
            );
            named.retain(|p| !p.is_empty());
            if let Some(p) = pick(rng, &named) {
                let old = v
                    .pointer(&p)
                    .and_then(|x| x["name"].as_str())
                    .unwrap_or("")
                    .to_string();
                // (Enums and fixed only: a record's short references would
                // resolve in its new namespace.)
                let leaf = v
                    .pointer(&p)
                    .is_some_and(|x| matches!(kind_of(x), Some("enum" | "fixed")));
                if leaf && rng.percent(30) && !old.contains('.') {
                    // Another namespace: names compare unqualified.
                    let full = format!("other.{old}");
                    rename_refs(v, &old, &full);
                    if let Some(t) = v.pointer_mut(&p) {
                        t["name"] = json!(full);
                    }
                    return;
                }
                let new = format!("{old}x");
                rename_refs(v, &old, &new);
                if let Some(t) = v.pointer_mut(&p) {
                    t["name"] = json!(new);
                    if rng.percent(60) {
                        t["aliases"] = json!([old]);
                    } else if let Some(o) = t.as_object_mut() {
                        o.remove("aliases");
                    }
                }
            }
        }
    }
}

/// Pointers to every place a type sits: record fields' types, arrays'
/// items, maps' values, unions' branches.
fn type_positions(v: &Json, at: &str, out: &mut Vec<String>) {
    match v {
        Json::Array(bs) => {
            for (i, b) in bs.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                type_positions(b, &p, out);
            }
        }
        Json::Object(o) => match o.get("type") {
            Some(Json::String(k)) => match k.as_str() {
                "record" => {
                    for (i, f) in o
                        .get("fields")
                        .and_then(|f| f.as_array())
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        let p = format!("{at}/fields/{i}/type");
                        out.push(p.clone());
                        if let Some(t) = f.get("type") {
                            type_positions(t, &p, out);
                        }
                    }
                }
                "array" | "map" => {
                    let k = if k == "array" { "items" } else { "values" };
                    let p = format!("{at}/{k}");
                    out.push(p.clone());
                    if let Some(t) = o.get(k) {
                        type_positions(t, &p, out);
                    }
                }
                _ => {}
            },
            Some(inner) => type_positions(inner, &format!("{at}/type"), out),
            None => {}
        },
        _ => {}
    }
}

fn pick(rng: &mut Rng, v: &[String]) -> Option<String> {
    if v.is_empty() {
        None
    } else {
        Some(rng.pick(v).clone())
    }
}

/// Renames the references to a named type (type positions only).
fn rename_refs(v: &mut Json, old: &str, new: &str) {
    match v {
        Json::String(s) if s == old => *s = new.to_string(),
        Json::Array(a) => a.iter_mut().for_each(|x| rename_refs(x, old, new)),
        Json::Object(o) => {
            for (k, x) in o.iter_mut() {
                if matches!(k.as_str(), "type" | "items" | "values" | "fields") {
                    rename_refs(x, old, new);
                }
            }
        }
        _ => {}
    }
}

/// Makes a mutated schema valid again: every named type defined before its
/// references (a definition moved or removed moves to its first use),
/// record field names unique, union branches distinct, defaults valid.
fn fix(v: &mut Json, known: &BTreeMap<String, Json>, rng: &mut Rng) {
    let mut defs = known.clone();
    definitions(v, &mut defs);
    let mut seen = std::collections::BTreeSet::new();
    place_definitions(v, &defs, &mut seen);
    let mut defs = BTreeMap::new();
    definitions(v, &mut defs);
    fix_defaults(v, &defs, rng);
}

fn place_definitions(
    v: &mut Json,
    defs: &BTreeMap<String, Json>,
    seen: &mut std::collections::BTreeSet<String>,
) {
    match v {
        Json::String(s) => {
            if defs.contains_key(s.as_str()) && !seen.contains(s.as_str()) {
                let mut d = defs[s.as_str()].clone();
                seen.insert(s.clone());
                place_inner(&mut d, defs, seen);
                *v = d;
            } else if !PRIMS.contains(&s.as_str()) && s != "null" && !defs.contains_key(s.as_str())
            {
                // A reference to a type whose definition was dropped (a
                // discarded union branch).
                *v = json!("string");
            }
        }
        Json::Array(a) => {
            for x in a.iter_mut() {
                place_definitions(x, defs, seen);
            }
            // Union branches stay distinct.
            let mut keys = std::collections::BTreeSet::new();
            a.retain(|b| keys.insert(branch_key(b)));
        }
        Json::Object(o) => {
            let named = matches!(
                o.get("type").and_then(|t| t.as_str()),
                Some("record" | "enum" | "fixed")
            );
            if named && let Some(n) = o.get("name").and_then(|n| n.as_str()).map(str::to_string) {
                if seen.contains(&n) {
                    *v = Json::String(n);
                    return;
                }
                seen.insert(n);
            }
            place_inner(v, defs, seen);
        }
        _ => {}
    }
}

fn place_inner(
    v: &mut Json,
    defs: &BTreeMap<String, Json>,
    seen: &mut std::collections::BTreeSet<String>,
) {
    let Json::Object(o) = v else {
        return;
    };
    if let Some(Json::Array(fs)) = o.get_mut("fields") {
        let mut names = std::collections::BTreeSet::new();
        fs.retain(|f| {
            names.insert(
                f.get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
                    .to_string(),
            )
        });
        for f in fs.iter_mut() {
            if let Some(t) = f.get_mut("type") {
                place_definitions(t, defs, seen);
            }
        }
    }
    for k in ["items", "values"] {
        if let Some(t) = o.get_mut(k) {
            place_definitions(t, defs, seen);
        }
    }
    if let Some(t) = o.get_mut("type")
        && !t.is_string()
    {
        place_definitions(t, defs, seen);
    }
}

fn fix_defaults(v: &mut Json, defs: &BTreeMap<String, Json>, rng: &mut Rng) {
    match v {
        Json::Object(o) => {
            if let Some(Json::Array(fs)) = o.get_mut("fields") {
                for f in fs.iter_mut() {
                    let Some(t) = f.get("type").cloned() else {
                        continue;
                    };
                    if let Some(dflt) = f.get("default").cloned()
                        && !default_ok(&dflt, &t, defs, 0)
                    {
                        match default_with(rng, &t, defs, 0).filter(|x| default_ok(x, &t, defs, 0))
                        {
                            Some(x) => f["default"] = x,
                            None => {
                                if let Some(fo) = f.as_object_mut() {
                                    fo.remove("default");
                                }
                            }
                        }
                    }
                    if let Some(t) = f.get_mut("type") {
                        fix_defaults(t, defs, rng);
                    }
                }
            }
            if kind_of(v) == Some("enum") {
                let syms = v["symbols"].clone();
                if let Some(d) = v.get("default").cloned()
                    && !syms.as_array().is_some_and(|s| s.contains(&d))
                    && let Some(o) = v.as_object_mut()
                {
                    o.remove("default");
                }
            }
            if let Json::Object(o) = v {
                for k in ["items", "values", "type"] {
                    if let Some(t) = o.get_mut(k)
                        && !t.is_string()
                    {
                        fix_defaults(t, defs, rng);
                    }
                }
            }
        }
        Json::Array(a) => a.iter_mut().for_each(|x| fix_defaults(x, defs, rng)),
        _ => {}
    }
}
