//! Inclusion of instance sets: is every instance valid under schema A (the
//! side whose data is being read) also valid under schema B? Backward asks
//! it with A = v(N-1) and B = v(N); forward with A = v(N) and B = v(N-1).
//!
//! The engine compares the two schemas keyword by keyword over their
//! gathered facts, splits A's disjunctions, tries B's alternatives, and
//! answers three ways: every difference it finds is a problem, and a problem
//! it cannot settle is `unknown` with the keyword that stopped it. It never
//! answers "compatible" for a keyword it did not compare: anything it does
//! not understand on B's side becomes an unknown problem.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::facts::{Facts, Types, gather};
use super::load::{SRef, Version};
use super::regexlang::{self, Containment};
use super::sample::Sampler;
use super::validate::Validators;
use crate::finding::Direction;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Type,
    Enum,
    Required,
    OpenContent,
    Additional,
    PatternProperties,
    PropertyNames,
    Dependencies,
    PropertyCount,
    Numeric,
    MultipleOf,
    Length,
    Pattern,
    Format,
    Items,
    ItemCount,
    Unique,
    Contains,
    AnyOf,
    OneOf,
    Not,
    Conditional,
    Unevaluated,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: Kind,
    pub dir: Direction,
    /// Where in A (the data's schema) and in B (the reading schema).
    pub a: SRef,
    pub b: SRef,
    /// What B refuses that A allows, in words ("integer values").
    pub detail: String,
    pub unknown: bool,
    /// Why an unknown problem could not be settled, beyond the keyword.
    pub why: Option<String>,
    /// An instance valid under A and invalid under B, when one is known.
    pub witness: Option<Value>,
    /// Nesting level of the comparison that found it.
    pub depth: usize,
    /// For a problem with one property: a witness must carry it.
    pub prop: Option<String>,
}

impl Problem {
    /// A direction whose comparison could not be started (no thread for
    /// it): undecided, saying why.
    pub fn not_run(old: usize, new: usize, dir: Direction, e: &std::io::Error) -> Problem {
        let root = |file| SRef {
            file,
            ptr: String::new(),
        };
        let (a, b) = match dir {
            Direction::Backward => (root(old), root(new)),
            _ => (root(new), root(old)),
        };
        Problem {
            kind: Kind::AnyOf,
            dir,
            a,
            b,
            detail: format!("the comparison could not be started ({e})"),
            unknown: true,
            why: None,
            witness: None,
            depth: 0,
            prop: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Lenient content model: names an open object does not declare are
    /// assumed absent from old data (Confluent's lenient mode).
    pub lenient: bool,
    /// Check `format` as an assertion.
    pub format_assertion: bool,
}

/// A conjunction of schemas, with disjunction groups already split away and
/// an optional restriction to some JSON types.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Conj {
    pub members: Vec<SRef>,
    pub skip: BTreeSet<SRef>,
    pub types: Option<u8>,
    /// Property names the instances are known to carry (objects only).
    pub required: BTreeSet<String>,
}

impl Conj {
    pub fn of(members: Vec<SRef>) -> Conj {
        Conj {
            members,
            skip: BTreeSet::new(),
            types: None,
            required: BTreeSet::new(),
        }
    }

    /// The objects of this conjunction that carry `name`.
    fn with_property(&self, name: &str) -> Conj {
        let mut c = self.clone();
        c.types = Some(c.types.unwrap_or(0x7f) & Types::OBJECT);
        c.required.insert(name.to_string());
        c
    }

    fn loc(&self) -> SRef {
        self.members.first().cloned().unwrap_or(SRef {
            file: 0,
            ptr: String::new(),
        })
    }
}

pub struct Engine<'a> {
    pub a: &'a Version,
    pub b: &'a Version,
    pub va: &'a Validators<'a>,
    pub vb: &'a Validators<'a>,
    pub dir: Direction,
    pub policy: Policy,
    stack: Vec<(Conj, Conj)>,
    /// The pairs on `stack`, to look them up.
    on_stack: std::collections::HashSet<(Conj, Conj)>,
    /// Trial comparisons under way: their problems are dropped, so no
    /// witnesses are searched for them.
    trials: usize,
    pub problems: Vec<Problem>,
    /// Pairs of schemas known to be written alike (or not), so that a
    /// schema of thousands of definitions is walked once, not again for
    /// each place that reaches it.
    same_cache: std::cell::RefCell<std::collections::HashMap<(SRef, SRef), bool>>,
    /// Comparisons begun, and whether [`STEP_BUDGET`] ran out: past it every
    /// comparison is assumed to hold and the direction is reported unknown,
    /// never compatible, so that no document can make a check run for ever.
    steps: usize,
    exhausted: bool,
    exhausted_reported: bool,
    /// Pairs shown included, so that each pair of a recursive document is
    /// compared once, not once per path that reaches it. A pair shown while
    /// a pair it is nested in was assumed (a cycle closed on it) holds if
    /// that one does, and is used only while that one is still assumed:
    /// `proved_log` keeps the order pairs were shown in, and a pair found
    /// not included takes back every pair shown since it began.
    proved: std::collections::HashSet<(Conj, Conj)>,
    proved_log: Vec<(Conj, Conj)>,
    /// Answers taken from `refuted`: a comparison that takes one fails
    /// as if it had found the problem again (a trial takes its own back).
    known_fails: usize,
    /// Pairs found not included (assumptions only ever assume inclusion,
    /// so this holds on every path), and whether their problems were kept
    /// (found outside a trial): a trial may take the answer alone, a
    /// comparison that keeps problems only where they were kept.
    refuted: std::collections::HashMap<(Conj, Conj), bool>,
}

/// The pairs one "written alike" walk assumes alike (with the order they
/// were assumed in, so that a failed match of unordered elements can take
/// its assumptions back), the pairs it found unlike, and whether it gave up.
#[derive(Default)]
struct Seen {
    set: std::collections::HashSet<(SRef, SRef)>,
    log: Vec<(SRef, SRef)>,
    unlike: Vec<(SRef, SRef)>,
    gave_up: bool,
}

/// Comparisons nested deeper than this are undecided ("the schemas nest
/// too deep to compare"): a chain of references this long is followed. The
/// comparison runs on a thread with a stack for it (`pair::COMPARE_STACK`).
pub const NEST: usize = 10_000;

/// Comparisons one direction may begin: a large recursive document whose
/// definitions changed is otherwise explored path by path.
const STEP_BUDGET: usize = 200_000;

/// Pairs of schemas one "written alike" walk may visit: enough for every
/// definition of a large document (its answer is then remembered).
const SAME_PAIRS: usize = 200_000;

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn is_multiple(x: f64, m: f64) -> bool {
    if m == 0.0 {
        return false;
    }
    let q = x / m;
    (q - q.round()).abs() < 1e-9 * q.abs().max(1.0)
}

