//! A schema's constraints gathered in one place: its own keywords merged
//! with those of its `allOf` members and `$ref` targets (a conjunction),
//! each fact remembering where it was written. Disjunctions (`anyOf`,
//! `oneOf`), `not` and `if`/`then`/`else` stay as residuals for the engine.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::load::{Draft, SRef, Version};

/// JSON types as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Types(pub u8);

impl Types {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const OBJECT: u8 = 4;
    pub const ARRAY: u8 = 8;
    pub const NUMBER: u8 = 16;
    /// Integers only (a subset of numbers).
    pub const INTEGER: u8 = 32;
    pub const STRING: u8 = 64;
    pub const ALL: Types = Types(0x7f);
    pub const NAMES: &'static [(&'static str, u8)] = &[
        ("null", Self::NULL),
        ("boolean", Self::BOOLEAN),
        ("object", Self::OBJECT),
        ("array", Self::ARRAY),
        ("number", Self::NUMBER),
        ("integer", Self::INTEGER),
        ("string", Self::STRING),
    ];

    pub fn from_name(n: &str) -> u8 {
        match n {
            "null" => Self::NULL,
            "boolean" => Self::BOOLEAN,
            "object" => Self::OBJECT,
            "array" => Self::ARRAY,
            // `number` includes the integers.
            "number" => Self::NUMBER | Self::INTEGER,
            "integer" => Self::INTEGER,
            "string" => Self::STRING,
            _ => 0,
        }
    }

    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }

    pub fn and(self, o: Types) -> Types {
        Types(self.0 & o.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// `["string", "number"]`-like words ("number" when both number bits).
    pub fn words(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        for (n, b) in Self::NAMES {
            if *n == "integer" && self.has(Self::NUMBER) {
                continue;
            }
            if *n == "number" && !self.has(Self::NUMBER) {
                continue;
            }
            if self.has(*b) {
                v.push(*n);
            }
        }
        v
    }

    /// The type bit of a JSON value.
    pub fn of(v: &Value) -> u8 {
        match v {
            Value::Null => Self::NULL,
            Value::Bool(_) => Self::BOOLEAN,
            Value::Object(_) => Self::OBJECT,
            Value::Array(_) => Self::ARRAY,
            Value::Number(n) => {
                if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                    Self::INTEGER
                } else {
                    Self::NUMBER
                }
            }
            Value::String(_) => Self::STRING,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
    pub at: SRef,
}

/// One array-shaping keyword set: positional schemas, then the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrPart {
    pub prefix: Vec<SRef>,
    /// Schema of the items after the prefix; `None` = anything.
    pub rest: Option<SRef>,
    pub at: SRef,
}

/// One object-shaping keyword set: `properties`, `patternProperties` and
/// `additionalProperties` of one schema (they interact only within it).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjPart {
    pub props: BTreeMap<String, SRef>,
    pub patterns: Vec<(String, SRef)>,
    /// Schema of other names; `None` = anything.
    pub additional: Option<SRef>,
    /// `unevaluatedProperties` standing in for `additionalProperties`.
    pub from_unevaluated: bool,
    /// For `unevaluatedProperties`: names and patterns the other parts of
    /// the conjunction evaluate (so it does not apply to them), and whether
    /// another part evaluates every name.
    pub evaluated: BTreeSet<String>,
    pub evaluated_patterns: Vec<String>,
    pub evaluated_all: bool,
    pub at: SRef,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub if_: SRef,
    pub then: Option<SRef>,
    pub else_: Option<SRef>,
    pub at: SRef,
}

