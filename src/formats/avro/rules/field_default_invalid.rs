//! Flags a field default that is not valid for the field's type, in a
//! reader that needs it (the writer lacks the field). The specification up to
//! Avro 1.11 takes a union's default from its *first* branch: `["null",
//! "string"]` needs `null`, `["string", "null"]` needs a string. Avro 1.12
//! accepts a default that matches any branch, but readers built on earlier
//! releases (Java before 1.12, among others) still take the first branch.
//!
//! **Breaks**: the direction whose reader needs the default, for readers
//! before Avro 1.12: those that validate defaults (Java 1.9 to 1.11) refuse
//! the schema, others fill in a value of the wrong type or fail when
//! resolving. It is a warning, because 1.12 readers accept it. (A default
//! that matches no branch at all is refused when the schema is loaded.)
//!
//! Example:
//!
//! ```text
//! new:  {"name": "note", "type": ["null", "string"], "default": "none"}
//! ```
//!
//! **Safe change**: make the default match the first branch, reordering the
//! union if needed (`["string", "null"]` with `"default": "none"`).

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV203",
        name: "field-default-invalid",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BOTH,
        severity: Severity::Warning,
        summary: "a needed union default matches a later branch, not the first: readers before Avro 1.12 fail",
        advice: "make the default match the field's type; for a union, its first branch",
        peers: &[],
        source: include_str!("field_default_invalid.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::InvalidDefault { reason, .. } = &ev.kind else {
        return;
    };
    let who = match ev.dir {
        Direction::Backward => "v(N)",
        Direction::Forward => "v(N-1)",
    };
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(format!(
                "{who} needs the default of field `{}` for the other version's records, and it \
                 is invalid: {reason}",
                ev.reader.element
            ))
            .arg("field", ev.reader.element.as_str())
            .build(),
    );
}
