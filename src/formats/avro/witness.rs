//! Avro witnesses (see `crate::witness`): for each direction a finding
//! breaks, a datum of the writer's schema, written with apache-avro and
//! read back with the reader's schema, that the reader refuses or reads
//! with another meaning ([`super::meaning`] says what keeping it means).
//!
//! Aim: the finding's resolution event is found again (same rule, places
//! and path), and the steps that led resolution to it (record fields by the
//! writer's name, union branches, array items, map values) say where the
//! payload goes. The datum holds probe values there (each enum symbol the
//! reader lacks, integers beyond the narrower type, fractions a float
//! cannot hold, a union's `null` ...), and plain values elsewhere, in a few
//! variants so that one of them reads cleanly.
//!
//! Confirmation: apache-avro must refuse the payload, or read a value whose
//! meaning changed at that place; and wirecompat's reading of the
//! specification ([`super::meaning::spec_read`]) must find this break there
//! and no other break anywhere in the datum, so that what the reader
//! refuses is this finding's doing. (A union default that fits a later
//! branch is the exception: the specification now accepts it, and the
//! witness shows a reader, apache-avro, that does not.) The first confirmed
//! payload is the witness; a finding with none says why, naming apache-avro
//! where it disagrees with the specification.

use apache_avro::Schema as ApacheSchema;
use apache_avro::types::Value;
use rayon::prelude::*;

use super::datum::{self, VARIANTS};
use super::library::{CHECKED_WITH, Channel, Library, Root};
use super::meaning::{self, Diff, Problem, Sides, SpecRead};
use super::model::Schema;
use super::pair::{self, Ctx, Origin};
use super::resolve::{Event, EventKind, Step};
use crate::finding::{Direction, Finding};
use crate::witness::{Witness, cut, hex};

/// The longest payload a witness shows (whole, in hex).
const MAX_PAYLOAD: usize = 512;

/// At most this many payloads per finding and direction.
const MAX_CANDIDATES: usize = 240;

/// Builds the witnesses of every finding that breaks a direction.
pub fn attach(old: &Schema, new: &Schema, findings: &mut [Finding]) {
    if findings.iter().all(|f| f.breaks.is_empty()) {
        return;
    }
    let size = old
        .files
        .iter()
        .chain(&new.files)
        .map(|f| f.text.len())
        .max();
    crate::witness::limit(findings, crate::witness::max_for_size(size.unwrap_or(0)));
    let libs = (Library::new(old), Library::new(new));
    let events = pair::events(old, new);
    let ctx = Ctx { old, new };
    let mut work = || {
        findings
            .par_iter_mut()
            .filter(|f| !f.breaks.is_empty() && f.witness_note.is_none())
            .for_each(|f| {
                let mut missing = Vec::new();
                for &d in &f.breaks.clone() {
                    match build(&ctx, &libs, &events, f, d) {
                        Ok(w) => f.witnesses.push(w),
                        Err(why) => missing.push((d, why)),
                    }
                }
                f.witness_note = crate::witness::note(&missing);
            })
    };
    match pool() {
        Some(p) => p.install(work),
        None => work(),
    }
}

/// Threads with room for apache-avro's recursion: its reader and writer
/// recurse once per level of a datum, with large frames (a debug build's
/// can overflow a default 2 MiB thread stack within a dozen levels).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK)
            .thread_name(|i| format!("wirecompat-avro-witness-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// The stack of a thread that runs apache-avro on wirecompat's datums.
pub const STACK: usize = 64 << 20;

fn no_payload(code: &str) -> Option<&'static str> {
    Some(match code {
        "AV601" | "AV602" => {
            "the break is a protocol message one side does not have (its call fails), not a \
             payload either side misreads"
        }
        "AV603" => "the break is whether a response follows the call (one-way), not a payload",
        _ => return None,
    })
}

/// The rule an event becomes in its direction.
fn rule_of(ev: &Event) -> &'static str {
    let back = ev.dir == Direction::Backward;
    match &ev.kind {
        EventKind::TypeMismatch { .. } => "AV101",
        EventKind::OneWay { .. } => {
            if back {
                "AV103"
            } else {
                "AV102"
            }
        }
        EventKind::FieldNoDefault { .. } => {
            if back {
                "AV201"
            } else {
                "AV202"
            }
        }
        EventKind::InvalidDefault { .. } => "AV203",
        EventKind::EnumSymbols { .. } => {
            if back {
                "AV301"
            } else {
                "AV302"
            }
        }
        EventKind::UnionLacks { .. } => {
            if back {
                "AV401"
            } else {
                "AV402"
            }
        }
        EventKind::NullBranch { .. } => {
            if back {
                "AV403"
            } else {
                "AV404"
            }
        }
        EventKind::NameMismatch { .. } => "AV501",
        EventKind::FixedSize { .. } => "AV502",
        EventKind::Decimal { .. } => "AV503",
        EventKind::Logical { .. } => "AV504",
    }
}