/// The least common multiple of decimal steps (`multipleOf: 3` and `5`
/// together hold the multiples of 15), when they are exact decimals.
fn lcm(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    const SCALE: f64 = 1e6;
    let mut acc: u128 = 1;
    for x in xs {
        let scaled = x * SCALE;
        if !(scaled > 0.0 && scaled.fract() == 0.0 && scaled < 1e18) {
            return None;
        }
        let n = scaled as u128;
        let g = gcd(acc, n);
        acc = acc.checked_mul(n / g)?;
        if acc > 1u128 << 100 {
            return None;
        }
    }
    // The scale's own factor: lcm of the scaled values, scaled back.
    let l = acc as f64 / SCALE;
    xs.iter().all(|x| is_multiple(l, *x)).then_some(l)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The first multiple of `m` within a bound at `v` (from above for a
/// lower bound, `up`; from below for an upper one).
fn snap(v: f64, exclusive: bool, m: f64, up: bool) -> f64 {
    let q = v / m;
    let on = (q - q.round()).abs() < 1e-9 * q.abs().max(1.0);
    let k = match (on, exclusive, up) {
        (true, false, _) => q.round(),
        (true, true, true) => q.round() + 1.0,
        (true, true, false) => q.round() - 1.0,
        (false, _, true) => q.ceil(),
        (false, _, false) => q.floor(),
    };
    k * m
}

fn num_json(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// Integer form of a lower bound (`> 2.5` is `>= 3`).
fn int_lower(value: f64, exclusive: bool) -> f64 {
    if exclusive {
        value.floor() + 1.0
    } else {
        value.ceil()
    }
}

fn int_upper(value: f64, exclusive: bool) -> f64 {
    if exclusive {
        value.ceil() - 1.0
    } else {
        value.floor()
    }
}

impl<'a> Engine<'a> {
    pub fn new(
        a: &'a Version,
        b: &'a Version,
        va: &'a Validators<'a>,
        vb: &'a Validators<'a>,
        dir: Direction,
        policy: Policy,
    ) -> Self {
        Engine {
            a,
            b,
            va,
            vb,
            dir,
            policy,
            stack: Vec::new(),
            on_stack: Default::default(),
            trials: 0,
            problems: Vec::new(),
            same_cache: Default::default(),
            steps: 0,
            exhausted: false,
            exhausted_reported: false,
            proved: Default::default(),
            proved_log: Vec::new(),
            known_fails: 0,
            refuted: Default::default(),
        }
    }

    fn facts_a(&self, c: &Conj) -> Facts {
        let mut f = gather(self.a, &c.members, &c.skip);
        if let Some(t) = c.types {
            let (cur, loc) = f.types.clone().unwrap_or((Types::ALL, c.loc()));
            f.types = Some((cur.and(Types(t)), loc));
        }
        for n in &c.required {
            f.required.entry(n.clone()).or_insert_with(|| c.loc());
        }
        f
    }

    fn facts_b(&self, c: &Conj) -> Facts {
        gather(self.b, &c.members, &c.skip)
    }

    fn report(&mut self, kind: Kind, a: SRef, b: SRef, detail: String, witness: Option<Value>) {
        self.problems.push(Problem {
            kind,
            dir: self.dir,
            a,
            b,
            detail,
            unknown: false,
            why: None,
            witness,
            depth: self.stack.len(),
            prop: None,
        });
    }

    fn unknown(&mut self, kind: Kind, a: SRef, b: SRef, detail: String) {
        self.problems.push(Problem {
            kind,
            dir: self.dir,
            a,
            b,
            detail,
            unknown: true,
            why: None,
            witness: None,
            depth: self.stack.len(),
            prop: None,
        });
    }

    /// Whether `x` is valid under the whole of A's conjunction.
    fn valid_a(&self, c: &Conj, x: &Value) -> Option<bool> {
        let mut all = true;
        for m in &c.members {
            all &= self.va.is_valid(m, x)?;
        }
        if let Some(t) = c.types {
            all &= Types(t).has(Types::of(x))
                || (Types::of(x) == Types::INTEGER && Types(t).has(Types::NUMBER));
        }
        if let Value::Object(o) = x {
            all &= c.required.iter().all(|n| o.contains_key(n));
        }
        Some(all)
    }

    fn valid_b(&self, c: &Conj, x: &Value) -> Option<bool> {
        let mut all = true;
        for m in &c.members {
            all &= self.vb.is_valid(m, x)?;
        }
        Some(all)
    }

    /// Runs a comparison without keeping its problems: did it pass cleanly?
    fn trial(&mut self, a: &Conj, b: &Conj) -> bool {
        let n = self.problems.len();
        let known = self.known_fails;
        self.trials += 1;
        let ok = self.sub(a, b);
        self.trials -= 1;
        let clean = ok && self.problems.len() == n && self.known_fails == known;
        self.problems.truncate(n);
        self.known_fails = known;
        clean
    }

    /// Is every instance of `a` valid under `b`? Problems are recorded; the
    /// answer is true when none was found.
    pub fn sub(&mut self, a: &Conj, b: &Conj) -> bool {
        self.steps += 1;
        if self.steps > STEP_BUDGET {
            self.exhausted = true;
            return true;
        }
        let key = (a.clone(), b.clone());
        if self.proved.contains(&key) || self.on_stack.contains(&key) {
            // Shown before, or a recursive schema whose cycle closes here:
            // assume inclusion (taken back if the assumption fails).
            return true;
        }
        if let Some(&kept) = self.refuted.get(&key)
            && (kept || self.trials > 0)
        {
            // Its problems are where it was found: the comparisons it is
            // nested in fail all the same.
            self.known_fails += 1;
            return false;
        }
        if self.stack.len() > NEST {
            self.unknown(
                Kind::AnyOf,
                a.loc(),
                b.loc(),
                "the schemas nest too deep to compare".into(),
            );
            return false;
        }
        if self.same(a, b) {
            return true;
        }
        self.on_stack.insert(key.clone());
        self.stack.push(key);
        let start = self.problems.len();
        let known = self.known_fails;
        let mark = self.proved_log.len();
        let ok = self.sub_inner(a, b);
        if self.trials == 0 {
            self.settle(a, b, start);
        }
        let key = self.stack.pop().expect("pushed above");
        self.on_stack.remove(&key);
        let included = ok && self.problems.len() == start && self.known_fails == known;
        if !included {
            for k in self.proved_log.drain(mark..) {
                self.proved.remove(&k);
            }
            let kept = self.trials == 0;
            *self.refuted.entry(key).or_insert(kept) |= kept;
        } else if !self.exhausted {
            // (Past the budget, comparisons are assumed, not shown.)
            self.proved.insert(key.clone());
            self.proved_log.push(key);
        }
        if self.exhausted && !self.exhausted_reported && self.stack.is_empty() && self.trials == 0 {
            self.exhausted_reported = true;
            self.unknown(
                Kind::AnyOf,
                a.loc(),
                b.loc(),
                format!(
                    "the comparison grew beyond {STEP_BUDGET} steps (a large recursive \
                     document): wirecompat stopped there rather than guess"
                ),
            );
        }
        included
    }

    /// Whether the two conjunctions are the same schemas, written alike
    /// (their references leading to schemas written alike too).
    fn same(&self, a: &Conj, b: &Conj) -> bool {
        if a.members.len() != b.members.len()
            || !a.skip.is_empty()
            || !b.skip.is_empty()
            || a.types.is_some()
            || !a.required.is_empty()
        {
            return false;
        }
        a.members
            .iter()
            .zip(&b.members)
            .all(|(x, y)| self.same_top(x, y))
    }

    /// Whether two schemas are written alike, remembered: a walk that ends
    /// true has shown every pair it assumed alike to be alike; a pair found
    /// unlike is unlike wherever it is reached (the walk only assumes pairs
    /// alike, never unlike), unless the walk gave up at [`SAME_PAIRS`].
    fn same_top(&self, x: &SRef, y: &SRef) -> bool {
        let key = (x.clone(), y.clone());
        // A remembered pair is answered by `same_schema` before any walk.
        let mut seen = Seen::default();
        let r = self.same_schema(x, y, &mut seen);
        let mut cache = self.same_cache.borrow_mut();
        if r {
            for pair in seen.set {
                cache.insert(pair, true);
            }
        } else if !seen.gave_up {
            cache.extend(seen.unlike.into_iter().map(|pair| (pair, false)));
        }
        cache.insert(key, r);
        r
    }

    fn same_schema(&self, x: &SRef, y: &SRef, seen: &mut Seen) -> bool {
        let key = (x.clone(), y.clone());
        if let Some(&r) = self.same_cache.borrow().get(&key) {
            return r;
        }
        if seen.set.contains(&key) {
            return true;
        }
        if seen.set.len() > SAME_PAIRS {
            seen.gave_up = true;
            return false;
        }
        seen.set.insert(key.clone());
        seen.log.push(key.clone());
        let (Some(vx), Some(vy)) = (self.a.value(x), self.b.value(y)) else {
            return false;
        };
        let alike = self.a.draft(x) == self.b.draft(y) && self.same_value(vx, vy, x, y, seen);
        if !alike {
            seen.unlike.push(key);
        }
        alike
    }

    fn same_value(&self, vx: &Value, vy: &Value, x: &SRef, y: &SRef, seen: &mut Seen) -> bool {
        match (vx, vy) {
            (Value::Object(ox), Value::Object(oy)) => {
                if ox.len() != oy.len() {
                    return false;
                }
                let has_ref = ["$ref", "$dynamicRef", "$recursiveRef"]
                    .iter()
                    .any(|k| ox.contains_key(*k));
                if has_ref {
                    match (self.a.refs.get(x), self.b.refs.get(y)) {
                        (Some(tx), Some(ty)) => {
                            if !self.same_schema(&tx.clone(), &ty.clone(), seen) {
                                return false;
                            }
                        }
                        (None, None) => {}
                        _ => return false,
                    }
                }
                ox.iter().all(|(k, cx)| {
                    oy.get(k).is_some_and(|cy| {
                        self.same_value(cx, cy, &x.child(&[k]), &y.child(&[k]), seen)
                    })
                })
            }
            (Value::Array(ax), Value::Array(ay)) if ax.len() == ay.len() && unordered(x) => {
                // Order does not matter: match each element with an equal one.
                let mut used = vec![false; ay.len()];
                ax.iter().enumerate().all(|(i, cx)| {
                    let i = i.to_string();
                    (0..ay.len()).any(|j| {
                        if used[j] {
                            return false;
                        }
                        // A failed match takes back the pairs it assumed.
                        let mark = seen.log.len();
                        let ok = self.same_value(
                            cx,
                            &ay[j],
                            &x.child(&[&i]),
                            &y.child(&[&j.to_string()]),
                            seen,
                        );
                        if ok {
                            used[j] = true;
                        } else {
                            for pair in seen.log.drain(mark..) {
                                seen.set.remove(&pair);
                            }
                        }
                        ok
                    })
                })
            }
            (Value::Array(ax), Value::Array(ay)) => {
                ax.len() == ay.len()
                    && ax.iter().zip(ay).enumerate().all(|(i, (cx, cy))| {
                        let i = i.to_string();
                        self.same_value(cx, cy, &x.child(&[&i]), &y.child(&[&i]), seen)
                    })
            }
            _ => vx == vy,
        }
    }

    /// Checks the witnesses of the problems this comparison found itself,
    /// and looks for one where a problem has none: a candidate instance
    /// valid under A and invalid under B. An undecided problem with a
    /// witness is decided.
    fn settle(&mut self, a: &Conj, b: &Conj, start: usize) {
        let level = self.stack.len();
        let here: Vec<usize> = (start..self.problems.len())
            .filter(|&i| self.problems[i].depth == level)
            .collect();
        let mut need = false;
        for &i in &here {
            if let Some(w) = self.problems[i].witness.clone()
                && !(self.valid_a(a, &w) == Some(true) && self.valid_b(b, &w) == Some(false))
            {
                self.problems[i].witness = None;
            }
            need |= self.problems[i].witness.is_none();
        }
        if !need {
            return;
        }
        let sampler = Sampler {
            va: self.va,
            vb: self.vb,
        };
        let required: Vec<String> = a.required.iter().cloned().collect();
        let mut witnesses: Vec<Value> = sampler
            .candidates(&a.members, &b.members, &required, 2)
            .into_iter()
            .filter(|x| self.valid_a(a, x) == Some(true) && self.valid_b(b, x) == Some(false))
            .take(32)
            .collect();
        // The smallest example reads best.
        witnesses.sort_by_key(|w| w.to_string().len());
        if witnesses.is_empty() {
            return;
        }
        let mut decided = here
            .iter()
            .any(|&i| !self.problems[i].unknown && self.problems[i].witness.is_some());
        for &i in &here {
            if self.problems[i].witness.is_some() {
                continue;
            }
            let at = self.problems[i].b.clone();
            let prop = self.problems[i].prop.clone();
            if let Some(w) = witnesses
                .iter()
                .filter(|w| prop.as_ref().is_none_or(|n| w.get(n).is_some()))
                .find(|w| self.rejected_at(&at, w) == Some(true))
            {
                let p = &mut self.problems[i];
                p.witness = Some(w.clone());
                p.unknown = false;
                p.why = None;
                p.detail = settled(&p.detail);
                decided = true;
            }
        }
        if !decided && let Some(&i) = here.iter().find(|&&i| self.problems[i].unknown) {
            let p = &mut self.problems[i];
            p.witness = Some(witnesses[0].clone());
            p.unknown = false;
            p.why = None;
            p.detail = settled(&p.detail);
        }
    }

    /// The names a closed object of A can carry (declared, not `false`).
    fn possible_names(&self, fa: &Facts) -> Vec<String> {
        let declared: BTreeSet<&String> = fa.objects.iter().flat_map(|p| p.props.keys()).collect();
        declared
            .into_iter()
            .filter(|n| {
                !fa.prop_schemas(n)
                    .0
                    .iter()
                    .any(|s| matches!(self.a.value(s), Some(Value::Bool(false))))
            })
            .cloned()
            .collect()
    }

    /// Whether A's conjunction plainly accepts nothing: `false`, no type
    /// left, a `not` of a schema that accepts everything, or an `enum`
    /// none of whose values is valid under the rest.
    /// Objects only whose required properties (with those they depend on)
    /// include one no value can satisfy, or more than `maxProperties`, are
    /// empty too.
    fn empty_a(&self, a: &Conj, fa: &Facts) -> bool {
        if self.plainly_empty(a, fa) {
            return true;
        }
        if effective_types(fa).0 == Types::ARRAY {
            return self.no_arrays(fa);
        }
        if effective_types(fa).0 != Types::OBJECT {
            return false;
        }
        let names = self.required_closure(fa);
        if fa
            .max_props
            .as_ref()
            .is_some_and(|(m, _)| names.len() as u64 > *m)
        {
            return true;
        }
        // A required name that `propertyNames` refuses.
        if names.iter().any(|n| {
            fa.property_names
                .iter()
                .any(|pn| self.va.is_valid(pn, &json!(n)) == Some(false))
        }) {
            return true;
        }
        names.iter().any(|n| {
            let (refs, _) = fa.prop_schemas(n);
            !refs.is_empty() && {
                let f = gather(self.a, &refs, &BTreeSet::new());
                self.plainly_empty(&Conj::of(refs), &f)
            }
        })
    }

    /// Arrays only, none possible: more items needed than `false` after
    /// the prefix allows, or a `contains` of no type the items may have.
    fn no_arrays(&self, fa: &Facts) -> bool {
        let min = fa.min_items.as_ref().map(|(m, _)| *m).unwrap_or(0);
        let is_false = |s: &SRef| matches!(self.a.value(s), Some(Value::Bool(false)));
        if fa
            .arrays
            .iter()
            .any(|p| p.rest.as_ref().is_some_and(is_false) && (p.prefix.len() as u64) < min)
        {
            return true;
        }
        let one = |s: &SRef| gather(self.a, std::slice::from_ref(s), &BTreeSet::new());
        fa.contains.iter().any(|(c, cmin, _)| {
            *cmin > 0
                && fa.arrays.iter().any(|p| {
                    let ct = effective_types(&one(c));
                    let slots = p.prefix.iter().chain(p.rest.as_ref());
                    p.rest.is_some()
                        && slots
                            .map(|s| effective_types(&one(s)))
                            .all(|t| t.and(ct).is_empty())
                })
        })
    }

    fn plainly_empty(&self, a: &Conj, fa: &Facts) -> bool {
        let types = effective_types(fa);
        if fa.is_false.is_some() || types.is_empty() {
            return true;
        }
        // A `not` of every value, or of every value of A's types.
        if fa.not.iter().any(|n| {
            let mut f = gather(self.a, std::slice::from_ref(n), &BTreeSet::new());
            let excluded = f.types.take().map(|(t, _)| t).unwrap_or(Types::ALL);
            f.is_universal() && types.0 & !excluded.0 == 0
        }) {
            return true;
        }
        if let Some((vals, _)) = fa.enums.first() {
            return vals.iter().all(|x| self.valid_a(a, x) == Some(false));
        }
        false
    }

    /// The names A's objects carry: the required ones and, transitively,
    /// those they depend on (`dependentRequired`, the `required` of a
    /// `dependentSchemas` schema).
    fn required_closure(&self, fa: &Facts) -> BTreeSet<String> {
        self.closure_from(fa, fa.required.keys().cloned().collect())
    }

    /// `names` with those they depend on in A, transitively.
    fn closure_from(&self, fa: &Facts, mut names: BTreeSet<String>) -> BTreeSet<String> {
        for _ in 0..64 {
            let mut more: BTreeSet<String> = BTreeSet::new();
            for n in &names {
                if let Some((ds, _)) = fa.dep_required.get(n) {
                    more.extend(ds.iter().cloned());
                }
                if let Some(refs) = fa.dep_schemas.get(n) {
                    let f = gather(self.a, refs, &BTreeSet::new());
                    more.extend(f.required.keys().cloned());
                }
            }
            more.retain(|m| !names.contains(m));
            if more.is_empty() {
                break;
            }
            names.extend(more);
        }
        names
    }

    /// Whether schemas of B (all applying at once) accept every instance:
    /// their facts say so, an `anyOf` with an alternative that accepts
    /// everything aside.
    fn universal_b(&self, refs: &[SRef]) -> bool {
        let mut f = gather(self.b, refs, &BTreeSet::new());
        let any_of = std::mem::take(&mut f.any_of);
        f.is_universal()
            && any_of.iter().all(|(alts, _)| {
                alts.iter().any(|alt| {
                    gather(self.b, std::slice::from_ref(alt), &BTreeSet::new()).is_universal()
                })
            })
    }

    /// Whether schemas of A (all applying at once) accept nothing.
    fn unsatisfiable(&self, refs: &[SRef]) -> bool {
        if refs.is_empty() {
            return false;
        }
        let c = Conj::of(refs.to_vec());
        let f = gather(self.a, refs, &BTreeSet::new());
        self.empty_a(&c, &f)
    }

    /// A value A's objects may hold under property `name`.
    fn value_for(&self, fa: &Facts, name: &str) -> Value {
        let (refs, _) = fa.prop_schemas(name);
        let sampler = Sampler {
            va: self.va,
            vb: self.vb,
        };
        sampler
            .candidates(&refs, &[], &[], 1)
            .into_iter()
            .find(|x| refs.iter().all(|r| self.va.is_valid(r, x) == Some(true)))
            .unwrap_or(Value::Null)
    }

    /// Ties the problem just reported to property `name`.
    fn last_prop(&mut self, name: &str) {
        if let Some(p) = self.problems.last_mut() {
            p.prop = Some(name.to_string());
        }
    }

    /// Whether the schema of B at (or holding the keyword at) `s` rejects `x`.
    fn rejected_at(&self, s: &SRef, x: &Value) -> Option<bool> {
        // The location may be a keyword's value (`uniqueItems: true`) rather
        // than a schema: walk up to the schemas around it.
        let mut cur = s.clone();
        for _ in 0..3 {
            if matches!(self.b.value(&cur), Some(Value::Object(_)))
                && self.vb.is_valid(&cur, x) == Some(false)
            {
                return Some(true);
            }
            let Some(i) = cur.ptr.rfind('/') else {
                break;
            };
            cur.ptr.truncate(i);
        }
        Some(false)
    }

    fn sub_inner(&mut self, a: &Conj, b: &Conj) -> bool {
        let fa = self.facts_a(a);
        if self.empty_a(a, &fa) {
            return true;
        }
        // Split A's first disjunction: every alternative must be included.
        let group = fa
            .any_of
            .first()
            .map(|g| (g, false))
            .or_else(|| fa.one_of.first().map(|g| (g, true)));
        if let Some(((alts, loc), one_of)) = group {
            let start = self.problems.len();
            let mut ok = true;
            for alt in alts {
                let mut c = a.clone();
                c.skip.insert(loc.clone());
                c.members.push(alt.clone());
                ok &= self.sub(&c, b);
            }
            // Under oneOf an instance of one alternative may also match
            // another and so not be valid under A at all: check witnesses.
            if one_of {
                self.confirm(a, b, start);
            }
            return ok;
        }
        let fb = self.facts_b(b);
        if let Some(f) = &fb.is_false {
            self.report(
                Kind::Type,
                a.loc(),
                f.clone(),
                "any value (it accepts nothing)".into(),
                None,
            );
            return false;
        }
        if fb.is_universal() {
            return true;
        }
        let start = self.problems.len();
        self.compare(a, b, &fa, &fb);
        // A's negations and conditions narrow A in ways the facts do not
        // show: keep a difference only if a witness proves it.
        if !fa.not.is_empty() || !fa.conds.is_empty() {
            self.confirm(a, b, start);
        }
        true
    }

    /// Problems from `start` on stand only with a witness valid under A and
    /// invalid under B; the others become unknown.
    fn confirm(&mut self, a: &Conj, b: &Conj, start: usize) {
        for i in start..self.problems.len() {
            if self.problems[i].unknown {
                continue;
            }
            let proven = match &self.problems[i].witness {
                Some(w) => self.valid_a(a, w) == Some(true) && self.valid_b(b, w) == Some(false),
                None => false,
            };
            if !proven {
                self.problems[i].unknown = true;
                self.problems[i].witness = None;
                self.problems[i].why = Some(
                    "whether any instance of the other version reaches it is not decided: it \
                     carries oneOf, not or if/then/else"
                        .into(),
                );
            }
        }
    }

    fn compare(&mut self, a: &Conj, b: &Conj, fa: &Facts, fb: &Facts) {
        let aloc = a.loc();
        let bloc = b.loc();
        // A finite set of values: check each with a real validator.
        if !fa.enums.is_empty() {
            self.enum_values(a, b, fa, fb);
            return;
        }
        let ta = effective_types(fa);
        let tb = fb.types();
        let missing = Types(ta.0 & !tb.0);
        if !missing.is_empty() {
            let at_a = fa
                .types
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            let at_b = fb
                .types
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(bloc.clone());
            let witness = sample(missing);
            self.report(
                Kind::Type,
                at_a,
                at_b,
                format!("{} values", missing.words().join(", ")),
                witness,
            );
        }
        let common = ta.and(tb);
        if !fb.enums.is_empty() {
            // B accepts a finite set; A accepts more unless it is a finite type.
            let (vals, loc) = &fb.enums[0];
            let finite: Vec<Value> = [
                (Types::NULL, json!(null)),
                (Types::BOOLEAN, json!(true)),
                (Types::BOOLEAN, json!(false)),
            ]
            .into_iter()
            .filter(|(t, _)| common.has(*t))
            .map(|(_, v)| v)
            .collect();
            let infinite = Types(common.0 & !(Types::NULL | Types::BOOLEAN));
            for x in finite {
                if self.valid_a(a, &x) == Some(true) && self.valid_b(b, &x) == Some(false) {
                    self.report(
                        Kind::Enum,
                        aloc.clone(),
                        loc.clone(),
                        format!("the value {x}"),
                        Some(x),
                    );
                }
            }
            if !infinite.is_empty() {
                let witness = self.outside_enum(a, infinite, vals);
                self.report(
                    Kind::Enum,
                    aloc.clone(),
                    loc.clone(),
                    format!(
                        "{} values other than {}",
                        infinite.words().join(", "),
                        list(vals)
                    ),
                    witness,
                );
            }
            return;
        }
        if common.has(Types::NUMBER) || common.has(Types::INTEGER) {
            self.numbers(a, b, fa, fb, !common.has(Types::NUMBER));
        }
        if common.has(Types::STRING) {
            self.strings(a, b, fa, fb);
        }
        if common.has(Types::ARRAY) {
            self.arrays(a, b, fa, fb);
        }
        if common.has(Types::OBJECT) {
            self.objects(a, b, fa, fb);
        }
        self.residuals(a, b, fa, fb);
    }

    fn enum_values(&mut self, a: &Conj, b: &Conj, fa: &Facts, fb: &Facts) {
        let (first, loc) = &fa.enums[0];
        for x in first {
            if self.valid_a(a, x) != Some(true) {
                continue;
            }
            match self.valid_b(b, x) {
                Some(true) => {}
                Some(false) => {
                    let at_b = fb.enums.first().map(|(_, l)| l.clone()).unwrap_or(b.loc());
                    self.report(
                        Kind::Enum,
                        loc.clone(),
                        at_b,
                        format!("the value {x}"),
                        Some(x.clone()),
                    );
                }
                None => self.unknown(
                    Kind::Enum,
                    loc.clone(),
                    b.loc(),
                    format!("the value {x} (cannot validate it)"),
                ),
            }
        }
    }

    /// A value of one of `types`, valid under A, not among `vals`.
    fn outside_enum(&self, a: &Conj, types: Types, vals: &[Value]) -> Option<Value> {
        let candidates = [
            (Types::STRING, json!("x")),
            (Types::STRING, json!("wirecompat")),
            (Types::INTEGER, json!(0)),
            (Types::INTEGER, json!(987654321)),
            (Types::NUMBER, json!(0.5)),
            (Types::OBJECT, json!({})),
            (Types::ARRAY, json!([])),
        ];
        candidates
            .into_iter()
            .filter(|(t, v)| types.has(*t) && !vals.contains(v))
            .map(|(_, v)| v)
            .find(|v| self.valid_a(a, v) == Some(true))
    }

    fn numbers(&mut self, a: &Conj, b: &Conj, fa: &Facts, fb: &Facts, integers: bool) {
        let aloc = a.loc();
        let norm_lo = |b: &super::facts::Bound| {
            if integers {
                (int_lower(b.value, b.exclusive), false)
            } else {
                (b.value, b.exclusive)
            }
        };
        let norm_hi = |b: &super::facts::Bound| {
            if integers {
                (int_upper(b.value, b.exclusive), false)
            } else {
                (b.value, b.exclusive)
            }
        };
        // A's numbers step by its `multipleOf` (and 1 for integers): its
        // extreme values are the first multiples within its bounds.
        let step = {
            let mut steps: Vec<f64> = fa.multiple_of.iter().map(|(m, _)| *m).collect();
            if integers && !steps.is_empty() {
                steps.push(1.0);
            }
            match steps.len() {
                0 => None,
                1 => Some(steps[0]),
                _ => lcm(&steps),
            }
        }
        .filter(|m| *m > 0.0 && m.is_finite());
        if let Some(bl) = &fb.lower {
            let (bv, bx) = norm_lo(bl);
            let mut ok = fa.lower.as_ref().is_some_and(|al| {
                let (av, ax) = norm_lo(al);
                av > bv || (av == bv && (ax || !bx))
            });
            let mut first = None;
            if !ok && let (Some(m), Some(al)) = (step, &fa.lower) {
                let (settled, x) =
                    self.extreme_ok(a, b, snap(al.value, al.exclusive, m, true), bv, bx, true);
                ok = settled;
                first = x;
            }
            if !ok {
                let at_a = fa
                    .lower
                    .as_ref()
                    .map(|l| l.at.clone())
                    .unwrap_or(aloc.clone());
                let op = if bx { "<=" } else { "<" };
                let w = first.unwrap_or_else(|| {
                    if integers {
                        json!(bv as i64 - if bx { 0 } else { 1 })
                    } else {
                        json!(bv - if bx { 0.0 } else { 0.5 })
                    }
                });
                self.report(
                    Kind::Numeric,
                    at_a,
                    bl.at.clone(),
                    format!("numbers {op} {}", fmt_num(bv)),
                    Some(w),
                );
            }
        }
        if let Some(bu) = &fb.upper {
            let (bv, bx) = norm_hi(bu);
            let mut ok = fa.upper.as_ref().is_some_and(|au| {
                let (av, ax) = norm_hi(au);
                av < bv || (av == bv && (ax || !bx))
            });
            let mut first = None;
            if !ok && let (Some(m), Some(au)) = (step, &fa.upper) {
                let (settled, x) =
                    self.extreme_ok(a, b, snap(au.value, au.exclusive, m, false), bv, bx, false);
                ok = settled;
                first = x;
            }
            if !ok {
                let at_a = fa
                    .upper
                    .as_ref()
                    .map(|l| l.at.clone())
                    .unwrap_or(aloc.clone());
                let op = if bx { ">=" } else { ">" };
                let w = first.unwrap_or_else(|| {
                    if integers {
                        json!(bv as i64 + if bx { 0 } else { 1 })
                    } else {
                        json!(bv + if bx { 0.0 } else { 0.5 })
                    }
                });
                self.report(
                    Kind::Numeric,
                    at_a,
                    bu.at.clone(),
                    format!("numbers {op} {}", fmt_num(bv)),
                    Some(w),
                );
            }
        }
        for (mb, loc) in &fb.multiple_of {
            let mut steps: Vec<f64> = fa.multiple_of.iter().map(|(m, _)| *m).collect();
            if integers {
                steps.push(1.0);
            }
            let ok = steps.iter().any(|ma| is_multiple(*ma, *mb))
                || lcm(&steps).is_some_and(|l| is_multiple(l, *mb));
            if !ok {
                let at_a = fa
                    .multiple_of
                    .first()
                    .map(|(_, l)| l.clone())
                    .unwrap_or(aloc.clone());
                let w = fa
                    .multiple_of
                    .first()
                    .map(|(ma, _)| json!(ma))
                    .or(Some(json!(if integers { json!(1) } else { json!(0.5) })));
                self.report(
                    Kind::MultipleOf,
                    at_a,
                    loc.clone(),
                    format!("numbers that are not multiples of {}", fmt_num(*mb)),
                    w,
                );
            }
        }
    }

    /// Whether A's extreme number `s` (its first multiple within its bound,
    /// `lower` or upper) is within B's bound `bv` (exclusive `bx`); when
    /// not, `s` is the example. Where `s` and `bv` are equal but for
    /// rounding, the validators decide.
    fn extreme_ok(
        &self,
        a: &Conj,
        b: &Conj,
        s: f64,
        bv: f64,
        bx: bool,
        lower: bool,
    ) -> (bool, Option<Value>) {
        let eps = 1e-9 * bv.abs().max(1.0);
        let x = num_json(s);
        let inside = if lower { s > bv + eps } else { s < bv - eps };
        if inside {
            return (true, None);
        }
        if (s - bv).abs() <= eps {
            if !bx {
                return (true, None);
            }
            let breaks = self.valid_a(a, &x) == Some(true) && self.valid_b(b, &x) == Some(false);
            return (!breaks, breaks.then_some(x));
        }
        (false, Some(x))
    }

    fn strings(&mut self, a: &Conj, b: &Conj, fa: &Facts, fb: &Facts) {
        let small = |f: &Facts| {
            f.min_len.as_ref().is_none_or(|(m, _)| *m <= 256)
                && f.max_len.as_ref().is_none_or(|(m, _)| *m <= 256)
        };
        if (!fa.patterns.is_empty() || !fb.patterns.is_empty()) && small(fa) && small(fb) {
            self.string_languages(a, fa, fb);
        } else {
            self.string_keywords(a, b, fa, fb);
        }
        self.formats(a, fa, fb);
    }

    /// Strings as regular languages: A's patterns and length bounds
    /// together against each of B's, decided exactly on automata.
    fn string_languages(&mut self, a: &Conj, fa: &Facts, fb: &Facts) {
        let aloc = a.loc();
        let mut inc: Vec<String> = fa.patterns.iter().map(|(p, _)| p.clone()).collect();
        inc.extend(length_regex(fa));
        let inc_refs: Vec<&str> = inc.iter().map(String::as_str).collect();
        let at_a = fa
            .patterns
            .first()
            .map(|(_, l)| l.clone())
            .or_else(|| fa.min_len.as_ref().map(|(_, l)| l.clone()))
            .or_else(|| fa.max_len.as_ref().map(|(_, l)| l.clone()))
            .unwrap_or(aloc.clone());
        let mut checks: Vec<(Kind, String, SRef, String)> = fb
            .patterns
            .iter()
            .map(|(p, l)| {
                (
                    Kind::Pattern,
                    p.clone(),
                    l.clone(),
                    format!("strings not matching /{p}/"),
                )
            })
            .collect();
        if let Some(lr) = length_regex(fb) {
            let loc = fb
                .min_len
                .as_ref()
                .or(fb.max_len.as_ref())
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            let words = match (&fb.min_len, &fb.max_len) {
                (Some((m, _)), Some((x, _))) => {
                    format!("strings shorter than {m} or longer than {x}")
                }
                (Some((m, _)), None) => format!("strings shorter than {m}"),
                (None, Some((x, _))) => format!("strings longer than {x}"),
                (None, None) => String::new(),
            };
            checks.push((Kind::Length, lr, loc, words));
        }
        for (kind, re, at_b, words) in checks {
            match regexlang::find(&inc_refs, &[&re]) {
                Ok(None) => {}
                Ok(Some(w)) => {
                    self.report(kind, at_a.clone(), at_b, words, Some(json!(w)));
                }
                Err(e) => self.unknown(kind, at_a.clone(), at_b, e),
            }
        }
    }

    fn string_keywords(&mut self, a: &Conj, b: &Conj, fa: &Facts, fb: &Facts) {
        let aloc = a.loc();
        if let Some((bm, loc)) = &fb.min_len
            && fa.min_len.as_ref().is_none_or(|(am, _)| am < bm)
        {
            let at_a = fa
                .min_len
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            let w = "x".repeat(bm.saturating_sub(1) as usize);
            self.report(
                Kind::Length,
                at_a,
                loc.clone(),
                format!("strings shorter than {bm}"),
                Some(json!(w)),
            );
        }
        if let Some((bm, loc)) = &fb.max_len
            && fa.max_len.as_ref().is_none_or(|(am, _)| am > bm)
        {
            let at_a = fa
                .max_len
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            let w = "x".repeat((*bm as usize).saturating_add(1).min(10_000));
            self.report(
                Kind::Length,
                at_a,
                loc.clone(),
                format!("strings longer than {bm}"),
                Some(json!(w)),
            );
        }
        for (pb, loc) in &fb.patterns {
            let candidates: Vec<(String, SRef)> = if fa.patterns.is_empty() {
                vec![(String::new(), aloc.clone())]
            } else {
                fa.patterns.clone()
            };
            let mut settled = false;
            let mut first_witness = None;
            let mut reason = None;
            for (pa, _) in &candidates {
                match regexlang::contained(pa, pb) {
                    Containment::Contained => {
                        settled = true;
                        break;
                    }
                    Containment::NotContained(w) => {
                        first_witness.get_or_insert(w);
                    }
                    Containment::Unknown(r) => {
                        reason.get_or_insert(r);
                    }
                }
            }
            if settled {
                continue;
            }
            let at_a = fa
                .patterns
                .first()
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            match (first_witness, reason) {
                (Some(w), _) if self.valid_a(a, &json!(w)) == Some(true) && self.valid_b(b, &json!(w)) == Some(false) => {
                    self.report(Kind::Pattern, at_a, loc.clone(), format!("strings not matching /{pb}/"), Some(json!(w)));
                }
                (_, Some(r)) => self.unknown(Kind::Pattern, at_a, loc.clone(), r),
                _ => self.unknown(
                    Kind::Pattern,
                    at_a,
                    loc.clone(),
                    format!("strings not matching /{pb}/ (the strings that differ break other constraints)"),
                ),
            }
        }
    }

    fn formats(&mut self, a: &Conj, fa: &Facts, fb: &Facts) {
        let aloc = a.loc();
        if self.policy.format_assertion {
            for (f, loc) in &fb.formats {
                if !fa.formats.iter().any(|(g, _)| g == f) {
                    let at_a = fa
                        .formats
                        .first()
                        .map(|(_, l)| l.clone())
                        .unwrap_or(aloc.clone());
                    self.report(
                        Kind::Format,
                        at_a,
                        loc.clone(),
                        format!("strings that are not `{f}`"),
                        None,
                    );
                }
            }
        }
    }

    /// Schemas that apply to item `i` (`None` position: past every prefix).
    fn item_schemas(f: &Facts, i: Option<usize>) -> Vec<SRef> {
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

    fn arrays(&mut self, a: &Conj, b: &Conj, fa: &Facts, fb: &Facts) {
        let aloc = a.loc();
        // At most `maxItems`, and no more than the prefix where the items
        // after it are `false`.
        let a_max = fa
            .max_items
            .as_ref()
            .map(|(m, _)| *m as usize)
            .into_iter()
            .chain(fa.arrays.iter().filter_map(|p| {
                p.rest
                    .as_ref()
                    .filter(|r| matches!(self.a.value(r), Some(Value::Bool(false))))
                    .map(|_| p.prefix.len())
            }))
            .min();
        let n = fa
            .arrays
            .iter()
            .chain(&fb.arrays)
            .map(|p| p.prefix.len())
            .max()
            .unwrap_or(0);
        for i in (0..n).map(Some).chain([None]) {
            if let (Some(i), Some(max)) = (i, a_max)
                && i >= max
            {
                continue;
            }
            if i.is_none() && a_max.is_some_and(|m| m <= n) {
                continue;
            }
            let bs = Self::item_schemas(fb, i);
            if bs.is_empty() {
                continue;
            }
            let as_ = Self::item_schemas(fa, i);
            let b_false = bs
                .iter()
                .any(|s| matches!(self.b.value(s), Some(Value::Bool(false))));
            if b_false
                && !as_
                    .iter()
                    .any(|s| matches!(self.a.value(s), Some(Value::Bool(false))))
            {
                let where_ = match i {
                    Some(i) => format!("arrays with an item at position {i}"),
                    None => format!("arrays longer than {n} items"),
                };
                let at_b = bs[0].clone();
                let at_a = as_.first().cloned().unwrap_or(aloc.clone());
                self.report(Kind::Items, at_a, at_b, where_, None);
                continue;
            }
            self.sub(&Conj::of(as_), &Conj::of(bs));
        }
        if let Some((bm, loc)) = &fb.min_items
            && fa.min_items.as_ref().is_none_or(|(am, _)| am < bm)
        {
            let at_a = fa
                .min_items
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            self.report(
                Kind::ItemCount,
                at_a,
                loc.clone(),
                format!("arrays of fewer than {bm} items"),
                None,
            );
        }
        if let Some((bm, loc)) = &fb.max_items
            && fa.max_items.as_ref().is_none_or(|(am, _)| am > bm)
        {
            let at_a = fa
                .max_items
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            self.report(
                Kind::ItemCount,
                at_a,
                loc.clone(),
                format!("arrays of more than {bm} items"),
                None,
            );
        }
        if let Some(loc) = &fb.unique
            && fa.unique.is_none()
            && a_max.is_none_or(|m| m > 1)
        {
            self.report(
                Kind::Unique,
                aloc.clone(),
                loc.clone(),
                "arrays with repeated items".into(),
                Some(json!([0, 0])),
            );
        }
        for (cb, minb, maxb) in &fb.contains {
            if *minb == 0 && maxb.is_none() {
                continue;
            }
            // A's matches are B's (so B counts at least A's minimum) and,
            // under B's maximum, B's matches are A's (so B counts no more
            // than A's maximum: an item only B's `contains` takes would be
            // counted by B alone).
            let ok = fa.contains.iter().any(|(ca, mina, maxa)| {
                mina >= minb
                    && maxb.is_none_or(|mb| maxa.is_some_and(|ma| ma <= mb))
                    && self.trial(&Conj::of(vec![ca.clone()]), &Conj::of(vec![cb.clone()]))
                    && (maxb.is_none() || {
                        let mut swapped =
                            Engine::new(self.b, self.a, self.vb, self.va, self.dir, self.policy);
                        swapped.trials = 1;
                        swapped.trial(&Conj::of(vec![cb.clone()]), &Conj::of(vec![ca.clone()]))
                    })
            });
            if ok {
                continue;
            }
            let a_min = fa.min_items.as_ref().map(|(m, _)| *m).unwrap_or(0);
            // Positions every array of A has, whose items B's `contains`
            // takes: enough of them and the count is met.
            if maxb.is_none() && a_min >= *minb {
                let mut count = 0;
                for i in 0..a_min.min(64) as usize {
                    let as_i = Self::item_schemas(fa, Some(i));
                    if !as_i.is_empty() && self.trial(&Conj::of(as_i), &Conj::of(vec![cb.clone()]))
                    {
                        count += 1;
                    }
                }
                if count >= *minb {
                    continue;
                }
            }
            if a_min == 0 && *minb > 0 && fa.contains.is_empty() {
                self.report(
                    Kind::Contains,
                    aloc.clone(),
                    cb.clone(),
                    "arrays without a matching item, such as []".into(),
                    Some(json!([])),
                );
            } else {
                self.unknown(
                    Kind::Contains,
                    aloc.clone(),
                    cb.clone(),
                    "arrays the `contains` of this version may refuse".into(),
                );
            }
        }
        if !fb.unevaluated_items.is_empty() || !fa.unevaluated_items.is_empty() {
            let parent = |s: &SRef| SRef {
                file: s.file,
                ptr: s
                    .ptr
                    .rsplit_once('/')
                    .map(|(p, _)| p.to_string())
                    .unwrap_or_default(),
            };
            let same = fb.unevaluated_items.len() == fa.unevaluated_items.len()
                && fa
                    .unevaluated_items
                    .iter()
                    .zip(&fb.unevaluated_items)
                    .all(|(x, y)| self.same_top(&parent(x), &parent(y)));
            if !same {
                let at = fb.unevaluated_items.first().cloned().unwrap_or(b.loc());
                self.unknown(
                    Kind::Unevaluated,
                    aloc.clone(),
                    at,
                    "items `unevaluatedItems` may refuse".into(),
                );
            }
        }
    }

    fn objects(&mut self, a: &Conj, b: &Conj, fa: &Facts, fb: &Facts) {
        let aloc = a.loc();
        // A closed object of A whose lower property count needs every name
        // it may carry carries each of them.
        let possible: Vec<String> = match &fa.min_props {
            Some((mn, _)) => fa
                .objects
                .iter()
                .filter(|p| {
                    p.patterns.is_empty()
                        && !p.from_unevaluated
                        && p.additional
                            .as_ref()
                            .is_some_and(|s| matches!(self.a.value(s), Some(Value::Bool(false))))
                })
                .map(|p| {
                    p.props
                        .iter()
                        .filter(|(_, s)| !matches!(self.a.value(s), Some(Value::Bool(false))))
                        .map(|(n, _)| n.clone())
                        .collect::<Vec<String>>()
                })
                .filter(|names| (names.len() as u64).saturating_sub(1) < *mn)
                .flatten()
                .collect(),
            None => Vec::new(),
        };
        let carried = self.required_closure(fa);
        for (name, loc) in &fb.required {
            if !carried.contains(name) && !possible.contains(name) {
                let at_a = fa.required.values().next().cloned().unwrap_or(aloc.clone());
                self.report(
                    Kind::Required,
                    at_a,
                    loc.clone(),
                    format!("objects without {}", shown(name)),
                    None,
                );
            }
        }
        let dynamic = !fb.unevaluated_props.is_empty() || !fa.unevaluated_props.is_empty();
        // Which names count as evaluated depends on the whole schema that
        // holds the keyword: only the same schema on both sides is settled.
        let parent = |s: &SRef| SRef {
            file: s.file,
            ptr: s
                .ptr
                .rsplit_once('/')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default(),
        };
        let same = fb.unevaluated_props.len() == fa.unevaluated_props.len()
            && fa
                .unevaluated_props
                .iter()
                .zip(&fb.unevaluated_props)
                .all(|(x, y)| self.same_top(&parent(x), &parent(y)));
        // Where `unevaluatedProperties` depends on the alternatives matched,
        // which names count as evaluated is not known: the names are not
        // compared one by one (that could claim a break that is not there).
        if !dynamic || same {
            self.property_values(a, fa, fb);
        }
        if dynamic && !same {
            let at = fb.unevaluated_props.first().cloned().unwrap_or(b.loc());
            self.unknown(
                Kind::Unevaluated,
                aloc.clone(),
                at,
                "properties `unevaluatedProperties` may refuse (which names count as \
                 evaluated depends on the alternatives an instance matches)"
                    .into(),
            );
        }
        for pn in &fb.property_names {
            if !fa.property_names.is_empty() {
                self.sub(
                    &Conj::of(fa.property_names.clone()),
                    &Conj::of(vec![pn.clone()]),
                );
                continue;
            }
            let closed = !fa.objects.is_empty()
                && fa.objects.iter().any(|p| {
                    p.patterns.is_empty()
                        && p.additional
                            .as_ref()
                            .is_some_and(|s| matches!(self.a.value(s), Some(Value::Bool(false))))
                });
            if closed {
                for name in self.possible_names(fa) {
                    if self.vb.is_valid(pn, &json!(name)) == Some(false) {
                        self.report(
                            Kind::PropertyNames,
                            aloc.clone(),
                            pn.clone(),
                            format!("the property name {}", shown(&name)),
                            Some(json!({ name.as_str(): null })),
                        );
                        self.last_prop(&name);
                    }
                }
                continue;
            }
            // Any string may name a property of A's objects.
            let strings = Conj {
                members: Vec::new(),
                skip: BTreeSet::new(),
                types: Some(Types::STRING),
                required: BTreeSet::new(),
            };
            if self.trial(&strings, &Conj::of(vec![pn.clone()])) {
                continue;
            }
            let sampler = Sampler {
                va: self.va,
                vb: self.vb,
            };
            let mut names: Vec<Value> = sampler
                .candidates(&[], std::slice::from_ref(pn), &[], 0)
                .into_iter()
                .filter(|x| x.is_string() && self.vb.is_valid(pn, x) == Some(false))
                .collect();
            // A visible name reads better than the empty one.
            names.sort_by_key(|x| x.as_str().is_some_and(str::is_empty));
            let name = names.into_iter().next();
            let (detail, witness) = match &name {
                Some(Value::String(n)) => (
                    format!("property names such as {}", shown(n)),
                    Some(json!({ n.as_str(): self.value_for(fa, n) })),
                ),
                _ => ("property names it now restricts".to_string(), None),
            };
            self.report(
                Kind::PropertyNames,
                aloc.clone(),
                pn.clone(),
                detail,
                witness,
            );
            if let Some(Value::String(n)) = &name {
                self.last_prop(n);
            }
        }
        if let Some((bm, loc)) = &fb.min_props
            && fa.min_props.as_ref().is_none_or(|(am, _)| am < bm)
            && (self.required_closure(fa).len() as u64) < *bm
        {
            let at_a = fa
                .min_props
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            self.report(
                Kind::PropertyCount,
                at_a,
                loc.clone(),
                format!("objects with fewer than {bm} properties"),
                None,
            );
        }
        if let Some((bm, loc)) = &fb.max_props
            && fa.max_props.as_ref().is_none_or(|(am, _)| am > bm)
            && self.max_names(fa).is_none_or(|m| m > *bm)
        {
            let at_a = fa
                .max_props
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(aloc.clone());
            self.report(
                Kind::PropertyCount,
                at_a,
                loc.clone(),
                format!("objects with more than {bm} properties"),
                None,
            );
        }
        for (k, (deps, loc)) in &fb.dep_required {
            // Objects of A cannot carry `k` (a closed object that does not
            // declare it, a `false` schema): B's dependency never applies.
            if self.unsatisfiable(&fa.prop_schemas(k).0) {
                continue;
            }
            let mut with_k = fa.required.keys().cloned().collect::<BTreeSet<String>>();
            with_k.insert(k.clone());
            let with_k = self.closure_from(fa, with_k);
            for d in deps {
                let ok = with_k.contains(d);
                if !ok {
                    let at_a = fa
                        .dep_required
                        .get(k)
                        .map(|(_, l)| l.clone())
                        .unwrap_or(aloc.clone());
                    self.report(
                        Kind::Dependencies,
                        at_a,
                        loc.clone(),
                        format!("objects with `{k}` but without `{d}`"),
                        Some(json!({ k.as_str(): null })),
                    );
                }
            }
        }
        for (k, bs) in &fb.dep_schemas {
            // Only objects that carry `k` must satisfy B's schema.
            let (ks, _) = fa.prop_schemas(k);
            if ks
                .iter()
                .any(|s| matches!(self.a.value(s), Some(Value::Bool(false))))
            {
                continue;
            }
            let mut with = a.with_property(k);
            if let Some(as_) = fa.dep_schemas.get(k) {
                with.members.extend(as_.iter().cloned());
            }
            let start = self.problems.len();
            self.sub(&with, &Conj::of(bs.clone()));
            for p in &mut self.problems[start..] {
                if p.depth == self.stack.len() + 1 {
                    p.kind = Kind::Dependencies;
                    p.detail = format!("{} (objects with `{k}`)", p.detail);
                }
            }
        }
        let _ = b;
    }

    /// Property names, one of each kind: every name either side declares,
    /// and for each set of patterns (of both sides) a name that matches
    /// exactly those and is declared by neither. Within a kind both sides
    /// apply the same schemas to every name, so one name stands for all.
    fn name_kinds(&mut self, aloc: &SRef, fa: &Facts, fb: &Facts) -> Option<Vec<(String, bool)>> {
        let mut out: Vec<(String, bool)> = Vec::new();
        let mut declared: BTreeSet<String> = BTreeSet::new();
        for p in fa.objects.iter().chain(&fb.objects) {
            declared.extend(p.props.keys().cloned());
        }
        out.extend(declared.iter().map(|n| (n.clone(), true)));
        let mut pats: Vec<(String, SRef)> = Vec::new();
        for p in fa.objects.iter().chain(&fb.objects) {
            for (pat, at) in &p.patterns {
                if !pats.iter().any(|(q, _)| q == pat) {
                    pats.push((pat.clone(), at.clone()));
                }
            }
        }
        if pats.len() > 6 {
            self.unknown(
                Kind::PatternProperties,
                aloc.clone(),
                pats[0].1.clone(),
                format!(
                    "properties matching the {} patterns of `patternProperties` (too many to \
                     combine)",
                    pats.len()
                ),
            );
            return None;
        }
        // The declared names as one pattern (one automaton, however many).
        let literal: Vec<String> = if declared.is_empty() {
            Vec::new()
        } else {
            let alts: Vec<String> = declared.iter().map(|n| regex_syntax::escape(n)).collect();
            vec![format!("^(?:{})$", alts.join("|"))]
        };
        for mask in 0u32..(1 << pats.len()) {
            let inc: Vec<&str> = (0..pats.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| pats[i].0.as_str())
                .collect();
            let mut exc: Vec<&str> = (0..pats.len())
                .filter(|i| mask & (1 << i) == 0)
                .map(|i| pats[i].0.as_str())
                .collect();
            exc.extend(literal.iter().map(String::as_str));
            let mut readable = inc.clone();
            readable.push("^[a-z][a-z0-9_]*$");
            let found = match regexlang::find(&readable, &exc) {
                Ok(Some(w)) => Ok(Some(w)),
                _ => regexlang::find(&inc, &exc),
            };
            match found {
                Ok(Some(w)) => out.push((w, false)),
                Ok(None) => {}
                Err(e) => {
                    let at = inc
                        .first()
                        .and_then(|p| pats.iter().find(|(q, _)| q == p))
                        .map(|(_, at)| at.clone())
                        .unwrap_or(pats[0].1.clone());
                    self.unknown(Kind::PatternProperties, aloc.clone(), at, e);
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Every property A may carry must have a value B accepts.
    fn property_values(&mut self, a: &Conj, fa: &Facts, fb: &Facts) {
        let aloc = a.loc();
        let Some(kinds) = self.name_kinds(&aloc, fa, fb) else {
            return;
        };
        for (name, declared) in kinds {
            let (as_, a_declared) = fa.prop_schemas(&name);
            let (bs, b_declared) = fb.prop_schemas(&name);
            if bs.is_empty() || self.unsatisfiable(&as_) {
                continue;
            }
            // A's `propertyNames` may rule the name out.
            if fa
                .property_names
                .iter()
                .any(|pn| self.va.is_valid(pn, &json!(name)) == Some(false))
            {
                if declared {
                    continue;
                }
                self.unknown(
                    Kind::PropertyNames,
                    aloc.clone(),
                    bs[0].clone(),
                    format!(
                        "properties like {} (whether the other version's `propertyNames` \
                         allows any of them is not decided)",
                        shown(&name)
                    ),
                );
                continue;
            }
            let a_matched = a_declared
                || fa.objects.iter().any(|p| {
                    p.patterns
                        .iter()
                        .any(|(q, _)| regexlang::is_match(q, &name) == Some(true))
                });
            if self.policy.lenient && !a_matched {
                // Lenient: names A does not declare are absent from its data.
                continue;
            }
            if self.universal_b(&bs) {
                continue;
            }
            let b_false = bs
                .iter()
                .find(|s| matches!(self.b.value(s), Some(Value::Bool(false))))
                .cloned();
            let what = if declared {
                format!("objects with {}", shown(&name))
            } else {
                format!(
                    "objects with undeclared properties such as {}",
                    shown(&name)
                )
            };
            if let Some(f) = b_false {
                let at_a = as_.first().cloned().unwrap_or(aloc.clone());
                let kind = if f.ptr.contains("/patternProperties/") {
                    Kind::PatternProperties
                } else {
                    Kind::Additional
                };
                self.report(kind, at_a, f, what, None);
                self.last_prop(&name);
                continue;
            }
            if as_.is_empty() || gather(self.a, &as_, &BTreeSet::new()).is_universal() {
                // A allows the name with any value (open content model).
                let kind = if b_declared {
                    Kind::OpenContent
                } else if bs.iter().any(|s| s.ptr.contains("/patternProperties/")) {
                    Kind::PatternProperties
                } else {
                    Kind::Additional
                };
                let detail = if b_declared {
                    format!("objects whose {} v(X) leaves unconstrained", shown(&name))
                } else {
                    format!("{what}, whose values v(X) leaves unconstrained")
                };
                let at_a = as_.first().cloned().unwrap_or(aloc.clone());
                self.report(kind, at_a, bs[0].clone(), detail, None);
                self.last_prop(&name);
                continue;
            }
            self.sub(&Conj::of(as_), &Conj::of(bs));
        }
    }

    fn residuals(&mut self, a: &Conj, b: &Conj, fa: &Facts, fb: &Facts) {
        let aloc = a.loc();
        for (alts, loc) in &fb.any_of {
            if alts
                .iter()
                .any(|alt| self.trial(a, &Conj::of(vec![alt.clone()])))
            {
                continue;
            }
            // Where every other alternative accepts none of A's values, the
            // one left must take them all: compare with it, decidedly.
            let live: Vec<&SRef> = alts
                .iter()
                .filter(|alt| self.disjoint(a, fa, alt) != Some(true))
                .collect();
            if let [only] = live.as_slice() {
                let only = Conj::of(vec![(*only).clone()]);
                self.sub(a, &only);
                continue;
            }
            if self.split_types(a, alts, fa) || self.ranges_cover(fa, alts) {
                continue;
            }
            let ta = fa.types();
            let none_fits = alts.iter().all(|alt| {
                let t = gather(self.b, std::slice::from_ref(alt), &BTreeSet::new()).types();
                ta.and(t).is_empty()
            });
            if none_fits {
                self.report(
                    Kind::AnyOf,
                    aloc.clone(),
                    loc.clone(),
                    format!(
                        "{} values (no alternative takes them)",
                        ta.words().join(", ")
                    ),
                    None,
                );
            } else {
                self.unknown(
                    Kind::AnyOf,
                    aloc.clone(),
                    loc.clone(),
                    "values that none of the anyOf alternatives accepts alone".into(),
                );
            }
        }
        for (alts, loc) in &fb.one_of {
            let matching: Vec<usize> = (0..alts.len())
                .filter(|&i| self.trial(a, &Conj::of(vec![alts[i].clone()])))
                .collect();
            match matching.as_slice() {
                [] => {
                    if !self.split_types_one_of(a, alts, fa) {
                        self.unknown(
                            Kind::OneOf,
                            aloc.clone(),
                            loc.clone(),
                            "values that no single oneOf alternative accepts".into(),
                        );
                    }
                }
                [i] => {
                    let all_disjoint = (0..alts.len())
                        .filter(|j| j != i)
                        .all(|j| self.disjoint(a, fa, &alts[j]) == Some(true));
                    if !all_disjoint {
                        self.unknown(
                            Kind::OneOf,
                            aloc.clone(),
                            loc.clone(),
                            format!("values that may match more than one oneOf alternative (alternative {i} takes them)"),
                        );
                    }
                }
                many => {
                    self.report(
                        Kind::OneOf,
                        aloc.clone(),
                        loc.clone(),
                        format!(
                            "values that match several oneOf alternatives ({many:?}), so match none"
                        ),
                        None,
                    );
                }
            }
        }
        for n in &fb.not {
            // A excludes at least what B's `not` does: B's negated schema
            // is included in one that A negates.
            let covered = fa.not.iter().any(|na| {
                let mut swapped =
                    Engine::new(self.b, self.a, self.vb, self.va, self.dir, self.policy);
                swapped.trials = 1;
                swapped.trial(&Conj::of(vec![n.clone()]), &Conj::of(vec![na.clone()]))
            });
            if covered {
                continue;
            }
            match self.disjoint(a, fa, n) {
                Some(true) => {}
                _ if self.trial(a, &Conj::of(vec![n.clone()])) => {
                    self.report(
                        Kind::Not,
                        aloc.clone(),
                        n.clone(),
                        "values the `not` schema now excludes".into(),
                        None,
                    );
                }
                _ => self.unknown(
                    Kind::Not,
                    aloc.clone(),
                    n.clone(),
                    "values the `not` schema may exclude".into(),
                ),
            }
        }
        for c in &fb.conds {
            let then = c.then.clone();
            let els = c.else_.clone();
            let a_same = fa.conds.iter().any(|ac| {
                self.a.value(&ac.if_) == self.b.value(&c.if_)
                    && ac.then.as_ref().and_then(|t| self.a.value(t))
                        == then.as_ref().and_then(|t| self.b.value(t))
                    && ac.else_.as_ref().and_then(|t| self.a.value(t))
                        == els.as_ref().and_then(|t| self.b.value(t))
            });
            if a_same {
                continue;
            }
            if self.trial(a, &Conj::of(vec![c.if_.clone()])) {
                if let Some(t) = then {
                    self.sub(a, &Conj::of(vec![t]));
                }
                continue;
            }
            if self.disjoint(a, fa, &c.if_) == Some(true) {
                if let Some(e) = els {
                    self.sub(a, &Conj::of(vec![e]));
                }
                continue;
            }
            let then_ok = then
                .as_ref()
                .is_none_or(|t| self.trial(a, &Conj::of(vec![t.clone()])));
            let else_ok = els
                .as_ref()
                .is_none_or(|e| self.trial(a, &Conj::of(vec![e.clone()])));
            if !(then_ok && else_ok) {
                self.unknown(
                    Kind::Conditional,
                    aloc.clone(),
                    c.at.clone(),
                    "values the if/then/else may refuse".into(),
                );
            }
        }
        let _ = b;
    }

    /// Numbers only, in a range that the ranges of the alternatives cover
    /// together (`1..8` against `anyOf: [0..4, 5..10]` for integers).
    fn ranges_cover(&self, fa: &Facts, alts: &[SRef]) -> bool {
        let ta = effective_types(fa);
        let numeric = Types::NUMBER | Types::INTEGER;
        if ta.0 & !numeric != 0 || ta.is_empty() || !fa.multiple_of.is_empty() {
            return false;
        }
        let integers = !ta.has(Types::NUMBER);
        // Each alternative as [lo, hi] with exclusivity, numbers only.
        let mut ranges = Vec::new();
        for alt in alts {
            let f = gather(self.b, std::slice::from_ref(alt), &BTreeSet::new());
            // (A `false` alternative takes nothing, though it has no
            // bounds.)
            let plain = f.is_false.is_none()
                && f.enums.is_empty()
                && f.multiple_of.is_empty()
                && !f.has_residuals()
                && f.types().has(Types::INTEGER);
            if !plain {
                continue;
            }
            // An integer-only alternative covers non-integers of A only
            // when A has none.
            if !f.types().has(Types::NUMBER) && !integers {
                continue;
            }
            let lo = f.lower.as_ref().map(|b| (b.value, b.exclusive));
            let hi = f.upper.as_ref().map(|b| (b.value, b.exclusive));
            ranges.push((lo, hi));
        }
        let norm = |lo: Option<(f64, bool)>, hi: Option<(f64, bool)>| {
            let lo = lo.map(|(v, x)| {
                if integers {
                    (int_lower(v, x), false)
                } else {
                    (v, x)
                }
            });
            let hi = hi.map(|(v, x)| {
                if integers {
                    (int_upper(v, x), false)
                } else {
                    (v, x)
                }
            });
            (lo, hi)
        };
        let mut ranges: Vec<_> = ranges.into_iter().map(|(l, h)| norm(l, h)).collect();
        ranges.sort_by(|x, y| {
            let kx = x.0.map_or(f64::NEG_INFINITY, |(v, _)| v);
            let ky = y.0.map_or(f64::NEG_INFINITY, |(v, _)| v);
            kx.total_cmp(&ky)
        });
        let (a_lo, a_hi) = norm(
            fa.lower.as_ref().map(|b| (b.value, b.exclusive)),
            fa.upper.as_ref().map(|b| (b.value, b.exclusive)),
        );
        // Sweep: `reach` is how far from A's lower end is covered so far.
        let mut reach: Option<(f64, bool)> = a_lo.map(|(v, x)| (v, !x));
        let mut covered_from_start = false;
        for (lo, hi) in ranges {
            // Does this range start at or before the reach point?
            let starts = match (lo, reach) {
                (None, _) => true,
                (Some(_), None) if !covered_from_start => false,
                (Some((l, lx)), Some((r, r_open))) => {
                    // reach (r, r_open): all values < r covered, and r
                    // itself when !r_open... expressed as "need r next".
                    if integers {
                        l <= r
                    } else {
                        l < r || (l == r && (!lx || !r_open))
                    }
                }
                (Some(_), None) => true,
            };
            if !starts {
                return false;
            }
            covered_from_start = true;
            match hi {
                None => return true,
                Some((h, hx)) => {
                    let next = if integers { (h + 1.0, false) } else { (h, hx) };
                    reach = Some(match reach {
                        Some((r, ro)) if r > next.0 || (r == next.0 && !ro) => (r, ro),
                        _ => next,
                    });
                }
            }
            if let (Some((r, ro)), Some((ah, ahx))) = (reach, a_hi) {
                let done = if integers {
                    r > ah
                } else {
                    r > ah || (r == ah && (ahx || !ro))
                };
                if done {
                    return true;
                }
            }
        }
        false
    }

    /// A's types each taken by some alternative (`["string", "null"]`
    /// against `anyOf: [{type: string}, {type: null}]`).
    fn split_types(&mut self, a: &Conj, alts: &[SRef], fa: &Facts) -> bool {
        let ta = fa.types();
        let bits: Vec<u8> = [
            Types::NULL,
            Types::BOOLEAN,
            Types::OBJECT,
            Types::ARRAY,
            Types::STRING,
            Types::INTEGER | Types::NUMBER,
        ]
        .into_iter()
        .filter(|b| ta.0 & b != 0)
        .collect();
        if bits.len() < 2 {
            return false;
        }
        bits.into_iter().all(|bit| {
            let mut c = a.clone();
            c.types = Some(c.types.unwrap_or(0x7f) & bit);
            alts.iter()
                .any(|alt| self.trial(&c, &Conj::of(vec![alt.clone()])))
        })
    }

    fn split_types_one_of(&mut self, a: &Conj, alts: &[SRef], fa: &Facts) -> bool {
        if !self.split_types(a, alts, fa) {
            return false;
        }
        // Each type must land in exactly one alternative: require the
        // alternatives' types to be pairwise disjoint.
        let types: Vec<Types> = alts
            .iter()
            .map(|alt| gather(self.b, std::slice::from_ref(alt), &BTreeSet::new()).types())
            .collect();
        (0..types.len()).all(|i| (i + 1..types.len()).all(|j| types[i].and(types[j]).is_empty()))
    }

    /// Whether no instance of A is valid under schema `c` of B.
    fn disjoint(&self, a: &Conj, fa: &Facts, c: &SRef) -> Option<bool> {
        let fc = gather(self.b, std::slice::from_ref(c), &BTreeSet::new());
        if fc.is_false.is_some() || fa.types().and(fc.types()).is_empty() {
            return Some(true);
        }
        if let Some((vals, _)) = fc.enums.first()
            && vals.iter().all(|v| self.valid_a(a, v) == Some(false))
        {
            return Some(true);
        }
        if let Some((vals, _)) = fa.enums.first() {
            let live: Vec<&Value> = vals
                .iter()
                .filter(|v| self.valid_a(a, v) == Some(true))
                .collect();
            if live.iter().all(|v| self.vb.is_valid(c, v) == Some(false)) {
                return Some(true);
            }
            if live.iter().all(|v| self.vb.is_valid(c, v) == Some(true)) {
                return Some(false);
            }
        }
        // A discriminator: a required property whose constants differ.
        for (name, _) in fa
            .required
            .iter()
            .filter(|(n, _)| fc.required.contains_key(*n))
        {
            let (sa, _) = fa.prop_schemas(name);
            let (sc, _) = fc.prop_schemas(name);
            let ca = gather(self.a, &sa, &BTreeSet::new());
            let cc = gather(self.b, &sc, &BTreeSet::new());
            if let (Some((va, _)), Some((vc, _))) = (ca.enums.first(), cc.enums.first())
                && va.iter().all(|x| !vc.contains(x))
            {
                return Some(true);
            }
        }
        None
    }
}

impl Engine<'_> {
    /// How many properties an object of A can carry at most, when a closed
    /// content model bounds it.
    fn max_names(&self, fa: &Facts) -> Option<u64> {
        fa.objects
            .iter()
            .filter(|p| {
                // Names other parts evaluate escape `unevaluatedProperties`.
                p.patterns.is_empty()
                    && !p.from_unevaluated
                    && p.additional
                        .as_ref()
                        .is_some_and(|s| matches!(self.a.value(s), Some(Value::Bool(false))))
            })
            .map(|p| {
                p.props
                    .values()
                    .filter(|s| !matches!(self.a.value(s), Some(Value::Bool(false))))
                    .count() as u64
            })
            .min()
    }
}

/// The strings of a length range as a pattern (any code point, newlines too).
fn length_regex(f: &Facts) -> Option<String> {
    let min = f.min_len.as_ref().map(|(m, _)| *m);
    let max = f.max_len.as_ref().map(|(m, _)| *m);
    Some(match (min, max) {
        (None, None) => return None,
        (Some(m), None) => format!("^[\\s\\S]{{{m},}}$"),
        (None, Some(x)) => format!("^[\\s\\S]{{0,{x}}}$"),
        (Some(m), Some(x)) => format!("^[\\s\\S]{{{m},{x}}}$"),
    })
}

/// Whether the array at `s` is a keyword whose order carries no meaning.
fn unordered(s: &SRef) -> bool {
    let key = s.ptr.rsplit('/').next().unwrap_or("");
    matches!(
        key,
        "anyOf" | "oneOf" | "allOf" | "enum" | "required" | "type"
    )
}

/// A's types, less the kinds of number its bounds and `multipleOf` rule
/// out (`number` with `multipleOf: 1`, or pinned to one integer, holds
/// integers only).
fn effective_types(f: &Facts) -> Types {
    let mut t = f.types();
    if !t.has(Types::NUMBER) && !t.has(Types::INTEGER) {
        return t;
    }
    let integral_step = f
        .multiple_of
        .iter()
        .any(|(m, _)| m.fract() == 0.0 && *m > 0.0);
    if let (Some(lo), Some(hi)) = (&f.lower, &f.upper) {
        let empty = lo.value > hi.value || (lo.value == hi.value && (lo.exclusive || hi.exclusive));
        if empty {
            return Types(t.0 & !(Types::NUMBER | Types::INTEGER));
        }
        if lo.value == hi.value {
            let bit = if lo.value.fract() == 0.0 {
                Types::NUMBER
            } else {
                Types::INTEGER
            };
            t = Types(t.0 & !bit);
        }
        // No integer between the bounds.
        if int_lower(lo.value, lo.exclusive) > int_upper(hi.value, hi.exclusive) {
            t = Types(t.0 & !Types::INTEGER);
        }
    }
    if integral_step {
        t = Types(t.0 & !Types::NUMBER);
    }
    t
}

/// An undecided problem's words once an example decides it.
fn settled(detail: &str) -> String {
    detail
        .replace(" may refuse", " refuses")
        .replace(" may exclude", " excludes")
        .replace(" may not cover", " does not cover")
}

/// A property name in a message: in backticks, or JSON-quoted when it
/// holds characters a reader would not see.
fn shown(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| !c.is_control() && c != '`' && !c.is_whitespace())
    {
        format!("`{name}`")
    } else {
        Value::String(name.to_string()).to_string()
    }
}

fn list(vals: &[Value]) -> String {
    let shown: Vec<String> = vals.iter().take(6).map(|v| v.to_string()).collect();
    if vals.len() > 6 {
        format!("[{}, ...]", shown.join(", "))
    } else {
        format!("[{}]", shown.join(", "))
    }
}

/// A plain value of one of the types.
fn sample(t: Types) -> Option<Value> {
    for (bit, v) in [
        (Types::STRING, json!("x")),
        (Types::INTEGER, json!(1)),
        (Types::NUMBER, json!(0.5)),
        (Types::BOOLEAN, json!(true)),
        (Types::NULL, json!(null)),
        (Types::OBJECT, json!({})),
        (Types::ARRAY, json!([])),
    ] {
        if t.has(bit) {
            return Some(v);
        }
    }
    None
}
