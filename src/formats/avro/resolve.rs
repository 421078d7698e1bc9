//! Avro schema resolution, as the specification defines it, in one
//! direction: can a reader with schema R read data written with schema W?
//! Every incompatibility is reported as an event (not only the first), with
//! the writer's and the reader's locations and a Java-style traversal path
//! (`/fields/3/type/size`, union branches by the writer's index).
//!
//! Run with W = v(N-1), R = v(N) for backward and W = v(N), R = v(N-1) for
//! forward; the rules turn events into findings.

use std::collections::HashSet;

use super::model::*;
use crate::finding::Direction;

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// The reader's type cannot read the writer's, nor the reverse.
    TypeMismatch {
        writer: String,
        reader: String,
    },
    /// The reader cannot read the writer's type, but the writer's could read
    /// the reader's (a promotion that works one way only).
    OneWay {
        writer: String,
        reader: String,
    },
    /// A reader field that the writer lacks has no default.
    FieldNoDefault {
        field: String,
    },
    /// A reader field that the writer lacks has a default that is not valid
    /// for its type (unions: the first branch).
    InvalidDefault {
        field: String,
        reason: String,
    },
    /// Writer enum symbols the reader lacks.
    EnumSymbols {
        missing: Vec<String>,
        reader_default: Option<String>,
    },
    /// A reader union with no branch for the writer's type.
    UnionLacks {
        writer: String,
    },
    /// The writer's union has `null`, the reader's type (not a union) does
    /// not take it; the other branches read.
    NullBranch {
        reader: String,
    },
    /// Named types whose names differ (and no reader alias covers it).
    NameMismatch {
        writer: String,
        reader: String,
    },
    FixedSize {
        writer: u64,
        reader: u64,
    },
    Decimal {
        writer: (u64, u64),
        reader: (u64, u64),
    },
    /// Same underlying type, another logical type (or one added/removed).
    Logical {
        writer: String,
        reader: String,
    },
}

/// One step from a writer's schema into a part of it, as data follows it:
/// a record's field (by the writer's name), a union's branch (the writer's
/// index), an array's items or a map's values. Witnesses build a datum
/// along the steps that led to an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Field(String),
    Branch(usize),
    Items,
    Values,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    pub dir: Direction,
    pub writer: At,
    pub reader: At,
    /// Java-style path of the traversal.
    pub path: String,
    /// The writer's steps from the resolved root to the event.
    pub trail: Vec<Step>,
}

pub struct Engine<'a> {
    w: &'a Schema,
    r: &'a Schema,
    dir: Direction,
    visiting: HashSet<(String, String)>,
    trail: Vec<Step>,
    pub events: Vec<Event>,
}

/// Primitive type names, `None` for complex and named types.
fn prim(t: &Ty) -> Option<&'static str> {
    Some(match t {
        Ty::Null => "null",
        Ty::Boolean => "boolean",
        Ty::Int => "int",
        Ty::Long => "long",
        Ty::Float => "float",
        Ty::Double => "double",
        Ty::Bytes => "bytes",
        Ty::String => "string",
        _ => return None,
    })
}

/// The specification's promotions that keep every value: can a reader of
/// `r` read any written `w`?
///
/// The specification also promotes bytes to string, but a string is Unicode
/// text: bytes that are not UTF-8 have no string to become (apache-avro
/// refuses them, Java replaces them with U+FFFD). So bytes to string works
/// for some data only, and string to bytes one way, like a widening: a
/// string written and read as bytes keeps every value, bytes written and
/// read as a string do not.
pub fn promotes(w: &Ty, r: &Ty) -> bool {
    matches!(
        (w, r),
        (Ty::Int, Ty::Long | Ty::Float | Ty::Double)
            | (Ty::Long, Ty::Float | Ty::Double)
            | (Ty::Float, Ty::Double)
            | (Ty::String, Ty::Bytes)
    )
}

