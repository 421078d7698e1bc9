//! Flags a field that moved into, out of, or between oneofs, or whose oneof
//! was renamed.
//!
//! **Breaks**: oneofs are not on the wire; what matters is which fields can
//! be set together. When a reader puts two fields into one oneof that a
//! writer could set together, it keeps only the last one it parses and
//! clears the other (protobuf-go JSON even rejects the message). So:
//! moving one existing field into a new oneof (alone, or with new fields)
//! breaks nothing; moving several existing fields into one oneof, or a field
//! into an oneof that already had members, breaks backward (v(N-1) data may
//! hold both); moving a field out of an oneof breaks forward (v(N) may set it
//! together with its former siblings). A pure rename breaks nothing.
//!
//! Example:
//!
//! ```text
//! old:  string email = 1;  string phone = 2;
//! new:  oneof contact { string email = 1; string phone = 2; }
//!       // v(N) keeps only one of v(N-1)'s email and phone
//! ```
//!
//! **Safe change**: put a single existing field into a new oneof only; to
//! group several, add a new oneof with new fields and dual-write.

use std::collections::BTreeSet;

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB205",
        name: "oneof-membership-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field moved into, out of or between oneofs: fields set together may be dropped",
        advice: "move a single existing field into a new oneof only; to group several fields, add a new \
                 oneof of new fields and dual-write",
        peers: &["buf:FIELD_SAME_ONEOF"],
        source: include_str!("oneof_membership_changed.rs"),
    },
    check: Check::Message(check),
};

fn oneof_name<'a>(m: &'a Message, f: &Field) -> Option<&'a str> {
    m.oneof_of(f).map(|o| &*o.name)
}

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    let (om, nm) = (pair.old, pair.new);
    // Numbers present in both versions.
    let common: Vec<(&Field, &Field)> = om
        .fields
        .iter()
        .filter_map(|o| nm.field(o.number).map(|n| (o, n)))
        .collect();
    for &(o, n) in &common {
        let (a, b) = (oneof_name(om, o), oneof_name(nm, n));
        if a == b {
            continue;
        }
        let mut back_with = BTreeSet::new();
        let mut fwd_with = BTreeSet::new();
        for &(go, gn) in &common {
            if go.number == o.number {
                continue;
            }
            let ex_old = o.oneof.is_some() && o.oneof == go.oneof;
            let ex_new = n.oneof.is_some() && n.oneof == gn.oneof;
            if ex_new && !ex_old {
                back_with.insert(gn.name.to_string());
            }
            if ex_old && !ex_new {
                fwd_with.insert(gn.name.to_string());
            }
        }
        let mut breaks = Vec::new();
        let mut why = Vec::new();
        if !back_with.is_empty() {
            breaks.push(Direction::Backward);
            why.push(format!(
                "v(N-1) may set it together with {}, and v(N) keeps only one of them",
                back_with.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        if !fwd_with.is_empty() {
            breaks.push(Direction::Forward);
            why.push(format!(
                "v(N) may set it together with {}, and v(N-1) keeps only one of them",
                fwd_with.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        let moved = match (a, b) {
            (None, Some(y))
                if nm.oneofs.iter().any(|x| &*x.name == y)
                    && om.oneofs.iter().any(|x| &*x.name == y) =>
            {
                format!("moved into existing oneof `{y}`")
            }
            (None, Some(y)) => format!("moved into new oneof `{y}`"),
            (Some(x), None) => format!("moved out of oneof `{x}`"),
            (Some(x), Some(y)) => format!("moved from oneof `{x}` to oneof `{y}`"),
            (None, None) => continue,
        };
        let severity = if breaks.is_empty() {
            why.push(
                "no two fields that were set together are exclusive now, or the reverse".into(),
            );
            Severity::Info
        } else {
            Severity::Error
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .breaks(&breaks)
                .severity(severity)
                .message(format!(
                    "field `{}` ({}) {moved}: {}",
                    n.full_name,
                    n.number,
                    why.join("; ")
                ))
                .old(field_old(ctx, o, None))
                .new_loc(field_new(ctx, n, None))
                .arg("field", &*n.full_name)
                .arg("old_oneof", a.unwrap_or(""))
                .arg("new_oneof", b.unwrap_or(""))
                .build(),
        );
    }
}
