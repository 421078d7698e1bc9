//! Pairing the two versions: files by path, messages, enums and services by
//! full name (following a file's package rename), fields and enum values by
//! number, methods by name, extensions by (extendee, number). Then every
//! rule runs over the pairs.

use std::cell::RefCell;
use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use super::model::*;
use super::rules::{Check, RULES};
use crate::finding::{Direction, Finding, Location, Severity};
use crate::rule::Encoding;

/// Which encodings the check protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Binary wire format only (buf's WIRE).
    Wire,
    /// Binary and ProtoJSON (buf's WIRE_JSON); the default.
    #[default]
    WireJson,
}

impl Profile {
    pub fn json(self) -> bool {
        self == Profile::WireJson
    }

    pub fn covers(self, encodings: &[Encoding]) -> bool {
        encodings
            .iter()
            .any(|e| *e == Encoding::Binary || self.json())
    }

    pub fn name(self) -> &'static str {
        match self {
            Profile::Wire => "wire",
            Profile::WireJson => "wire-json",
        }
    }
}

/// Everything a rule may look at.
pub struct Ctx<'a> {
    pub old: &'a Schema,
    pub new: &'a Schema,
    pub profile: Profile,
    /// Old package -> new package, for files whose package changed.
    renames: Vec<(String, String)>,
    /// Results of structural message comparisons (old name, new name).
    memo: std::sync::Mutex<HashMap<TypePair, Breaks>>,
}

/// (old type name, new type name).
type TypePair = (Box<str>, Box<str>);

/// Directions broken between two message types, with up to three reasons.
pub type Breaks = (Vec<Direction>, Vec<String>);

thread_local! {
    /// Message pairs being compared structurally on this thread (cycle guard).
    static STRUCT_STACK: RefCell<Vec<TypePair>> = const { RefCell::new(Vec::new()) };
    /// Lowest stack position a cycle assumption referred to since it was reset.
    static LOWEST_ASSUMED: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

pub struct FilePair<'a> {
    pub old: &'a File,
    pub new: &'a File,
}

pub struct MessagePair<'a> {
    pub old: &'a Message,
    pub new: &'a Message,
}

/// A field slot, by number: present in either or both versions. For
/// extensions `old_msg`/`new_msg` are the extended messages when known.
pub struct FieldPair<'a> {
    pub old: Option<&'a Field>,
    pub new: Option<&'a Field>,
    pub old_msg: Option<&'a Message>,
    pub new_msg: Option<&'a Message>,
}

impl<'a> FieldPair<'a> {
    pub fn both(&self) -> Option<(&'a Field, &'a Field)> {
        Some((self.old?, self.new?))
    }

    pub fn is_extension(&self) -> bool {
        self.old.or(self.new).is_some_and(|f| f.extendee.is_some())
    }
}

pub struct EnumPair<'a> {
    pub old: &'a Enum,
    pub new: &'a Enum,
}

/// A service in either or both versions.
pub struct ServicePair<'a> {
    pub old: Option<&'a Service>,
    pub new: Option<&'a Service>,
}

impl<'a> Ctx<'a> {
    pub fn new(old: &'a Schema, new: &'a Schema, profile: Profile) -> Self {
        let mut renames = Vec::new();
        for (o, n) in file_pairs(old, new) {
            if o.package != n.package {
                renames.push((o.package.clone(), n.package.clone()));
            }
        }
        Ctx {
            old,
            new,
            profile,
            renames,
            memo: Default::default(),
        }
    }

    /// Location of a span in the old version.
    pub fn old_loc(&self, file: usize, span: Span, element: &str) -> Option<Location> {
        Some(loc(self.old, file, span, element))
    }

    pub fn new_loc(&self, file: usize, span: Span, element: &str) -> Option<Location> {
        Some(loc(self.new, file, span, element))
    }

