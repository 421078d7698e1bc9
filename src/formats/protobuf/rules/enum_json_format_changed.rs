//! Flags an enum whose JSON format support went from `ALLOW` to
//! `LEGACY_BEST_EFFORT` (editions `features.json_format`; proto3 enums are
//! `ALLOW`, proto2 enums `LEGACY_BEST_EFFORT`).
//!
//! **Breaks**: nothing by itself, so it is a warning. Under `ALLOW` the
//! compiler refuses enum value names that collide in JSON; under
//! `LEGACY_BEST_EFFORT` a later change can add such a collision, after which
//! JSON names no longer map back to one number.
//!
//! Example:
//!
//! ```text
//! old:  edition = "2023"; enum Color { ... }
//! new:  edition = "2023"; enum Color { option features.json_format = LEGACY_BEST_EFFORT; ... }
//! ```
//!
//! **Safe change**: keep `ALLOW` for enums exchanged as JSON.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB308",
        name: "enum-json-format-changed",
        format: Format::Protobuf,
        encodings: JSON,
        breaks: NONE,
        severity: Severity::Warning,
        summary: "enum JSON format relaxed from ALLOW: JSON name collisions are no longer prevented",
        advice: "keep json_format ALLOW for enums exchanged as JSON",
        peers: &["buf:ENUM_SAME_JSON_FORMAT"],
        source: include_str!("enum_json_format_changed.rs"),
    },
    check: Check::Enum(check),
};

fn check(ctx: &Ctx, pair: &EnumPair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    if !(o.json_format == JsonFormat::Allow && n.json_format == JsonFormat::LegacyBestEffort) {
        return;
    }
    out.push(
        FindingBuilder::new(&RULE.meta)
            .message(format!(
                "enum `{}` JSON format changed from ALLOW to LEGACY_BEST_EFFORT: JSON name \
                 collisions are no longer prevented",
                n.full_name
            ))
            .old(ctx.old_loc(o.file, o.json_format_span.or(o.span), &o.full_name))
            .new_loc(ctx.new_loc(n.file, n.json_format_span.or(n.span), &n.full_name))
            .arg("enum", &*n.full_name)
            .build(),
    );
}
