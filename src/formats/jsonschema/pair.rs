//! Pairing two JSON Schema versions: documents by `$id`, else by path, two
//! single files with each other. Each pair is checked for inclusion in both
//! directions; the rules turn problems into findings.

use super::include::{Conj, Engine, Kind, Policy, Problem};
use super::load::{SRef, Version};
use super::rules::RULES;
use super::validate::Validators;
use crate::finding::{Direction, Finding, Location};

pub struct Ctx<'a> {
    pub old: &'a Version,
    pub new: &'a Version,
    pub policy: Policy,
}

impl Ctx<'_> {
    fn loc(v: &Version, s: &SRef) -> Location {
        // A keyword points at its key (`"type": ...`), a schema at itself.
        let pos = s
            .ptr
            .rfind('/')
            .and_then(|i| {
                let parent = SRef {
                    file: s.file,
                    ptr: s.ptr[..i].to_string(),
                };
                let key = s.ptr[i + 1..].replace("~1", "/").replace("~0", "~");
                v.member(&parent, &key)
                    .filter(|m| v.node(s).is_some_and(|n| std::ptr::eq(&m.value, n)))?;
                v.key_position(&parent, &key)
            })
            .unwrap_or_else(|| v.position(s));
        let d = &v.docs[s.file];
        Location {
            path: d.display.clone(),
            line: pos[0],
            column: pos[1],
            end_line: pos[2],
            end_column: pos[3],
            element: format!("{}#{}", d.display, s.ptr),
            pointer: if s.ptr.is_empty() {
                "/".into()
            } else {
                s.ptr.clone()
            },
        }
    }

    /// A problem's locations as (old, new).
    pub fn locs(&self, p: &Problem) -> (Option<Location>, Option<Location>) {
        match p.dir {
            Direction::Backward => (
                Some(Self::loc(self.old, &p.a)),
                Some(Self::loc(self.new, &p.b)),
            ),
            Direction::Forward => (
                Some(Self::loc(self.old, &p.b)),
                Some(Self::loc(self.new, &p.a)),
            ),
        }
    }
}

fn doc_id(v: &Version, i: usize) -> Option<String> {
    v.docs[i]
        .value
        .get(v.docs[i].draft.id_key())?
        .as_str()
        .map(str::to_string)
}

pub(crate) fn doc_pairs(old: &Version, new: &Version) -> Vec<(usize, usize)> {
    let inputs =
        |v: &Version| -> Vec<usize> { (0..v.docs.len()).filter(|&i| v.docs[i].input).collect() };
    let (oi, ni) = (inputs(old), inputs(new));
    if oi.len() == 1 && ni.len() == 1 {
        return vec![(oi[0], ni[0])];
    }
    let mut out = Vec::new();
    for &o in &oi {
        let by_id = doc_id(old, o).and_then(|id| {
            ni.iter()
                .copied()
                .find(|&n| doc_id(new, n).as_deref() == Some(id.as_str()))
        });
        let by_path = || {
            ni.iter()
                .copied()
                .find(|&n| new.docs[n].display == old.docs[o].display)
        };
        if let Some(n) = by_id.or_else(by_path) {
            out.push((o, n));
        }
    }
    out
}

/// Stack of each direction's comparison: address space, touched only as
/// deep as the comparison goes (`include::NEST` levels of a few kilobytes).
const COMPARE_STACK: usize = 512 << 20;

pub fn run(old: &Version, new: &Version, policy: Policy) -> Vec<Finding> {
    let ctx = Ctx { old, new, policy };
    let (vo, vn) = (
        Validators::new(old, policy.format_assertion),
        Validators::new(new, policy.format_assertion),
    );
    let mut problems = Vec::new();
    for (o, n) in doc_pairs(old, new) {
        let root = |file| {
            Conj::of(vec![SRef {
                file,
                ptr: String::new(),
            }])
        };
        // The two directions at once, each on a thread whose stack holds
        // the comparison's recursion to its depth limit (`include::NEST`):
        // a chain of references thousands of definitions long is followed
        // to its end, not cut off as undecided.
        let (vo, vn) = (&vo, &vn);
        let compare = move |dir: Direction| {
            let (a, b, va, vb, ra, rb) = match dir {
                Direction::Backward => (old, new, vo, vn, o, n),
                _ => (new, old, vn, vo, n, o),
            };
            let mut e = Engine::new(a, b, va, vb, dir, policy);
            e.sub(&root(ra), &root(rb));
            e.problems
        };
        let (back, fwd) = std::thread::scope(|scope| {
            let spawn = |dir| {
                std::thread::Builder::new()
                    .stack_size(COMPARE_STACK)
                    .spawn_scoped(scope, move || compare(dir))
            };
            let (back, fwd) = (spawn(Direction::Backward), spawn(Direction::Forward));
            // A panic goes on as it would have on this thread.
            let join = |h: std::io::Result<std::thread::ScopedJoinHandle<'_, Vec<Problem>>>| {
                h.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            };
            (join(back), join(fwd))
        });
        for (dir, found) in [(Direction::Backward, back), (Direction::Forward, fwd)] {
            match found {
                Ok(found) => problems.extend(found),
                Err(e) => problems.push(Problem::not_run(o, n, dir, &e)),
            }
        }
    }
    // One problem per keyword pair and direction: a decided one makes an
    // undecided twin redundant. (The sets borrow the problems: 200,000
    // problems' pointers were copied twice.)
    let keep: Vec<bool> = {
        let decided: std::collections::HashSet<(Kind, Direction, &SRef, &SRef)> = problems
            .iter()
            .filter(|p| !p.unknown)
            .map(|p| (p.kind, p.dir, &p.a, &p.b))
            .collect();
        let mut seen = std::collections::HashSet::new();
        problems
            .iter()
            .map(|p| {
                let key = (p.kind, p.dir, &p.a, &p.b);
                (!p.unknown || !decided.contains(&key)) && seen.insert((key, p.unknown))
            })
            .collect()
    };
    let mut out = Vec::new();
    for (p, _) in problems.into_iter().zip(keep).filter(|(_, k)| *k) {
        for r in RULES {
            (r.check)(&ctx, &p, &mut out);
        }
    }
    crate::finding::merge_directions(out)
}
