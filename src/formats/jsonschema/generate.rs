//! Random instances drawn from a schema's structure: the schemas that
//! apply at once (`$ref`, `allOf`, one alternative of each `anyOf` and
//! `oneOf`, one branch of each `if`), a type they share, then a value of it
//! within their bounds (at a bound, or a value of the other version's
//! bounds, enums and names now and then), strings from patterns' syntax,
//! objects with their required, some optional and some undeclared
//! properties, arrays with their prefix, items and a `contains` match.
//! Nothing here checks validity: callers keep what the `jsonschema` crate
//! accepts.
//!
//! The witness builder draws from it when the sampler finds no part; the
//! soundness harness draws its data from it.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::load::{SRef, Version};
use crate::soundness::Rng;

/// Where references lead.
pub trait Refs {
    /// The schema a reference written in `holder` (a schema object with
    /// `$ref`, `$dynamicRef` or `$recursiveRef`) leads to.
    fn target<'v>(&'v self, holder: &'v Value) -> Option<&'v Value>;
    /// Whether a reference replaces its siblings there (up to draft 7).
    fn ref_overrides(&self, holder: &Value) -> bool;
}

/// The references of a loaded version, found by the schema objects'
/// addresses in its documents.
pub struct VersionRefs<'a> {
    v: &'a Version,
    at: HashMap<*const Value, SRef>,
}

impl<'a> VersionRefs<'a> {
    pub fn new(v: &'a Version) -> Self {
        let mut at = HashMap::new();
        for (file, d) in v.docs.iter().enumerate() {
            walk(&d.value, file, &mut String::new(), &mut at);
        }
        VersionRefs { v, at }
    }
}

fn walk(x: &Value, file: usize, ptr: &mut String, at: &mut HashMap<*const Value, SRef>) {
    match x {
        Value::Object(o) => {
            if ["$ref", "$dynamicRef", "$recursiveRef"]
                .iter()
                .any(|k| o.contains_key(*k))
            {
                at.insert(
                    x as *const Value,
                    SRef {
                        file,
                        ptr: ptr.clone(),
                    },
                );
            }
            for (k, c) in o {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&crate::json::pointer_token(k));
                walk(c, file, ptr, at);
                ptr.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let len = ptr.len();
                ptr.push_str(&format!("/{i}"));
                walk(c, file, ptr, at);
                ptr.truncate(len);
            }
        }
        _ => {}
    }
}

impl Refs for VersionRefs<'_> {
    fn target<'v>(&'v self, holder: &'v Value) -> Option<&'v Value> {
        let s = self.at.get(&(holder as *const Value))?;
        self.v.value(self.v.refs.get(s)?)
    }

    fn ref_overrides(&self, holder: &Value) -> bool {
        self.at
            .get(&(holder as *const Value))
            .is_some_and(|s| self.v.draft(s).ref_overrides())
    }
}

/// One random instance of the schema `root` (values and names of `pools`
/// mixed in), of at most 400 values.
pub fn instance<R: Refs>(rng: &mut Rng, refs: &R, root: &Value, pools: &Pools) -> Value {
    sized(rng, refs, root, pools, 400)
}

/// One random instance of at most `nodes` values (past them, `null`).
pub fn sized<R: Refs>(rng: &mut Rng, refs: &R, root: &Value, pools: &Pools, nodes: usize) -> Value {
    let mut g = Inst {
        rng,
        refs,
        pools,
        budget: nodes,
    };
    g.value(&[root], 0)
}

/// Values and names of both versions, to draw data at their boundaries.
#[derive(Default)]
pub struct Pools {
    numbers: Vec<f64>,
    values: Vec<Value>,
    names: Vec<String>,
    lengths: Vec<i64>,
}

impl Pools {
    pub fn of(docs: &[&Value]) -> Pools {
        let mut p = Pools::default();
        for d in docs {
            p.walk(d);
        }
        let mut seen = BTreeSet::new();
        p.values.retain(|v| seen.insert(v.to_string()));
        p.names.sort();
        p.names.dedup();
        p
    }

