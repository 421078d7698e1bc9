//! The JSON Schema soundness harness (see the module above).
//!
//! * **Schemas**: a random root object (draft 2020-12 or 7) with nested
//!   objects and arrays, unions of types, `enum`/`const`, numeric bounds
//!   (exclusive too) and `multipleOf`, string lengths and simple patterns,
//!   `items`/`prefixItems` (`items` arrays and `additionalItems` in draft
//!   7), item counts, `uniqueItems`, `contains`, `additionalProperties`,
//!   `patternProperties`, `propertyNames`, property counts, dependencies,
//!   `anyOf`/`oneOf`/`allOf`/`not`, `if`/`then`/`else`, `$ref` to
//!   `$defs` (`definitions`), a recursive definition now and then, and
//!   boolean schemas.
//! * **Evolutions**: one to three edits at random places: bounds tightened,
//!   loosened, added, dropped or made exclusive, `multipleOf` changed,
//!   lengths and patterns changed, properties added or removed, required
//!   or not, objects closed or opened, pattern properties and property
//!   names changed, types changed, widened or narrowed, enum values added
//!   or removed, `const` turned into `enum`, item schemas and counts
//!   changed, `uniqueItems` and `contains` toggled, schemas wrapped in (or
//!   unwrapped from) `anyOf`/`oneOf`, `not` added or removed, references
//!   retargeted, a schema replaced.
//! * **Data**: instances drawn from the writer's schema structure (one
//!   alternative of each disjunction, the conjunction of every applicable
//!   schema, values at and around bounds, enum values and names of both
//!   versions), kept only when the `jsonschema` crate says the writer's
//!   schema accepts them.
//!
//! Every direction said compatible must accept all such data of the other
//! side; every witness of a direction said broken must validate again
//! (valid under the writer's schema, invalid under the reader's).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{Config, Counterexample, Failure, Rng, Stats};
use crate::CheckOptions;
use crate::finding::Direction;
use crate::formats::jsonschema::generate::{self, Pools, num_value, small_value};

/// Runs evolutions of random JSON Schemas until `cfg` says stop.
pub fn run(cfg: &Config) -> Stats {
    let mut stats = Stats::default();
    let Ok(dir) = tempfile::tempdir() else {
        return stats;
    };
    let mut seeds = Rng::new(cfg.seed);
    let mut n = 0;
    while !cfg.done(n) {
        // The first evolution's seed is the run's: a counterexample's seed
        // replays it with `evolutions: 1`.
        let seed = if n == 0 { cfg.seed } else { seeds.next_u64() };
        n += 1;
        stats.merge(evolution(seed, cfg, dir.path()));
    }
    stats
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Draft {
    D2020,
    D7,
}

impl Draft {
    fn uri(self) -> &'static str {
        match self {
            Draft::D2020 => "https://json-schema.org/draft/2020-12/schema",
            Draft::D7 => "http://json-schema.org/draft-07/schema#",
        }
    }

    fn defs(self) -> &'static str {
        match self {
            Draft::D2020 => "$defs",
            Draft::D7 => "definitions",
        }
    }

    fn crate_draft(self) -> jsonschema::Draft {
        match self {
            Draft::D2020 => jsonschema::Draft::Draft202012,
            Draft::D7 => jsonschema::Draft::Draft7,
        }
    }
}

/// The two versions of the evolution a seed makes (to replay one by
/// hand: `wirecompat check old.json new.json`).
pub fn versions(seed: u64) -> (String, String) {
    let mut rng = Rng::new(seed);
    let (_, old, new) = generate(&mut rng);
    (pretty(&old), pretty(&new))
}

fn generate(rng: &mut Rng) -> (Draft, Value, Value) {
    let draft = if rng.percent(60) {
        Draft::D2020
    } else {
        Draft::D7
    };
    let old = Gen::new(rng, draft).root();
    let new = evolve(rng, draft, &old);
    (draft, old, new)
}

