//! Containment of the languages of two `pattern`s: is every string that
//! `a` matches (anywhere, as JSON Schema patterns are unanchored) also
//! matched by `b`? Decided exactly on deterministic automata built by
//! `regex-automata`, walking both at once over UTF-8 strings; a string that
//! `a` matches and `b` does not is returned as the witness. Patterns the
//! engine cannot compile (look-around, back-references) give `Unknown`.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::{Anchored, Input, MatchKind};

/// More product states than this and the question is left open.
const MAX_STATES: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Containment {
    Contained,
    /// A string `a` matches and `b` does not.
    NotContained(String),
    Unknown(String),
}

/// ECMA-262 (the dialect of JSON Schema) gives `\d` and `\w` their ASCII
/// meanings; Rust's are Unicode-wide. Rewrite them to ASCII classes.
pub fn ecma_to_rust(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('w') => out.push_str("[A-Za-z0-9_]"),
            Some('W') => out.push_str("[^A-Za-z0-9_]"),
            // `\cX`: the control character X modulo 32.
            Some('c') => match chars.clone().next() {
                Some(x) if x.is_ascii_alphabetic() => {
                    chars.next();
                    out.push_str(&format!("\\x{:02X}", (x as u8) % 32));
                }
                _ => out.push_str("\\\\c"),
            },
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

type Dfa = Rc<dense::DFA<Vec<u32>>>;

thread_local! {
    /// Compiled patterns: determinising is the expensive part, and the same
    /// few patterns are asked about again and again.
    static DFAS: RefCell<HashMap<String, Result<Dfa, String>>> = RefCell::new(HashMap::new());
}

fn build(pattern: &str) -> Result<Dfa, String> {
    if let Some(hit) = DFAS.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let built = build_uncached(pattern).map(Rc::new);
    DFAS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 4096 {
            c.clear();
        }
        c.insert(pattern.to_string(), built.clone());
    });
    built
}

fn build_uncached(pattern: &str) -> Result<dense::DFA<Vec<u32>>, String> {
    let pattern = &ecma_to_rust(pattern);
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Unanchored)
                .match_kind(MatchKind::All)
                .dfa_size_limit(Some(8 << 20))
                .determinize_size_limit(Some(8 << 20)),
        )
        .build(pattern)
        .map_err(|e| format!("cannot analyse pattern /{pattern}/: {e}"))
}

/// Whether `pattern` can be analysed at all (and compiles).
pub fn check(pattern: &str) -> Result<(), String> {
    build(pattern).map(|_| ())
}

/// Whether `s` matches `pattern` somewhere.
pub fn is_match(pattern: &str, s: &str) -> Option<bool> {
    let dfa = build(pattern).ok()?;
    let input = Input::new(s).anchored(Anchored::No);
    dfa.try_search_fwd(&input).ok().map(|m| m.is_some())
}

/// A step of the UTF-8 decoder (well-formed sequences only, as Unicode
/// defines them: no overlong forms, no surrogates): 0 at a character
/// boundary, 1 to 3 continuation bytes to go, 4 to 7 the restricted second
/// byte after E0, ED, F0 and F4. `None` is a dead end.
fn utf8_step(state: u8, b: u8) -> Option<u8> {
    let cont = |lo: u8, hi: u8, next: u8| (lo..=hi).contains(&b).then_some(next);
    match state {
        0 => match b {
            0x00..=0x7F => Some(0),
            0xC2..=0xDF => Some(1),
            0xE0 => Some(4),
            0xED => Some(5),
            0xE1..=0xEC | 0xEE..=0xEF => Some(2),
            0xF0 => Some(6),
            0xF1..=0xF3 => Some(3),
            0xF4 => Some(7),
            _ => None,
        },
        1..=3 => cont(0x80, 0xBF, state - 1),
        4 => cont(0xA0, 0xBF, 1),
        5 => cont(0x80, 0x9F, 1),
        6 => cont(0x90, 0xBF, 2),
        7 => cont(0x80, 0x8F, 2),
        _ => None,
    }
}

/// Is L(a) a subset of L(b)?
pub fn contained(a: &str, b: &str) -> Containment {
    if a == b {
        return Containment::Contained;
    }
    match find(&[a], &[b]) {
        Ok(None) => Containment::Contained,
        Ok(Some(w)) => Containment::NotContained(w),
        Err(e) => Containment::Unknown(e),
    }
}

/// Bytes in the order strings are tried: letters and digits first, so that
/// of the shortest strings the most readable is found.
fn byte_order() -> impl Iterator<Item = u8> {
    (b'a'..=b'z')
        .chain(b'0'..=b'9')
        .chain(b'A'..=b'Z')
        .chain(b"_-. ".iter().copied())
        .chain((0..=255u8).filter(|b| !b.is_ascii_alphanumeric() && !b"_-. ".contains(b)))
}

