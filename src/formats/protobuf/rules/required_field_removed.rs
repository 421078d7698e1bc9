//! Flags a field that was required in v(N-1) and is not in v(N): deleted,
//! or made optional.
//!
//! **Breaks**: forward. v(N) may leave the field out, and v(N-1) readers,
//! which require it, fail the whole parse (protobuf-go, C++ and Java check
//! required fields on parse, in binary and JSON). The release is
//! irreversible: after a rollback v(N-1) cannot read what v(N) wrote.
//!
//! Example:
//!
//! ```text
//! old:  required string region = 2;
//! new:  optional string region = 2;   // v(N-1) rejects v(N)'s orders without it
//! ```
//!
//! **Safe change**: keep writing the field in v(N) even once it is optional,
//! and stop only after v(N-1) has left the rollback window.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB204",
        name: "required-field-removed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "field required in v(N-1) is optional or gone in v(N): v(N-1) refuses v(N)'s data",
        advice: "keep writing the field until v(N-1) has left the rollback window, then drop it",
        peers: &[
            "buf:MESSAGE_SAME_REQUIRED_FIELDS",
            "buf:FIELD_WIRE_COMPATIBLE_CARDINALITY",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        ],
        source: include_str!("required_field_removed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some(o) = pair.old else { return };
    if o.presence != Presence::Required || pair.is_extension() {
        return;
    }
    let new_loc = match (pair.new, pair.new_msg) {
        (Some(n), _) if n.presence == Presence::Required => return,
        (Some(n), _) => field_new(ctx, n, n.label_span),
        (None, Some(m)) => msg_new(ctx, m),
        (None, None) => None,
    };
    let what = if pair.new.is_some() {
        "is no longer required"
    } else {
        "was deleted"
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "required field `{}` ({}) {what}: v(N-1) fails to parse v(N)'s data without it",
                o.full_name, o.number
            ))
            .old(field_old(ctx, o, None))
            .new_loc(new_loc)
            .arg("field", &*o.full_name)
            .build(),
    );
}