fn build(
    ctx: &Ctx,
    libs: &(Result<Library, String>, Result<Library, String>),
    events: &[(Origin, Event)],
    f: &Finding,
    d: Direction,
) -> Result<Witness, String> {
    if let Some(why) = no_payload(f.rule.code) {
        return Err(why.to_string());
    }
    let (old, new) = match libs {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) => {
            return Err(format!(
                "apache-avro 0.22 cannot parse v(N-1)'s schemas: {e}"
            ));
        }
        (_, Err(e)) => return Err(format!("apache-avro 0.22 cannot parse v(N)'s schemas: {e}")),
    };
    // The finding's events in this direction: same rule and places. A
    // finding merged from both directions keeps one direction's path, and
    // a named type reached by several fields has an event per path: the
    // path the finding names comes first.
    let mut mine: Vec<&(Origin, Event)> = events
        .iter()
        .filter(|(_, ev)| {
            ev.dir == d
                && rule_of(ev) == f.rule.code
                && ctx.event_locs(ev) == (f.old.clone(), f.new.clone())
        })
        .collect();
    mine.sort_by_key(|(_, ev)| f.arg("path") != Some(ev.path.as_str()));
    if mine.is_empty() {
        return Err(
            "no resolution step of the writer's schema matches this finding, so no payload \
             could be aimed at it"
                .into(),
        );
    }
    let mut first_err = None;
    for (origin, ev) in mine {
        match aimed(old, new, origin, ev, f, d) {
            Ok(w) => return Ok(w),
            Err(why) => {
                first_err.get_or_insert(why);
            }
        }
    }
    Err(first_err.unwrap_or_default())
}

/// What a payload did, written with the writer's schema and read with the
/// reader's, by apache-avro and under the specification.
pub struct Trial {
    pub bytes: Vec<u8>,
    /// What was written, as apache-avro reads it back with the writer's
    /// own schema.
    pub written: Value,
    /// apache-avro's reading with the reader's schema.
    pub read: Result<Value, String>,
    /// Where apache-avro's reading changed the meaning.
    pub diffs: Vec<Diff>,
    /// The specification's reading: why it refuses parts, and where the
    /// value it reads has another meaning.
    pub spec: SpecRead,
    pub spec_diffs: Vec<Diff>,
}

impl Trial {
    /// apache-avro refused the payload or changed its meaning.
    pub fn broken(&self) -> bool {
        self.read.is_err() || !self.diffs.is_empty()
    }

    /// The specification refuses part of it or reads another meaning.
    pub fn spec_broken(&self) -> bool {
        !self.spec.problems.is_empty() || !self.spec_diffs.is_empty()
    }
}

/// Writes a datum and reads it back both ways (`None`: apache-avro does not
/// write it, a datum the writer's schema does not take, or one too deep to
/// hand to apache-avro safely).
pub fn trial(
    ch: &Channel,
    sides: Sides,
    ws: &ApacheSchema,
    rs: &ApacheSchema,
    datum: &Value,
) -> Option<Trial> {
    if datum::nesting(datum) > datum::MAX_NESTING {
        return None;
    }
    let bytes = ch.write(datum).ok()?;
    let written = ch.decode(&bytes).ok()?;
    Some(replay(ch, sides, ws, rs, bytes, written))
}

/// Reads written bytes back with the reader's schema, both ways.
pub fn replay(
    ch: &Channel,
    sides: Sides,
    ws: &ApacheSchema,
    rs: &ApacheSchema,
    bytes: Vec<u8>,
    written: Value,
) -> Trial {
    let read = ch.read(&bytes);
    let diffs = match &read {
        Ok(v) => meaning::compare(sides, ws, &written, rs, v),
        Err(_) => Vec::new(),
    };
    let spec = meaning::spec_read(sides, ws, &written, rs);
    let spec_diffs = match &spec.value {
        Some(v) => meaning::compare(sides, ws, &written, rs, v),
        None => Vec::new(),
    };
    Trial {
        bytes,
        written,
        read,
        diffs,
        spec,
        spec_diffs,
    }
}

