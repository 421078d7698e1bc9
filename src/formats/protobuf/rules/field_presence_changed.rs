//! Reports a singular field whose presence tracking changed: implicit
//! (proto3 plain scalar, editions `IMPLICIT`: zero is never written) against
//! explicit (`optional`, proto2, editions `EXPLICIT`: a set zero is written).
//!
//! **Breaks**: nothing on the wire: both sides read the same values. What
//! changes is `has_x()`: a reader with explicit presence sees "not set" where
//! an implicit writer left a zero out. Reported as information so that code
//! relying on `has_x()` is checked.
//!
//! Example:
//!
//! ```text
//! old:  int32 retries = 6;
//! new:  optional int32 retries = 6;   // v(N) sees has_retries() == false for 0
//! ```
//!
//! **Safe change**: the change itself is safe; treat "absent" and "zero" the
//! same in readers while both versions run.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB202",
        name: "field-presence-changed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: NONE,
        severity: Severity::Info,
        summary: "field presence changed between implicit and explicit: same values, different has_x()",
        advice: "treat absent and zero alike in readers while both versions run",
        peers: &[],
        source: include_str!("field_presence_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some((o, n)) = pair.both() else { return };
    // A number that now holds another field is the reuse rule's business.
    if compat::reuse(ctx, pair).is_some() {
        return;
    }
    if o.cardinality != Cardinality::Singular || n.cardinality != Cardinality::Singular {
        return;
    }
    // Messages always have explicit presence: a presence change there is a
    // change between a message and a scalar, which the type rules report.
    let is_message = |f: &Field| matches!(f.kind, Kind::Message(_));
    if is_message(o) || is_message(n) {
        return;
    }
    let implicit = |f: &Field| f.presence == Presence::Implicit;
    let explicit = |f: &Field| f.presence == Presence::Explicit;
    if !((implicit(o) && explicit(n)) || (explicit(o) && implicit(n))) {
        return;
    }
    let word = |f: &Field| if implicit(f) { "implicit" } else { "explicit" };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "field `{}` ({}) presence changed from {} to {}: the wire is the same, but \
                 has_{}() differs for zero values",
                n.full_name,
                n.number,
                word(o),
                word(n),
                n.name
            ))
            .old(field_old(ctx, o, o.label_span))
            .new_loc(field_new(ctx, n, n.label_span))
            .arg("field", &*n.full_name)
            .arg("old_presence", word(o))
            .arg("new_presence", word(n))
            .build(),
    );
}
