//! Flags enum symbols that v(N) has and v(N-1) lacks.
//!
//! **Breaks**: forward. Once v(N) writes a new symbol, v(N-1) cannot read
//! it after a rollback: resolution fails, unless v(N-1)'s enum declares a
//! `default` symbol, in which case the value silently becomes that default (a
//! warning). The release is irreversible once v(N) has written the symbol.
//!
//! Example:
//!
//! ```text
//! old:  {"type": "enum", "name": "Status", "symbols": ["PAID", "SHIPPED"]}
//! new:  {"type": "enum", "name": "Status", "symbols": ["PAID", "SHIPPED", "REFUNDED"]}
//! ```
//!
//! **Safe change**: give the enum a `default` symbol in one release; add
//! symbols later, or add a symbol in one release and write it only in the
//! next.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV302",
        name: "enum-symbol-added",
        format: Format::Avro,
        encodings: BINARY,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "enum symbol added: v(N-1) cannot read it after a rollback (or maps it to its default)",
        advice: "give the enum a default first, or declare the symbol in one release and write it in the next",
        peers: &["java:MISSING_ENUM_SYMBOLS"],
        source: include_str!("enum_symbol_added.rs"),
    },
    check: Check::Event(check),
};

fn check(ctx: &Ctx, ev: &Event, out: &mut Vec<Finding>) {
    let EventKind::EnumSymbols {
        missing,
        reader_default,
    } = &ev.kind
    else {
        return;
    };
    if ev.dir != Direction::Forward {
        return;
    }
    let list = missing.join(", ");
    let (severity, what) = match reader_default {
        Some(d) => (
            Severity::Warning,
            format!("v(N-1) reads them as its enum default `{d}`"),
        ),
        None => (
            Severity::Error,
            "v(N-1) fails on v(N)'s records holding them".to_string(),
        ),
    };
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .severity(severity)
            .message(format!(
                "enum `{}` gained symbol(s) {list}: {what}",
                ev.writer.element
            ))
            .arg("symbols", list.as_str())
            .build(),
    );
}