/// `int`, `long (timestamp-millis)`, `record com.acme.Order`, `array<int>`.
pub fn describe(n: &Node, s: &Schema) -> String {
    let base = match &n.ty {
        Ty::Array(i) => format!("array<{}>", describe(i, s)),
        Ty::Map(v) => format!("map<{}>", describe(v, s)),
        Ty::Union(bs) => format!(
            "union [{}]",
            bs.iter()
                .map(|b| describe(b, s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ty::Named(name) => match s.named(name) {
            Some(nd) => match &nd.logical {
                Some(l) => format!("{} {name} ({})", nd.kind_word(), l.name()),
                None => format!("{} {name}", nd.kind_word()),
            },
            None => name.clone(),
        },
        t => prim(t).unwrap_or("?").to_string(),
    };
    match &n.logical {
        Some(l) => format!("{base} ({})", l.name()),
        None => base,
    }
}

impl<'a> Engine<'a> {
    pub fn new(writer: &'a Schema, reader: &'a Schema, dir: Direction) -> Self {
        Engine {
            w: writer,
            r: reader,
            dir,
            visiting: HashSet::new(),
            trail: Vec::new(),
            events: Vec::new(),
        }
    }

    fn emit(&mut self, kind: EventKind, w: &At, r: &At, path: &str) {
        self.events.push(Event {
            kind,
            dir: self.dir,
            writer: w.clone(),
            reader: r.clone(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            trail: self.trail.clone(),
        });
    }

    /// Resolves a written type against a reading type.
    pub fn resolve(&mut self, w: &Node, r: &Node, path: &str) {
        match (&w.ty, &r.ty) {
            (Ty::Union(wb), _) => {
                for (i, b) in wb.iter().enumerate() {
                    let p = format!("{path}/{i}");
                    self.trail.push(Step::Branch(i));
                    if let Ty::Union(rb) = &r.ty {
                        self.against_union(b, r, rb, &p);
                    } else if b.ty == Ty::Null && r.ty != Ty::Null {
                        let reader = describe(r, self.r);
                        self.emit(EventKind::NullBranch { reader }, &b.at, &r.at, &p);
                    } else {
                        self.resolve(b, r, &p);
                    }
                    self.trail.pop();
                }
            }
            (_, Ty::Union(rb)) => self.against_union(w, r, rb, path),
            _ => self.pair(w, r, path),
        }
    }

    /// A non-union writer type against a reader union: the first branch
    /// that matches exactly, else the first the writer promotes to.
    fn against_union(&mut self, w: &Node, r: &Node, rb: &[Node], path: &str) {
        let exact = rb.iter().find(|b| self.matches_exactly(w, b));
        let chosen = exact.or_else(|| rb.iter().find(|b| self.matches(w, b)));
        match chosen {
            Some(b) => self.pair(w, b, path),
            None => {
                let writer = describe(w, self.w);
                self.emit(EventKind::UnionLacks { writer }, &w.at, &r.at, path);
            }
        }
    }

    fn named_match(&self, wn: &Named, rn: &Named) -> bool {
        std::mem::discriminant(&wn.kind) == std::mem::discriminant(&rn.kind)
            && (wn.name == rn.name || rn.aliases.iter().any(|a| a == &wn.full_name))
    }

    fn matches_exactly(&self, w: &Node, r: &Node) -> bool {
        match (&w.ty, &r.ty) {
            (Ty::Named(a), Ty::Named(b)) => match (self.w.named(a), self.r.named(b)) {
                (Some(wn), Some(rn)) => self.named_match(wn, rn),
                _ => false,
            },
            (Ty::Array(_), Ty::Array(_)) | (Ty::Map(_), Ty::Map(_)) => true,
            (a, b) => prim(a).is_some() && a == b,
        }
    }

    /// Whether the reader's type is the one resolution would pick for the
    /// writer's (same kind and name, or a promotion).
    fn matches(&self, w: &Node, r: &Node) -> bool {
        self.matches_exactly(w, r) || promotes(&w.ty, &r.ty)
    }

    fn pair(&mut self, w: &Node, r: &Node, path: &str) {
        match (&w.ty, &r.ty) {
            (Ty::Union(_), _) | (_, Ty::Union(_)) => self.resolve(w, r, path),
            (Ty::Array(wi), Ty::Array(ri)) => {
                self.trail.push(Step::Items);
                self.resolve(wi, ri, &format!("{path}/items"));
                self.trail.pop();
            }
            (Ty::Map(wv), Ty::Map(rv)) => {
                self.trail.push(Step::Values);
                self.resolve(wv, rv, &format!("{path}/values"));
                self.trail.pop();
            }
            (Ty::Named(a), Ty::Named(b)) => {
                let (Some(wn), Some(rn)) = (self.w.named(a), self.r.named(b)) else {
                    return;
                };
                if std::mem::discriminant(&wn.kind) != std::mem::discriminant(&rn.kind) {
                    self.mismatch(w, r, path);
                } else if !self.named_match(wn, rn) {
                    let kind = EventKind::NameMismatch {
                        writer: wn.full_name.clone(),
                        reader: rn.full_name.clone(),
                    };
                    let (wa, ra) = (wn.at.child("name", None), rn.at.child("name", None));
                    self.emit(kind, &wa, &ra, &format!("{path}/name"));
                } else {
                    self.named(wn, rn, path);
                }
            }
            (wt, rt) if prim(wt).is_some() && wt == rt => self.logical(w, r, path),
            // A promotion keeps the bytes; a logical type on either side may
            // still change what they mean (an int date read as a long timestamp).
            (wt, rt) if promotes(wt, rt) => self.logical(w, r, path),
            _ => self.mismatch(w, r, path),
        }
    }

    fn mismatch(&mut self, w: &Node, r: &Node, path: &str) {
        let writer = describe(w, self.w);
        let reader = describe(r, self.r);
        let kind = if promotes(&r.ty, &w.ty) {
            EventKind::OneWay { writer, reader }
        } else {
            EventKind::TypeMismatch { writer, reader }
        };
        self.emit(kind, &w.at, &r.at, path);
    }

    /// Logical types on the same primitive.
    fn logical(&mut self, w: &Node, r: &Node, path: &str) {
        self.compare_logical(w.logical.as_ref(), r.logical.as_ref(), &w.at, &r.at, path);
    }

    fn compare_logical(
        &mut self,
        wl: Option<&Logical>,
        rl: Option<&Logical>,
        wa: &At,
        ra: &At,
        path: &str,
    ) {
        match (wl, rl) {
            (
                Some(Logical::Decimal {
                    precision: wp,
                    scale: ws,
                }),
                Some(Logical::Decimal {
                    precision: rp,
                    scale: rs,
                }),
            ) if ws != rs || rp < wp => {
                let kind = EventKind::Decimal {
                    writer: (*wp, *ws),
                    reader: (*rp, *rs),
                };
                self.emit(kind, wa, ra, path);
            }
            (Some(Logical::Decimal { .. }), Some(Logical::Decimal { .. })) => {}
            (a, b) if a != b => {
                let name =
                    |l: Option<&Logical>| l.map(Logical::name).unwrap_or_else(|| "none".into());
                let kind = EventKind::Logical {
                    writer: name(a),
                    reader: name(b),
                };
                self.emit(kind, wa, ra, path);
            }
            _ => {}
        }
    }

    fn named(&mut self, wn: &Named, rn: &Named, path: &str) {
        let key = (wn.full_name.clone(), rn.full_name.clone());
        if !self.visiting.insert(key.clone()) {
            return;
        }
        match (&wn.kind, &rn.kind) {
            (NamedKind::Record { fields: wf, .. }, NamedKind::Record { fields: rf, .. }) => {
                self.fields(wf, rf, &wn.at.child("name", None), path);
            }
            (
                NamedKind::Enum { symbols: ws, .. },
                NamedKind::Enum {
                    symbols: rs,
                    default,
                },
            ) => {
                let missing: Vec<String> = ws.iter().filter(|s| !rs.contains(s)).cloned().collect();
                if !missing.is_empty() {
                    let kind = EventKind::EnumSymbols {
                        missing,
                        reader_default: default.clone(),
                    };
                    let (wa, ra) = (wn.at.child("symbols", None), rn.at.child("symbols", None));
                    self.emit(kind, &wa, &ra, &format!("{path}/symbols"));
                }
            }
            (NamedKind::Fixed { size: wsz }, NamedKind::Fixed { size: rsz }) => {
                if wsz != rsz {
                    let kind = EventKind::FixedSize {
                        writer: *wsz,
                        reader: *rsz,
                    };
                    let (wa, ra) = (wn.at.child("size", None), rn.at.child("size", None));
                    self.emit(kind, &wa, &ra, &format!("{path}/size"));
                } else {
                    let (wl, rl) = (wn.logical.clone(), rn.logical.clone());
                    self.compare_logical(wl.as_ref(), rl.as_ref(), &wn.at, &rn.at, path);
                }
            }
            _ => {}
        }
        self.visiting.remove(&key);
    }

    /// Record (or message request) fields: each reader field takes the
    /// writer field of its name or of one of its aliases, or its default.
    pub fn fields(&mut self, wf: &[Field], rf: &[Field], writer_at: &At, path: &str) {
        // The writer's fields by name (the first of a name, as a scan
        // finds it): a record of 100,000 fields is matched in linear time.
        let mut by_name: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(wf.len());
        for (i, w) in wf.iter().enumerate() {
            by_name.entry(w.name.as_str()).or_insert(i);
        }
        for r in rf {
            let w = by_name.get(r.name.as_str()).map(|&i| &wf[i]).or_else(|| {
                // The first writer field, in the writer's order, that the
                // reader's field names as an alias.
                r.aliases
                    .iter()
                    .filter_map(|a| by_name.get(a.as_str()).copied())
                    .min()
                    .map(|i| &wf[i])
            });
            let fpath = format!("{path}/fields/{}", r.index);
            match w {
                Some(w) => {
                    self.trail.push(Step::Field(w.name.clone()));
                    self.resolve(&w.ty, &r.ty, &format!("{fpath}/type"));
                    self.trail.pop();
                }
                None => match &r.default {
                    None => {
                        let kind = EventKind::FieldNoDefault {
                            field: r.name.clone(),
                        };
                        self.emit(kind, writer_at, &r.at, &fpath);
                    }
                    Some(d) => {
                        if let Err(reason) = valid_default(d, &r.ty, self.r, true) {
                            let kind = EventKind::InvalidDefault {
                                field: r.name.clone(),
                                reason,
                            };
                            let da = r.at.child("default", None);
                            self.emit(kind, writer_at, &da, &fpath);
                        }
                    }
                },
            }
        }
    }
}

/// Whether a field default is valid for its type per the specification
/// (a union's default matches its first branch).
pub fn valid_default(v: &serde_json::Value, n: &Node, s: &Schema, top: bool) -> Result<(), String> {
    check_default(v, n, s, top, false, &mut DEFAULT_FUEL.clone())
}

/// Whether a default fits its type when a union's value may take any
/// branch, at any depth (as apache-avro and Avro 1.12 read defaults): what
/// no reader can take is refused as bad input; a later branch is AV203's
/// warning.
pub fn fits_some_branch(v: &serde_json::Value, n: &Node, s: &Schema) -> bool {
    default_error(v, n, s).is_ok()
}

/// [`fits_some_branch`], saying why not.
pub fn default_error(v: &serde_json::Value, n: &Node, s: &Schema) -> Result<(), String> {
    check_default(v, n, s, false, true, &mut DEFAULT_FUEL.clone())
}

/// How many steps a default's check may take: a record's missing field
/// takes that field's own default, which may hold the record again
/// (`{"name": "r", "type": ["R", "null"], "default": {}}` inside `R`).
const DEFAULT_FUEL: u32 = 100_000;

fn check_default(
    v: &serde_json::Value,
    n: &Node,
    s: &Schema,
    top: bool,
    any_branch: bool,
    fuel: &mut u32,
) -> Result<(), String> {
    use serde_json::Value as V;
    let endless = || {
        Err(
            "the default never ends: a field it leaves out takes a default that holds \
             the record again"
                .to_string(),
        )
    };
    // Past the fuel, every branch fails: say why rather than "not valid".
    let bad = |what: &str, fuel: u32| {
        if fuel == 0 {
            endless()
        } else {
            Err(format!("{v} is not a valid {what} default"))
        }
    };
    if *fuel == 0 {
        return endless();
    }
    *fuel -= 1;
    match &n.ty {
        Ty::Union(bs) => {
            let Some(first) = bs.first() else {
                return bad("union", *fuel);
            };
            if any_branch {
                return if bs
                    .iter()
                    .any(|b| check_default(v, b, s, false, true, fuel).is_ok())
                {
                    Ok(())
                } else {
                    bad("union", *fuel)
                };
            }
            if check_default(v, first, s, false, false, fuel).is_ok() {
                Ok(())
            } else if top {
                Err(format!(
                    "{v} does not match the union's first branch, {} (Avro before 1.12 takes \
                     union defaults from the first branch)",
                    describe(first, s)
                ))
            } else {
                bad("union", *fuel)
            }
        }
        Ty::Null => {
            if v.is_null() {
                Ok(())
            } else {
                bad("null", *fuel)
            }
        }
        Ty::Boolean => {
            if v.is_boolean() {
                Ok(())
            } else {
                bad("boolean", *fuel)
            }
        }
        Ty::Int => match v.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => Ok(()),
            _ => bad("int", *fuel),
        },
        Ty::Long => {
            if v.as_i64().is_some() {
                Ok(())
            } else {
                bad("long", *fuel)
            }
        }
        Ty::Float | Ty::Double => match v {
            V::Number(_) => Ok(()),
            V::String(s) if matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") => Ok(()),
            _ => bad("float", *fuel),
        },
        Ty::Bytes | Ty::String => {
            if v.is_string() {
                Ok(())
            } else {
                bad("string", *fuel)
            }
        }
        Ty::Array(i) => match v {
            V::Array(items) => items
                .iter()
                .try_for_each(|x| check_default(x, i, s, false, any_branch, fuel)),
            _ => bad("array", *fuel),
        },
        Ty::Map(vt) => match v {
            V::Object(m) => m
                .values()
                .try_for_each(|x| check_default(x, vt, s, false, any_branch, fuel)),
            _ => bad("map", *fuel),
        },
        Ty::Named(name) => {
            let Some(nd) = s.named(name) else {
                return Ok(());
            };
            match (&nd.kind, v) {
                (NamedKind::Record { fields, .. }, V::Object(m)) => {
                    fields
                        .iter()
                        .try_for_each(|f| match m.get(&f.name).or(f.default.as_ref()) {
                            Some(x) => check_default(x, &f.ty, s, false, any_branch, fuel),
                            None => Err(format!("{v} lacks field `{}`", f.name)),
                        })
                }
                (NamedKind::Enum { symbols, .. }, V::String(sym)) if symbols.contains(sym) => {
                    Ok(())
                }
                (NamedKind::Fixed { size }, V::String(b)) if b.chars().count() as u64 == *size => {
                    Ok(())
                }
                _ => bad(nd.kind_word(), *fuel),
            }
        }
    }
}
