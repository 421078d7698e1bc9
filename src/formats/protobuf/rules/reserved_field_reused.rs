//! Warns when a field takes a number or name that v(N-1) reserved.
//!
//! **Breaks**: nothing between v(N-1) and v(N), which never wrote the
//! reserved number. But the reservation was made because older data uses
//! that number or name with another meaning: v(N) will misread whatever of
//! that data is still stored or still arrives from older writers. A rollback
//! window check across releases (`--window`) catches such reuse against the
//! release that last used it.
//!
//! Example:
//!
//! ```text
//! old:  message User { string name = 1; reserved 2; reserved "fax"; }
//! new:  message User { string name = 1; int64 fax = 2; }
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
        if o.field(f.number).is_some() {
            continue;
        }
        let by_number = o.number_reserved(f.number);
        let by_name = o.name_reserved(&f.name);
        if !by_number && !by_name {
            continue;
        }
        let what = match (by_number, by_name) {
            (true, true) => format!("number {} and name `{}`", f.number, f.name),
            (true, false) => format!("number {}", f.number),
            _ => format!("name `{}`", f.name),
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "field `{}` takes the reserved {what}: data from before the reservation is \
                     misread",
                    f.full_name
                ))
                .old(msg_old(ctx, o))
                .new_loc(field_new(ctx, f, None))
                .arg("field", &*f.full_name)
                .arg("number", f.number.to_string())
                .build(),
        );
    }
}
