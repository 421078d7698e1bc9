//! Flags a field number that now carries a different field: the name
//! changed and either a name moved between numbers or the kind of value
//! changed (for example `string email = 3` became `int64 age = 3`).
//!
//! **Breaks**: both directions in binary: each version reads the other's
//! values of number 3 as its own, different field, garbled or dropped. This
//! finding replaces the separate rename and type findings for that number.
//! Data written before v(N-1) with the number's older meaning is also at
//! risk.
//!
//! Example:
//!
//! ```text
//! old:  string email = 3;
//! new:  int64 age = 3;   string email = 4;
//! ```
//!
//! **Safe change**: never reuse a number: reserve a deleted field's number
//! and name (`reserved 3; reserved "email";`) and give new fields new numbers.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB304",
        name: "field-number-reused",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field number reused for a different field: each version misreads the other's values",
        advice: "reserve deleted numbers and names, and give new fields new numbers",
        peers: &[
            "buf:FIELD_SAME_NAME",
            "buf:FIELD_SAME_JSON_NAME",
            "buf:FIELD_WIRE_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_COMPATIBLE_CARDINALITY",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        ],
        source: include_str!("field_number_reused.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some((o, n)) = pair.both() else { return };
    let Some(why) = compat::reuse(ctx, pair) else {
        return;
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "number {} of `{}` now carries a different field: {why}; each version misreads \
                 the other's values",
                n.number,
                pair.new_msg.map(|m| &*m.full_name).unwrap_or("")
            ))
            .old(field_old(ctx, o, None))
            .new_loc(field_new(ctx, n, None))
            .arg("number", n.number.to_string())
            .arg("old_field", &*o.full_name)
            .arg("new_field", &*n.full_name)
            .build(),
    );
}
