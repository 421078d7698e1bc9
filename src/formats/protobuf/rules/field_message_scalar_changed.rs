//! Flags a field changed between a message type and `bytes` or `string`.
//! All three are length-delimited on the wire, so the bytes reach the reader.
//!
//! **Breaks**: a `bytes` reader keeps a message's encoding intact, so
//! message to `bytes` keeps backward and breaks forward (v(N-1)'s message
//! reader fails on v(N)'s arbitrary bytes); `bytes` to message breaks
//! backward. Between a message and `string` both directions break (a message
//! encoding is rarely UTF-8; text rarely parses as the message). In ProtoJSON
//! a message is an object and `bytes` is base64, so the JSON profile breaks
//! both directions always.
//!
//! Example:
//!
//! ```text
//! old:  Address address = 5;
//! new:  bytes address = 5;   // v(N-1) fails to parse v(N)'s opaque bytes
//! ```
//!
//! **Safe change**: add the new field under a new number and dual-write
//! while v(N-1) is in the rollback window.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB105",
        name: "field-message-scalar-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field changed between a message and bytes or string: the message reader refuses other bytes",
        advice: "add the new field under a new number and dual-write while v(N-1) is in the rollback window",
        peers: &[
            "buf:FIELD_WIRE_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        ],
        source: include_str!("field_message_scalar_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    for c in super::type_changes(ctx, pair, Change::MessageScalar) {
        let to_bytes = matches!(c.b.kind, Kind::Scalar(Scalar::Bytes));
        let from_bytes = matches!(c.a.kind, Kind::Scalar(Scalar::Bytes));
        let (mut breaks, mut why) = if to_bytes {
            (
                FORWARD,
                "v(N-1)'s message reader fails on v(N)'s arbitrary bytes".to_string(),
            )
        } else if from_bytes {
            (
                BACKWARD,
                "v(N)'s message reader fails on v(N-1)'s arbitrary bytes".to_string(),
            )
        } else {
            (
                BOTH,
                "text rarely parses as the message and a message's encoding is rarely valid UTF-8"
                    .to_string(),
            )
        };
        if ctx.profile.json() && breaks.len() < 2 {
            breaks = BOTH;
            why.push_str("; in JSON a message is an object and bytes a base64 string");
        }
        out.push(
            c.finding(ctx, &RULE.meta, &c.a.describe(), &c.b.describe(), &why)
                .breaks(breaks)
                .build(),
        );
    }
}