    /// The name an old type would have in the new version.
    pub fn renamed<'n>(&self, old_name: &'n str) -> std::borrow::Cow<'n, str> {
        for (o, n) in &self.renames {
            let rest = if o.is_empty() {
                Some(old_name)
            } else {
                old_name
                    .strip_prefix(o.as_str())
                    .and_then(|r| r.strip_prefix('.'))
            };
            if let Some(rest) = rest
                && (self.new.message(&join(n, rest)).is_some()
                    || self.new.enum_(&join(n, rest)).is_some()
                    || self.new.service(&join(n, rest)).is_some())
            {
                return join(n, rest).into();
            }
        }
        old_name.into()
    }

    /// Whether an old type name and a new one denote the same (paired) type.
    pub fn same_type(&self, old_name: &str, new_name: &str) -> bool {
        old_name == new_name || self.renamed(old_name) == new_name
    }

    /// Directions broken when values of message `old_name` (old version) and
    /// `new_name` (new version) are exchanged: the union of what every rule
    /// reports as a blocking error between the two message types. A cycle
    /// (a recursive type) is taken as compatible at the point it closes.
    pub fn message_breaks(&self, old_name: &str, new_name: &str) -> Breaks {
        let key: TypePair = (old_name.into(), new_name.into());
        if let Some(hit) = self.memo.lock().expect("memo").get(&key) {
            return hit.clone();
        }
        let (Some(om), Some(nm)) = (self.old.message(old_name), self.new.message(new_name)) else {
            return (Direction::BOTH.to_vec(), vec!["type not found".into()]);
        };
        if let Some(pos) = STRUCT_STACK.with(|s| s.borrow().iter().position(|k| *k == key)) {
            // A cycle closes: assume compatible, and remember how far up the
            // stack this assumption reaches.
            LOWEST_ASSUMED.with(|l| l.set(l.get().min(pos)));
            return (Vec::new(), Vec::new());
        }
        let depth = STRUCT_STACK.with(|s| {
            let mut s = s.borrow_mut();
            s.push(key.clone());
            s.len() - 1
        });
        let outer = LOWEST_ASSUMED.with(|l| l.replace(usize::MAX));
        let mut findings = Vec::new();
        let pair = MessagePair { old: om, new: nm };
        self.run_message_rules(&pair, &mut findings);
        for fp in field_pairs(om, nm) {
            self.run_field_rules(&fp, &mut findings);
        }
        STRUCT_STACK.with(|s| s.borrow_mut().pop());
        let mut dirs = BTreeSet::new();
        let mut reasons = Vec::new();
        for f in findings
            .iter()
            .filter(|f| f.severity == Severity::Error && !f.breaks.is_empty())
        {
            dirs.extend(f.breaks.iter().copied());
            if reasons.len() < 3 {
                reasons.push(f.message.clone());
            }
        }
        let result = (dirs.into_iter().collect::<Vec<_>>(), reasons);
        // A result that leaned on an assumption about a pair further up the
        // stack is provisional: it is used, not remembered.
        let lowest = LOWEST_ASSUMED.with(|l| l.get());
        let settled = lowest >= depth;
        if settled {
            self.memo.lock().expect("memo").insert(key, result.clone());
        }
        LOWEST_ASSUMED.with(|l| l.set(outer.min(if settled { usize::MAX } else { lowest })));
        result
    }

    fn enabled(&self, meta: &crate::rule::RuleMeta) -> bool {
        self.profile.covers(meta.encodings)
    }

    fn run_message_rules(&self, pair: &MessagePair, out: &mut Vec<Finding>) {
        for r in RULES {
            if let Check::Message(f) = r.check
                && self.enabled(&r.meta)
            {
                f(self, pair, out);
            }
        }
    }

    fn run_field_rules(&self, pair: &FieldPair, out: &mut Vec<Finding>) {
        for r in RULES {
            if let Check::Field(f) = r.check
                && self.enabled(&r.meta)
            {
                f(self, pair, out);
            }
        }
    }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

