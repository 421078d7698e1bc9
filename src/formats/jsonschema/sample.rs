//! Candidate instances drawn from the constraints of two schemas: values at
//! and around every bound, strings each pattern matches (and the other's
//! does not), enum members, arrays and objects built from the same for their
//! items and properties. The engine validates each candidate with the real
//! validators of both versions; one valid under A and invalid under B proves
//! that A is not included in B (a witness). Candidates never prove inclusion.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::facts::{Facts, gather};
use super::load::SRef;
use super::regexlang;
use super::validate::Validators;

/// Values tried per property or item position.
const PER_SLOT: usize = 8;
/// Property names tried per object.
const NAMES: usize = 24;
/// Candidates returned at most.
const MAX: usize = 600;

pub struct Sampler<'a> {
    pub va: &'a Validators<'a>,
    pub vb: &'a Validators<'a>,
}

/// The facts of a conjunction and of the schemas nested in its
/// disjunctions, negations and conditions (one level of each).
fn sources(v: &Validators, members: &[SRef]) -> Vec<Facts> {
    let ver = v.version();
    let main = gather(ver, members, &BTreeSet::new());
    let mut nested: Vec<SRef> = Vec::new();
    for (alts, _) in main.any_of.iter().chain(&main.one_of) {
        nested.extend(alts.iter().cloned());
    }
    nested.extend(main.not.iter().cloned());
    for c in &main.conds {
        nested.push(c.if_.clone());
        nested.extend(c.then.clone());
        nested.extend(c.else_.clone());
    }
    for deps in main.dep_schemas.values() {
        nested.extend(deps.iter().cloned());
    }
    let mut out = vec![main];
    for s in nested.into_iter().take(16) {
        out.push(gather(ver, std::slice::from_ref(&s), &BTreeSet::new()));
    }
    out
}

/// Up to `n` candidates, the first of each JSON kind first (a slot's
/// candidates come grouped by kind: nulls and booleans, numbers, strings).
fn diverse(cands: &[Value], n: usize) -> Vec<&Value> {
    let kind = |v: &Value| match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    };
    let mut out: Vec<&Value> = Vec::new();
    let mut kinds = [false; 6];
    for c in cands {
        if out.len() < n && !kinds[kind(c)] {
            kinds[kind(c)] = true;
            out.push(c);
        }
    }
    for c in cands {
        if out.len() >= n {
            break;
        }
        if !out.iter().any(|o| std::ptr::eq(*o, c)) {
            out.push(c);
        }
    }
    out
}

fn push(out: &mut Vec<Value>, seen: &mut BTreeSet<String>, v: Value) {
    if out.len() < MAX && seen.insert(v.to_string()) {
        out.push(v);
    }
}

fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// A value of a known `format`.
fn format_sample(f: &str) -> Option<&'static str> {
    Some(match f {
        "date-time" => "2020-01-01T00:00:00Z",
        "date" => "2020-01-01",
        "time" => "00:00:00Z",
        "duration" => "P1D",
        "email" | "idn-email" => "a@example.com",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "127.0.0.1",
        "ipv6" => "::1",
        "uri" | "iri" | "uri-reference" | "iri-reference" => "https://example.com/",
        "uuid" => "00000000-0000-0000-0000-000000000000",
        "regex" => "^a$",
        "json-pointer" => "/a",
        _ => return None,
    })
}

impl<'a> Sampler<'a> {
    /// Candidates for schemas `a` (of version A) and `b` (of version B);
    /// `required` are property names an object candidate should carry.
    pub fn candidates(&self, a: &[SRef], b: &[SRef], required: &[String], depth: u8) -> Vec<Value> {
        let fa = sources(self.va, a);
        let fb = sources(self.vb, b);
        let all: Vec<&Facts> = fa.iter().chain(&fb).collect();
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        // Enumerated values first: they are the likeliest witnesses.
        for f in &all {
            for (vals, _) in &f.enums {
                for x in vals.iter().take(32) {
                    push(&mut out, &mut seen, x.clone());
                }
            }
        }
        for x in [json!(null), json!(true), json!(false)] {
            push(&mut out, &mut seen, x);
        }
        self.numbers(&all, &mut out, &mut seen);
        self.strings(&all, &mut out, &mut seen);
        if depth > 0 {
            self.arrays(a, b, &fa, &fb, depth, &mut out, &mut seen);
            self.objects(a, b, &fa, &fb, required, depth, &mut out, &mut seen);
        } else {
            push(&mut out, &mut seen, json!([]));
            push(&mut out, &mut seen, json!({}));
        }
        out
    }

