//! JSON Schema witnesses (see `crate::witness`): for each direction a
//! finding breaks, an instance that the writer's version accepts and the
//! reader's refuses, confirmed with the `jsonschema` crate against both
//! versions' root schemas.
//!
//! How one is built, from the finding alone (its two locations and the
//! `example` the inclusion engine found where it compared):
//!
//! 1. **Routes.** The writer's location is reached from the root of its
//!    document through the keywords that apply a subschema to the instance
//!    or to a part of it (`properties`, `patternProperties`,
//!    `additionalProperties`, `items`, `prefixItems`, `propertyNames`, ...
//!    with `$ref`, `allOf`, `anyOf`, `oneOf`, `if`/`then`/`else` and
//!    `dependentSchemas` staying on the same instance). A route is the
//!    instance path (property names are chosen where a pattern or
//!    `additionalProperties` leads: a name both versions treat the same way)
//!    and, for each level of it, the writer's schemas met there. The
//!    reader's location gives a route too, used to choose names; the
//!    reader's schemas along the instance path are gathered from it.
//! 2. **Parts.** At the route's deepest level (and up to two levels above:
//!    a finding about an item is shown by its array), candidate parts: the
//!    finding's example first, then instances drawn from both versions'
//!    constraints there (`sample.rs`), kept when valid under every writer
//!    schema of the level and refused by a reader schema of it.
//! 3. **Embedding.** Each part is put in place in a parent drawn from the
//!    writer's schemas of the level above (required properties filled with
//!    values they accept), up to the root, each parent valid under the
//!    writer's schemas of its level.
//! 4. **Confirmation.** The document must be valid under the writer's root
//!    and invalid under the reader's, by the `jsonschema` crate. Of the
//!    reader's errors the one that shows the finding best is quoted: its
//!    keyword at (or inside) the finding's place in the reader's version,
//!    and its instance location at or below the planted part; a document
//!    whose error is both ends the search, one that is less is kept only
//!    until a better one is found.
//! 5. **Drawn documents.** When no part fits, or the best error is not at
//!    the finding's place,
//!    whole documents drawn at random from the writer's root schema
//!    (`generate.rs`; once per run and writer, from a fixed seed, so that a
//!    run gives the same witnesses every time, and with a budget of values
//!    so that large schemas stay fast) are tried, confirmed the same way.
//!
//! When no whole document is confirmed, a part valid under the writer's
//! subschema and refused by the reader's is still a witness, marked as
//! such in `writer_sees` (`at /properties/address: ...`). Otherwise the
//! finding gets a note with the reason: the writer accepts no instance
//! that was found (its schemas may contradict each other, and then nothing
//! breaks), the reader refuses none of those tried, or the parts found fit
//! in no whole document.
//!
//! `format` is asserted on the writer's side (the instance holds values of
//! the declared formats, so it is valid whether or not `format` asserts),
//! and on the reader's only for `format-changed` findings (which exist only
//! with `--format-assertion`): otherwise the reader refuses the instance
//! either way.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;

use serde_json::{Value, json};

use super::generate::{self, Pools, VersionRefs};
use super::load::{SRef, Version};
use super::pair::doc_pairs;
use super::regexlang;
use super::sample::Sampler;
use super::validate::{Failure, Validators};
use crate::finding::{Direction, Finding, Location};
use crate::soundness::Rng;
use crate::witness::{Witness, cut};

/// What the report names as the checking library.
pub const CHECKED_WITH: &str = "jsonschema 0.60";

/// Routes tried per finding and direction.
const ROUTES: usize = 3;
/// Parts tried per level.
const PARTS: usize = 10;
/// Parents tried per level of an embedding.
const PARENTS: usize = 40;
/// Validations per finding and direction before giving up.
const BUDGET: usize = 6000;
/// Documents drawn at random per finding and direction when the parts
/// found fit in none, values in each, and values in all.
const DRAWS: usize = 300;
const DRAW_NODES: usize = 200;
const DRAW_SEED: u64 = 0x5eed;
const DRAWN_NODES: usize = 6000;
/// A readable property name.
const READABLE: &str = "^[a-z][a-z0-9_]*$";

/// Builds the witnesses of every finding that breaks a direction.
pub fn attach(old: &Version, new: &Version, findings: &mut [Finding]) {
    if findings.iter().all(|f| f.breaks.is_empty()) {
        return;
    }
    let vals = Vals {
        parents: RefCell::new(HashMap::new()),
        drawn: RefCell::new(HashMap::new()),
        old_fmt: Validators::new(old, true),
        old: Validators::new(old, false),
        new_fmt: Validators::new(new, true),
        new: Validators::new(new, false),
    };
    let size = old.docs.iter().chain(&new.docs).map(|d| d.text.len()).max();
    crate::witness::limit(findings, crate::witness::max_for_size(size.unwrap_or(0)));
    for f in findings
        .iter_mut()
        .filter(|f| !f.breaks.is_empty() && f.witness_note.is_none())
    {
        let mut missing = Vec::new();
        for d in f.breaks.clone() {
            match build(old, new, &vals, f, d) {
                Ok(w) => f.witnesses.push(w),
                Err(why) => missing.push((d, why)),
            }
        }
        f.witness_note = crate::witness::note(&missing);
    }
}