fn loc(schema: &Schema, file: usize, span: Span, element: &str) -> Location {
    let f = schema.file(file);
    let s = span.unwrap_or([0, 0, 0, 0]);
    Location {
        path: f.display.clone(),
        line: s[0],
        column: s[1],
        end_line: s[2],
        end_column: s[3],
        element: element.to_string(),
        pointer: String::new(),
    }
}

/// Root files paired by name; when each side is a single file, those two.
fn file_pairs<'a>(old: &'a Schema, new: &'a Schema) -> Vec<(&'a File, &'a File)> {
    let olds: Vec<&File> = old.files.iter().filter(|f| f.in_root).collect();
    let news: Vec<&File> = new.files.iter().filter(|f| f.in_root).collect();
    if olds.len() == 1 && news.len() == 1 {
        return vec![(olds[0], news[0])];
    }
    let by_name: HashMap<&str, &File> = news.iter().map(|f| (f.name.as_str(), *f)).collect();
    olds.iter()
        .filter_map(|o| by_name.get(o.name.as_str()).map(|n| (*o, *n)))
        .collect()
}

/// Fields of two messages merged by number.
pub fn field_pairs<'a>(old: &'a Message, new: &'a Message) -> Vec<FieldPair<'a>> {
    let mut out = Vec::with_capacity(old.fields.len().max(new.fields.len()));
    let (mut i, mut j) = (0, 0);
    while i < old.fields.len() || j < new.fields.len() {
        let o = old.fields.get(i);
        let n = new.fields.get(j);
        let (fo, fnew) = match (o, n) {
            (Some(a), Some(b)) if a.number == b.number => {
                i += 1;
                j += 1;
                (Some(a), Some(b))
            }
            (Some(a), Some(b)) if a.number < b.number => {
                i += 1;
                (Some(a), None)
            }
            (Some(_), Some(b)) => {
                j += 1;
                (None, Some(b))
            }
            (Some(a), None) => {
                i += 1;
                (Some(a), None)
            }
            (None, Some(b)) => {
                j += 1;
                (None, Some(b))
            }
            (None, None) => break,
        };
        out.push(FieldPair {
            old: fo,
            new: fnew,
            old_msg: Some(old),
            new_msg: Some(new),
        });
    }
    out
}

fn in_root(schema: &Schema, file: usize) -> bool {
    schema.files[file].in_root
}

/// Names of the messages and enums the root files use: their own, and those
/// of imported files reachable through field, extension and RPC types. A
/// dependency that changes under a root type changes what the root type
/// reads, so those types are compared too.
fn reachable(schema: &Schema) -> HashSet<&str> {
    let mut seen: HashSet<&str> = HashSet::default();
    let mut todo: Vec<&str> = Vec::new();
    for m in schema.messages.iter().filter(|m| in_root(schema, m.file)) {
        todo.push(&m.full_name);
    }
    for e in schema.enums.iter().filter(|e| in_root(schema, e.file)) {
        todo.push(&e.full_name);
    }
    for s in schema.services.iter().filter(|s| in_root(schema, s.file)) {
        for m in &s.methods {
            todo.push(&m.input);
            todo.push(&m.output);
        }
    }
    for f in schema.extensions.iter().filter(|f| in_root(schema, f.file)) {
        if let Some(e) = &f.extendee {
            todo.push(e);
        }
        if let Kind::Message(n) | Kind::Enum(n) = &f.kind {
            todo.push(n);
        }
    }
    while let Some(name) = todo.pop() {
        if !seen.insert(name) {
            continue;
        }
        if let Some(m) = schema.message(name) {
            for f in &m.fields {
                if let Kind::Message(n) | Kind::Enum(n) = &f.kind {
                    if !seen.contains(&**n) {
                        todo.push(n);
                    }
                }
            }
        }
    }
    seen
}