    fn numbers(&self, all: &[&Facts], out: &mut Vec<Value>, seen: &mut BTreeSet<String>) {
        let mut xs: Vec<f64> = vec![0.0, 1.0, -1.0, 0.5, 2.0, 100.0];
        for f in all {
            for b in f.lower.iter().chain(&f.upper) {
                let v = b.value;
                xs.extend([v, v - 1.0, v + 1.0, v - 0.5, v + 0.5, v.floor(), v.ceil()]);
            }
            for (m, _) in &f.multiple_of {
                xs.extend([*m, 2.0 * m, 3.0 * m, m / 2.0]);
                for b in f.lower.iter().chain(&f.upper) {
                    let k = (b.value / m).floor();
                    xs.extend([k * m, (k + 1.0) * m, (k - 1.0) * m]);
                    // Off the grid, on both sides of the bound.
                    xs.extend([(k + 0.5) * m, (k + 1.5) * m, (k - 0.5) * m]);
                }
            }
        }
        for x in xs {
            if x.is_finite() {
                push(out, seen, number(x));
            }
        }
    }

    fn strings(&self, all: &[&Facts], out: &mut Vec<Value>, seen: &mut BTreeSet<String>) {
        push(out, seen, json!(""));
        push(out, seen, json!("x"));
        let mut lens = Vec::new();
        for f in all {
            for (n, _) in f.min_len.iter().chain(&f.max_len) {
                let n = (*n).min(10_000) as usize;
                lens.extend([n.saturating_sub(1), n, n + 1]);
            }
        }
        for n in lens {
            push(out, seen, json!("x".repeat(n)));
        }
        let patterns: Vec<&str> = all
            .iter()
            .flat_map(|f| f.patterns.iter().map(|(p, _)| p.as_str()))
            .take(8)
            .collect();
        let length_res: Vec<String> = all
            .iter()
            .filter_map(|f| {
                let min = f.min_len.as_ref().map(|(m, _)| *m).unwrap_or(0);
                let max = f.max_len.as_ref().map(|(m, _)| *m);
                (min <= 256 && max.is_none_or(|m| m <= 256)).then(|| match max {
                    Some(x) => format!("^[\\s\\S]{{{min},{x}}}$"),
                    None => format!("^[\\s\\S]{{{min},}}$"),
                })
            })
            .collect();
        for p in &patterns {
            if let Ok(Some(w)) = regexlang::find(&[p], &[]) {
                push(out, seen, json!(w));
            }
            // Strings the pattern refuses, of each length range.
            for any in ["^[\\s\\S]*$", "^[\\s\\S]+$"] {
                if let Ok(Some(w)) = regexlang::find(&[any], &[p]) {
                    push(out, seen, json!(w));
                }
            }
            for l in &length_res {
                if let Ok(Some(w)) = regexlang::find(&[l], &[p]) {
                    push(out, seen, json!(w));
                }
            }
            for q in &patterns {
                if p != q
                    && let Ok(Some(w)) = regexlang::find(&[p], &[q])
                {
                    push(out, seen, json!(w));
                }
            }
            // Longer strings that still match.
            for f in all {
                for (n, _) in f.min_len.iter().chain(&f.max_len) {
                    let n = (*n).min(200) as usize;
                    for len in [n, n + 1] {
                        let long = format!("^.{{{len}}}$");
                        if let Ok(Some(w)) = regexlang::find(&[p, &long], &[]) {
                            push(out, seen, json!(w));
                        }
                    }
                }
            }
        }
        for f in all {
            for (fmt, _) in &f.formats {
                if let Some(x) = format_sample(fmt) {
                    push(out, seen, json!(x));
                }
            }
        }
    }