/// Why payloads were not kept, for the note.
#[derive(Default)]
struct Tally {
    tried: usize,
    /// apache-avro read it with its meaning kept, the specification did not.
    library_reads: Option<String>,
    /// A break elsewhere in the datum (or only elsewhere).
    elsewhere: Option<String>,
    /// apache-avro refuses what the specification reads (with the same
    /// meaning) where the finding is.
    library_only: Option<String>,
    /// apache-avro refuses the payload, and the same payload with a plain
    /// value where the finding is, alike: another part fails first.
    first_error: Option<String>,
}

fn roots<'a>(
    old: &'a Library,
    new: &'a Library,
    origin: &Origin,
    d: Direction,
) -> Option<(&'a Library, Root<'a>, &'a Library, Root<'a>)> {
    match d {
        Direction::Backward => Some((old, old.root(origin, true)?, new, new.root(origin, false)?)),
        Direction::Forward => Some((new, new.root(origin, false)?, old, old.root(origin, true)?)),
    }
}

fn aimed(
    old: &Library,
    new: &Library,
    origin: &Origin,
    ev: &Event,
    f: &Finding,
    d: Direction,
) -> Result<Witness, String> {
    let Some((wlib, wroot, rlib, rroot)) = roots(old, new, origin, d) else {
        return Err("apache-avro 0.22 did not parse this schema in both versions".into());
    };
    let ch = Channel::new(wlib, wroot.schema, rlib, rroot.schema).map_err(|e| {
        if e.starts_with("apache-avro") {
            e
        } else {
            format!("apache-avro 0.22 cannot set up the two schemas: {e}")
        }
    })?;
    let sides = Sides {
        writer: &wlib.names,
        reader: &rlib.names,
    };
    let trail: Vec<Step> = wroot.prefix.iter().chain(&ev.trail).cloned().collect();
    let names = &wlib.names;
    let structural = matches!(
        ev.kind,
        EventKind::FieldNoDefault { .. }
            | EventKind::InvalidDefault { .. }
            | EventKind::NameMismatch { .. }
    );
    let default_case = matches!(ev.kind, EventKind::InvalidDefault { .. });
    let missing: Vec<String> = match &ev.kind {
        EventKind::EnumSymbols { missing, .. } => missing.clone(),
        _ => Vec::new(),
    };
    let under = |p: &[Step]| p.starts_with(&trail);
    // The reader's field an apache-avro "Missing field" error must name to
    // be this finding's.
    let field_named = match &ev.kind {
        EventKind::FieldNoDefault { field } | EventKind::InvalidDefault { field, .. } => {
            Some(format!("Missing field in record: {:?}", field))
        }
        _ => None,
    };
    // The reader's default apache-avro fails to read, as the event quotes
    // it (`"n/a" does not match ...`).
    let default_text = match &ev.kind {
        EventKind::InvalidDefault { reason, .. } => {
            [" does not match", " is not a valid", " lacks"]
                .iter()
                .find_map(|sep| {
                    reason
                        .split_once(sep)
                        .map(|(v, _)| v.trim_matches('"').to_string())
                })
                .filter(|v| v.len() >= 2)
        }
        _ => None,
    };
    let mut tally = Tally::default();
    let mut seen: Vec<Vec<u8>> = Vec::new();
    for variant in 0..VARIANTS {
        // The control: the plain datum the payloads are made from, without
        // what they put where the finding is. When apache-avro reads it
        // cleanly, what it does with a payload is the payload's doing.
        let plain = |s: &ApacheSchema| -> Vec<Value> {
            datum::base(names, s, variant).into_iter().collect()
        };
        let control = datum::base(names, wroot.schema, variant)
            .and_then(|c| trial(&ch, sides, wroot.schema, rroot.schema, &c));
        let control_clean = control.as_ref().is_some_and(|t| !t.broken());
        // The twin: the payloads' datum with a plain value where they put
        // theirs. A payload whose error the twin does not share failed
        // where the two differ (apache-avro stops at its first error).
        let twin = datum::along(names, wroot.schema, &trail, &plain, variant)
            .first()
            .and_then(|c| trial(&ch, sides, wroot.schema, rroot.schema, c));
        let twin_err = twin.as_ref().and_then(|t| t.read.as_ref().err());
        let leaf = |s: &ApacheSchema| -> Vec<Value> {
            if !missing.is_empty()
                && let ApacheSchema::Enum(e) = s
            {
                return e
                    .symbols
                    .iter()
                    .enumerate()
                    .filter(|(_, sym)| missing.contains(sym))
                    .map(|(i, sym)| Value::Enum(i as u32, sym.clone()))
                    .collect();
            }
            if structural {
                return plain(s);
            }
            datum::probes(names, s)
        };
        let cands = datum::along(names, wroot.schema, &trail, &leaf, variant);
        for c in cands {
            if tally.tried >= MAX_CANDIDATES {
                break;
            }
            let Some(t) = trial(&ch, sides, wroot.schema, rroot.schema, &c) else {
                continue;
            };
            // A payload the report can show whole (and a replay can read).
            if seen.contains(&t.bytes) || t.bytes.len() > MAX_PAYLOAD {
                continue;
            }
            seen.push(t.bytes.clone());
            tally.tried += 1;
            let spec_all: Vec<(&[Step], String)> = t
                .spec
                .problems
                .iter()
                .map(|p: &Problem| (p.path.as_slice(), format!("at `{}`: {}", p.at, p.why)))
                .chain(t.spec_diffs.iter().map(|x| {
                    (
                        x.path.as_slice(),
                        format!("at `{}`: {} read as {}", x.at, x.writer_sees, x.reader_sees),
                    )
                }))
                .collect();
            let here = spec_all.iter().find(|(p, _)| under(p));
            let elsewhere = spec_all.iter().find(|(p, _)| !under(p));
            if !t.broken() {
                if let Some((_, why)) = here {
                    tally.library_reads.get_or_insert(why.clone());
                }
                continue;
            }
            if here.is_none() && !default_case {
                // apache-avro refuses (or changes) what the specification
                // reads: not this finding's break.
                if let Err(e) = &t.read {
                    tally.library_only.get_or_insert(e.clone());
                }
                continue;
            }
            let e = match &t.read {
                Ok(_) => {
                    // A changed value says where it changed.
                    match t.diffs.iter().find(|x| under(&x.path)) {
                        Some(x) => return Ok(witness(&t, &wroot, names, &trail, Some(x), ev, d)),
                        None => {
                            if let Some(x) = t.diffs.first() {
                                tally.elsewhere.get_or_insert(format!(
                                    "apache-avro reads `{}` = {} as {}",
                                    x.at, x.writer_sees, x.reader_sees
                                ));
                            }
                            continue;
                        }
                    }
                }
                Err(e) => e,
            };
            // An error says where only in its words: it must be this
            // finding's.
            let attributed = if e.starts_with("Missing field in record") {
                // apache-avro names the reader field it lacks (a field the
                // reader takes by an alias, which apache-avro does not
                // follow, is not this finding's doing).
                field_named.as_deref() == Some(e.as_str())
            } else if let Some(dflt) = &default_text {
                // A reader default apache-avro cannot read: it quotes it.
                e.contains(dflt.as_str())
            } else {
                control_clean || elsewhere.is_none() || (twin.is_some() && Some(e) != twin_err)
            };
            if !attributed {
                match elsewhere {
                    _ if Some(e) == twin_err => {
                        tally.first_error.get_or_insert(e.clone());
                    }
                    Some((_, other)) => {
                        tally.elsewhere.get_or_insert(other.clone());
                    }
                    None => {
                        tally.first_error.get_or_insert(e.clone());
                    }
                }
                continue;
            }
            return Ok(witness(&t, &wroot, names, &trail, None, ev, d));
        }
    }
    Err(explain(f, &tally))
}