/// One evolution: generate, evolve, check, and test the verdicts.
fn evolution(seed: u64, cfg: &Config, dir: &Path) -> Stats {
    let mut stats = Stats {
        evolutions: 1,
        ..Stats::default()
    };
    let mut rng = Rng::new(seed);
    let (draft, old, new) = generate(&mut rng);
    let (old_text, new_text) = (pretty(&old), pretty(&new));
    let (old_path, new_path) = (dir.join("old.json"), dir.join("new.json"));
    if std::fs::write(&old_path, &old_text).is_err()
        || std::fs::write(&new_path, &new_text).is_err()
    {
        stats.refuse(seed, "could not write the schemas");
        return stats;
    }
    let report = match crate::check(&old_path, &new_path, &CheckOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            stats.refuse(seed, format!("wirecompat refused: {e}"));
            return stats;
        }
    };
    let (Some(vo), Some(vn)) = (Checker::new(&old, draft), Checker::new(&new, draft)) else {
        stats.refuse(seed, "the jsonschema crate could not build a validator");
        return stats;
    };
    let pools = Pools::of(&[&old, &new]);
    for &d in Direction::BOTH {
        let (writer, wv, rv) = match d {
            Direction::Backward => (&old, &vo, &vn),
            Direction::Forward => (&new, &vn, &vo),
        };
        let counter = |detail: String, failure: Failure| Counterexample {
            failure,
            direction: d,
            seed,
            old: old_text.clone(),
            new: new_text.clone(),
            detail,
        };
        let breaking: Vec<&crate::Finding> =
            report.findings.iter().filter(|f| f.breaks(d)).collect();
        if !breaking.is_empty() {
            stats.verdicts_checked += 1;
            let mut unwitnessed = Vec::new();
            let mut failed = false;
            for f in &breaking {
                let ws: Vec<_> = f.witnesses.iter().filter(|w| w.direction == d).collect();
                if ws.is_empty() {
                    unwitnessed.push(*f);
                }
                for w in ws {
                    if let Err(why) = replay(w, wv, rv) {
                        failed = true;
                        stats.counterexamples.push(counter(
                            format!(
                                "{} {}: witness {} does not verify: {why}",
                                f.rule.code, f.message, w.payload
                            ),
                            Failure::WitnessFailed,
                        ));
                    }
                }
            }
            if failed {
                continue;
            }
            if unwitnessed.is_empty() {
                stats.broken_witnessed += 1;
            } else {
                stats.broken_unwitnessed += 1;
                // For review: does the harness's own data show the break
                // (the witness builder missed it) or not (a false alarm,
                // likely)?
                let data = instances(&mut rng, writer, wv, &pools, 200);
                let shown = match data.iter().find(|x| !rv.valid(x)) {
                    Some(x) => format!("the harness's data shows it: {x}"),
                    None if data.is_empty() => {
                        "the harness finds no data the writer accepts".to_string()
                    }
                    None => format!(
                        "the reader accepts all {} writer data the harness drew",
                        data.len()
                    ),
                };
                let f = unwitnessed[0];
                stats.unwitnessed_samples.push(format!(
                    "seed {seed} {d}: {} {} (no witness: {}; {shown})",
                    f.rule.code,
                    f.message,
                    f.witness_note.as_deref().unwrap_or("no note")
                ));
            }
            continue;
        }
        if report.findings.iter().any(|f| f.unknown.contains(&d)) {
            stats.unknown += 1;
            continue;
        }
        stats.verdicts_checked += 1;
        stats.compatible += 1;
        let data = instances(&mut rng, writer, wv, &pools, cfg.data_per_direction);
        for x in data {
            stats.data_checked += 1;
            if !rv.valid(&x) {
                stats.counterexamples.push(counter(
                    format!(
                        "said compatible, but {x} is valid under the writer and not under the \
                         reader: {}",
                        rv.first_error(&x)
                    ),
                    Failure::Unsound,
                ));
                break;
            }
        }
    }
    stats
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// A version's schema, compiled by the `jsonschema` crate alone (nothing
/// of wirecompat's own loading).
struct Checker {
    root: jsonschema::Validator,
    doc: Value,
    draft: Draft,
}

/// The document, served at a fixed URI so that a subschema can be
/// validated through a `$ref` to it.
struct Served(Value);

const SERVED: &str = "https://wirecompat.test/schema.json";

impl jsonschema::Retrieve for Served {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str().split('#').next() == Some(SERVED) {
            Ok(self.0.clone())
        } else {
            Err(format!("{uri} is not served").into())
        }
    }
}

impl Checker {
    fn new(doc: &Value, draft: Draft) -> Option<Checker> {
        let root = jsonschema::options()
            .with_draft(draft.crate_draft())
            .build(doc)
            .ok()?;
        Some(Checker {
            root,
            doc: doc.clone(),
            draft,
        })
    }

    fn valid(&self, x: &Value) -> bool {
        self.root.is_valid(x)
    }

    fn first_error(&self, x: &Value) -> String {
        self.root
            .iter_errors(x)
            .next()
            .map(|e| format!("{e} at {}", e.instance_path().as_str()))
            .unwrap_or_default()
    }

    /// Validity under the subschema at `ptr`.
    fn valid_at(&self, ptr: &str, x: &Value) -> Option<bool> {
        if ptr.is_empty() {
            return Some(self.valid(x));
        }
        self.doc.pointer(ptr)?;
        let fragment: String = ptr
            .chars()
            .map(|c| match c {
                '%' => "%25".to_string(),
                '^' => "%5E".to_string(),
                '|' => "%7C".to_string(),
                ' ' => "%20".to_string(),
                '[' => "%5B".to_string(),
                ']' => "%5D".to_string(),
                '{' => "%7B".to_string(),
                '}' => "%7D".to_string(),
                '\\' => "%5C".to_string(),
                '"' => "%22".to_string(),
                '#' => "%23".to_string(),
                c => c.to_string(),
            })
            .collect();
        let wrapper = json!({ "$ref": format!("{SERVED}#{fragment}") });
        let v = jsonschema::options()
            .with_draft(self.draft.crate_draft())
            .with_retriever(Served(self.doc.clone()))
            .build(&wrapper)
            .ok()?;
        Some(v.is_valid(x))
    }
}

/// Replays a witness: valid under the writer, invalid under the reader (at
/// the subschemas it names, for a subschema-level one).
fn replay(w: &crate::witness::Witness, wv: &Checker, rv: &Checker) -> Result<(), String> {
    if !w.verified || w.encoding != "instance" {
        return Err(format!(
            "not a verified instance ({}, verified {})",
            w.encoding, w.verified
        ));
    }
    let x: Value = serde_json::from_str(&w.payload).map_err(|e| format!("not JSON: {e}"))?;
    let at = |s: &str, what: &str| -> Option<String> {
        let rest = s.strip_prefix("at ")?;
        let (p, _) = rest.split_once(what)?;
        Some(if p == "(root)" {
            String::new()
        } else {
            p.to_string()
        })
    };
    let (wp, rp) = match (
        at(&w.writer_sees, ": valid under"),
        at(&w.reader_sees, ": invalid under"),
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => (String::new(), String::new()),
    };
    match wv.valid_at(&wp, &x) {
        Some(true) => {}
        Some(false) => return Err(format!("the writer refuses it at {wp:?}")),
        None => return Err(format!("no writer schema at {wp:?}")),
    }
    match rv.valid_at(&rp, &x) {
        Some(false) => Ok(()),
        Some(true) => Err(format!("the reader accepts it at {rp:?}")),
        None => Err(format!("no reader schema at {rp:?}")),
    }
}