    /// The item schemas of position `i` (`None`: past every prefix) on one
    /// side, with the `contains` schemas when asked.
    fn item_refs(f: &Facts, i: Option<usize>) -> Vec<SRef> {
        let mut out = Vec::new();
        for p in &f.arrays {
            let s = match i {
                Some(i) if i < p.prefix.len() => Some(p.prefix[i].clone()),
                _ => p.rest.clone(),
            };
            out.extend(s);
        }
        out
    }

    /// The candidates valid under A's schemas `refs` first (a few values
    /// per slot are tried: they should be ones A's data can hold).
    fn valid_first(&self, refs: &[SRef], cands: Vec<Value>) -> Vec<Value> {
        let (mut good, rest): (Vec<Value>, Vec<Value>) = cands
            .into_iter()
            .partition(|x| refs.iter().all(|r| self.va.is_valid(r, x) == Some(true)));
        good.extend(rest);
        good
    }

    /// The first candidate valid under every schema of `refs` in `v`.
    fn valid_one(&self, side_a: bool, refs: &[SRef], cands: &[Value]) -> Option<Value> {
        let v = if side_a { self.va } else { self.vb };
        cands
            .iter()
            .find(|x| refs.iter().all(|r| v.is_valid(r, x) == Some(true)))
            .cloned()
    }