#[allow(clippy::too_many_arguments)]
fn witness(
    t: &Trial,
    wroot: &Root,
    wnames: &std::collections::HashMap<String, ApacheSchema>,
    trail: &[Step],
    diff: Option<&Diff>,
    ev: &Event,
    d: Direction,
) -> Witness {
    let ws = wroot.schema;
    let shown = meaning::show(ws, &t.written, wnames);
    // What it is an instance of is said apart (`of`), as in every format.
    let datum = cut(&shown, 600);
    let target = datum::at(wnames, ws, &t.written, trail);
    let place = |p: &str| -> String {
        if p.is_empty() {
            match wroot.label.as_str() {
                "" => "the value".to_string(),
                l if l.ends_with(':') => "the value".to_string(),
                l => format!("`{}`", l.rsplit('.').next().unwrap_or(l)),
            }
        } else {
            format!("`{p}`")
        }
    };
    let (writer_sees, reader_sees) = match (&t.read, diff) {
        (Ok(_), Some(x)) => match x.writer_sees.strip_prefix("nothing ") {
            Some(rest) => (
                format!("no `{}` {rest}", x.at),
                format!("`{}` = {}", x.at, x.reader_sees),
            ),
            None => (
                format!("`{}` = {}", x.at, x.writer_sees),
                format!("`{}` = {}", x.at, x.reader_sees),
            ),
        },
        (read, _) => {
            let w = match (&target, &ev.kind) {
                (
                    Some((s, v, p)),
                    EventKind::FieldNoDefault { field } | EventKind::InvalidDefault { field, .. },
                ) => {
                    let short = field.rsplit('.').next().unwrap_or(field);
                    format!(
                        "{} without `{short}` = {}",
                        place(p),
                        meaning::short(s, v, wnames)
                    )
                }
                (Some((s, v, p)), _) => {
                    format!("{} = {}", place(p), meaning::short(s, v, wnames))
                }
                (None, _) => format!("the value = {}", cut(&shown, 80)),
            };
            let r = match read {
                Err(e) => format!("refuses it: {}", cut(e, 160)),
                Ok(_) => "reads it with another meaning".to_string(),
            };
            (w, r)
        }
    };
    Witness {
        direction: d,
        encoding: "avro-binary",
        payload: if t.bytes.is_empty() {
            "(empty: no bytes)".into()
        } else {
            hex(&t.bytes, MAX_PAYLOAD)
        },
        datum: Some(datum),
        of: Some(instance_of(wroot)),
        writer_sees,
        reader_sees,
        checked_with: CHECKED_WITH,
        verified: true,
    }
}