struct Vals<'a> {
    /// Parents drawn per writer (old: true) and level, for every finding.
    parents: Cache<(bool, ParentKey)>,
    /// Documents drawn per writer and root file that the writer accepts.
    drawn: Cache<(bool, usize)>,
    old_fmt: Validators<'a>,
    old: Validators<'a>,
    new_fmt: Validators<'a>,
    new: Validators<'a>,
}

fn build(
    old: &Version,
    new: &Version,
    vals: &Vals,
    f: &Finding,
    d: Direction,
) -> Result<Witness, String> {
    // `format` is asserted on the reader's side only for a format finding.
    let formats = f.rule.code == "JS305";
    let (writer, reader, wv, rv, wloc, rloc) = match d {
        Direction::Backward => (
            old,
            new,
            &vals.old_fmt,
            if formats { &vals.new_fmt } else { &vals.new },
            &f.old,
            &f.new,
        ),
        Direction::Forward => (
            new,
            old,
            &vals.new_fmt,
            if formats { &vals.old_fmt } else { &vals.old },
            &f.new,
            &f.old,
        ),
    };
    let wlabel = match d {
        Direction::Backward => "v(N-1)",
        Direction::Forward => "v(N)",
    };
    let rlabel = match d {
        Direction::Backward => "v(N)",
        Direction::Forward => "v(N-1)",
    };
    let (Some(wat), Some(rat)) = (
        wloc.as_ref().and_then(|l| sref(writer, l)),
        rloc.as_ref().and_then(|l| sref(reader, l)),
    ) else {
        return Err("the finding has no place in both versions to aim an instance at".into());
    };
    let example = f.arg("example").and_then(|e| serde_json::from_str(e).ok());
    let b = Builder {
        writer,
        reader,
        wv,
        rv,
        whole_of: format!("{}#", writer.docs[wat.file].display),
        wlabel,
        rlabel,
        spent: Cell::new(0),
        tried: Cell::new(0),
        writer_ok: Cell::new(0),
        refused: Cell::new(0),
        parents: &vals.parents,
        drawn: &vals.drawn,
        writer_old: d == Direction::Backward,
    };
    b.run(d, &wat, &rat, example)
}

/// A finding's location as a schema reference in its version.
fn sref(v: &Version, l: &Location) -> Option<SRef> {
    let file = v.docs.iter().position(|d| d.display == l.path)?;
    let ptr = if l.pointer == "/" {
        String::new()
    } else {
        l.pointer.clone()
    };
    Some(SRef { file, ptr })
}

/// One step from an instance into a part of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
    /// The part is a property name of the object.
    Name,
}

/// A step as a schema keyword takes it, before a property name is chosen.
#[derive(Debug, Clone, PartialEq)]
enum Edge {
    Key(String),
    /// A name matching the pattern and not declared beside it.
    Pattern {
        pattern: String,
        declared: Vec<String>,
    },
    /// A name neither declared nor matched by a pattern beside it.
    Other {
        declared: Vec<String>,
        patterns: Vec<String>,
    },
    Index(usize),
    Name,
}

/// A way from a root schema to a schema: the edges into the instance and,
/// for each level of the instance, the schemas met there and the property
/// names an instance there must carry (for `dependentSchemas`).
#[derive(Debug, Clone)]
struct Route {
    edges: Vec<Edge>,
    levels: Vec<Vec<SRef>>,
    needs: Vec<BTreeSet<String>>,
    at: SRef,
}

/// The schemas a schema applies, each with the edge into the instance it
/// takes (`None`: the same instance) and a property name it needs.
fn children(v: &Version, s: &SRef) -> Vec<(SRef, Option<Edge>, Option<String>)> {
    let mut out = Vec::new();
    let Some(Value::Object(o)) = v.value(s) else {
        return out;
    };
    if let Some(t) = v.refs.get(s) {
        out.push((t.clone(), None, None));
    }
    if v.draft(s).ref_overrides() && o.contains_key("$ref") {
        return out;
    }
    let same = |out: &mut Vec<_>, tokens: &[&str]| out.push((s.child(tokens), None, None));
    for k in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(a)) = o.get(k) {
            for i in 0..a.len() {
                same(&mut out, &[k, &i.to_string()]);
            }
        }
    }
    for k in ["if", "then", "else"] {
        if o.contains_key(k) {
            same(&mut out, &[k]);
        }
    }
    for k in ["dependentSchemas", "dependencies"] {
        if let Some(Value::Object(m)) = o.get(k) {
            for (name, x) in m {
                if x.is_object() || x.is_boolean() {
                    out.push((s.child(&[k, name]), None, Some(name.clone())));
                }
            }
        }
    }
    let declared: Vec<String> = match o.get("properties") {
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let patterns: Vec<String> = match o.get("patternProperties") {
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    };
    for n in &declared {
        out.push((
            s.child(&["properties", n]),
            Some(Edge::Key(n.clone())),
            None,
        ));
    }
    for p in &patterns {
        out.push((
            s.child(&["patternProperties", p]),
            Some(Edge::Pattern {
                pattern: p.clone(),
                declared: declared.clone(),
            }),
            None,
        ));
    }
    for k in ["additionalProperties", "unevaluatedProperties"] {
        if o.contains_key(k) {
            out.push((
                s.child(&[k]),
                Some(Edge::Other {
                    declared: declared.clone(),
                    patterns: patterns.clone(),
                }),
                None,
            ));
        }
    }
    let prefix = match (o.get("prefixItems"), o.get("items")) {
        (Some(Value::Array(a)), _) => a.len(),
        (_, Some(Value::Array(a))) => a.len(),
        _ => 0,
    };
    for k in ["prefixItems", "items"] {
        if let Some(Value::Array(a)) = o.get(k) {
            for i in 0..a.len() {
                out.push((s.child(&[k, &i.to_string()]), Some(Edge::Index(i)), None));
            }
        }
    }
    if o.get("items").is_some_and(|x| !x.is_array()) {
        out.push((s.child(&["items"]), Some(Edge::Index(prefix)), None));
    }
    if o.get("items").is_some_and(Value::is_array) && o.contains_key("additionalItems") {
        out.push((
            s.child(&["additionalItems"]),
            Some(Edge::Index(prefix)),
            None,
        ));
    }
    if o.contains_key("unevaluatedItems") {
        out.push((
            s.child(&["unevaluatedItems"]),
            Some(Edge::Index(prefix)),
            None,
        ));
    }
    if o.contains_key("contains") {
        out.push((s.child(&["contains"]), Some(Edge::Index(0)), None));
    }
    if o.contains_key("propertyNames") {
        out.push((s.child(&["propertyNames"]), Some(Edge::Name), None));
    }
    out
}