// ---------------------------------------------------------------------
// Random schemas

const PATTERNS: &[&str] = &[
    "^[a-z]+$",
    "^[0-9]{2,4}$",
    "^x",
    "a|b",
    "^[A-Z][a-z]*$",
    "[0-9]",
    "^(ab)+$",
    "^[a-f0-9]*$",
    "z$",
    "^.{2,5}$",
];

const NAME_PATTERNS: &[&str] = &["^x-", "^[a-z]+$", "_id$", "^[0-9]+$", "^a"];

const NAMES: &[&str] = &[
    "id", "name", "kind", "size", "tags", "note", "meta", "a", "b", "c", "x-ext", "count",
];

const MULTIPLES: &[f64] = &[2.0, 3.0, 5.0, 0.5, 0.25, 10.0];

struct Gen<'a> {
    rng: &'a mut Rng,
    draft: Draft,
    /// Rare keywords made common (a third of the schemas).
    heavy: bool,
    /// The document being evolved, as it was (to inline references).
    root_copy: Value,
    /// Definitions that exist (or will) under `$defs`/`definitions`.
    defs: Vec<String>,
}

impl<'a> Gen<'a> {
    fn new(rng: &'a mut Rng, draft: Draft) -> Self {
        let heavy = rng.percent(33);
        Gen {
            rng,
            draft,
            heavy,
            root_copy: Value::Null,
            defs: Vec::new(),
        }
    }

    fn root(mut self) -> Value {
        let ndefs = self.rng.below(3);
        self.defs = (0..ndefs).map(|i| format!("D{i}")).collect();
        let recursive = ndefs > 0 && self.rng.percent(15);
        let mut defs = Map::new();
        for (i, name) in self.defs.clone().into_iter().enumerate() {
            let s = if recursive && i == 0 {
                // A tree: a node holding optional children of its kind.
                json!({
                    "type": "object",
                    "properties": {
                        "v": self.scalar(),
                        "children": {"type": "array", "items": {"$ref": self.ref_to(&name)}}
                    }
                })
            } else {
                // Definitions refer only to earlier ones: no cycles but
                // the tree's.
                let saved = std::mem::take(&mut self.defs);
                self.defs = saved[..i].to_vec();
                let s = self.schema(1);
                self.defs = saved;
                s
            };
            defs.insert(name, s);
        }
        let mut root = self.object(0);
        if let Value::Object(o) = &mut root {
            o.insert("$schema".into(), json!(self.draft.uri()));
            if !defs.is_empty() {
                o.insert(self.draft.defs().into(), Value::Object(defs));
            }
        }
        root
    }

    /// True with probability `p` percent, four times that for a heavy
    /// schema.
    fn rare(&mut self, p: u32) -> bool {
        self.rng
            .percent(if self.heavy { (4 * p).min(60) } else { p })
    }

    fn ref_to(&self, name: &str) -> String {
        format!("#/{}/{name}", self.draft.defs())
    }

    fn schema(&mut self, depth: u32) -> Value {
        if depth >= 3 {
            return if self.rng.percent(80) {
                self.scalar()
            } else {
                self.enumish()
            };
        }
        match self.rng.below(100) {
            0..=29 => self.scalar(),
            30..=39 => self.enumish(),
            40..=53 => self.object(depth + 1),
            54..=64 => self.array(depth + 1),
            65..=71 => {
                let k = if self.rng.percent(50) {
                    "anyOf"
                } else {
                    "oneOf"
                };
                let n = 2 + self.rng.below(2);
                let alts: Vec<Value> = (0..n).map(|_| self.schema(depth + 1)).collect();
                json!({ k: alts })
            }
            72..=74 => {
                let t = *self.rng.pick(&["integer", "number", "string"]);
                let a = self.scalar_of(t);
                let b = self.bounds_only(&a);
                json!({ "allOf": [a, b] })
            }
            75..=77 => {
                let mut s = self.scalar();
                let n = self.scalar();
                if let Value::Object(o) = &mut s {
                    o.insert("not".into(), n);
                }
                s
            }
            78..=80 => self.conditional(depth + 1),
            81..=87 if !self.defs.is_empty() => {
                let name = self.rng.pick(&self.defs).clone();
                let mut r = json!({ "$ref": self.ref_to(&name) });
                // Since 2019-09 a reference applies beside its siblings.
                if self.draft == Draft::D2020
                    && self.rng.percent(30)
                    && let (Value::Object(o), Value::Object(extra)) = (&mut r, self.scalar())
                {
                    for (k, v) in extra {
                        if k != "type" {
                            o.insert(k, v);
                        }
                    }
                    if o.len() == 1 {
                        o.insert("not".into(), json!({ "type": "null" }));
                    }
                }
                r
            }
            88..=93 => self.union(),
            94..=96 => json!(self.rng.percent(70)),
            _ => json!({}),
        }
    }

    fn scalar(&mut self) -> Value {
        let t = *self
            .rng
            .pick(&["integer", "number", "string", "string", "boolean", "null"]);
        self.scalar_of(t)
    }

    fn scalar_of(&mut self, t: &str) -> Value {
        let mut o = Map::new();
        o.insert("type".into(), json!(t));
        match t {
            "integer" | "number" => self.numeric(&mut o, t == "integer"),
            "string" => self.stringy(&mut o),
            _ => {}
        }
        Value::Object(o)
    }