/// What a payload is an instance of: the writer's named type, or the
/// message part it carries, or the unnamed schema itself.
fn instance_of(wroot: &Root) -> String {
    if wroot.label.ends_with(':') {
        // A message part, carried by a record of wirecompat's making.
        return wroot.label.trim_end_matches(':').to_string();
    }
    match wroot.schema {
        ApacheSchema::Record(r) => r.name.fullname(None),
        ApacheSchema::Enum(e) => e.name.fullname(None),
        ApacheSchema::Fixed(f) => f.name.fullname(None),
        ApacheSchema::Ref { name } => name.fullname(None),
        s if wroot.label.is_empty() => cut(&s.canonical_form(), 80),
        _ => wroot.label.trim_end_matches(':').to_string(),
    }
}

fn payloads(n: usize) -> String {
    if n == 1 {
        "the one payload".into()
    } else {
        format!("all {n} payloads")
    }
}

fn explain(f: &Finding, t: &Tally) -> String {
    if t.tried == 0 {
        return "no datum of the writer's schema reaches this element (a recursive type with no \
                end, or a type apache-avro cannot write)"
            .into();
    }
    if let Some(spec) = &t.library_reads {
        let why = if f.rule.code == "AV501" {
            "it resolves values and does not compare the names of records, enums and fixed \
             types, which the specification requires to match (or a reader alias to cover)"
                .to_string()
        } else {
            format!("the specification refuses them ({spec})")
        };
        return format!(
            "apache-avro 0.22 reads {} aimed at this change with their meaning kept, where \
             {why}: apache-avro disagrees with the specification here",
            payloads(t.tried)
        );
    }
    if let Some(e) = &t.first_error {
        return format!(
            "apache-avro 0.22 refuses every payload aimed at this change at another place \
             first, where another change breaks every datum ({}), so none shows this \
             finding's break alone",
            cut(e, 120)
        );
    }
    if let Some(other) = &t.elsewhere {
        return format!(
            "every payload aimed at this change also breaks for another change in the same \
             datum ({other}), so none shows this finding's break alone"
        );
    }
    if let Some(e) = &t.library_only {
        return format!(
            "apache-avro 0.22 refuses the payloads aimed at this change for a reason the \
             specification does not give ({}), and reads none with another meaning",
            cut(e, 120)
        );
    }
    format!(
        "none of {} aimed at this change lost its meaning when read back with apache-avro \
         0.22, nor under the specification; the finding is kept on the rule's judgement",
        if t.tried == 1 {
            "the one payload".to_string()
        } else {
            format!("the {} payloads", t.tried)
        }
    )
}