    #[allow(clippy::too_many_arguments)]
    fn arrays(
        &self,
        _a: &[SRef],
        _b: &[SRef],
        fa: &[Facts],
        fb: &[Facts],
        depth: u8,
        out: &mut Vec<Value>,
        seen: &mut BTreeSet<String>,
    ) {
        push(out, seen, json!([]));
        let prefix_len = fa
            .iter()
            .chain(fb)
            .flat_map(|f| f.arrays.iter().map(|p| p.prefix.len()))
            .max()
            .unwrap_or(0)
            .min(32);
        // Per position: candidates from both sides' item schemas.
        let mut slots: Vec<(Vec<Value>, Option<Value>)> = Vec::new();
        for i in (0..prefix_len).map(Some).chain([None]) {
            let ra: Vec<SRef> = fa.iter().flat_map(|f| Self::item_refs(f, i)).collect();
            let rb: Vec<SRef> = fb.iter().flat_map(|f| Self::item_refs(f, i)).collect();
            let mut ra_c = ra.clone();
            let mut rb_c = rb.clone();
            for f in fa {
                ra_c.extend(f.contains.iter().map(|(c, _, _)| c.clone()));
            }
            for f in fb {
                rb_c.extend(f.contains.iter().map(|(c, _, _)| c.clone()));
            }
            let cands: Vec<Value> = if ra_c.is_empty() && rb_c.is_empty() {
                vec![json!(0), json!("x"), json!(null)]
            } else {
                self.valid_first(&ra, self.candidates(&ra_c, &rb_c, &[], depth - 1))
            };
            let valid = self.valid_one(true, &ra, &cands);
            let few: Vec<Value> = cands.into_iter().take(PER_SLOT * 4).collect();
            slots.push((few, valid));
        }
        let (rest_cands, rest_valid) = slots.pop().unwrap_or_default();
        // Distinct items A's schemas past the prefix accept (for lengths
        // under `uniqueItems`).
        let rest_refs: Vec<SRef> = fa.iter().flat_map(|f| Self::item_refs(f, None)).collect();
        let accepted = |x: &Value| {
            rest_refs
                .iter()
                .all(|r| self.va.is_valid(r, x) == Some(true))
        };
        let mut distinct: Vec<Value> = rest_cands
            .iter()
            .filter(|x| accepted(x))
            .take(8)
            .cloned()
            .collect();
        // Variants of them, when there are few.
        let variants: Vec<Value> = distinct
            .iter()
            .flat_map(|v| match v {
                Value::String(s) => ["a", "b", "0", "1"]
                    .iter()
                    .map(|c| json!(format!("{s}{c}")))
                    .collect(),
                Value::Number(n) => n
                    .as_f64()
                    .map(|x| vec![number(x + 1.0), number(x + 2.0), number(x * 2.0 + 3.0)])
                    .unwrap_or_default(),
                _ => Vec::new(),
            })
            .collect();
        for v in variants {
            if distinct.len() >= 8 {
                break;
            }
            if !distinct.contains(&v) && accepted(&v) {
                distinct.push(v);
            }
        }
        // A tuple of valid prefix items, then variants at each position.
        let base: Vec<Value> = slots
            .iter()
            .map(|(c, v)| {
                v.clone()
                    .or_else(|| c.first().cloned())
                    .unwrap_or(json!(null))
            })
            .collect();
        push(out, seen, Value::Array(base.clone()));
        // Variants at the first positions (the base covers a long tuple).
        for (i, (cands, _)) in slots.iter().enumerate().take(8) {
            for c in diverse(cands, PER_SLOT) {
                let mut t = base.clone();
                t[i] = c.clone();
                push(out, seen, Value::Array(t));
            }
        }
        for c in &rest_cands {
            let mut t = base.clone();
            t.push(c.clone());
            push(out, seen, Value::Array(t));
        }
        // Lengths around every bound, and a repeated item.
        let fill = rest_valid
            .or_else(|| rest_cands.first().cloned())
            .unwrap_or(json!(0));
        let mut lens = vec![base.len() + 2];
        for f in fa.iter().chain(fb) {
            for (n, _) in f.min_items.iter().chain(&f.max_items) {
                let n = (*n).min(2000) as usize;
                lens.extend([n.saturating_sub(1), n, n + 1]);
            }
            for (_, min, max) in &f.contains {
                lens.extend([*min as usize, *min as usize + 1]);
                if let Some(m) = max {
                    lens.extend([*m as usize, *m as usize + 1]);
                }
            }
        }
        for n in lens {
            let mut t = base.clone();
            t.truncate(n);
            let mut u = t.clone();
            while t.len() < n {
                t.push(fill.clone());
            }
            push(out, seen, Value::Array(t));
            if distinct.len() > 1 {
                let mut i = 0;
                while u.len() < n && i < distinct.len() {
                    u.push(distinct[i].clone());
                    i += 1;
                }
                if u.len() == n {
                    push(out, seen, Value::Array(u));
                }
            }
        }
        // Runs of an item each side's `contains` takes, around its counts.
        for (side_a, facts) in [(true, fa), (false, fb)] {
            for f in facts {
                for (c, min, max) in &f.contains {
                    let (ra, rb) = if side_a {
                        (vec![c.clone()], vec![])
                    } else {
                        (vec![], vec![c.clone()])
                    };
                    let cands = self.candidates(&ra, &rb, &[], depth - 1);
                    let Some(x) = self.valid_one(side_a, std::slice::from_ref(c), &cands) else {
                        continue;
                    };
                    let mut ks = vec![1, 2, *min as usize, *min as usize + 1];
                    if let Some(m) = max {
                        ks.extend([*m as usize, *m as usize + 1]);
                    }
                    for k in ks {
                        if k <= 200 {
                            push(out, seen, Value::Array(vec![x.clone(); k]));
                        }
                    }
                    // One match beside items A takes that this `contains`
                    // does not (the other side may count them).
                    let v = if side_a { self.va } else { self.vb };
                    let others = distinct
                        .iter()
                        .filter(|y| v.is_valid(c, y) == Some(false))
                        .take(3);
                    for y in others {
                        push(out, seen, json!([x.clone(), y.clone()]));
                        push(out, seen, json!([y.clone(), x.clone()]));
                    }
                    let also = distinct
                        .iter()
                        .filter(|y| **y != x && v.is_valid(c, y) == Some(true))
                        .take(2);
                    for y in also {
                        push(out, seen, json!([x.clone(), y.clone()]));
                    }
                }
            }
        }
        // Distinct items (for uniqueItems on the other side).
        let distinct: Vec<Value> = rest_cands.iter().take(3).cloned().collect();
        if distinct.len() > 1 {
            push(out, seen, Value::Array(distinct));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn objects(
        &self,
        _a: &[SRef],
        _b: &[SRef],
        fa: &[Facts],
        fb: &[Facts],
        required: &[String],
        depth: u8,
        out: &mut Vec<Value>,
        seen: &mut BTreeSet<String>,
    ) {
        push(out, seen, json!({}));
        // Names: declared, required and depended on by either side, one
        // for each pattern, and one nobody declares.
        let mut names: Vec<String> = Vec::new();
        let add = |n: &str, names: &mut Vec<String>| {
            if names.len() < NAMES && !names.iter().any(|m| m == n) {
                names.push(n.to_string());
            }
        };
        for n in required {
            add(n, &mut names);
        }
        for f in fa.iter().chain(fb) {
            for n in f.required.keys() {
                add(n, &mut names);
            }
        }
        for f in fa.iter().chain(fb) {
            for p in &f.objects {
                for n in p.props.keys() {
                    add(n, &mut names);
                }
            }
            for n in f.dep_required.keys().chain(f.dep_schemas.keys()) {
                add(n, &mut names);
            }
            for (_, (ds, _)) in f.dep_required.iter() {
                for n in ds {
                    add(n, &mut names);
                }
            }
        }
        let patterns: Vec<String> = fa
            .iter()
            .chain(fb)
            .flat_map(|f| {
                f.objects
                    .iter()
                    .flat_map(|p| p.patterns.iter().map(|(s, _)| s.clone()))
            })
            .take(8)
            .collect();
        let declared: Vec<String> = names
            .iter()
            .map(|n| format!("^{}$", regex_syntax::escape(n)))
            .collect();
        for p in &patterns {
            let excl: Vec<&str> = declared.iter().map(String::as_str).collect();
            if let Ok(Some(w)) = regexlang::find(&[p], &excl) {
                add(&w, &mut names);
            }
        }
        let mut excl: Vec<&str> = declared.iter().map(String::as_str).collect();
        excl.extend(patterns.iter().map(String::as_str));
        match regexlang::find(&["^[a-z_]+$"], &excl) {
            Ok(Some(w)) => add(&w, &mut names),
            _ => add("wirecompat_extra", &mut names),
        }
        // A name B's `propertyNames` refuses (and A's accept).
        let a_names: Vec<SRef> = fa[0].property_names.clone();
        for pn in fb[0].property_names.iter().take(2) {
            let mut refused: Vec<String> = self
                .candidates(&a_names, std::slice::from_ref(pn), &[], 0)
                .into_iter()
                .filter_map(|x| match x {
                    Value::String(n) => Some(n),
                    _ => None,
                })
                .filter(|n| {
                    self.vb.is_valid(pn, &json!(n)) == Some(false)
                        && a_names
                            .iter()
                            .all(|r| self.va.is_valid(r, &json!(n)) == Some(true))
                })
                .collect();
            refused.sort_by_key(|n| (n.is_empty(), n.len()));
            if let Some(n) = refused.first() {
                add(n, &mut names);
            }
        }
        // Values per name, and a valid one under A where there is one.
        let main_a = &fa[0];
        let main_b = &fb[0];
        let mut slots: Vec<(String, Vec<Value>, Option<Value>)> = Vec::new();
        for n in &names {
            let (ra, _) = main_a.prop_schemas(n);
            let (rb, _) = main_b.prop_schemas(n);
            let mut ra_all = ra.clone();
            let mut rb_all = rb.clone();
            for f in &fa[1..] {
                ra_all.extend(f.prop_schemas(n).0);
            }
            for f in &fb[1..] {
                rb_all.extend(f.prop_schemas(n).0);
            }
            let cands = if ra_all.is_empty() && rb_all.is_empty() {
                vec![json!(1), json!("x"), json!(null)]
            } else {
                self.valid_first(&ra, self.candidates(&ra_all, &rb_all, &[], depth - 1))
            };
            let valid = self.valid_one(true, &ra, &cands);
            slots.push((n.clone(), cands, valid));
        }
        let req: BTreeSet<&String> = required.iter().chain(main_a.required.keys()).collect();
        let mut base = Map::new();
        for (n, cands, valid) in &slots {
            if req.contains(n) {
                let v = valid
                    .clone()
                    .or_else(|| cands.first().cloned())
                    .unwrap_or(json!(null));
                base.insert(n.clone(), v);
            }
        }
        push(out, seen, Value::Object(base.clone()));
        // Without each required name.
        for n in base.keys() {
            let mut o = base.clone();
            o.remove(n);
            push(out, seen, Value::Object(o));
        }
        // With each name, at each of its values.
        for (n, cands, _) in &slots {
            for c in diverse(cands, PER_SLOT) {
                let mut o = base.clone();
                o.insert(n.clone(), c.clone());
                push(out, seen, Value::Object(o));
            }
        }
        // Every name at a valid value (for property counts), and every
        // name that has one.
        let mut full = base.clone();
        let mut valid_only = base.clone();
        for (n, cands, valid) in &slots {
            if let Some(v) = valid.clone().or_else(|| cands.first().cloned()) {
                full.insert(n.clone(), v);
            }
            if let Some(v) = valid {
                valid_only.insert(n.clone(), v.clone());
            }
        }
        push(out, seen, Value::Object(full.clone()));
        push(out, seen, Value::Object(valid_only.clone()));
        for n in valid_only.keys() {
            let mut o = valid_only.clone();
            o.remove(n);
            push(out, seen, Value::Object(o));
        }
        // Every name but one (a property made required, under a lower
        // count bound).
        for n in full.keys() {
            let mut o = full.clone();
            o.remove(n);
            push(out, seen, Value::Object(o));
        }
        // Sizes around every property-count bound, filled with declared
        // names at valid values first, then with names no schema declares
        // at a value A takes for such names.
        let filler = slots
            .last()
            .and_then(|(_, c, v)| v.clone().or_else(|| c.first().cloned()))
            .unwrap_or(json!(null));
        let mut sizes = Vec::new();
        for f in fa.iter().chain(fb) {
            for (n, _) in f.min_props.iter().chain(&f.max_props) {
                let n = (*n).min(64) as usize;
                sizes.extend([n.saturating_sub(1), n, n + 1]);
            }
        }
        // Names of a pattern of A's, each at a value valid for the first
        // (a closed object with `patternProperties` holds any number).
        let pattern_fill: Option<(String, Value)> = patterns.iter().find_map(|p| {
            let (_, _, valid) = slots
                .iter()
                .find(|(n, _, v)| v.is_some() && regexlang::is_match(p, n) == Some(true))?;
            Some((p.clone(), valid.clone()?))
        });
        for n in sizes {
            let mut o = base.clone();
            for (k, v) in &full {
                if o.len() >= n {
                    break;
                }
                o.entry(k.clone()).or_insert_with(|| v.clone());
            }
            let mut by_pattern = base.clone();
            for (k, v) in &valid_only {
                if by_pattern.len() >= n {
                    break;
                }
                by_pattern.entry(k.clone()).or_insert_with(|| v.clone());
            }
            let mut i = 0;
            while o.len() < n {
                o.insert(format!("p{i}"), filler.clone());
                i += 1;
            }
            push(out, seen, Value::Object(o));
            // Only the required names, then undeclared ones (a count
            // reached without an optional property).
            let mut bare = base.clone();
            let mut i = 0;
            while bare.len() < n {
                bare.insert(format!("p{i}"), filler.clone());
                i += 1;
            }
            push(out, seen, Value::Object(bare));
            if let Some((p, v)) = &pattern_fill {
                while by_pattern.len() < n {
                    let used: Vec<String> = by_pattern.keys().cloned().collect();
                    let exclude: Vec<String> = used
                        .iter()
                        .map(|u| format!("^{}$", regex_syntax::escape(u)))
                        .collect();
                    let exclude: Vec<&str> = exclude.iter().map(String::as_str).collect();
                    match regexlang::find(&[p.as_str()], &exclude) {
                        Ok(Some(name)) => {
                            by_pattern.insert(name, v.clone());
                        }
                        _ => break,
                    }
                }
                if by_pattern.len() == n {
                    push(out, seen, Value::Object(by_pattern));
                }
            }
        }
    }
}