#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Where a `false` came from, if the schema accepts nothing.
    pub is_false: Option<SRef>,
    pub types: Option<(Types, SRef)>,
    /// Each `enum` or `const`, with its values (all must hold).
    pub enums: Vec<(Vec<Value>, SRef)>,
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
    pub multiple_of: Vec<(f64, SRef)>,
    pub min_len: Option<(u64, SRef)>,
    pub max_len: Option<(u64, SRef)>,
    pub patterns: Vec<(String, SRef)>,
    pub formats: Vec<(String, SRef)>,
    pub arrays: Vec<ArrPart>,
    pub min_items: Option<(u64, SRef)>,
    pub max_items: Option<(u64, SRef)>,
    pub unique: Option<SRef>,
    pub contains: Vec<(SRef, u64, Option<u64>)>,
    pub objects: Vec<ObjPart>,
    pub required: BTreeMap<String, SRef>,
    pub min_props: Option<(u64, SRef)>,
    pub max_props: Option<(u64, SRef)>,
    pub property_names: Vec<SRef>,
    pub dep_required: BTreeMap<String, (BTreeSet<String>, SRef)>,
    pub dep_schemas: BTreeMap<String, Vec<SRef>>,
    pub any_of: Vec<(Vec<SRef>, SRef)>,
    pub one_of: Vec<(Vec<SRef>, SRef)>,
    pub not: Vec<SRef>,
    pub conds: Vec<Cond>,
    pub unevaluated_items: Vec<SRef>,
    /// `unevaluatedProperties` whose effect depends on which alternatives
    /// of a disjunction or condition an instance matched.
    pub unevaluated_props: Vec<SRef>,
    /// Locations of the schemas gathered (the conjunction's members).
    pub members: Vec<SRef>,
}

impl Facts {
    /// No constraint at all: every instance is valid.
    pub fn is_universal(&self) -> bool {
        self.is_false.is_none()
            && self.types.as_ref().is_none_or(|(t, _)| *t == Types::ALL)
            && self.enums.is_empty()
            && self.lower.is_none()
            && self.upper.is_none()
            && self.multiple_of.is_empty()
            && self.min_len.is_none()
            && self.max_len.is_none()
            && self.patterns.is_empty()
            && self
                .arrays
                .iter()
                .all(|a| a.prefix.is_empty() && a.rest.is_none())
            && self.min_items.is_none()
            && self.max_items.is_none()
            && self.unique.is_none()
            && self.contains.is_empty()
            && self
                .objects
                .iter()
                .all(|o| o.props.is_empty() && o.patterns.is_empty() && o.additional.is_none())
            && self.required.is_empty()
            && self.min_props.is_none()
            && self.max_props.is_none()
            && self.property_names.is_empty()
            && self.dep_required.is_empty()
            && self.dep_schemas.is_empty()
            && self.any_of.is_empty()
            && self.one_of.is_empty()
            && self.not.is_empty()
            && self.conds.is_empty()
            && self.unevaluated_items.is_empty()
            && self.unevaluated_props.is_empty()
    }

    /// The schemas that apply to property `name` in each object part, and
    /// whether some part declares it.
    pub fn prop_schemas(&self, name: &str) -> (Vec<SRef>, bool) {
        let mut out = Vec::new();
        let mut declared = false;
        for p in &self.objects {
            let mut matched = false;
            if let Some(s) = p.props.get(name) {
                out.push(s.clone());
                matched = true;
                declared = true;
            }
            for (pat, s) in &p.patterns {
                if super::regexlang::is_match(pat, name) == Some(true) {
                    out.push(s.clone());
                    matched = true;
                }
            }
            if p.from_unevaluated
                && (p.evaluated_all
                    || p.evaluated.contains(name)
                    || p.evaluated_patterns
                        .iter()
                        .any(|q| super::regexlang::is_match(q, name) == Some(true)))
            {
                matched = true;
            }
            if !matched && let Some(s) = &p.additional {
                out.push(s.clone());
            }
        }
        (out, declared)
    }

    pub fn types(&self) -> Types {
        self.types.as_ref().map(|(t, _)| *t).unwrap_or(Types::ALL)
    }

    /// Whether the schema has disjunctions or negations whose effect the
    /// flattened facts do not show.
    pub fn has_residuals(&self) -> bool {
        !self.any_of.is_empty()
            || !self.one_of.is_empty()
            || !self.not.is_empty()
            || !self.conds.is_empty()
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn uint(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
            .map(|f| f as u64)
    })
}

