//! Flags a field that is required in v(N) but was not in v(N-1): a new
//! `required` field (proto2), a field made `required`, or editions
//! `field_presence = LEGACY_REQUIRED`.
//!
//! **Breaks**: backward. Data written by v(N-1) lacks the field, and a
//! reader that has it as required fails the whole parse (protobuf-go
//! `proto.Unmarshal`, C++ `ParseFromString`, Java `parseFrom` all check
//! required fields). JSON parsing checks them too.
//!
//! Example:
//!
//! ```text
//! old:  message Order { optional string id = 1; }
//! new:  message Order { optional string id = 1; required string region = 2; }
//! ```
//!
//! **Safe change**: add the field as `optional` and validate it in
//! application code; never add `required` fields.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB203",
        name: "required-field-added",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "field required in v(N) but not in v(N-1): v(N) refuses v(N-1)'s data",
        advice: "add the field as optional and validate it in application code",
        peers: &[
            "buf:MESSAGE_SAME_REQUIRED_FIELDS",
            "buf:FIELD_WIRE_COMPATIBLE_CARDINALITY",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        ],
        source: include_str!("required_field_added.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some(n) = pair.new else { return };
    if n.presence != Presence::Required || pair.is_extension() {
        return;
    }
    let old_loc = match (pair.old, pair.old_msg) {
        (Some(o), _) if o.presence == Presence::Required => return,
        (Some(o), _) => field_old(ctx, o, o.label_span),
        (None, Some(m)) => msg_old(ctx, m),
        (None, None) => None,
    };
    let what = if pair.old.is_some() {
        "became required: v(N) fails to parse v(N-1)'s data that leaves it unset"
    } else {
        "was added as required: v(N) fails to parse v(N-1)'s data, which lacks it"
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!("field `{}` ({}) {what}", n.full_name, n.number))
            .old(old_loc)
            .new_loc(field_new(ctx, n, None))
            .arg("field", &*n.full_name)
            .build(),
    );
}