/// Whether the schema at `p` holds the location `t` (is it, or a keyword
/// or schema inside it).
fn covers(p: &SRef, t: &SRef) -> bool {
    p.file == t.file
        && (t.ptr == p.ptr || (t.ptr.starts_with(&p.ptr) && t.ptr[p.ptr.len()..].starts_with('/')))
}

/// Routes from `root` to the innermost schemas that hold `target`, the
/// shortest first.
fn routes(v: &Version, root: &SRef, target: &SRef, max: usize) -> Vec<Route> {
    let start = Route {
        edges: Vec::new(),
        levels: vec![vec![root.clone()]],
        needs: vec![BTreeSet::new()],
        at: root.clone(),
    };
    let mut seen: HashSet<(SRef, usize)> = HashSet::from([(root.clone(), 0)]);
    let mut queue = VecDeque::from([start]);
    let mut best: Vec<Route> = Vec::new();
    let mut best_len: Option<usize> = None;
    let mut visited = 0;
    while let Some(r) = queue.pop_front() {
        visited += 1;
        if visited > 5000 {
            break;
        }
        if covers(&r.at, target) {
            let l = r.at.ptr.len();
            match best_len {
                Some(b) if l < b => {}
                Some(b) if l == b => {
                    if best.len() < max {
                        best.push(r.clone());
                    }
                }
                _ => {
                    best_len = Some(l);
                    best = vec![r.clone()];
                }
            }
        }
        if r.edges.len() >= 12 {
            continue;
        }
        for (child, edge, need) in children(v, &r.at) {
            let depth = r.edges.len() + usize::from(edge.is_some());
            if !seen.insert((child.clone(), depth)) {
                continue;
            }
            let mut n = r.clone();
            match edge {
                Some(e) => {
                    n.edges.push(e);
                    n.levels.push(vec![child.clone()]);
                    n.needs.push(BTreeSet::new());
                }
                None => {
                    if let Some(l) = n.levels.last_mut() {
                        l.push(child.clone());
                    }
                }
            }
            if let (Some(need), Some(l)) = (need, n.needs.last_mut()) {
                l.insert(need);
            }
            n.at = child;
            queue.push_back(n);
        }
    }
    best
}

/// The names as one pattern matching exactly them.
fn literal(names: &[String]) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    let alts: Vec<String> = names.iter().map(|n| regex_syntax::escape(n)).collect();
    Some(format!("^(?:{})$", alts.join("|")))
}

/// What a name must match and must not, to be taken by an edge.
fn name_rules(e: &Edge) -> (Vec<String>, Vec<String>) {
    match e {
        Edge::Key(n) => (
            literal(std::slice::from_ref(n)).into_iter().collect(),
            vec![],
        ),
        Edge::Pattern { pattern, declared } => (
            vec![pattern.clone()],
            literal(declared).into_iter().collect(),
        ),
        Edge::Other { declared, patterns } => {
            let mut exc: Vec<String> = literal(declared).into_iter().collect();
            exc.extend(patterns.iter().cloned());
            (vec![], exc)
        }
        Edge::Index(_) | Edge::Name => (vec![], vec![]),
    }
}

fn find_name(inc: &[String], exc: &[String]) -> Option<String> {
    let exc: Vec<&str> = exc.iter().map(String::as_str).collect();
    let mut readable: Vec<&str> = inc.iter().map(String::as_str).collect();
    readable.push(READABLE);
    if let Ok(Some(w)) = regexlang::find(&readable, &exc) {
        return Some(w);
    }
    let inc: Vec<&str> = inc.iter().map(String::as_str).collect();
    regexlang::find(&inc, &exc).ok().flatten()
}

