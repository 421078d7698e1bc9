//! Warns about a deleted field whose name is not reserved.
//!
//! **Breaks**: nothing today, given JSON readers that ignore unknown keys
//! (the setting every evolving JSON schema needs): v(N) skips v(N-1)'s key.
//! But a later release could give the name to a new field, which would then
//! read the old field's stored JSON values under the new meaning. Note that
//! reserving the name does not make a strict JSON parser accept the old key:
//! reserved names only guard against reuse.
//!
//! Example:
//!
//! ```text
//! old:  message User { string name = 1; string fax = 2; }
//! new:  message User { string name = 1; reserved 2; }   // "fax" is free
//! ```
//!
//! **Safe change**: reserve the name as well as the number.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB402",
        name: "field-deleted-name-unreserved",
        format: Format::Protobuf,
        encodings: JSON,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "deleted field's name is not reserved: a later field could reuse its JSON key",
        advice: "reserve the deleted field's name as well as its number",
        peers: &["buf:FIELD_NO_DELETE_UNLESS_NAME_RESERVED"],
        source: include_str!("field_deleted_name_unreserved.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let (Some(o), None, Some(nm)) = (pair.old, pair.new, pair.new_msg) else {
        return;
    };
    if pair.is_extension() || nm.name_reserved(&o.name) || nm.field_by_name(&o.name).is_some() {
        return;
    }
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "field `{}` ({}) was deleted without reserving the name `{}`: a later field could \
                 reuse its JSON key",
                o.full_name, o.number, o.name
            ))
            .old(field_old(ctx, o, None))
            .new_loc(msg_new(ctx, nm))
            .advice(format!(
                "reserve the name in `{}`: `reserved \"{}\";`",
                nm.full_name, o.name
            ))
            .arg("field", &*o.full_name)
            .arg("name", &*o.name)
            .build(),
    );
}