    fn numeric(&mut self, o: &mut Map<String, Value>, integer: bool) {
        let lo = self.rng.range(-10, 10);
        if self.rng.percent(45) {
            let k = if self.rng.percent(25) {
                "exclusiveMinimum"
            } else {
                "minimum"
            };
            o.insert(k.into(), self.num(lo as f64, integer));
        }
        if self.rng.percent(45) {
            let hi = lo + self.rng.range(0, 20);
            let k = if self.rng.percent(25) {
                "exclusiveMaximum"
            } else {
                "maximum"
            };
            o.insert(k.into(), self.num(hi as f64, integer));
        }
        if self.rng.percent(20) {
            let m = *self.rng.pick(MULTIPLES);
            o.insert("multipleOf".into(), num_value(m));
        }
    }

    fn num(&mut self, x: f64, integer: bool) -> Value {
        if !integer && self.rng.percent(25) {
            num_value(x + 0.5)
        } else {
            num_value(x)
        }
    }

    fn stringy(&mut self, o: &mut Map<String, Value>) {
        let min = self.rng.range(0, 4);
        if self.rng.percent(30) {
            o.insert("minLength".into(), json!(min));
        }
        if self.rng.percent(30) {
            o.insert("maxLength".into(), json!(min + self.rng.range(0, 6)));
        }
        if self.rng.percent(25) {
            o.insert("pattern".into(), json!(*self.rng.pick(PATTERNS)));
        }
    }

    /// Only the bounds of a scalar's kind (an `allOf` member).
    fn bounds_only(&mut self, like: &Value) -> Value {
        let mut o = Map::new();
        match like.get("type").and_then(Value::as_str) {
            Some("string") => self.stringy(&mut o),
            Some(t) => self.numeric(&mut o, t == "integer"),
            None => {}
        }
        Value::Object(o)
    }

    fn enumish(&mut self) -> Value {
        if self.rng.percent(25) {
            return json!({ "const": small_value(self.rng) });
        }
        let n = 1 + self.rng.below(4);
        let mut vals: Vec<Value> = Vec::new();
        for _ in 0..n {
            let v = small_value(self.rng);
            if !vals.contains(&v) {
                vals.push(v);
            }
        }
        let mut o = Map::new();
        o.insert("enum".into(), Value::Array(vals));
        if self.rng.percent(30) {
            o.insert("type".into(), json!("string"));
        }
        Value::Object(o)
    }

    fn union(&mut self) -> Value {
        let all = [
            "string", "integer", "number", "null", "boolean", "object", "array",
        ];
        let a = *self.rng.pick(&all);
        let mut b = *self.rng.pick(&all);
        if a == b {
            b = "null";
        }
        let mut s = self.scalar_of(a);
        if let Value::Object(o) = &mut s {
            if a == b {
                return s;
            }
            o.insert("type".into(), json!([a, b]));
            if matches!(b, "integer" | "number") && self.rng.percent(40) {
                self.numeric(o, b == "integer");
            }
            if b == "string" && self.rng.percent(40) {
                self.stringy(o);
            }
        }
        s
    }

    fn conditional(&mut self, depth: u32) -> Value {
        let name = *self.rng.pick(&NAMES[..4]);
        let cond = json!({ "properties": { name: self.enumish() }, "required": [name] });
        let mut o = match self.object(depth) {
            Value::Object(o) => o,
            _ => Map::new(),
        };
        o.insert("if".into(), cond);
        let other = *self.rng.pick(&NAMES[4..8]);
        o.insert("then".into(), json!({ "required": [other] }));
        if self.rng.percent(50) {
            o.insert(
                "else".into(),
                json!({ "properties": { other: self.scalar() } }),
            );
        }
        Value::Object(o)
    }