/// Gathers the facts of the conjunction of `members`, leaving out the
/// disjunction groups listed in `skip` (already split by the engine).
pub fn gather(v: &Version, members: &[SRef], skip: &BTreeSet<SRef>) -> Facts {
    let mut f = Facts::default();
    let mut seen = BTreeSet::new();
    for m in members {
        add(v, m, skip, &mut f, &mut seen);
    }
    // `unevaluatedProperties` does not apply to names that the schemas
    // applying in place with its own evaluate (not those of its parents or
    // siblings: their annotations are not its).
    for i in 0..f.objects.len() {
        if !f.objects[i].from_unevaluated {
            continue;
        }
        let here = in_place(v, &f.objects[i].at);
        let mut names = BTreeSet::new();
        let mut pats = Vec::new();
        let mut all = false;
        for (j, o) in f.objects.iter().enumerate() {
            if j != i && here.contains(&o.at) {
                names.extend(o.props.keys().cloned());
                pats.extend(o.patterns.iter().map(|(p, _)| p.clone()));
                all |= o.additional.is_some();
            }
        }
        let p = &mut f.objects[i];
        p.evaluated = names;
        p.evaluated_patterns = pats;
        p.evaluated_all = all;
    }
    f
}

/// Keywords whose evaluation depends on which alternatives matched: next to
/// them `unevaluated*` cannot be read as `additional*`.
const DYNAMIC: &[&str] = &[
    "anyOf",
    "oneOf",
    "not",
    "if",
    "dependentSchemas",
    "$dynamicRef",
    "$recursiveRef",
];

/// Whether keyword `k` belongs to draft `d`.
pub fn in_draft(d: Draft, k: &str) -> bool {
    match k {
        "const" | "contains" | "propertyNames" => d >= Draft::D6,
        "if" | "then" | "else" => d >= Draft::D7,
        "dependentRequired"
        | "dependentSchemas"
        | "unevaluatedItems"
        | "unevaluatedProperties"
        | "minContains"
        | "maxContains"
        | "$recursiveRef" => d >= Draft::D2019,
        "prefixItems" | "$dynamicRef" => d >= Draft::D2020,
        "additionalItems" => d <= Draft::D2019,
        _ => true,
    }
}

/// The schemas that apply in place with `s`: itself, its `allOf` members
/// (and lone `anyOf`/`oneOf` alternatives) and reference targets,
/// transitively. The annotations `unevaluated*` at `s` sees come from them.
pub fn in_place(v: &Version, s: &SRef) -> BTreeSet<SRef> {
    let mut out = BTreeSet::new();
    let mut stack = vec![s.clone()];
    while let Some(x) = stack.pop() {
        if out.len() > 256 || !out.insert(x.clone()) {
            continue;
        }
        let Some(Value::Object(o)) = v.value(&x) else {
            continue;
        };
        if let Some(t) = v.refs.get(&x) {
            stack.push(t.clone());
        }
        if v.draft(&x).ref_overrides() && o.contains_key("$ref") {
            continue;
        }
        if let Some(Value::Array(a)) = o.get("allOf") {
            for i in 0..a.len() {
                stack.push(x.child(&["allOf", &i.to_string()]));
            }
        }
        for k in ["anyOf", "oneOf"] {
            if let Some(Value::Array(a)) = o.get(k)
                && a.len() == 1
            {
                stack.push(x.child(&[k, "0"]));
            }
        }
    }
    out
}

/// Whether what `unevaluated*` at `s` sees depends on the alternatives an
/// instance matches: a schema applying in place with it has disjunctions,
/// negations, conditions or dynamic references.
fn dynamic_at(v: &Version, s: &SRef) -> bool {
    in_place(v, s).iter().any(|x| match v.value(x) {
        Some(Value::Object(o)) => dynamic(v.draft(x), o),
        _ => false,
    })
}

