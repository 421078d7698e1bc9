//! Flags a file whose `package` changed. wirecompat still pairs the file's
//! messages, enums and services under their new names, so their other
//! changes are reported too.
//!
//! **Breaks**: message bytes do not carry the package, but gRPC routes on
//! `/package.Service/Method`: when the file defines services, every call
//! between the two versions fails with `UNIMPLEMENTED`, both directions.
//! Without services it is a warning for both directions: the bytes match,
//! but `google.protobuf.Any` type URLs (and JSON `@type`), reflection and
//! schema registries name types by full name.
//!
//! Example:
//!
//! ```text
//! old:  package shop.v1;  service Orders { ... }
//! new:  package shop.orders.v1;  service Orders { ... }
//! ```
//!
//! **Safe change**: add the definitions under the new package beside the
//! old ones, serve both service names during the migration, and delete the
//! old package only when no caller or stored `Any` uses it.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB701",
        name: "file-package-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "file's package changed: RPC paths and type URLs change",
        advice: "define the new package beside the old one, serve both service names during the \
                 migration, then delete the old package",
        peers: &["buf:FILE_SAME_PACKAGE"],
        source: include_str!("file_package_changed.rs"),
    },
    check: Check::File(check),
};

fn check(ctx: &Ctx, pair: &FilePair, out: &mut Vec<Finding>) {
    let (o, n) = (pair.old, pair.new);
    if o.package == n.package {
        return;
    }
    let services = ctx
        .old
        .services
        .iter()
        .any(|s| std::ptr::eq(ctx.old.file(s.file), o));
    let (severity, why) = if services {
        (
            Severity::Error,
            "its services' RPC paths change, so calls between the versions fail with UNIMPLEMENTED",
        )
    } else {
        (
            Severity::Warning,
            "message bytes are unchanged, but Any type URLs, JSON @type and reflection name the \
             types differently",
        )
    };
    let pkg = |p: &str| {
        if p.is_empty() {
            "(none)".to_string()
        } else {
            p.to_string()
        }
    };
    let at = |file: &File, schema: &Schema| {
        let s = file.package_span.unwrap_or([1, 1, 1, 1]);
        let _ = schema;
        crate::finding::Location {
            path: file.display.clone(),
            line: s[0],
            column: s[1],
            end_line: s[2],
            end_column: s[3],
            element: file.name.clone(),
            pointer: String::new(),
        }
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .severity(severity)
            .message(format!(
                "file `{}` changed package from {} to {}: {why}",
                n.name,
                pkg(&o.package),
                pkg(&n.package)
            ))
            .old(Some(at(o, ctx.old)))
            .new_loc(Some(at(n, ctx.new)))
            .arg("old_package", o.package.as_str())
            .arg("new_package", n.package.as_str())
            .build(),
    );
}
