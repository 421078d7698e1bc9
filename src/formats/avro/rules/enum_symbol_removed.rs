//! Flags enum symbols that v(N-1) has and v(N) lacks.
//!
//! **Breaks**: backward. When v(N) reads a v(N-1) record holding such a
//! symbol, resolution fails, unless v(N)'s enum declares a `default` symbol,
//! in which case the value silently becomes that default (a warning: data is
//! read, but its meaning is lost).
//!
//! Example:
//!
//! ```text
//! old:  {"type": "enum", "name": "Tier", "symbols": ["GOLD", "SILVER", "LEGACY"]}
//! new:  {"type": "enum", "name": "Tier", "symbols": ["GOLD", "SILVER"]}
//! ```
//!
//! **Safe change**: stop writing the symbol first, give the enum a
//! `default`, and remove the symbol once no stored data holds it.

use super::prelude::*;

pub static RULE: AvRule = AvRule {
    meta: RuleMeta {
        code: "AV301",
        name: "enum-symbol-removed",
        format: Format::Avro,
        encodings: BINARY,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "enum symbol removed: v(N) cannot read v(N-1)'s value (or maps it to the enum default)",
        advice: "stop writing the symbol, give the enum a default, and remove the symbol once no stored data holds it",
        peers: &["java:MISSING_ENUM_SYMBOLS"],
        source: include_str!("enum_symbol_removed.rs"),
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
    if ev.dir != Direction::Backward {
        return;
    }
    let list = missing.join(", ");
    let (severity, what) = match reader_default {
        Some(d) => (
            Severity::Warning,
            format!("v(N) reads v(N-1)'s {list} as the enum default `{d}`"),
        ),
        None => (
            Severity::Error,
            format!("v(N) fails on v(N-1)'s records holding {list}"),
        ),
    };
    out.push(
        event_finding(&RULE.meta, ctx, ev)
            .severity(severity)
            .message(format!(
                "enum `{}` lost symbol(s) {list}: {what}",
                ev.reader.element
            ))
            .arg("symbols", list.as_str())
            .build(),
    );
}