/// Whether a schema applying in place with `s` (not `s` itself) evaluates
/// items: then `unevaluatedItems` at `s` does not start after `s`'s own
/// prefix.
fn items_elsewhere(v: &Version, s: &SRef) -> bool {
    in_place(v, s)
        .iter()
        .filter(|x| *x != s)
        .any(|x| match v.value(x) {
            Some(Value::Object(o)) => [
                "prefixItems",
                "items",
                "additionalItems",
                "contains",
                "unevaluatedItems",
            ]
            .iter()
            .any(|k| o.contains_key(*k)),
            _ => false,
        })
}

fn dynamic(d: Draft, obj: &serde_json::Map<String, Value>) -> bool {
    DYNAMIC
        .iter()
        .filter(|k| in_draft(d, k))
        .any(|k| match obj.get(*k) {
            Some(Value::Array(a)) => a.len() != 1,
            Some(_) => true,
            None => false,
        })
}

fn tighter_lower(cur: &Option<Bound>, new: &Bound) -> bool {
    match cur {
        None => true,
        Some(c) => new.value > c.value || (new.value == c.value && new.exclusive && !c.exclusive),
    }
}

fn tighter_upper(cur: &Option<Bound>, new: &Bound) -> bool {
    match cur {
        None => true,
        Some(c) => new.value < c.value || (new.value == c.value && new.exclusive && !c.exclusive),
    }
}

