//! Warns about a deleted field whose number is not reserved.
//!
//! **Breaks**: nothing today: v(N) skips v(N-1)'s values of the deleted
//! field as unknown, and v(N-1) reads the field as unset in v(N)'s data. But
//! nothing stops a later release from giving the number to a new field, which
//! would then misread every stored value of the old one. The number guards
//! nothing tomorrow.
//!
//! Example:
//!
//! ```text
//! old:  message User { string name = 1; string fax = 2; }
//! new:  message User { string name = 1; }   // 2 is free for reuse
//! ```
//!
//! **Safe change**: reserve the number (and the name) when deleting:
//! `reserved 2; reserved "fax";`.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB401",
        name: "field-deleted-number-unreserved",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "deleted field's number is not reserved: breaks nothing today, guards nothing tomorrow",
        advice: "reserve the deleted field's number and name",
        peers: &["buf:FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"],
        source: include_str!("field_deleted_number_unreserved.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let (Some(o), None, Some(nm)) = (pair.old, pair.new, pair.new_msg) else {
        return;
    };
    if pair.is_extension() || nm.number_reserved(o.number) {
        return;
    }
    // A field that kept its name but moved to another number (reported by
    // field-number-changed) also leaves its old number free.
    let what = match nm.field_by_name(&o.name) {
        Some(moved) => format!("moved to number {}", moved.number),
        None => "was deleted".to_string(),
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "field `{}` ({}) {what} without reserving number {}: a later field could reuse \
                 it and misread stored data",
                o.full_name, o.number, o.number
            ))
            .old(field_old(ctx, o, None))
            .new_loc(msg_new(ctx, nm))
            .advice(format!(
                "reserve it in `{}`: `reserved {};`{}",
                nm.full_name,
                o.number,
                if nm.name_reserved(&o.name) || nm.field_by_name(&o.name).is_some() {
                    String::new()
                } else {
                    format!(" and `reserved \"{}\";`", o.name)
                }
            ))
            .arg("field", &*o.full_name)
            .arg("number", o.number.to_string())
            .build(),
    );
}
