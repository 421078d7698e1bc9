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
    for o in &pair.old.fields {
        if let Some(n) = by_key(pair.new, &o.json_name)
            && n.number != o.number
            && !json_reads(ctx, o, true, n)
        {
            push(&mut joined, o, n, Direction::Backward);
        }
    }
    for n in &pair.new.fields {
        if let Some(o) = by_key(pair.old, &n.json_name)
            && o.number != n.number
            && !json_reads(ctx, n, false, o)
        {
            push(&mut joined, o, n, Direction::Forward);
        }
    }
    for (o, n, dirs) in joined {
        out.push(
            FindingBuilder::new(&RULE.meta)
                .breaks(&dirs)
                .message(format!(
                    "JSON key `{}` is `{} {}` ({}) in v(N-1) and `{} {}` ({}) in v(N): JSON \
                     readers take the key by name, so {}",
                    if dirs.contains(&Direction::Backward) {
                        &o.json_name
                    } else {
                        &n.json_name
                    },
                    o.type_label(),
                    o.name,
                    o.number,
                    n.type_label(),
                    n.name,
                    n.number,
                    match dirs.as_slice() {
                        [Direction::Backward] => "v(N) reads v(N-1)'s values into the other field",
                        [Direction::Forward] => "v(N-1) reads v(N)'s values into the other field",
                        _ => "each version reads the other's values into the other field",
                    }
                ))
                .old(field_old(ctx, o, o.type_span))
                .new_loc(field_new(ctx, n, n.type_span))
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