/// Runs every enabled rule over every pair; findings come back unsorted.
pub fn run(ctx: &Ctx) -> Vec<Finding> {
    let (old, new) = (ctx.old, ctx.new);
    let mut out = Vec::new();

    for (o, n) in file_pairs(old, new) {
        let fp = FilePair { old: o, new: n };
        for r in RULES {
            if let Check::File(f) = r.check
                && ctx.enabled(&r.meta)
            {
                f(ctx, &fp, &mut out);
            }
        }
    }

    let (old_used, new_used) = (reachable(old), reachable(new));
    let msg_pairs: Vec<MessagePair> = old
        .messages
        .iter()
        .filter(|m| old_used.contains(&*m.full_name) && !m.map_entry)
        .filter_map(|m| {
            let nm = new.message(&ctx.renamed(&m.full_name))?;
            (new_used.contains(&*nm.full_name) && !nm.map_entry)
                .then_some(MessagePair { old: m, new: nm })
        })
        .collect();
    let per_message: Vec<Vec<Finding>> = msg_pairs
        .par_iter()
        .map(|p| {
            let mut v = Vec::new();
            ctx.run_message_rules(p, &mut v);
            for fp in field_pairs(p.old, p.new) {
                ctx.run_field_rules(&fp, &mut v);
            }
            v
        })
        .collect();
    out = crate::finding::concat(std::iter::once(out).chain(per_message));

    // Extensions declared in the root, paired by extendee and number.
    let mut ext_keys: BTreeSet<(Box<str>, i32)> = BTreeSet::new();
    for f in old.extensions.iter().filter(|f| in_root(old, f.file)) {
        if let Some(e) = &f.extendee {
            ext_keys.insert((ctx.renamed(e).into_owned().into(), f.number));
        }
    }
    for f in new.extensions.iter().filter(|f| in_root(new, f.file)) {
        if let Some(e) = &f.extendee {
            ext_keys.insert((e.clone(), f.number));
        }
    }
    for (extendee, number) in ext_keys {
        let nf = new
            .extension(&extendee, number)
            .filter(|f| in_root(new, f.file));
        let of = old.extensions.iter().find(|f| {
            f.number == number
                && in_root(old, f.file)
                && f.extendee
                    .as_deref()
                    .is_some_and(|e| ctx.renamed(e) == *extendee)
        });
        if of.is_none() && nf.is_none() {
            continue;
        }
        let fp = FieldPair {
            old: of,
            new: nf,
            old_msg: of.and_then(|f| old.message(f.extendee.as_deref()?)),
            new_msg: nf.and_then(|f| new.message(f.extendee.as_deref()?)),
        };
        ctx.run_field_rules(&fp, &mut out);
    }

    for e in old.enums.iter().filter(|e| in_root(old, e.file)) {
        if let Some(ne) = new
            .enum_(&ctx.renamed(&e.full_name))
            .filter(|ne| in_root(new, ne.file))
        {
            let ep = EnumPair { old: e, new: ne };
            for r in RULES {
                if let Check::Enum(f) = r.check
                    && ctx.enabled(&r.meta)
                {
                    f(ctx, &ep, &mut out);
                }
            }
        }
    }

    let mut svc_pairs: Vec<ServicePair> = Vec::new();
    for s in old.services.iter().filter(|s| in_root(old, s.file)) {
        let ns = new
            .service(&ctx.renamed(&s.full_name))
            .filter(|ns| in_root(new, ns.file));
        svc_pairs.push(ServicePair {
            old: Some(s),
            new: ns,
        });
    }
    for s in new.services.iter().filter(|s| in_root(new, s.file)) {
        let paired = old
            .services
            .iter()
            .any(|o| in_root(old, o.file) && ctx.renamed(&o.full_name) == *s.full_name);
        if !paired {
            svc_pairs.push(ServicePair {
                old: None,
                new: Some(s),
            });
        }
    }
    for sp in &svc_pairs {
        for r in RULES {
            if let Check::Service(f) = r.check
                && ctx.enabled(&r.meta)
            {
                f(ctx, sp, &mut out);
            }
        }
    }
    out
}