    fn object(&mut self, depth: u32) -> Value {
        let mut o = Map::new();
        o.insert("type".into(), json!("object"));
        let n = 1 + self.rng.below(if depth == 0 { 5 } else { 3 });
        let mut props = Map::new();
        let mut names: Vec<String> = Vec::new();
        for _ in 0..n {
            let name = self.rng.pick(NAMES).to_string();
            if props.contains_key(&name) {
                continue;
            }
            props.insert(name.clone(), self.schema(depth + 1));
            names.push(name);
        }
        o.insert("properties".into(), Value::Object(props));
        let req: Vec<Value> = names
            .iter()
            .filter(|_| self.rng.percent(40))
            .map(|n| json!(n))
            .collect();
        if !req.is_empty() {
            o.insert("required".into(), Value::Array(req));
        }
        match self.rng.below(10) {
            0..=1 => {
                o.insert("additionalProperties".into(), json!(false));
            }
            2 => {
                let s = self.scalar();
                o.insert("additionalProperties".into(), s);
            }
            _ => {}
        }
        if self.rare(12) {
            let p = *self.rng.pick(NAME_PATTERNS);
            let s = self.scalar();
            o.insert("patternProperties".into(), json!({ p: s }));
        }
        if self.rare(8) {
            let p = *self.rng.pick(NAME_PATTERNS);
            o.insert(
                "propertyNames".into(),
                if self.rng.percent(50) {
                    json!({ "pattern": p })
                } else {
                    json!({ "maxLength": self.rng.range(1, 6) })
                },
            );
        }
        if self.rare(8) {
            o.insert("minProperties".into(), json!(self.rng.range(0, 3)));
        }
        if self.rare(8) {
            o.insert("maxProperties".into(), json!(self.rng.range(1, 5)));
        }
        if self.rare(7) && !names.is_empty() {
            let k = names[names.len() - 1].clone();
            let other = *self.rng.pick(&NAMES[..6]);
            let dep = json!({ "properties": { other: self.scalar() }, "required": [other] });
            let key = match self.draft {
                Draft::D2020 => "dependentSchemas",
                Draft::D7 => "dependencies",
            };
            o.insert(key.into(), json!({ k: dep }));
        }
        // Some properties declared by an `allOf` member (or an `anyOf`
        // alternative) instead: what `unevaluatedProperties` sees then
        // depends on them.
        if self.rare(12) && names.len() >= 2 {
            let moved = names[0].clone();
            if let Some(Value::Object(props)) = o.get_mut("properties")
                && let Some(x) = props.remove(&moved)
            {
                let part = json!({ "properties": { moved.as_str(): x } });
                let key = if self.rng.percent(75) {
                    "allOf"
                } else {
                    "anyOf"
                };
                let part = if key == "anyOf" {
                    json!([part, { "required": [NAMES[0]] }])
                } else {
                    json!([part])
                };
                o.insert(key.into(), part);
            }
        }
        if self.draft == Draft::D2020 && self.rare(10) && !o.contains_key("additionalProperties") {
            let u = if self.rng.percent(60) {
                json!(false)
            } else {
                self.scalar()
            };
            o.insert("unevaluatedProperties".into(), u);
        }
        if self.rare(10) && names.len() >= 2 {
            let (k, v) = (names[0].clone(), names[1].clone());
            match self.draft {
                Draft::D2020 => {
                    o.insert("dependentRequired".into(), json!({ k: [v] }));
                }
                Draft::D7 => {
                    o.insert("dependencies".into(), json!({ k: [v] }));
                }
            }
        }
        Value::Object(o)
    }

    fn array(&mut self, depth: u32) -> Value {
        let mut o = Map::new();
        o.insert("type".into(), json!("array"));
        if self.rng.percent(20) {
            let n = 1 + self.rng.below(3);
            let prefix: Vec<Value> = (0..n).map(|_| self.schema(depth + 1)).collect();
            let rest = if self.rng.percent(40) {
                Some(json!(false))
            } else if self.rng.percent(40) {
                Some(self.scalar())
            } else {
                None
            };
            match self.draft {
                Draft::D2020 => {
                    o.insert("prefixItems".into(), Value::Array(prefix));
                    if let Some(r) = rest {
                        o.insert("items".into(), r);
                    }
                }
                Draft::D7 => {
                    o.insert("items".into(), Value::Array(prefix));
                    if let Some(r) = rest {
                        o.insert("additionalItems".into(), r);
                    }
                }
            }
        } else if self.rng.percent(85) {
            let s = self.schema(depth + 1);
            o.insert("items".into(), s);
        }
        let min = self.rng.range(0, 3);
        if self.rng.percent(30) {
            o.insert("minItems".into(), json!(min));
        }
        if self.rng.percent(25) {
            o.insert("maxItems".into(), json!(min + self.rng.range(0, 4)));
        }
        if self.rng.percent(15) {
            o.insert("uniqueItems".into(), json!(true));
        }
        if self.rare(12) {
            let c = self.scalar();
            o.insert("contains".into(), c);
            if self.draft == Draft::D2020 && self.rng.percent(40) {
                o.insert("minContains".into(), json!(self.rng.range(0, 2)));
                if self.rng.percent(50) {
                    o.insert("maxContains".into(), json!(self.rng.range(1, 3)));
                }
            }
        }
        Value::Object(o)
    }
}

/// A small scalar schema (for prefix items added by an edit).
fn small_schema(rng: &mut Rng) -> Value {
    json!({ "type": *rng.pick(&["integer", "string", "null", "boolean"]) })
}

// ---------------------------------------------------------------------
// Evolutions

/// JSON pointers of every subschema of a schema document.
fn subschemas(v: &Value, ptr: String, out: &mut Vec<String>) {
    let Value::Object(o) = v else {
        if v.is_boolean() {
            out.push(ptr);
        }
        return;
    };
    out.push(ptr.clone());
    let tok = |k: &str| k.replace('~', "~0").replace('/', "~1");
    for (k, x) in o {
        let here = format!("{ptr}/{}", tok(k));
        match k.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                if let Value::Object(m) = x {
                    for (n, s) in m {
                        subschemas(s, format!("{here}/{}", tok(n)), out);
                    }
                }
            }
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Value::Array(a) = x {
                    for (i, s) in a.iter().enumerate() {
                        subschemas(s, format!("{here}/{i}"), out);
                    }
                }
            }
            "items" => match x {
                Value::Array(a) => {
                    for (i, s) in a.iter().enumerate() {
                        subschemas(s, format!("{here}/{i}"), out);
                    }
                }
                _ => subschemas(x, here, out),
            },
            "additionalProperties"
            | "additionalItems"
            | "contains"
            | "not"
            | "if"
            | "then"
            | "else"
            | "propertyNames" => subschemas(x, here, out),
            _ => {}
        }
    }
}

/// One to three random edits of `old`.
fn evolve(rng: &mut Rng, draft: Draft, old: &Value) -> Value {
    let mut new = old.clone();
    let defs: Vec<String> = old
        .get(draft.defs())
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let edits = 1 + rng.below(3);
    for _ in 0..edits {
        let mut at = Vec::new();
        subschemas(&new, String::new(), &mut at);
        // The root stays an object schema with its `$schema`.
        let ptr = rng.pick(&at).clone();
        let Some(node) = new.pointer_mut(&ptr) else {
            continue;
        };
        let mut g = Gen {
            rng: &mut *rng,
            draft,
            heavy: false,
            root_copy: old.clone(),
            defs: defs.clone(),
        };
        edit(&mut g, node, ptr.is_empty());
    }
    new
}