    fn walk(&mut self, v: &Value) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    match k.as_str() {
                        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum"
                        | "multipleOf" => {
                            if let Some(f) = x.as_f64() {
                                self.numbers.push(f);
                            }
                        }
                        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
                        | "maxProperties" => {
                            if let Some(i) = x.as_i64() {
                                self.lengths.push(i);
                            }
                        }
                        "enum" => {
                            if let Value::Array(a) = x {
                                self.values.extend(a.iter().cloned());
                            }
                        }
                        "const" => self.values.push(x.clone()),
                        "properties" | "dependentRequired" | "dependencies" => {
                            if let Value::Object(m) = x {
                                self.names.extend(m.keys().cloned());
                            }
                        }
                        "required" => {
                            if let Value::Array(a) = x {
                                self.names.extend(
                                    a.iter().filter_map(|n| n.as_str().map(str::to_string)),
                                );
                            }
                        }
                        _ => {}
                    }
                    self.walk(x);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.walk(x)),
            _ => {}
        }
    }
}

struct Inst<'a, R: Refs> {
    rng: &'a mut Rng,
    refs: &'a R,
    pools: &'a Pools,
    /// Nodes left to build (recursive schemas end).
    budget: usize,
}

/// The schemas a conjunction applies at once, with one alternative of
/// each disjunction and one branch of each condition chosen.
fn expand<'v, R: Refs>(rng: &mut Rng, refs: &'v R, conj: &[&'v Value]) -> Vec<&'v Value> {
    let mut out: Vec<&Value> = Vec::new();
    let mut work: Vec<&Value> = conj.to_vec();
    // Bounded: references may lead round in a circle.
    let mut steps = 0;
    while let Some(s) = work.pop() {
        steps += 1;
        if out.len() > 24 || steps > 64 {
            break;
        }
        let Value::Object(o) = s else {
            out.push(s);
            continue;
        };
        if ["$ref", "$dynamicRef", "$recursiveRef"]
            .iter()
            .any(|k| o.contains_key(*k))
        {
            if let Some(t) = refs.target(s) {
                work.push(t);
            }
            if o.contains_key("$ref") && refs.ref_overrides(s) {
                continue;
            }
        }
        out.push(s);
        if let Some(Value::Array(a)) = o.get("allOf") {
            work.extend(a.iter());
        }
        for k in ["anyOf", "oneOf"] {
            if let Some(Value::Array(a)) = o.get(k)
                && !a.is_empty()
            {
                work.push(&a[rng.below(a.len())]);
            }
        }
        if let Some(i) = o.get("if") {
            if rng.percent(50) {
                work.push(i);
                if let Some(t) = o.get("then") {
                    work.push(t);
                }
            } else if let Some(e) = o.get("else") {
                work.push(e);
            }
        }
    }
    out
}

fn types_of(s: &Value) -> Option<Vec<&str>> {
    match s.get("type")? {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(a) => Some(a.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

impl<'a, R: Refs> Inst<'a, R> {
    fn value(&mut self, conj: &[&'a Value], depth: u32) -> Value {
        if self.budget == 0 || depth > 8 {
            return json!(null);
        }
        self.budget -= 1;
        let conj = expand(self.rng, self.refs, conj);
        // A finite set: one of its values (or of the other version's).
        for s in &conj {
            if let Some(c) = s.get("const") {
                return c.clone();
            }
            if let Some(Value::Array(vals)) = s.get("enum")
                && !vals.is_empty()
            {
                if self.rng.percent(15) && !self.pools.values.is_empty() {
                    return self.rng.pick(&self.pools.values).clone();
                }
                return vals[self.rng.below(vals.len())].clone();
            }
        }
        let mut types: Option<Vec<&str>> = None;
        for s in &conj {
            if let Some(t) = types_of(s) {
                types = Some(match types {
                    None => t,
                    Some(cur) => cur
                        .into_iter()
                        .filter(|x| t.contains(x) || (*x == "integer" && t.contains(&"number")))
                        .collect(),
                });
            }
        }
        let ty = match types {
            Some(t) if !t.is_empty() => *self.rng.pick(&t),
            Some(_) => return small_value(self.rng),
            None => {
                // Untyped: a type the keywords suggest, else any.
                let hinted = conj.iter().find_map(|s| {
                    let o = s.as_object()?;
                    if o.contains_key("properties") || o.contains_key("required") {
                        Some("object")
                    } else if o.contains_key("items") || o.contains_key("prefixItems") {
                        Some("array")
                    } else if o.contains_key("minimum") || o.contains_key("maximum") {
                        Some("number")
                    } else if o.contains_key("pattern") || o.contains_key("minLength") {
                        Some("string")
                    } else {
                        None
                    }
                });
                match hinted {
                    Some(t) if self.rng.percent(80) => t,
                    _ => *self.rng.pick(&[
                        "string", "integer", "number", "null", "boolean", "object", "array",
                    ]),
                }
            }
        };
        match ty {
            "null" => json!(null),
            "boolean" => json!(self.rng.percent(50)),
            "integer" => self.number(&conj, true),
            "number" => {
                let integer = self.rng.percent(30);
                self.number(&conj, integer)
            }
            "string" => self.string(&conj),
            "array" => self.array(&conj, depth),
            _ => self.object(&conj, depth),
        }
    }

    fn number(&mut self, conj: &[&Value], integer: bool) -> Value {
        let mut lo = f64::NEG_INFINITY;
        let mut hi = f64::INFINITY;
        let mut step = None;
        for s in conj {
            let f = |k: &str| s.get(k).and_then(Value::as_f64);
            if let Some(x) = f("minimum") {
                lo = lo.max(x);
            }
            if let Some(x) = f("exclusiveMinimum") {
                lo = lo.max(x + if integer { 1.0 } else { 0.25 });
            }
            if let Some(x) = f("maximum") {
                hi = hi.min(x);
            }
            if let Some(x) = f("exclusiveMaximum") {
                hi = hi.min(x - if integer { 1.0 } else { 0.25 });
            }
            if let Some(x) = f("multipleOf") {
                step = Some(x);
            }
        }
        let pick_pool = self.rng.percent(35) && !self.pools.numbers.is_empty();
        let mut x = if pick_pool {
            let b = *self.rng.pick(&self.pools.numbers);
            b + *self.rng.pick(&[0.0, 0.0, 1.0, -1.0, 0.5, -0.5, 0.25])
        } else {
            let l = if lo.is_finite() { lo } else { -20.0 };
            let h = if hi.is_finite() {
                hi
            } else {
                l.max(0.0) + 30.0
            };
            match self.rng.below(4) {
                0 => l,
                1 => h,
                _ => {
                    if h >= l {
                        l + (self.rng.below(((h - l) as usize).max(1) + 1) as f64).min(h - l)
                    } else {
                        l
                    }
                }
            }
        };
        if let Some(m) = step
            && m > 0.0
            && !pick_pool
        {
            x = (x / m).round() * m;
            if x < lo {
                x += m;
            }
        }
        if integer {
            x = x.round();
        } else if self.rng.percent(30) {
            x += 0.5;
        }
        num_value(x)
    }

    fn string(&mut self, conj: &[&Value]) -> Value {
        let mut min = 0i64;
        let mut max = 8i64;
        let mut pattern = None;
        for s in conj {
            if let Some(x) = s.get("minLength").and_then(Value::as_i64) {
                min = min.max(x);
            }
            if let Some(x) = s.get("maxLength").and_then(Value::as_i64) {
                max = max.min(x);
            }
            if let Some(p) = s.get("pattern").and_then(Value::as_str) {
                pattern = Some(p.to_string());
            }
        }
        if let Some(p) = pattern
            && self.rng.percent(85)
            && let Some(s) = from_pattern(self.rng, &p)
        {
            return json!(s);
        }
        if self.rng.percent(10) {
            if let Some(v) = self
                .pools
                .values
                .iter()
                .filter(|v| v.is_string())
                .nth(self.rng.below(4))
            {
                return v.clone();
            }
        }
        let len = if self.rng.percent(30) && !self.pools.lengths.is_empty() {
            (*self.rng.pick(&self.pools.lengths) + self.rng.range(-1, 1)).max(0)
        } else if max >= min {
            self.rng.range(min, max)
        } else {
            min
        };
        let alphabet = ['a', 'x', '0', '_', 'Z', 'b', '-', '5'];
        let s: String = (0..len.min(40))
            .map(|_| *self.rng.pick(&alphabet))
            .collect();
        json!(s)
    }

    fn array(&mut self, conj: &[&'a Value], depth: u32) -> Value {
        let mut min = 0i64;
        let mut max = 4i64;
        let mut prefix: Vec<Vec<&'a Value>> = Vec::new();
        let mut rest: Vec<&'a Value> = Vec::new();
        let mut contains: Vec<&'a Value> = Vec::new();
        let mut unique = false;
        for s in conj {
            if let Some(x) = s.get("minItems").and_then(Value::as_i64) {
                min = min.max(x);
            }
            if let Some(x) = s.get("maxItems").and_then(Value::as_i64) {
                max = max.min(x);
            }
            unique |= s.get("uniqueItems") == Some(&json!(true));
            if let Some(c) = s.get("contains") {
                contains.push(c);
            }
            let (pre, after) = match (s.get("prefixItems"), s.get("items")) {
                (Some(Value::Array(p)), items) => (Some(p), items),
                (None, Some(Value::Array(p))) => (Some(p), s.get("additionalItems")),
                (None, items) => (None, items),
                (Some(_), items) => (None, items),
            };
            if let Some(p) = pre {
                for (i, x) in p.iter().enumerate() {
                    if prefix.len() <= i {
                        prefix.push(Vec::new());
                    }
                    prefix[i].push(x);
                }
            }
            if let Some(r) = after {
                rest.push(r);
            }
        }
        let len = if self.rng.percent(25) && !self.pools.lengths.is_empty() {
            (*self.rng.pick(&self.pools.lengths)).clamp(0, 6)
        } else if max >= min {
            self.rng.range(min, max.min(min + 4))
        } else {
            min
        };
        let mut out = Vec::new();
        for i in 0..len.max(0) as usize {
            let mut c: Vec<&'a Value> = prefix.get(i).cloned().unwrap_or_default();
            if i >= prefix.len() {
                c.extend(rest.iter().copied());
            }
            let x = self.value(&c, depth + 1);
            if unique && out.contains(&x) {
                continue;
            }
            out.push(x);
        }
        if !contains.is_empty() && self.rng.percent(70) {
            let c = contains[self.rng.below(contains.len())];
            let x = self.value(&[c], depth + 1);
            let at = self.rng.below(out.len() + 1);
            out.insert(at, x);
        }
        Value::Array(out)
    }

    fn object(&mut self, conj: &[&'a Value], depth: u32) -> Value {
        // Names in order, with sets for membership: an object may declare
        // 100,000 properties.
        let mut declared: Vec<String> = Vec::new();
        let mut declared_set: HashSet<String> = HashSet::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut closed = false;
        for s in conj {
            if let Some(Value::Object(p)) = s.get("properties") {
                for k in p.keys() {
                    if declared_set.insert(k.clone()) {
                        declared.push(k.clone());
                    }
                }
            }
            if let Some(Value::Array(r)) = s.get("required") {
                required.extend(r.iter().filter_map(|x| x.as_str().map(str::to_string)));
            }
            closed |= s.get("additionalProperties") == Some(&json!(false));
        }
        let mut names: Vec<String> = Vec::new();
        let mut named: HashSet<String> = HashSet::new();
        for n in &declared {
            if required.contains(n) || (depth < 6 && self.rng.percent(55)) {
                names.push(n.clone());
                named.insert(n.clone());
            }
        }
        for n in &required {
            if named.insert(n.clone()) {
                names.push(n.clone());
            }
        }
        // Names of the other version, undeclared ones, pattern ones.
        if depth < 6 && self.rng.percent(if closed { 10 } else { 35 }) {
            let n = if !self.pools.names.is_empty() && self.rng.percent(60) {
                self.rng.pick(&self.pools.names).clone()
            } else {
                self.rng
                    .pick(&["extra", "x-new", "zz", "a_id", "9"])
                    .to_string()
            };
            if named.insert(n.clone()) {
                names.push(n);
            }
        }
        for s in conj {
            if let Some(Value::Object(pp)) = s.get("patternProperties")
                && self.rng.percent(40)
                && let Some((p, _)) = pp.iter().next()
                && let Some(n) = from_pattern(self.rng, p)
                && !named.contains(&n)
            {
                named.insert(n.clone());
                names.push(n);
            }
            let deps = s.get("dependentRequired").or(s.get("dependencies"));
            if let Some(Value::Object(d)) = deps {
                for (k, v) in d {
                    if named.contains(k)
                        && let Value::Array(a) = v
                    {
                        for x in a.iter().filter_map(Value::as_str) {
                            if named.insert(x.to_string()) {
                                names.push(x.to_string());
                            }
                        }
                    }
                }
            }
        }
        // Schemas that apply because a name is present.
        let mut conj: Vec<&'a Value> = conj.to_vec();
        for s in conj.clone() {
            for key in ["dependentSchemas", "dependencies"] {
                if let Some(Value::Object(d)) = s.get(key) {
                    for (k, dep) in d {
                        if named.contains(k) && (dep.is_object() || dep.is_boolean()) {
                            conj.push(dep);
                            if let Some(Value::Array(r)) = dep.get("required") {
                                for x in r.iter().filter_map(Value::as_str) {
                                    if named.insert(x.to_string()) {
                                        names.push(x.to_string());
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut o = Map::new();
        for n in names {
            let schemas = prop_schemas(&conj, &n);
            let x = self.value(&schemas, depth + 1);
            o.insert(n, x);
        }
        Value::Object(o)
    }
}

/// The schemas a conjunction applies to property `name`.
fn prop_schemas<'v>(conj: &[&'v Value], name: &str) -> Vec<&'v Value> {
    let mut out = Vec::new();
    for s in conj {
        let mut hit = false;
        if let Some(p) = s.get("properties").and_then(|p| p.get(name)) {
            out.push(p);
            hit = true;
        }
        if let Some(Value::Object(pp)) = s.get("patternProperties") {
            for (p, x) in pp {
                if super::regexlang::is_match(p, name) == Some(true) {
                    out.push(x);
                    hit = true;
                }
            }
        }
        if !hit && let Some(a) = s.get("additionalProperties") {
            out.push(a);
        }
    }
    out
}

/// A random string the pattern matches (generated from its syntax tree).
pub fn from_pattern(rng: &mut Rng, pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut s = String::new();
    gen_hir(rng, &hir, &mut s, 0);
    // Unanchored patterns also match with text around.
    if rng.percent(15) && !pattern.starts_with('^') {
        s.insert(0, 'q');
    }
    Some(s)
}

fn gen_hir(rng: &mut Rng, h: &regex_syntax::hir::Hir, out: &mut String, depth: u32) {
    use regex_syntax::hir::{Class, HirKind};
    if depth > 20 {
        return;
    }
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
        HirKind::Class(Class::Unicode(c)) => {
            let ranges = c.ranges();
            if !ranges.is_empty() {
                let r = &ranges[rng.below(ranges.len())];
                let (a, b) = (
                    r.start() as u32,
                    (r.end() as u32).min(r.start() as u32 + 60),
                );
                let cp = a + rng.below((b - a + 1) as usize) as u32;
                if let Some(ch) = char::from_u32(cp) {
                    out.push(ch);
                }
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            let ranges = c.ranges();
            if !ranges.is_empty() {
                let r = &ranges[rng.below(ranges.len())];
                let b = r.start() + rng.below((r.end() - r.start()) as usize + 1) as u8;
                if b.is_ascii() {
                    out.push(b as char);
                }
            }
        }
        HirKind::Repetition(r) => {
            let max = r.max.unwrap_or(r.min + 3).min(r.min + 3);
            let n = r.min + rng.below((max - r.min + 1) as usize) as u32;
            for _ in 0..n {
                gen_hir(rng, &r.sub, out, depth + 1);
            }
        }
        HirKind::Capture(c) => gen_hir(rng, &c.sub, out, depth + 1),
        HirKind::Concat(hs) => {
            for x in hs {
                gen_hir(rng, x, out, depth + 1);
            }
        }
        HirKind::Alternation(hs) => {
            if !hs.is_empty() {
                let i = rng.below(hs.len());
                gen_hir(rng, &hs[i], out, depth + 1);
            }
        }
    }
}

/// A small JSON value of any kind.
pub fn small_value(rng: &mut Rng) -> Value {
    match rng.below(9) {
        7 => json!({ "k": rng.range(0, 3) }),
        8 => json!([rng.range(0, 2), "a"]),
        0 => json!(rng.range(-3, 12)),
        1 => json!(*rng.pick(&["a", "b", "red", "", "x1", "AB"])),
        2 => json!(null),
        3 => json!(rng.percent(50)),
        4 => json!(rng.range(-20, 20) as f64 + 0.5),
        5 => json!(*rng.pick(&["green", "zz", "0", "x-"])),
        _ => json!(rng.range(0, 100)),
    }
}

/// A number as JSON: an integer when it is one.
pub fn num_value(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}