/// The instance path of a route, with names chosen for patterns and
/// undeclared properties: one the other version's route takes the same
/// way where it can be found.
fn resolve(edges: &[Edge], hint: Option<&[Edge]>) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    for (i, e) in edges.iter().enumerate() {
        let h = hint.and_then(|h| h.get(i));
        out.push(match e {
            Edge::Key(n) => Step::Key(n.clone()),
            Edge::Index(i) => Step::Index(*i),
            Edge::Name => Step::Name,
            Edge::Pattern { .. } | Edge::Other { .. } => {
                let (inc, exc) = name_rules(e);
                let both = h
                    .filter(|h| !matches!(h, Edge::Index(_) | Edge::Name))
                    .map(|h| {
                        let (hi, he) = name_rules(h);
                        let mut inc = inc.clone();
                        inc.extend(hi);
                        let mut exc = exc.clone();
                        exc.extend(he);
                        (inc, exc)
                    });
                let name = both
                    .and_then(|(i, x)| find_name(&i, &x))
                    .or_else(|| find_name(&inc, &exc))?;
                Step::Key(name)
            }
        });
    }
    Some(out)
}

/// The schemas that apply at once to an instance: these and those they
/// reach through `$ref` and `allOf`.
fn closure(v: &Version, start: Vec<SRef>) -> Vec<SRef> {
    let mut out: Vec<SRef> = Vec::new();
    let mut queue = VecDeque::from(start);
    while let Some(s) = queue.pop_front() {
        if out.contains(&s) || out.len() >= 64 {
            continue;
        }
        if let Some(Value::Object(o)) = v.value(&s) {
            if let Some(t) = v.refs.get(&s) {
                queue.push_back(t.clone());
            }
            if !(v.draft(&s).ref_overrides() && o.contains_key("$ref"))
                && let Some(Value::Array(a)) = o.get("allOf")
            {
                for i in 0..a.len() {
                    queue.push_back(s.child(&["allOf", &i.to_string()]));
                }
            }
        }
        out.push(s);
    }
    out
}

/// The schemas of `v` that apply at each level of an instance path (those
/// every instance meets: disjunctions and conditions are not entered).
fn descend(v: &Version, root: &SRef, steps: &[Step]) -> Vec<Vec<SRef>> {
    let mut level = closure(v, vec![root.clone()]);
    let mut out = vec![level.clone()];
    for step in steps {
        let mut next = Vec::new();
        for m in &level {
            let Some(Value::Object(o)) = v.value(m) else {
                continue;
            };
            if v.draft(m).ref_overrides() && o.contains_key("$ref") {
                continue;
            }
            match step {
                Step::Key(n) => {
                    let mut hit = false;
                    if o.get("properties")
                        .and_then(|p| p.get(n.as_str()))
                        .is_some()
                    {
                        next.push(m.child(&["properties", n]));
                        hit = true;
                    }
                    if let Some(Value::Object(pp)) = o.get("patternProperties") {
                        for p in pp.keys() {
                            if regexlang::is_match(p, n) == Some(true) {
                                next.push(m.child(&["patternProperties", p]));
                                hit = true;
                            }
                        }
                    }
                    if !hit && o.contains_key("additionalProperties") {
                        next.push(m.child(&["additionalProperties"]));
                    }
                }
                Step::Index(i) => {
                    let i = *i;
                    match (o.get("prefixItems"), o.get("items")) {
                        (Some(Value::Array(a)), _) if i < a.len() => {
                            next.push(m.child(&["prefixItems", &i.to_string()]));
                        }
                        (_, Some(Value::Array(a))) if i < a.len() => {
                            next.push(m.child(&["items", &i.to_string()]));
                        }
                        (_, Some(Value::Array(_))) if o.contains_key("additionalItems") => {
                            next.push(m.child(&["additionalItems"]));
                        }
                        (_, Some(Value::Array(_))) => {}
                        (_, Some(_)) => next.push(m.child(&["items"])),
                        _ => {}
                    }
                }
                Step::Name => {
                    if o.contains_key("propertyNames") {
                        next.push(m.child(&["propertyNames"]));
                    }
                }
            }
        }
        level = closure(v, next);
        out.push(level.clone());
    }
    out
}

/// The instance path of steps, as a JSON pointer (a property name is
/// checked where its object is).
fn pointer(steps: &[Step]) -> String {
    let mut s = String::new();
    for st in steps {
        match st {
            Step::Key(n) => {
                s.push('/');
                s.push_str(&crate::json::pointer_token(n));
            }
            Step::Index(i) => s.push_str(&format!("/{i}")),
            Step::Name => {}
        }
    }
    s
}

fn shown_path(p: &str) -> &str {
    if p.is_empty() { "(root)" } else { p }
}

/// How well a reader's error shows the finding: 2 when its keyword is at
/// or inside the reader's place of the finding (or holds it), plus 1 when
/// its instance location is at or below the part the finding is about.
fn aim(e: &Failure, rat: &SRef, at: &str) -> u8 {
    let inside = |a: &str, b: &str| a == b || (a.starts_with(b) && a[b.len()..].starts_with('/'));
    let keyword = e.keyword.as_ref().is_some_and(|k| {
        k.file == rat.file && (inside(&k.ptr, &rat.ptr) || inside(&rat.ptr, &k.ptr))
    });
    2 * u8::from(keyword) + u8::from(inside(&e.instance_path, at))
}

