//! Flags a field that kept its name and number but whose JSON name changed:
//! a `json_name` option added, removed or changed so that the effective JSON
//! key differs.
//!
//! **Breaks**: in ProtoJSON, each direction whose writer's JSON name the
//! reader does not accept. Writers emit the JSON name by default; a reader
//! accepts only its own JSON name and the proto name, so it finds an
//! unknown key and drops the value or refuses the document. A JSON name
//! changed away from the field's own name (`labels` to `tags`) still reads
//! going backward: v(N) accepts `labels` as the proto name. Binary is
//! unaffected.
//!
//! Example:
//!
//! ```text
//! old:  string user_id = 1;                         // JSON "userId"
//! new:  string user_id = 1 [json_name = "uid"];     // JSON "uid"
//! ```
//!
//! **Safe change**: never change a JSON name in place; add a new field with
//! the new JSON name and dual-write.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB302",
        name: "field-json-name-changed",
        format: Format::Protobuf,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field's JSON name changed: JSON readers drop the value under the other key",
        advice: "keep the JSON name; to change it, add a new field and dual-write",
        peers: &["buf:FIELD_SAME_JSON_NAME"],
        source: include_str!("field_json_name_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some((o, n)) = pair.both() else { return };
    if pair.is_extension() || o.name != n.name || o.json_name == n.json_name {
        return;
    }
    // A reader takes its own JSON name and the proto name (the same in both
    // versions here).
    let mut breaks = Vec::new();
    if *o.json_name != *n.json_name && *o.json_name != *n.name {
        breaks.push(Direction::Backward);
    }
    if *n.json_name != *o.json_name && *n.json_name != *o.name {
        breaks.push(Direction::Forward);
    }
    let why = match breaks.as_slice() {
        [Direction::Backward] => format!(
            "v(N)'s JSON readers drop v(N-1)'s value under `{}` (v(N-1) reads v(N)'s `{}` as the \
             proto name)",
            o.json_name, n.json_name
        ),
        [Direction::Forward] => format!(
            "v(N-1)'s JSON readers drop v(N)'s value under `{}` (v(N) reads v(N-1)'s `{}` as the \
             proto name)",
            n.json_name, o.json_name
        ),
        _ => "each version's JSON readers drop the other's value".to_string(),
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .breaks(&breaks)
            .message(format!(
                "field `{}` ({}) JSON name changed from `{}` to `{}`: {why}",
                n.full_name, n.number, o.json_name, n.json_name
            ))
            .old(field_old(ctx, o, o.json_name_span))
            .new_loc(field_new(ctx, n, n.json_name_span))
            .arg("field", &*n.full_name)
            .arg("old_json_name", &*o.json_name)
            .arg("new_json_name", &*n.json_name)
            .build(),
    );
}
