//! Warns when a field takes a number or name that v(N-1) reserved.
//!
//! **Breaks**: nothing between v(N-1) and v(N), which never wrote the
//! reserved number. But the reservation was made because older data uses
//! that number or name with another meaning: v(N) will misread whatever of
//! that data is still stored or still arrives from older writers. Renaming
//! an existing field to a reserved name counts too: the JSON key is taken
//! over just the same. Comparing v(N) with the release that last used the
//! number or name shows what exactly is misread.
//!
//! Example:
//!
//! ```text
//! old:  message User { string name = 1; string nick = 3; reserved 2; reserved "fax", "handle"; }
//! new:  message User { string name = 1; string handle = 3; int64 fax = 2; }
//! ```
//!
//! **Safe change**: leave reserved numbers and names alone; give the new
//! field a fresh number and name.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB407",
        name: "reserved-field-reused",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "field takes a number or name v(N-1) reserved: older stored data is misread",
        advice: "give the new field a fresh number and name; keep reservations",
        peers: &[],
        source: include_str!("reserved_field_reused.rs"),
    },
    check: Check::Message(check),
};

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    for f in &n.fields {
        let previous = o.field(f.number);
        // A number v(N-1) used is not a reserved one; its name may be, when
        // the field was renamed to a reserved name.
        let by_number = previous.is_none() && o.number_reserved(f.number);
        let by_name = previous.is_none_or(|p| p.name != f.name) && o.name_reserved(&f.name);
        if !by_number && !by_name {
            continue;
        }
        let what = match (by_number, by_name) {
            (true, true) => format!("number {} and name `{}`", f.number, f.name),
            (true, false) => format!("number {}", f.number),
            _ => format!("name `{}`", f.name),
        };
        let how = match previous {
            Some(p) => format!(
                "field `{}` ({}) was renamed from `{}` to the reserved {what}",
                f.full_name, f.number, p.name
            ),
            None => format!("field `{}` takes the reserved {what}", f.full_name),
        };
        // Point at the reservation that is taken over.
        let reservation = if by_number {
            o.reserved_ranges
                .iter()
                .find(|r| r.contains(f.number))
                .and_then(|r| r.span)
        } else {
            o.reserved_names
                .iter()
                .find(|r| *r.name == *f.name)
                .and_then(|r| r.span)
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "{how}: data from before the reservation is misread"
                ))
                .old(ctx.old_loc(o.file, reservation.or(o.span), &o.full_name))
                .new_loc(field_new(ctx, f, None))
                .arg("field", &*f.full_name)
                .arg("number", f.number.to_string())
                .build(),
        );
    }
}