/// The best aimed of the reader's errors (the first of them), and its aim.
fn best_error(errors: &[Failure], rat: &SRef, at: &str) -> Option<(Failure, u8)> {
    let mut best: Option<(&Failure, u8)> = None;
    for e in errors {
        let a = aim(e, rat, at);
        if best.is_none_or(|(_, b)| a > b) {
            best = Some((e, a));
        }
    }
    best.map(|(e, a)| (e.clone(), a))
}

/// A confirmed witness before it is written out.
struct Found {
    payload: Value,
    /// Where the part the finding is about sits, and the part.
    at: String,
    part: Value,
    error: Failure,
    /// How well the reader's error shows the finding ([`aim`]).
    aimed: u8,
}

/// A route, the reader's schemas along its instance path, and that path.
type Deepest = (Route, Vec<Vec<SRef>>, Vec<Step>);

/// Instances drawn once and shared by the findings of a run.
type Cache<K> = RefCell<HashMap<K, Rc<Vec<Value>>>>;

/// The writer's schemas of a level, the names they need, the step down.
type ParentKey = (Vec<SRef>, BTreeSet<String>, Step);

struct Builder<'a> {
    writer: &'a Version,
    reader: &'a Version,
    wv: &'a Validators<'a>,
    rv: &'a Validators<'a>,
    /// What a whole document is an instance of: the writer's file.
    whole_of: String,
    wlabel: &'static str,
    rlabel: &'static str,
    spent: Cell<usize>,
    /// Candidate parts tried, those valid under the writer there, and those
    /// the reader also refused.
    tried: Cell<usize>,
    writer_ok: Cell<usize>,
    refused: Cell<usize>,
    /// Parents drawn per (writer schemas of a level, needs, step).
    parents: &'a Cache<(bool, ParentKey)>,
    drawn: &'a Cache<(bool, usize)>,
    writer_old: bool,
}

