//! Pairing two Avro versions: top-level schemas by full name (a rename the
//! new version's aliases cover is a rename), unnamed ones by file, a single
//! file with a single file; protocol messages by name. Each pair is resolved
//! in both directions and the rules turn the events into findings; a finding
//! both directions report at the same places is one finding breaking both.

use super::model::*;
use super::resolve::{Engine, Event};
use super::rules::{Check, RULES};
use crate::finding::{Direction, Finding, Location};

pub struct Ctx<'a> {
    pub old: &'a Schema,
    pub new: &'a Schema,
}

pub struct MessagePair<'a> {
    pub old: Option<&'a Message>,
    pub new: Option<&'a Message>,
}

impl Ctx<'_> {
    fn loc(schema: &Schema, at: &At) -> Location {
        let [line, column, end_line, end_column] = schema.position(at);
        Location {
            path: schema.files[at.file].display.clone(),
            line,
            column,
            end_line,
            end_column,
            element: at.element.clone(),
            pointer: if at.pointer.is_empty() {
                "/".into()
            } else {
                at.pointer.to_string()
            },
        }
    }

    pub fn old_loc(&self, at: &At) -> Option<Location> {
        Some(Self::loc(self.old, at))
    }

    pub fn new_loc(&self, at: &At) -> Option<Location> {
        Some(Self::loc(self.new, at))
    }

    /// An event's locations as (old, new): the writer is v(N-1) going
    /// backward and v(N) going forward.
    pub fn event_locs(&self, ev: &Event) -> (Option<Location>, Option<Location>) {
        match ev.dir {
            Direction::Backward => (self.old_loc(&ev.writer), self.new_loc(&ev.reader)),
            Direction::Forward => (self.old_loc(&ev.reader), self.new_loc(&ev.writer)),
        }
    }
}

fn top_pairs<'a>(old: &'a Schema, new: &'a Schema) -> Vec<(&'a Top, &'a Top)> {
    let single = |s: &Schema| s.files.len() == 1 && s.tops.len() == 1 && s.messages.is_empty();
    if single(old) && single(new) {
        return vec![(&old.tops[0], &new.tops[0])];
    }
    let mut out = Vec::new();
    for o in &old.tops {
        let n = new.tops.iter().find(|n| n.key == o.key).or_else(|| {
            // A rename: the new type lists the old name among its aliases.
            new.tops.iter().find(|n| match &n.node.ty {
                Ty::Named(name) => new
                    .named(name)
                    .is_some_and(|nd| nd.aliases.contains(&o.key)),
                _ => false,
            })
        });
        let n = n.or_else(|| same_short_name(old, o, new));
        if let Some(n) = n {
            out.push((o, n));
        }
    }
    out
}

/// A named top-level type of v(N-1) left unpaired: the one v(N) type of the
/// same kind and unqualified name (names compare unqualified), or the v(N)
/// type that v(N-1)'s aliases name.
fn same_short_name<'a>(old: &Schema, o: &Top, new: &'a Schema) -> Option<&'a Top> {
    let Ty::Named(oname) = &o.node.ty else {
        return None;
    };
    let on = old.named(oname)?;
    if new.named(oname).is_some() {
        return None;
    }
    let same_kind = |n: &Named| std::mem::discriminant(&n.kind) == std::mem::discriminant(&on.kind);
    let candidates: Vec<&Top> = new
        .tops
        .iter()
        .filter(|t| match &t.node.ty {
            Ty::Named(n) => new.named(n).is_some_and(|nn| {
                same_kind(nn) && (nn.name == on.name || on.aliases.contains(&nn.full_name))
            }),
            _ => false,
        })
        .collect();
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// What a resolution ran on: a pair of top-level schemas (by their keys in
/// v(N-1) and v(N)), or one part of a protocol message both versions have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Top { old: String, new: String },
    Request(String),
    Response(String),
    Errors(String),
}

/// The protocol messages of both versions, paired by name.
fn message_pairs<'a>(old: &'a Schema, new: &'a Schema) -> Vec<MessagePair<'a>> {
    let mut pairs: Vec<MessagePair> = Vec::new();
    for m in &old.messages {
        pairs.push(MessagePair {
            old: Some(m),
            new: new.messages.iter().find(|n| n.key == m.key),
        });
    }
    for m in &new.messages {
        if !old.messages.iter().any(|o| o.key == m.key) {
            pairs.push(MessagePair {
                old: None,
                new: Some(m),
            });
        }
    }
    pairs
}

/// Every resolution event between two versions, both directions, with what
/// it was resolving.
pub fn events(old: &Schema, new: &Schema) -> Vec<(Origin, Event)> {
    let mut events = Vec::new();
    for (o, n) in top_pairs(old, new) {
        let origin = Origin::Top {
            old: o.key.clone(),
            new: n.key.clone(),
        };
        let mut back = Engine::new(old, new, Direction::Backward);
        back.resolve(&o.node, &n.node, "");
        let mut fwd = Engine::new(new, old, Direction::Forward);
        fwd.resolve(&n.node, &o.node, "");
        for e in back.events.into_iter().chain(fwd.events) {
            events.push((origin.clone(), e));
        }
    }
    for p in &message_pairs(old, new) {
        let (Some(o), Some(n)) = (p.old, p.new) else {
            continue;
        };
        // A request is read by the server, a response by the client: both
        // have v(N) reading v(N-1)'s data going backward.
        for (w, r, ws, rs, dir) in [
            (o, n, old, new, Direction::Backward),
            (n, o, new, old, Direction::Forward),
        ] {
            let mut e = Engine::new(ws, rs, dir);
            e.fields(
                &w.request,
                &r.request,
                &w.at,
                &format!("/messages/{}/request", w.name),
            );
            events.extend(
                e.events
                    .drain(..)
                    .map(|ev| (Origin::Request(w.key.clone()), ev)),
            );
            e.resolve(
                &w.response,
                &r.response,
                &format!("/messages/{}/response", w.name),
            );
            events.extend(
                e.events
                    .drain(..)
                    .map(|ev| (Origin::Response(w.key.clone()), ev)),
            );
            if let (Some(we), Some(re)) = (&w.errors, &r.errors) {
                e.resolve(we, re, &format!("/messages/{}/errors", w.name));
            }
            events.extend(
                e.events
                    .drain(..)
                    .map(|ev| (Origin::Errors(w.key.clone()), ev)),
            );
        }
    }
    events
}

/// Every finding between two versions.
pub fn run(old: &Schema, new: &Schema) -> Vec<Finding> {
    let ctx = Ctx { old, new };
    let events: Vec<Event> = events(old, new).into_iter().map(|(_, e)| e).collect();
    let pairs = message_pairs(old, new);

    let mut out: Vec<Finding> = Vec::new();
    for ev in &events {
        for r in RULES {
            if let Check::Event(f) = r.check {
                f(&ctx, ev, &mut out);
            }
        }
    }
    for p in &pairs {
        for r in RULES {
            if let Check::Message(f) = r.check {
                f(&ctx, p, &mut out);
            }
        }
    }
    crate::finding::merge_directions(out)
}
