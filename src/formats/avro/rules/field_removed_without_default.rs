//! Flags a field that v(N-1) had without a default and v(N) no longer has.
//!
//! **Breaks**: forward. After a rollback, v(N-1) reads v(N)'s records, finds
//! the field missing, and has no default to fill it with: every record fails
//! to decode. The release is irreversible once v(N) has written data.
//!
//! Example:
//!
//! ```text
//! old:  ... {"name": "region", "type": "string"}   // no "default"
//! new:  the field is gone
//! ```
//!
//! **Safe change**: first release a version that gives the field a default
//! (and still writes it); remove the field only once no release without that
//! default can be rolled back to.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV202",
        name: "field-removed-without-default",
        format: Format::Avro,
        encodings: BINARY,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "field without a default removed: v(N-1) cannot read v(N)'s records",
        advice: "give the field a default in one release and remove it in a later one",
        peers: &["java:READER_FIELD_MISSING_DEFAULT_VALUE"],
        source: include_str!("field_removed_without_default.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::FieldNoDefault { field } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Forward {
        return;
    }
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "field `{}`, which has no default in v(N-1), was removed: v(N-1) cannot read \
                 v(N)'s records, which lack it",
                ev.reader.element
            ))
            .advice(format!(
                "first give `{field}` a default in a release that still writes it; remove it later"
            ))
            .arg("field", ev.reader.element.as_str())
            .build(),
    );
}