impl Builder<'_> {
    fn spend(&self, n: usize) -> bool {
        self.spent.set(self.spent.get() + n);
        self.spent.get() <= BUDGET
    }

    fn writer_valid(&self, members: &[SRef], needs: &BTreeSet<String>, x: &Value) -> bool {
        if !self.spend(members.len()) {
            return false;
        }
        if let Value::Object(o) = x
            && !needs.iter().all(|n| o.contains_key(n))
        {
            return false;
        }
        if !needs.is_empty() && !x.is_object() {
            return false;
        }
        members.iter().all(|m| self.wv.is_valid(m, x) == Some(true))
    }

    fn reader_refuses(&self, members: &[SRef], x: &Value) -> bool {
        self.spend(members.len());
        members
            .iter()
            .any(|m| self.rv.is_valid(m, x) == Some(false))
    }

    fn sampler(&self) -> Sampler<'_> {
        Sampler {
            va: self.wv,
            vb: self.rv,
        }
    }

    fn run(
        &self,
        d: Direction,
        wat: &SRef,
        rat: &SRef,
        example: Option<Value>,
    ) -> Result<Witness, String> {
        let pairs = doc_pairs(self.writer_is_old(d).0, self.writer_is_old(d).1);
        let mut any_route = false;
        let mut best: Option<Found> = None;
        let mut deepest: Option<Deepest> = None;
        for (o, n) in pairs {
            let (wf, rf) = match d {
                Direction::Backward => (o, n),
                Direction::Forward => (n, o),
            };
            let wroot = SRef {
                file: wf,
                ptr: String::new(),
            };
            let rroot = SRef {
                file: rf,
                ptr: String::new(),
            };
            let wroutes = routes(self.writer, &wroot, wat, ROUTES);
            if wroutes.is_empty() {
                continue;
            }
            any_route = true;
            let hint = routes(self.reader, &rroot, rat, 1).into_iter().next();
            for route in wroutes {
                // A witness whose error is at the finding's place will do:
                // other routes are tried only when none is.
                if best.as_ref().is_some_and(|b| b.aimed >= 2) {
                    break;
                }
                let Some(steps) = resolve(&route.edges, hint.as_ref().map(|h| &h.edges[..])) else {
                    continue;
                };
                let rlevels = descend(self.reader, &rroot, &steps);
                if deepest.is_none() {
                    deepest = Some((route.clone(), rlevels.clone(), steps.clone()));
                }
                let k = steps.len();
                for level in (k.saturating_sub(2)..=k).rev() {
                    let parts = self.parts(&route, level, &rlevels[level], example.as_ref());
                    for part in parts {
                        let Some(doc) = self.embed(&route, &steps, level, part.clone()) else {
                            continue;
                        };
                        if !self.spend(1) || self.rv.is_valid(&rroot, &doc) != Some(false) {
                            continue;
                        }
                        let at = pointer(&steps[..level]);
                        let errors = self.rv.errors(&rroot, &doc).unwrap_or_default();
                        let Some((error, aimed)) = best_error(&errors, rat, &at) else {
                            continue;
                        };
                        let found = Found {
                            error,
                            aimed,
                            payload: doc,
                            at,
                            part,
                        };
                        if found.aimed == 3 {
                            return Ok(self.whole(d, found));
                        }
                        if best.as_ref().is_some_and(|b| b.aimed >= found.aimed) {
                            continue;
                        }
                        best = Some(found);
                    }
                    if self.spent.get() > BUDGET {
                        break;
                    }
                }
            }
        }
        // Whole documents drawn at random from the writer's structure, when
        // no part fit or the reader refused one elsewhere.
        let at = deepest
            .as_ref()
            .map(|(_, _, steps)| pointer(steps))
            .unwrap_or_default();
        if best.as_ref().is_none_or(|b| b.aimed < 2)
            && let Some(found) = self.drawn(d, rat, &at)
            && best.as_ref().is_none_or(|b| found.aimed > b.aimed)
        {
            best = Some(found);
        }
        if let Some(found) = best {
            return Ok(self.whole(d, found));
        }
        // No whole document: an instance of the subschemas themselves.
        if let Some(w) = self.part_only(d, wat, rat, deepest.as_ref(), example.as_ref()) {
            return Ok(w);
        }
        let at = deepest
            .as_ref()
            .map(|(_, _, steps)| shown_path(&pointer(steps)).to_string())
            .unwrap_or_else(|| "(root)".into());
        Err(if self.spent.get() > BUDGET {
            format!(
                "gave up after {BUDGET} validations without an instance valid under {} and \
                 invalid under {}",
                self.wlabel, self.rlabel
            )
        } else if !any_route {
            format!(
                "the finding's place in {} ({}) is not reached from the root through keywords \
                 that apply to an instance or its parts, and no instance of that subschema that \
                 {} refuses was found",
                self.wlabel,
                shown_path(&wat.ptr),
                self.rlabel
            )
        } else if self.writer_ok.get() == 0 && !self.accepts_any(d) {
            format!(
                "no instance valid under {} was found, at {at} or at the root, among {} tried: \
                 its schemas may accept nothing (and then nothing breaks)",
                self.wlabel,
                self.tried.get()
            )
        } else if self.refused.get() == 0 {
            format!(
                "{} refuses none of the {} instances valid under {} tried at {at} and around it",
                self.rlabel,
                self.writer_ok.get(),
                self.wlabel
            )
        } else {
            format!(
                "{} instances valid under {} and refused by {} at {at} or around it were found, \
                 but none fits in a whole document valid under {}, nor is one valid under the \
                 {} subschema and invalid under the {} one",
                self.refused.get(),
                self.wlabel,
                self.rlabel,
                self.wlabel,
                self.wlabel,
                self.rlabel
            )
        })
    }

    /// A whole document drawn from the writer's root schema
    /// ([`generate`]) that the reader refuses: one whose reader error is at
    /// or below `at` if there is one among those drawn.
    fn drawn(&self, d: Direction, rat: &SRef, at: &str) -> Option<Found> {
        let (o, n) = self.writer_is_old(d);
        let mut first: Option<Found> = None;
        for (o, n) in doc_pairs(o, n) {
            let (wf, rf) = match d {
                Direction::Backward => (o, n),
                Direction::Forward => (n, o),
            };
            let rroot = SRef {
                file: rf,
                ptr: String::new(),
            };
            for x in self.writer_documents(wf).iter() {
                self.tried.set(self.tried.get() + 1);
                self.writer_ok.set(self.writer_ok.get() + 1);
                if self.rv.is_valid(&rroot, x) != Some(false) {
                    continue;
                }
                self.refused.set(self.refused.get() + 1);
                let errors = self.rv.errors(&rroot, x).unwrap_or_default();
                let Some((error, aimed)) = best_error(&errors, rat, at) else {
                    continue;
                };
                let (at, part) = match x.pointer(at) {
                    Some(p) if !at.is_empty() => (at.to_string(), p.clone()),
                    _ => (String::new(), x.clone()),
                };
                let found = Found {
                    aimed,
                    payload: x.clone(),
                    at,
                    part,
                    error,
                };
                if found.aimed == 3 {
                    return Some(found);
                }
                if first.as_ref().is_some_and(|b| b.aimed >= found.aimed) {
                    continue;
                }
                first = Some(found);
            }
        }
        first
    }

    /// Documents drawn at random from the writer's root schema in file
    /// `wf` that it accepts: drawn once per run and writer (every finding
    /// looks among the same), from a fixed seed.
    fn writer_documents(&self, wf: usize) -> Rc<Vec<Value>> {
        let key = (self.writer_old, wf);
        if let Some(hit) = self.drawn.borrow().get(&key) {
            return hit.clone();
        }
        let refs = VersionRefs::new(self.writer);
        let docs: Vec<&Value> = self
            .writer
            .docs
            .iter()
            .chain(&self.reader.docs)
            .map(|x| &x.value)
            .collect();
        let pools = Pools::of(&docs);
        let mut rng = Rng::new(DRAW_SEED);
        let wroot = SRef {
            file: wf,
            ptr: String::new(),
        };
        let root = &self.writer.docs[wf].value;
        let mut seen = HashSet::new();
        let mut nodes = 0;
        let mut out = Vec::new();
        for _ in 0..DRAWS {
            let x = generate::sized(&mut rng, &refs, root, &pools, DRAW_NODES);
            // Large documents are slow to draw and to validate: a budget
            // of values in all, so that big schemas stay fast.
            nodes += size(&x);
            if nodes > DRAWN_NODES {
                break;
            }
            if seen.insert(x.to_string()) && self.wv.is_valid(&wroot, &x) == Some(true) {
                out.push(x);
            }
        }
        out.sort_by_cached_key(|x| x.to_string().len());
        let out = Rc::new(out);
        self.drawn.borrow_mut().insert(key, out.clone());
        out
    }

    /// Whether some root-level candidate is valid under the writer's root.
    fn accepts_any(&self, d: Direction) -> bool {
        let (o, n) = self.writer_is_old(d);
        doc_pairs(o, n).into_iter().any(|(o, n)| {
            let file = match d {
                Direction::Backward => o,
                Direction::Forward => n,
            };
            let root = SRef {
                file,
                ptr: String::new(),
            };
            self.sampler()
                .candidates(std::slice::from_ref(&root), &[], &[], 2)
                .iter()
                .take(400)
                .any(|x| self.wv.is_valid(&root, x) == Some(true))
        })
    }

    fn writer_is_old(&self, d: Direction) -> (&Version, &Version) {
        match d {
            Direction::Backward => (self.writer, self.reader),
            Direction::Forward => (self.reader, self.writer),
        }
    }

    /// Candidate parts at a level of a route: valid under every writer
    /// schema there, refused by a reader schema there (when the reader has
    /// one), the example first, then the shortest.
    fn parts(
        &self,
        route: &Route,
        level: usize,
        rlevel: &[SRef],
        example: Option<&Value>,
    ) -> Vec<Value> {
        let members = &route.levels[level];
        let needs = &route.needs[level];
        let required: Vec<String> = needs.iter().cloned().collect();
        let mut cands: Vec<Value> = self.sampler().candidates(members, rlevel, &required, 2);
        cands.sort_by_cached_key(|x| x.to_string().len());
        if let Some(e) = example {
            // The example alone, then grafted onto objects that carry what
            // the writer requires beside it.
            let mut grafted: Vec<Value> = Vec::new();
            if let Value::Object(eo) = e {
                for c in cands.iter().filter(|c| c.is_object()).take(24) {
                    if let Value::Object(co) = c {
                        let mut o = co.clone();
                        o.extend(eo.iter().map(|(k, v)| (k.clone(), v.clone())));
                        grafted.push(Value::Object(o));
                    }
                }
            }
            grafted.sort_by_cached_key(|x| x.to_string().len());
            cands.splice(0..0, std::iter::once(e.clone()).chain(grafted));
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for c in cands {
            if out.len() >= PARTS || self.spent.get() > BUDGET {
                break;
            }
            if !seen.insert(c.to_string()) {
                continue;
            }
            self.tried.set(self.tried.get() + 1);
            if !self.writer_valid(members, needs, &c) {
                continue;
            }
            self.writer_ok.set(self.writer_ok.get() + 1);
            if rlevel.is_empty() || self.reader_refuses(rlevel, &c) {
                self.refused.set(self.refused.get() + 1);
                out.push(c);
            }
        }
        out
    }

    /// The part placed at `steps[..level]` in a whole document valid under
    /// the writer's schemas of every level.
    fn embed(&self, route: &Route, steps: &[Step], level: usize, part: Value) -> Option<Value> {
        let mut child = part;
        for i in (0..level).rev() {
            let members = &route.levels[i];
            let needs = &route.needs[i];
            let parents = self.parents(members, needs, &steps[i]);
            let mut placed = None;
            'outer: for p in parents.iter().take(PARENTS) {
                for x in place(p, &steps[i], &child) {
                    if self.spent.get() > BUDGET {
                        return None;
                    }
                    if self.writer_valid(members, needs, &x) {
                        placed = Some(x);
                        break 'outer;
                    }
                }
            }
            child = placed?;
        }
        Some(child)
    }

    /// Instances of the writer's schemas of a level that can hold a part
    /// at `step`, the smallest first.
    fn parents(&self, members: &[SRef], needs: &BTreeSet<String>, step: &Step) -> Rc<Vec<Value>> {
        let key = (
            self.writer_old,
            (members.to_vec(), needs.clone(), step.clone()),
        );
        if let Some(hit) = self.parents.borrow().get(&key) {
            return hit.clone();
        }
        let mut required: Vec<String> = needs.iter().cloned().collect();
        if let Step::Key(n) = step {
            required.push(n.clone());
        }
        let mut cands: Vec<Value> = self
            .sampler()
            .candidates(members, &[], &required, 2)
            .into_iter()
            .filter(|x| match step {
                Step::Key(_) | Step::Name => x.is_object(),
                Step::Index(_) => x.is_array(),
            })
            .collect();
        // Those valid as they are first (they hold what the writer's
        // schemas require), then the smallest.
        let mut seen = HashSet::new();
        cands.retain(|x| seen.insert(x.to_string()));
        cands.sort_by_cached_key(|x| x.to_string().len());
        self.spend(cands.len());
        let (mut good, rest): (Vec<Value>, Vec<Value>) = cands
            .into_iter()
            .partition(|x| members.iter().all(|m| self.wv.is_valid(m, x) == Some(true)));
        good.extend(rest);
        good.truncate(PARENTS);
        let good = Rc::new(good);
        self.parents.borrow_mut().insert(key, good.clone());
        good
    }

    fn whole(&self, d: Direction, f: Found) -> Witness {
        let writer_sees = if f.at.is_empty() {
            format!("valid under {}", self.wlabel)
        } else {
            format!(
                "valid under {}, with {} at {}",
                self.wlabel,
                cut(&f.part.to_string(), 120),
                f.at
            )
        };
        Witness {
            direction: d,
            encoding: "instance",
            payload: f.payload.to_string(),
            datum: None,
            of: Some(self.whole_of.clone()),
            writer_sees,
            reader_sees: format!("invalid under {}: {}", self.rlabel, error_text(&f.error)),
            checked_with: CHECKED_WITH,
            verified: true,
        }
    }

    /// A subschema-level witness: an instance valid under the writer's
    /// schema at its location and invalid under the reader's at its.
    fn part_only(
        &self,
        d: Direction,
        wat: &SRef,
        rat: &SRef,
        deepest: Option<&Deepest>,
        example: Option<&Value>,
    ) -> Option<Witness> {
        let wschema = schema_at(self.writer, wat)?;
        let rschema = schema_at(self.reader, rat)?;
        let (members, rlevel) = match deepest {
            Some((route, rlevels, steps)) => (
                route.levels[steps.len()].clone(),
                rlevels[steps.len()].clone(),
            ),
            None => (vec![wschema.clone()], vec![rschema.clone()]),
        };
        let mut cands: Vec<Value> = self.sampler().candidates(&members, &rlevel, &[], 2);
        cands.sort_by_cached_key(|x| x.to_string().len());
        if let Some(e) = example {
            cands.insert(0, e.clone());
        }
        for c in cands.into_iter().take(200) {
            if self.spent.get() > BUDGET {
                return None;
            }
            self.spend(2);
            if self.wv.is_valid(&wschema, &c) == Some(true)
                && self.rv.is_valid(&rschema, &c) == Some(false)
            {
                let e = self.rv.errors(&rschema, &c)?.into_iter().next()?;
                return Some(Witness {
                    direction: d,
                    encoding: "instance",
                    payload: c.to_string(),
                    datum: None,
                    of: Some(format!(
                        "{}#{}",
                        self.writer.docs[wschema.file].display, wschema.ptr
                    )),
                    writer_sees: format!(
                        "at {}: valid under the {} subschema there (no whole {} document \
                         holding it was confirmed)",
                        shown_path(&wschema.ptr),
                        self.wlabel,
                        self.wlabel
                    ),
                    reader_sees: format!(
                        "at {}: invalid under {}: {}",
                        shown_path(&rschema.ptr),
                        self.rlabel,
                        error_text(&e)
                    ),
                    checked_with: CHECKED_WITH,
                    verified: true,
                });
            }
        }
        None
    }
}