/// A shortest string that every pattern of `includes` matches (somewhere)
/// and none of `excludes` does; `Ok(None)` when there is none.
pub fn find(includes: &[&str], excludes: &[&str]) -> Result<Option<String>, String> {
    if includes.len() > 32 {
        return Err("too many patterns to combine".into());
    }
    let mut inc = Vec::new();
    for p in includes {
        inc.push(build(p)?);
    }
    let mut exc = Vec::new();
    for p in excludes {
        exc.push(build(p)?);
    }
    let start = |d: &Dfa| {
        d.start_state_forward(&Input::new("").anchored(Anchored::No))
            .map_err(|e| format!("cannot start a pattern automaton: {e}"))
    };
    let mut first = Vec::new();
    for d in inc.iter().chain(&exc) {
        first.push(start(d)?);
    }
    let all_inc: u32 = if inc.is_empty() {
        0
    } else {
        u32::MAX >> (32 - inc.len())
    };
    let order: Vec<u8> = byte_order().collect();
    type Key = (Vec<StateID>, u32, u8);
    let mut parent: HashMap<Key, Option<(Key, u8)>> = HashMap::new();
    let first: Key = (first, 0, 0);
    parent.insert(first.clone(), None);
    let mut queue = VecDeque::from([first]);
    while let Some(k) = queue.pop_front() {
        let (states, matched, u) = &k;
        if *u == 0 {
            let mut m = *matched;
            for (i, d) in inc.iter().enumerate() {
                if d.is_match_state(d.next_eoi_state(states[i])) {
                    m |= 1 << i;
                }
            }
            let excluded = exc
                .iter()
                .enumerate()
                .any(|(j, d)| d.is_match_state(d.next_eoi_state(states[inc.len() + j])));
            if m == all_inc && !excluded {
                let mut bytes = Vec::new();
                let mut cur = k.clone();
                while let Some(Some((p, byte))) = parent.get(&cur) {
                    bytes.push(*byte);
                    cur = p.clone();
                }
                bytes.reverse();
                return Ok(Some(String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        if parent.len() > MAX_STATES {
            return Err(format!(
                "the patterns {} are too large to compare",
                includes
                    .iter()
                    .chain(excludes)
                    .map(|p| format!("/{p}/"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        'bytes: for &byte in &order {
            let Some(u2) = utf8_step(*u, byte) else {
                continue;
            };
            let mut next = Vec::with_capacity(states.len());
            let mut m = *matched;
            for (i, d) in inc.iter().enumerate() {
                let n = d.next_state(states[i], byte);
                if d.is_match_state(n) {
                    m |= 1 << i;
                }
                next.push(n);
            }
            for (j, d) in exc.iter().enumerate() {
                let n = d.next_state(states[inc.len() + j], byte);
                // An excluded pattern has matched: so does every extension.
                if d.is_match_state(n) {
                    continue 'bytes;
                }
                next.push(n);
            }
            // Every include is dead and unmatched: no extension helps.
            if inc
                .iter()
                .enumerate()
                .any(|(i, d)| m & (1 << i) == 0 && d.is_dead_state(next[i]))
            {
                continue;
            }
            let key: Key = (next, m, u2);
            if !parent.contains_key(&key) {
                parent.insert(key.clone(), Some((k.clone(), byte)));
                queue.push_back(key);
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_of_unanchored_patterns() {
        assert_eq!(contained("^[a-z]+$", "^[a-z0-9]+$"), Containment::Contained);
        assert_eq!(contained("abc", "b"), Containment::Contained);
        match contained("^[a-z0-9]+$", "^[a-z]+$") {
            Containment::NotContained(w) => {
                assert_eq!(is_match("^[a-z0-9]+$", &w), Some(true));
                assert_eq!(is_match("^[a-z]+$", &w), Some(false));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            contained("^(a)\\1$", "a"),
            Containment::Unknown(_)
        ));
        // ECMA's \d is ASCII: the two are the same language.
        assert_eq!(contained("^\\d{3}$", "^[0-9]{3}$"), Containment::Contained);
    }

    #[test]
    fn find_combines_patterns() {
        // Starts with x, ends with x, and is not "x" itself.
        let w = find(&["^x", "x$"], &["^x$"]).unwrap().unwrap();
        assert_eq!(w, "xx");
        // Ends in x without starting with x: the shortest readable one.
        assert_eq!(find(&["x$"], &["^x"]).unwrap().unwrap(), "ax");
        // A name no pattern matches.
        assert_eq!(find(&[], &["^a", "^b"]).unwrap().unwrap(), "");
        assert_eq!(find(&[".",], &["^a", "^b"]).unwrap().unwrap(), "c");
        assert_eq!(find(&["^a$"], &["a"]).unwrap(), None);
        // Lengths against patterns: every string `.+` matches is non-empty.
        assert_eq!(find(&[".+"], &["^[\\s\\S]{1,}$"]).unwrap(), None);
        // A newline is a character but not a `.`.
        assert_eq!(
            find(&["^[\\s\\S]{2,}$"], &[".{2,}"]).unwrap().unwrap(),
            "a\n"
        );
    }
}