fn obj(node: &mut Value) -> Option<&mut Map<String, Value>> {
    node.as_object_mut()
}

/// Applies one edit that fits the schema at `node`.
fn edit(g: &mut Gen, node: &mut Value, root: bool) {
    if node.is_boolean() {
        if !root {
            *node = if g.rng.percent(50) {
                json!(!node.as_bool().unwrap_or(true))
            } else {
                g.schema(2)
            };
        }
        return;
    }
    let Some(o) = obj(node) else { return };
    let ty: Vec<String> = match o.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    };
    let numeric = ty.iter().any(|t| t == "integer" || t == "number")
        || ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
            .iter()
            .any(|k| o.contains_key(*k));
    let stringy = ty.iter().any(|t| t == "string") || o.contains_key("pattern");
    let object = ty.iter().any(|t| t == "object") || o.contains_key("properties");
    let array = ty.iter().any(|t| t == "array") || o.contains_key("items");
    let mut kinds: Vec<u32> = vec![10, 11, 12];
    if numeric {
        kinds.extend([0, 0, 1, 1, 2]);
    }
    if stringy {
        kinds.extend([3, 3, 4]);
    }
    if object {
        kinds.extend([5, 5, 6, 6, 7, 8, 9]);
    }
    if array {
        kinds.extend([13, 13, 14, 15]);
    }
    if o.contains_key("enum") || o.contains_key("const") {
        kinds.extend([16, 16, 16]);
    }
    if o.contains_key("anyOf") || o.contains_key("oneOf") {
        kinds.extend([17, 17]);
    }
    if o.contains_key("$ref") {
        kinds.extend([18, 19]);
    }
    if o.len() >= 2 {
        kinds.push(20);
    }
    if array {
        kinds.push(21);
    }
    if object {
        kinds.push(22);
    }
    if root {
        // Keep the root an object schema: no wrapping, no retyping.
        kinds.retain(|k| !matches!(k, 10 | 12 | 17));
    }
    if kinds.is_empty() {
        return;
    }
    let k = *g.rng.pick(&kinds);
    match k {
        // Numeric bounds: tighten, loosen, add, drop.
        0 => {
            let key = *g
                .rng
                .pick(&["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]);
            match o.get(key).and_then(Value::as_f64) {
                Some(_) if g.rng.percent(30) => {
                    o.remove(key);
                }
                Some(x) => {
                    let step = *g.rng.pick(&[-3.0, -1.0, -0.5, 1.0, 0.5, 2.0]);
                    o.insert(key.into(), num_value(x + step));
                }
                None => {
                    let x = g.rng.range(-10, 10) as f64;
                    o.insert(key.into(), num_value(x));
                }
            }
        }
        // Inclusive <-> exclusive.
        1 => {
            for (a, b) in [
                ("minimum", "exclusiveMinimum"),
                ("maximum", "exclusiveMaximum"),
            ] {
                if let Some(v) = o.remove(a) {
                    o.insert(b.into(), v);
                } else if let Some(v) = o.remove(b) {
                    o.insert(a.into(), v);
                }
                if g.rng.percent(50) {
                    break;
                }
            }
        }
        2 => {
            if o.contains_key("multipleOf") && g.rng.percent(40) {
                o.remove("multipleOf");
            } else {
                o.insert("multipleOf".into(), num_value(*g.rng.pick(MULTIPLES)));
            }
        }
        // String lengths.
        3 => {
            let key = *g.rng.pick(&["minLength", "maxLength"]);
            match o.get(key).and_then(Value::as_i64) {
                Some(_) if g.rng.percent(30) => {
                    o.remove(key);
                }
                Some(x) => {
                    let y = (x + g.rng.range(-2, 2)).max(0);
                    o.insert(key.into(), json!(y));
                }
                None => {
                    o.insert(key.into(), json!(g.rng.range(0, 5)));
                }
            }
        }
        4 => {
            if o.contains_key("pattern") && g.rng.percent(35) {
                o.remove("pattern");
            } else {
                o.insert("pattern".into(), json!(*g.rng.pick(PATTERNS)));
            }
        }
        // Properties added or removed.
        5 => {
            let props = o
                .entry("properties")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default();
            if !props.is_empty() && g.rng.percent(45) {
                let n = g.rng.pick(&props).clone();
                if let Some(Value::Object(p)) = o.get_mut("properties") {
                    p.remove(&n);
                }
                if g.rng.percent(70)
                    && let Some(Value::Array(r)) = o.get_mut("required")
                {
                    r.retain(|x| x.as_str() != Some(n.as_str()));
                }
            } else {
                let n = g.rng.pick(NAMES).to_string();
                let s = g.schema(2);
                if let Some(Value::Object(p)) = o.get_mut("properties") {
                    p.insert(n, s);
                }
            }
        }
        // Required added or removed.
        6 => {
            let req: Vec<String> = o
                .get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if !req.is_empty() && g.rng.percent(50) {
                let n = g.rng.pick(&req).clone();
                let rest: Vec<Value> = req.iter().filter(|x| **x != n).map(|x| json!(x)).collect();
                if rest.is_empty() {
                    o.remove("required");
                } else {
                    o.insert("required".into(), Value::Array(rest));
                }
            } else {
                let props: Vec<String> = o
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                let n = if !props.is_empty() && g.rng.percent(80) {
                    g.rng.pick(&props).clone()
                } else {
                    g.rng.pick(NAMES).to_string()
                };
                if !req.contains(&n) {
                    let mut r: Vec<Value> = req.iter().map(|x| json!(x)).collect();
                    r.push(json!(n));
                    o.insert("required".into(), Value::Array(r));
                }
            }
        }
        // Objects closed or opened.
        7 => match o.get("additionalProperties") {
            Some(_) if g.rng.percent(50) => {
                o.remove("additionalProperties");
            }
            _ => {
                let s = if g.rng.percent(60) {
                    json!(false)
                } else {
                    g.scalar()
                };
                o.insert("additionalProperties".into(), s);
            }
        },
        8 => {
            if o.contains_key("patternProperties") && g.rng.percent(50) {
                o.remove("patternProperties");
            } else {
                let p = *g.rng.pick(NAME_PATTERNS);
                let s = g.scalar();
                o.insert("patternProperties".into(), json!({ p: s }));
            }
        }
        9 => match g.rng.below(4) {
            0 => {
                if o.remove("propertyNames").is_none() {
                    o.insert(
                        "propertyNames".into(),
                        json!({ "pattern": *g.rng.pick(NAME_PATTERNS) }),
                    );
                }
            }
            1 => {
                if o.remove("minProperties").is_none() {
                    o.insert("minProperties".into(), json!(g.rng.range(1, 3)));
                }
            }
            2 => {
                if o.remove("maxProperties").is_none() {
                    o.insert("maxProperties".into(), json!(g.rng.range(1, 4)));
                }
            }
            _ => {
                let key = match g.draft {
                    Draft::D2020 => "dependentRequired",
                    Draft::D7 => "dependencies",
                };
                if o.remove(key).is_none() {
                    let a = *g.rng.pick(&NAMES[..6]);
                    let b = *g.rng.pick(&NAMES[6..]);
                    o.insert(key.into(), json!({ a: [b] }));
                }
            }
        },
        // Types changed, widened, narrowed.
        10 => {
            let all = [
                "string", "integer", "number", "null", "boolean", "object", "array",
            ];
            match ty.len() {
                0 => {
                    o.insert("type".into(), json!(*g.rng.pick(&all)));
                }
                1 if g.rng.percent(50) => {
                    let mut t = *g.rng.pick(&all);
                    if t == ty[0] {
                        t = "null";
                    }
                    if t != ty[0] {
                        o.insert("type".into(), json!([ty[0].clone(), t]));
                    }
                }
                1 => {
                    o.insert("type".into(), json!(*g.rng.pick(&all)));
                }
                _ => {
                    let keep = g.rng.pick(&ty).clone();
                    o.insert("type".into(), json!(keep));
                }
            }
        }
        // `not` added or removed.
        11 => {
            let had = o.remove("not");
            if had.is_none() {
                let n = g.scalar();
                o.insert("not".into(), n);
            }
        }
        // Wrapped in a disjunction, or replaced.
        12 => {
            let me = Value::Object(o.clone());
            *node = match g.rng.below(4) {
                0 => json!({ "anyOf": [me, g.schema(2)] }),
                1 => json!({ "oneOf": [me, g.schema(2)] }),
                2 => json!({ "anyOf": [me] }),
                _ => g.schema(2),
            };
        }
        // Items changed.
        13 => {
            if g.rng.percent(50) || !o.contains_key("items") {
                let s = g.schema(2);
                o.insert("items".into(), s);
            } else {
                o.remove("items");
            }
        }
        14 => {
            let key = *g.rng.pick(&["minItems", "maxItems"]);
            match o.get(key).and_then(Value::as_i64) {
                Some(_) if g.rng.percent(30) => {
                    o.remove(key);
                }
                Some(x) => {
                    o.insert(key.into(), json!((x + g.rng.range(-2, 2)).max(0)));
                }
                None => {
                    o.insert(key.into(), json!(g.rng.range(0, 4)));
                }
            }
        }
        15 => {
            if g.rng.percent(50) {
                if o.remove("uniqueItems").is_none() {
                    o.insert("uniqueItems".into(), json!(true));
                }
            } else if o.remove("contains").is_none() {
                let c = g.scalar();
                o.insert("contains".into(), c);
            } else {
                o.remove("minContains");
                o.remove("maxContains");
            }
        }
        // Enum values added or removed; const to enum.
        16 => {
            if let Some(c) = o.remove("const") {
                let mut vals = vec![c];
                if g.rng.percent(60) {
                    vals.push(small_value(g.rng));
                }
                o.insert("enum".into(), Value::Array(vals));
            } else if let Some(Value::Array(vals)) = o.get_mut("enum") {
                if vals.len() > 1 && g.rng.percent(50) {
                    let i = g.rng.below(vals.len());
                    vals.remove(i);
                } else {
                    let v = small_value(g.rng);
                    if !vals.contains(&v) {
                        vals.push(v);
                    }
                }
            }
        }
        // Unwrapped from a disjunction, or an alternative changed.
        17 => {
            let key = if o.contains_key("anyOf") {
                "anyOf"
            } else {
                "oneOf"
            };
            let alts = o
                .get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if alts.is_empty() {
                return;
            }
            match g.rng.below(3) {
                0 => {
                    let i = g.rng.below(alts.len());
                    *node = alts[i].clone();
                }
                1 if alts.len() > 1 => {
                    let mut a = alts.clone();
                    a.remove(g.rng.below(alts.len()));
                    o.insert(key.into(), Value::Array(a));
                }
                _ => {
                    let mut a = alts.clone();
                    a.push(g.schema(2));
                    o.insert(key.into(), Value::Array(a));
                }
            }
        }
        // A reference inlined (the same schema written in place).
        19 => {
            let target = o
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .map(str::to_string);
            if let Some(t) = target.and_then(|t| g.root_copy.pointer(&t).cloned())
                && !t.to_string().contains("$ref")
            {
                o.remove("$ref");
                match t {
                    Value::Object(m) => {
                        for (k, v) in m {
                            o.entry(k).or_insert(v);
                        }
                    }
                    other => *node = json!({ "allOf": [Value::Object(o.clone()), other] }),
                }
            }
        }
        // Keywords moved into an `allOf` (the same constraints, split).
        20 => {
            let keys: Vec<String> = o
                .keys()
                .filter(|k| !k.starts_with('$') && *k != "type" && *k != "definitions")
                .cloned()
                .collect();
            if !keys.is_empty() {
                let k = g.rng.pick(&keys).clone();
                if let Some(v) = o.remove(&k) {
                    let mut part = Map::new();
                    part.insert(k, v);
                    let mut all = match o.remove("allOf") {
                        Some(Value::Array(a)) => a,
                        _ => Vec::new(),
                    };
                    all.push(Value::Object(part));
                    o.insert("allOf".into(), Value::Array(all));
                }
            }
        }
        // Items closed or opened, `contains` counts.
        21 => match g.rng.below(3) {
            0 => {
                let had = o.remove("items");
                if had.is_none() || g.rng.percent(50) {
                    o.insert("items".into(), json!(g.rng.percent(50)));
                }
            }
            1 if g.draft == Draft::D2020 => {
                let k = *g.rng.pick(&["minContains", "maxContains"]);
                if o.remove(k).is_none() {
                    o.insert(k.into(), json!(g.rng.range(0, 3)));
                }
                if !o.contains_key("contains") {
                    let c = g.scalar();
                    o.insert("contains".into(), c);
                }
            }
            _ => {
                if let Some(Value::Array(p)) = o.get_mut("prefixItems") {
                    if p.len() > 1 && g.rng.percent(50) {
                        p.pop();
                    } else {
                        p.push(small_schema(g.rng));
                    }
                }
            }
        },
        // Dependent schemas, unevaluated properties.
        22 => {
            let key = match g.draft {
                Draft::D2020 => "dependentSchemas",
                Draft::D7 => "dependencies",
            };
            if g.rng.percent(50) {
                if o.remove(key).is_none() {
                    let a = *g.rng.pick(&NAMES[..6]);
                    let b = *g.rng.pick(&NAMES[6..]);
                    let s = g.scalar();
                    o.insert(
                        key.into(),
                        json!({ a: { "properties": { b: s }, "required": [b] } }),
                    );
                }
            } else if g.draft == Draft::D2020 && o.remove("unevaluatedProperties").is_none() {
                o.insert("unevaluatedProperties".into(), json!(false));
            }
        }
        // A reference retargeted.
        18 if !g.defs.is_empty() => {
            let name = g.rng.pick(&g.defs).clone();
            o.insert("$ref".into(), json!(g.ref_to(&name)));
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------
// Random instances (drawn by `formats::jsonschema::generate`)

/// Up to `n` instances the writer's schema accepts.
fn instances(rng: &mut Rng, writer: &Value, wv: &Checker, pools: &Pools, n: usize) -> Vec<Value> {
    let refs = Raw {
        root: writer,
        draft7: writer.get("$schema").and_then(Value::as_str) == Some(Draft::D7.uri()),
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for _ in 0..n * 6 {
        if out.len() >= n {
            break;
        }
        let x = generate::instance(rng, &refs, writer, pools);
        if seen.insert(x.to_string()) && wv.valid(&x) {
            out.push(x);
        }
    }
    out
}

/// References of a generated document: `#/...` pointers into it.
struct Raw<'a> {
    root: &'a Value,
    draft7: bool,
}

impl generate::Refs for Raw<'_> {
    fn target<'v>(&'v self, holder: &'v Value) -> Option<&'v Value> {
        let r = holder.get("$ref")?.as_str()?;
        self.root.pointer(r.strip_prefix('#')?)
    }

    fn ref_overrides(&self, _holder: &Value) -> bool {
        self.draft7
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_replays_its_evolution() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let x = Gen::new(&mut a, Draft::D2020).root();
        let y = Gen::new(&mut b, Draft::D2020).root();
        assert_eq!(x, y);
        assert_eq!(
            evolve(&mut a, Draft::D2020, &x),
            evolve(&mut b, Draft::D2020, &y)
        );
    }

    #[test]
    fn generated_instances_are_mostly_valid() {
        let mut rng = Rng::new(3);
        let mut valid = 0;
        let mut tried = 0;
        for _ in 0..40 {
            let s = Gen::new(&mut rng, Draft::D2020).root();
            let c = Checker::new(&s, Draft::D2020).expect("compiles");
            let pools = Pools::of(&[&s]);
            tried += 5;
            valid += instances(&mut rng, &s, &c, &pools, 5).len();
        }
        assert!(valid * 2 > tried, "{valid} of {tried}");
    }

    #[test]
    fn patterns_generate_matching_strings() {
        let mut rng = Rng::new(1);
        for p in PATTERNS {
            let re = regex_syntax::Parser::new().parse(p).unwrap();
            let _ = re;
            for _ in 0..20 {
                let s = generate::from_pattern(&mut rng, p).unwrap();
                assert_eq!(
                    crate::formats::jsonschema::regexlang::is_match(p, &s),
                    Some(true),
                    "{p} {s:?}"
                );
            }
        }
    }
}
