//! Flags a message whose JSON format support went from `ALLOW` to
//! `LEGACY_BEST_EFFORT` (editions `features.json_format`; proto3 files are
//! `ALLOW`, proto2 files `LEGACY_BEST_EFFORT`).
//!
//! **Breaks**: nothing by itself, so it is a warning. Under `ALLOW` the
//! compiler guarantees that the message's JSON field names do not collide;
//! under `LEGACY_BEST_EFFORT` a later change may introduce two fields with
//! the same JSON name, whose JSON then cannot be read back unambiguously.
//!
//! Example:
//!
//! ```text
//! old:  edition = "2023"; message M { ... }
//! new:  edition = "2023"; message M { option features.json_format = LEGACY_BEST_EFFORT; ... }
//! ```
//!
//! **Safe change**: keep `ALLOW` for messages exchanged as JSON.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB307",
        name: "message-json-format-changed",
        format: Format::Protobuf,
        encodings: JSON,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "message JSON format relaxed from ALLOW: JSON name collisions are no longer prevented",
        advice: "keep json_format ALLOW for messages exchanged as JSON",
        peers: &["buf:MESSAGE_SAME_JSON_FORMAT"],
        source: include_str!("message_json_format_changed.rs"),
    },
    check: Check::Message(check),
};

fn check(ctx: &Ctx, pair: &MessagePair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    if !(o.json_format == JsonFormat::Allow && n.json_format == JsonFormat::LegacyBestEffort) {
        return;
    }
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "message `{}` JSON format changed from ALLOW to LEGACY_BEST_EFFORT: JSON name \
                 collisions are no longer prevented",
                n.full_name
            ))
            .old(ctx.old_loc(o.file, o.json_format_span.or(o.span), &o.full_name))
            .new_loc(ctx.new_loc(n.file, n.json_format_span.or(n.span), &n.full_name))
            .arg("message", &*n.full_name)
            .build(),
    );
}
