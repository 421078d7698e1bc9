//! Flags a `string` field whose UTF-8 validation changed: proto2 (never
//! checked) to proto3 or editions `VERIFY` (checked), or the editions
//! feature `utf8_validation` switched between `NONE` and `VERIFY`.
//!
//! **Breaks**: the direction whose reader starts checking. A checking
//! reader fails the whole parse when a string is not UTF-8, and an unchecked
//! writer may have written such strings. This is a warning: it breaks only
//! if writers really produce invalid UTF-8.
//!
//! Example:
//!
//! ```text
//! old:  syntax = "proto2"; optional string note = 1;
//! new:  edition = "2023";  string note = 1;   // v(N) verifies UTF-8
//! ```
//!
//! **Safe change**: make sure every writer produces valid UTF-8 before the
//! reader starts checking, or use `bytes` for data that is not text.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB108",
        name: "field-utf8-validation-changed",
        format: Format::Protobuf,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Warning,
        summary: "string field's UTF-8 validation changed: a checking reader fails on invalid text",
        advice: "ensure all writers produce valid UTF-8 before readers start checking, or carry \
                 non-text data in bytes",
        peers: &[],
        source: include_str!("field_utf8_validation_changed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some((o, n)) = pair.both() else { return };
    // A number that now holds another field is the reuse rule's business.
    if compat::reuse(ctx, pair).is_some() {
        return;
    }
    for (a, b) in compat::slot_pairs(ctx, o, n) {
        let both_strings = matches!(a.kind, Kind::Scalar(Scalar::String))
            && matches!(b.kind, Kind::Scalar(Scalar::String));
        if !both_strings || a.utf8_verify == b.utf8_verify {
            continue;
        }
        let (dir, who) = if b.utf8_verify {
            (
                Direction::Backward,
                "v(N) now rejects v(N-1)'s strings that are not UTF-8",
            )
        } else {
            (
                Direction::Forward,
                "v(N-1) rejects v(N)'s strings that are not UTF-8",
            )
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .breaks(&[dir])
                .message(format!(
                    "{} `{}` ({}): UTF-8 validation {}: {who}",
                    compat::slot_words(a.part),
                    n.full_name,
                    n.number,
                    if b.utf8_verify {
                        "turned on"
                    } else {
                        "turned off"
                    },
                ))
                .old(field_old(ctx, o, None))
                .new_loc(field_new(ctx, n, None))
                .arg("field", &*n.full_name)
                .arg("part", a.part)
                .arg("new_verify", b.utf8_verify.to_string())
                .build(),
        );
    }
}