fn add(v: &Version, s: &SRef, skip: &BTreeSet<SRef>, f: &mut Facts, seen: &mut BTreeSet<SRef>) {
    if !seen.insert(s.clone()) {
        return;
    }
    f.members.push(s.clone());
    let Some(node) = v.value(s) else { return };
    let obj = match node {
        Value::Bool(true) => return,
        Value::Bool(false) => {
            f.is_false.get_or_insert_with(|| s.clone());
            return;
        }
        Value::Object(o) => o,
        _ => return,
    };
    let draft = v.draft(s);
    // Keywords of later drafts mean nothing in earlier ones (the validators
    // ignore them too).
    let get = |k: &str| -> Option<&Value> { if in_draft(draft, k) { obj.get(k) } else { None } };
    let has = |k: &str| get(k).is_some();
    if has("$ref")
        && let Some(target) = v.refs.get(s)
    {
        add(v, target, skip, f, seen);
        if draft.ref_overrides() {
            return;
        }
    }
    for key in ["$dynamicRef", "$recursiveRef"] {
        if has(key)
            && let Some(target) = v.refs.get(s)
        {
            add(v, target, skip, f, seen);
        }
    }
    let at = |k: &str| s.child(&[k]);
    if let Some(t) = get("type") {
        let bits = match t {
            Value::String(n) => Types::from_name(n),
            Value::Array(a) => a
                .iter()
                .filter_map(|n| n.as_str())
                .fold(0, |b, n| b | Types::from_name(n)),
            _ => 0x7f,
        };
        let new = Types(bits);
        f.types = Some(match f.types.take() {
            Some((old, loc)) => (old.and(new), if new.0 < old.0 { at("type") } else { loc }),
            None => (new, at("type")),
        });
    }
    if let Some(Value::Array(e)) = get("enum") {
        f.enums.push((e.clone(), at("enum")));
    }
    if let Some(c) = get("const") {
        f.enums.push((vec![c.clone()], at("const")));
    }
    // Numbers: draft 4 spells exclusivity as booleans beside the bounds.
    let bool_excl = |k: &str| matches!(get(k), Some(Value::Bool(true)));
    if let Some(m) = get("minimum").and_then(num) {
        let b = Bound {
            value: m,
            exclusive: draft == Draft::D4 && bool_excl("exclusiveMinimum"),
            at: at("minimum"),
        };
        if tighter_lower(&f.lower, &b) {
            f.lower = Some(b);
        }
    }
    if let Some(m) = get("exclusiveMinimum").and_then(num) {
        let b = Bound {
            value: m,
            exclusive: true,
            at: at("exclusiveMinimum"),
        };
        if tighter_lower(&f.lower, &b) {
            f.lower = Some(b);
        }
    }
    if let Some(m) = get("maximum").and_then(num) {
        let b = Bound {
            value: m,
            exclusive: draft == Draft::D4 && bool_excl("exclusiveMaximum"),
            at: at("maximum"),
        };
        if tighter_upper(&f.upper, &b) {
            f.upper = Some(b);
        }
    }
    if let Some(m) = get("exclusiveMaximum").and_then(num) {
        let b = Bound {
            value: m,
            exclusive: true,
            at: at("exclusiveMaximum"),
        };
        if tighter_upper(&f.upper, &b) {
            f.upper = Some(b);
        }
    }
    if let Some(m) = get("multipleOf").and_then(num) {
        f.multiple_of.push((m, at("multipleOf")));
    }
    // A lower count of 0 bounds nothing (and is kept out so that it is
    // not compared as a bound).
    let min_of = |cur: &mut Option<(u64, SRef)>, k: &str| {
        if let Some(n) = get(k).and_then(uint)
            && n > 0
            && cur.as_ref().is_none_or(|(c, _)| n > *c)
        {
            *cur = Some((n, at(k)));
        }
    };
    let max_of = |cur: &mut Option<(u64, SRef)>, k: &str| {
        if let Some(n) = get(k).and_then(uint)
            && cur.as_ref().is_none_or(|(c, _)| n < *c)
        {
            *cur = Some((n, at(k)));
        }
    };
    min_of(&mut f.min_len, "minLength");
    max_of(&mut f.max_len, "maxLength");
    min_of(&mut f.min_items, "minItems");
    max_of(&mut f.max_items, "maxItems");
    min_of(&mut f.min_props, "minProperties");
    max_of(&mut f.max_props, "maxProperties");
    if let Some(p) = get("pattern").and_then(|p| p.as_str()) {
        f.patterns.push((p.to_string(), at("pattern")));
    }
    if let Some(p) = get("format").and_then(|p| p.as_str()) {
        f.formats.push((p.to_string(), at("format")));
    }
    // Arrays.
    let (prefix, rest): (Vec<SRef>, Option<SRef>) = if draft >= Draft::D2020 {
        let prefix = match get("prefixItems") {
            Some(Value::Array(a)) => (0..a.len())
                .map(|i| s.child(&["prefixItems", &i.to_string()]))
                .collect(),
            _ => Vec::new(),
        };
        let rest = match get("items") {
            Some(_) => Some(at("items")),
            None => obj
                .get("unevaluatedItems")
                .filter(|_| !has("contains") && !dynamic_at(v, s) && !items_elsewhere(v, s))
                .map(|_| at("unevaluatedItems")),
        };
        (prefix, rest)
    } else {
        match get("items") {
            Some(Value::Array(a)) => (
                (0..a.len())
                    .map(|i| s.child(&["items", &i.to_string()]))
                    .collect(),
                get("additionalItems").map(|_| at("additionalItems")),
            ),
            Some(_) => (Vec::new(), Some(at("items"))),
            None => (
                Vec::new(),
                get("unevaluatedItems")
                    .filter(|_| !has("contains") && !dynamic_at(v, s) && !items_elsewhere(v, s))
                    .map(|_| at("unevaluatedItems")),
            ),
        }
    };
    if !prefix.is_empty() || rest.is_some() {
        f.arrays.push(ArrPart {
            prefix,
            rest,
            at: s.clone(),
        });
    }
    if matches!(get("uniqueItems"), Some(Value::Bool(true))) {
        f.unique.get_or_insert_with(|| at("uniqueItems"));
    }
    if has("contains") {
        let min = if draft >= Draft::D2019 {
            get("minContains").and_then(uint).unwrap_or(1)
        } else {
            1
        };
        let max = if draft >= Draft::D2019 {
            get("maxContains").and_then(uint)
        } else {
            None
        };
        f.contains.push((at("contains"), min, max));
    }
    // `unevaluatedItems` next to `items` has nothing left to apply to;
    // used as the rest above; otherwise it depends on what matched.
    if has("unevaluatedItems")
        && !has("items")
        && (has("contains") || dynamic_at(v, s) || items_elsewhere(v, s))
    {
        f.unevaluated_items.push(at("unevaluatedItems"));
    }
    let dynamic_props = has("unevaluatedProperties") && dynamic_at(v, s);
    if has("unevaluatedProperties") && !has("additionalProperties") && dynamic_props {
        f.unevaluated_props.push(at("unevaluatedProperties"));
    }
    // Objects.
    let has_obj = [
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
    ]
    .iter()
    .any(|k| has(k));
    if has_obj {
        let props = match get("properties") {
            Some(Value::Object(p)) => p
                .keys()
                .map(|k| (k.clone(), s.child(&["properties", k])))
                .collect(),
            _ => BTreeMap::new(),
        };
        let patterns = match get("patternProperties") {
            Some(Value::Object(p)) => p
                .keys()
                .map(|k| (k.clone(), s.child(&["patternProperties", k])))
                .collect(),
            _ => Vec::new(),
        };
        let (additional, from_unevaluated) = if has("additionalProperties") {
            (Some(at("additionalProperties")), false)
        } else if has("unevaluatedProperties") && !dynamic_props {
            (Some(at("unevaluatedProperties")), true)
        } else {
            (None, false)
        };
        f.objects.push(ObjPart {
            props,
            patterns,
            additional,
            from_unevaluated,
            evaluated: BTreeSet::new(),
            evaluated_patterns: Vec::new(),
            evaluated_all: false,
            at: s.clone(),
        });
    }
    if let Some(Value::Array(r)) = get("required") {
        for n in r.iter().filter_map(|n| n.as_str()) {
            f.required
                .entry(n.to_string())
                .or_insert_with(|| at("required"));
        }
    }
    if has("propertyNames") {
        f.property_names.push(at("propertyNames"));
    }
    let mut deps = |key: &str| {
        if let Some(Value::Object(d)) = get(key) {
            for (k, val) in d {
                match val {
                    Value::Array(names) => {
                        let e = f
                            .dep_required
                            .entry(k.clone())
                            .or_insert_with(|| (BTreeSet::new(), s.child(&[key, k])));
                        e.0.extend(names.iter().filter_map(|n| n.as_str()).map(str::to_string));
                    }
                    _ => f
                        .dep_schemas
                        .entry(k.clone())
                        .or_default()
                        .push(s.child(&[key, k])),
                }
            }
        }
    };
    deps("dependencies");
    deps("dependentRequired");
    deps("dependentSchemas");
    // Applicators.
    if let Some(Value::Array(a)) = get("allOf") {
        for i in 0..a.len() {
            add(v, &s.child(&["allOf", &i.to_string()]), skip, f, seen);
        }
    }
    for key in ["anyOf", "oneOf"] {
        // One alternative: the same as requiring it.
        if let Some(Value::Array(a)) = get(key)
            && a.len() == 1
        {
            add(v, &s.child(&[key, "0"]), skip, f, seen);
        }
    }
    for (key, list) in [("anyOf", &mut f.any_of), ("oneOf", &mut f.one_of)] {
        let loc = at(key);
        if let Some(Value::Array(a)) = get(key)
            && a.len() != 1
            && !skip.contains(&loc)
        {
            let alts = (0..a.len())
                .map(|i| s.child(&[key, &i.to_string()]))
                .collect();
            list.push((alts, loc));
        }
    }
    if has("not") {
        f.not.push(at("not"));
    }
    if has("if") && !skip.contains(&at("if")) {
        f.conds.push(Cond {
            if_: at("if"),
            then: get("then").map(|_| at("then")),
            else_: get("else").map(|_| at("else")),
            at: at("if"),
        });
    }
}
