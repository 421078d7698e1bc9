//! Flags a type widened along one of the specification's promotions: `int`
//! to `long`, `float` or `double`; `long` to `float` or `double`; `float` to
//! `double`; `string` to `bytes`.
//!
//! **Breaks**: forward. v(N) reads v(N-1)'s narrower values through the
//! promotion, but promotions run one way: v(N-1) cannot read the wider values
//! v(N) writes, so after a rollback it fails on them. The release is
//! irreversible once v(N) has written data. The specification promotes bytes
//! to string too, but only bytes that are UTF-8 text become a string: v(N-1)
//! fails on (or garbles, as Java's U+FFFD replacement does) any other bytes
//! v(N) writes.
//!
//! Example:
//!
//! ```text
//! old:  {"name": "count", "type": "int"}
//! new:  {"name": "count", "type": "long"}
//! ```
//!
//! **Safe change**: expand, then contract: ship a release whose readers
//! accept the wider type while writers still write the narrow one (for
//! example a union `["int", "long"]` written as `int`), and write the wider
//! type only once no release that lacks it can be rolled back to.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV102",
        name: "type-widened",
        format: Format::Avro,
        encodings: BINARY,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "type widened by a promotion: v(N) reads v(N-1), v(N-1) cannot read v(N)",
        advice: "let readers accept the wider type first and write it only once no release without it \
                 can be rolled back to",
        peers: &["java:TYPE_MISMATCH"],
        source: include_str!("type_widened.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::OneWay { writer, reader } = &ev.kind else {
        return;
    };
    if ev.dir != Direction::Forward {
        return;
    }
    let message = if writer == "bytes" && reader == "string" {
        "type widened from string to bytes: v(N) reads v(N-1)'s strings as bytes, but v(N-1) \
         reads v(N)'s bytes as text and fails on bytes that are not UTF-8"
            .to_string()
    } else {
        format!(
            "type widened from {reader} to {writer}: v(N) reads v(N-1)'s values by promotion, \
             but v(N-1) cannot read the {writer} values v(N) writes"
        )
    };
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .message(message)
            .arg("old_type", reader.as_str())
            .arg("new_type", writer.as_str())
            .build(),
    );
}
