//! Flags a field changed from `string` to `bytes` or from `bytes` to
//! `string`.
//!
//! **Breaks**: in binary, one direction each. The reader of `bytes` accepts
//! anything, but a reader of `string` must get UTF-8: proto3 and editions
//! (`utf8_validation = VERIFY`) readers fail the whole parse on invalid UTF-8,
//! and unchecked readers (proto2, `utf8_validation = NONE`) in Java replace
//! the bad bytes. So `string` to `bytes` breaks forward (v(N-1)'s `string`
//! reader gets v(N)'s arbitrary bytes) and `bytes` to `string` breaks
//! backward. In ProtoJSON `bytes` is base64 and `string` is text, so with the
//! JSON profile both directions break.
//!
//! Example:
//!
//! ```text
//! old:  string payload = 2;
//! new:  bytes payload = 2;   // v(N-1) fails on v(N)'s non-UTF-8 payloads
//! ```
//!
//! **Safe change**: add a `bytes` (or `string`) field under a new number,
//! dual-write while v(N-1) is in the rollback window, then retire the old one.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB104",
        name: "field-string-bytes-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "string and bytes swapped: the string reader refuses non-UTF-8 bytes; JSON differs both ways",
        advice: "add the new-typed field under a new number and dual-write it while v(N-1) is in the \
                 rollback window, then retire the old field",
        peers: &[
            "buf:FIELD_WIRE_JSON_COMPATIBLE_TYPE",
            "buf:FIELD_WIRE_COMPATIBLE_TYPE",
        ],
        source: include_str!("field_string_bytes_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    for c in super::type_changes(ctx, pair, Change::StringBytes) {
        let to_bytes = matches!(c.b.kind, Kind::Scalar(Scalar::Bytes));
        let (dirs, reader, check) = if to_bytes {
            (FORWARD, "v(N-1)", c.a.utf8_verify)
        } else {
            (BACKWARD, "v(N)", c.b.utf8_verify)
        };
        let mut why = format!(
            "{reader}'s string reader gets bytes that need not be UTF-8{}",
            if check {
                ", and it fails the whole parse on them"
            } else {
                "; it does not check them (proto2 or `utf8_validation = NONE`), but Java \
                 replaces the bad bytes"
            }
        );
        let breaks = if ctx.profile.json() {
            why.push_str(
                "; in JSON bytes are base64 and strings are text, so both directions break",
            );
            BOTH
        } else {
            dirs
        };
        out.push(
            c.finding(ctx, &RULE.meta, &c.a.describe(), &c.b.describe(), &why)
                .breaks(breaks)
                .build(),
        );
    }
}
