//! Flags a JSON key that one version writes for one field and the other
//! version reads into a field of another number and another type or
//! cardinality: a field renumbered with a new type, or a field deleted while
//! a new field takes its JSON name.
//!
//! **Breaks**: ProtoJSON, in each direction whose reader cannot take the
//! writer's value: readers find fields by JSON name (or proto name), not by
//! number, so the key lands in the other field, which refuses a value of
//! the wrong shape (a string for an integer, an array for a scalar, out of
//! range) or misreads it. Binary is unaffected (the numbers differ), and
//! the rules about deleted or moved numbers report that side.
//!
//! The same holds when the types agree but the proto names differ (a field
//! renamed and renumbered keeping its `json_name`): ProtoJSON written with
//! proto field names (`preserving_proto_field_name`, which every ProtoJSON
//! reader accepts) carries the writer's name, which the reader does not
//! read into this field, so the value that the JSON name carries across is
//! dropped there: the two dialects of the same data disagree. Found by the
//! soundness harness.
//!
//! Example:
//!
//! ```text
//! old:  string note = 6 [json_name = "memo"];
//! new:  repeated string notes = 9 [json_name = "memo"];   // "memo": "x" is not a list
//! ```
//!
//! **Safe change**: give the new field a new JSON name (and reserve the old
//! field's name); keep a JSON key's type for as long as data written with it
//! may be read.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB309",
        name: "json-key-type-changed",
        format: Format::Protobuf,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "a JSON key moved to a field of another number and type: JSON readers refuse or \
                  misread its values",
        advice: "give the new field its own JSON name and reserve the old field's name; keep a \
                 JSON key's type while data written with it may be read",
        peers: &[],
        source: include_str!("json_key_type_changed.rs"),
    },
    check: Check::Message(check),
};

/// Whether ProtoJSON written with proto field names carries writer field
/// `w`'s value into reader field `r` of `reader`: the reader takes the key
/// `w.name` by JSON name, then by name.
fn proto_name_reads(reader: &Message, w: &Field, r: &Field) -> bool {
    by_key(reader, &w.name).map(|f| f.number) == Some(r.number)
}

/// The reader's field that a key is read into: by JSON name, then by name.
fn by_key<'a>(m: &'a Message, key: &str) -> Option<&'a Field> {
    m.field_by_json_name(key).or_else(|| m.field_by_name(key))
}

/// Whether a JSON value written for field `w` reads into field `r` with its
/// meaning (same shape, same type or a type that takes every value).
fn json_reads(ctx: &Ctx, w: &Field, w_old: bool, r: &Field) -> bool {
    if w.cardinality != r.cardinality {
        return false;
    }
    let (o, n) = if w_old { (w, r) } else { (r, w) };
    let pairs = compat::slot_pairs(ctx, o, n);
    !pairs.is_empty()
        && pairs.iter().all(|(a, b)| {
            let (ws, rs) = if w_old { (a, b) } else { (b, a) };
            match (ws.kind, rs.kind) {
                (Kind::Scalar(x), Kind::Scalar(y)) => json_scalar_reads(*x, *y),
                (Kind::Enum(_), Kind::Enum(_)) => compat::classify(ctx, a, b).is_none(),
                (Kind::Message(on), Kind::Message(nn)) => {
                    let (on, nn) = if w_old { (on, nn) } else { (nn, on) };
                    let want = if w_old {
                        Direction::Backward
                    } else {
                        Direction::Forward
                    };
                    ctx.same_type(on, nn) || !ctx.message_breaks(on, nn).0.contains(&want)
                }
                _ => false,
            }
        })
}