/// The schema at a location, or the nearest one holding it (a location
/// may be a keyword's value).
fn schema_at(v: &Version, s: &SRef) -> Option<SRef> {
    let mut cur = s.clone();
    for _ in 0..3 {
        if matches!(v.value(&cur), Some(Value::Object(_) | Value::Bool(_)))
            && !cur.ptr.ends_with("/properties")
            && !cur.ptr.ends_with("/patternProperties")
        {
            return Some(cur);
        }
        let i = cur.ptr.rfind('/')?;
        cur.ptr.truncate(i);
    }
    None
}

/// The part put in a parent at a step: none when the parent has the wrong
/// shape.
fn place(parent: &Value, step: &Step, child: &Value) -> Vec<Value> {
    match (step, parent) {
        (Step::Key(n), Value::Object(o)) => {
            let mut o = o.clone();
            o.insert(n.clone(), child.clone());
            vec![Value::Object(o)]
        }
        (Step::Index(j), Value::Array(a)) => {
            let mut a = a.clone();
            if a.len() > *j {
                a[*j] = child.clone();
            } else {
                let fill = a.last().cloned().unwrap_or_else(|| child.clone());
                while a.len() < *j {
                    a.push(fill.clone());
                }
                a.push(child.clone());
            }
            vec![Value::Array(a)]
        }
        (Step::Name, Value::Object(o)) => {
            let Value::String(name) = child else {
                return vec![];
            };
            if o.contains_key(name) {
                return vec![parent.clone()];
            }
            let mut values: Vec<Value> = o.values().take(1).cloned().collect();
            values.extend([
                json!(null),
                json!(0),
                json!(""),
                json!(true),
                json!({}),
                json!([]),
            ]);
            values
                .into_iter()
                .map(|v| {
                    let mut o = o.clone();
                    o.insert(name.clone(), v);
                    Value::Object(o)
                })
                .collect()
        }
        _ => vec![],
    }
}

/// How many values a JSON value holds (itself included).
fn size(x: &Value) -> usize {
    1 + match x {
        Value::Array(a) => a.iter().map(size).sum(),
        Value::Object(o) => o.values().map(size).sum(),
        _ => 0,
    }
}

/// A validation error for people: the crate's message (cut), the
/// instance path and the failing keyword's place in the schema.
fn error_text(e: &Failure) -> String {
    format!(
        "{} (instance {}, schema {})",
        cut(&e.message, 160),
        shown_path(&e.instance_path),
        shown_path(&e.schema_path)
    )
}