/// ProtoJSON scalars: integers of every encoding are numbers (64-bit ones
/// strings) that a reader takes when in its range; floats take integers
/// only exactly.
fn json_scalar_reads(w: Scalar, r: Scalar) -> bool {
    if w == r {
        return true;
    }
    let int = |s: Scalar| compat::int_range(s).filter(|_| s != Scalar::Bool);
    match (int(w), int(r)) {
        (Some(wr), Some(rr)) => compat::range_fits(wr, rr),
        (Some(wr), None) if r == Scalar::Double => -(1i128 << 53) <= wr.0 && wr.1 <= 1i128 << 53,
        (Some(wr), None) if r == Scalar::Float => -(1i128 << 24) <= wr.0 && wr.1 <= 1i128 << 24,
        _ => w == Scalar::Float && r == Scalar::Double,
    }
}

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    // (old field, new field) pairs joined by a JSON key across numbers.
    let mut joined: Vec<(&Field, &Field, Vec<Direction>)> = Vec::new();
    // Keys whose values only the JSON-name dialect carries across (the
    // types agree, the proto names do not).
    let mut by_name_only: Vec<(i32, i32)> = Vec::new();
    for d in Direction::BOTH {
        // The writer's fields, and the reader's message.
        let (writers, reader) = match d {
            Direction::Backward => (pair.old, pair.new),
            Direction::Forward => (pair.new, pair.old),
        };
        let w_old = *d == Direction::Backward;
        for w in &writers.fields {
            let Some(r) = by_key(reader, &w.json_name) else {
                continue;
            };
            if r.number == w.number {
                continue;
            }
            let types = json_reads(ctx, w, w_old, r);
            if types && proto_name_reads(reader, w, r) {
                continue;
            }
            let (o, n) = if w_old { (w, r) } else { (r, w) };
            push(&mut joined, o, n, *d);
            if types {
                by_name_only.push((o.number, n.number));
            }
        }
    }
    for (o, n, dirs) in joined {
        // Readers of proto field names miss the value; or JSON-name readers
        // read it into another field.
        let (key, why, consequence, old_at, new_at) = if by_name_only
            .contains(&(o.number, n.number))
        {
            (
                &o.json_name,
                "ProtoJSON written with proto field names uses the writer's name, which the \
                 reader does not read into this field",
                match dirs.as_slice() {
                    [Direction::Backward] => "v(N) drops the values v(N-1) wrote under that name",
                    [Direction::Forward] => "v(N-1) drops the values v(N) wrote under that name",
                    _ => "each version drops the values the other wrote under its name",
                },
                o.name_span,
                n.name_span,
            )
        } else {
            (
                if dirs.contains(&Direction::Backward) {
                    &o.json_name
                } else {
                    &n.json_name
                },
                "JSON readers take the key by name",
                match dirs.as_slice() {
                    [Direction::Backward] => "v(N) reads v(N-1)'s values into the other field",
                    [Direction::Forward] => "v(N-1) reads v(N)'s values into the other field",
                    _ => "each version reads the other's values into the other field",
                },
                o.type_span,
                n.type_span,
            )
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .breaks(&dirs)
                .message(format!(
                    "JSON key `{key}` is `{} {}` ({}) in v(N-1) and `{} {}` ({}) in v(N): \
                     {why}, so {consequence}",
                    o.type_label(),
                    o.name,
                    o.number,
                    n.type_label(),
                    n.name,
                    n.number,
                ))
                .old(field_old(ctx, o, old_at))
                .new_loc(field_new(ctx, n, new_at))
                .arg("field", &*n.full_name)
                .arg("old_field", &*o.full_name)
                .arg("key", &*o.json_name)
                .build(),
        );
    }
}

fn push<'a>(
    joined: &mut Vec<(&'a Field, &'a Field, Vec<Direction>)>,
    o: &'a Field,
    n: &'a Field,
    d: Direction,
) {
    match joined
        .iter_mut()
        .find(|(a, b, _)| a.number == o.number && b.number == n.number)
    {
        Some((_, _, dirs)) => {
            if !dirs.contains(&d) {
                dirs.push(d);
                dirs.sort();
            }
        }
        None => joined.push((o, n, vec![d])),
    }
}
