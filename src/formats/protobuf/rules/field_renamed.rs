//! Flags a field that kept its number but changed its name.
//!
//! **Breaks**: nothing in binary, which carries numbers only. ProtoJSON
//! carries names: writers use the JSON name (`json_name`, or the lowerCamel
//! form of the field name) and readers accept that or the proto name. When
//! the JSON name changes with the rename, each version's readers find an
//! unknown key in the other's JSON and drop the value (or refuse the
//! document): both directions break. When an explicit `json_name` keeps the
//! JSON name, default writers still match and only writers that emit proto
//! names (`UseProtoNames`, `preserving_proto_field_name`) break: a warning.
//! For extensions the JSON key is the full name `[pkg.ext]`.
//!
//! Example:
//!
//! ```text
//! old:  string user_name = 1;
//! new:  string login = 1;   // v(N) drops v(N-1)'s "userName"
//! ```
//!
//! **Safe change**: keep the name; if the code must change, set
//! `json_name` to the old JSON name, or add a new field and dual-write.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB301",
        name: "field-renamed",
        format: Format::Protobuf,
        encodings: JSON,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "field renamed (same number): JSON readers drop the value under the other name",
        advice: "keep the field name, or pin the old JSON name with json_name, or add a new field and \
                 dual-write",
        peers: &["buf:FIELD_SAME_NAME", "buf:FIELD_SAME_JSON_NAME"],
        source: include_str!("field_renamed.rs"),
    },
    check: Check::Field(check),
};

fn check(ctx: &Ctx, pair: &FieldPair, out: &mut Vec<Finding>) {
    let Some((o, n)) = pair.both() else { return };
    let ext = pair.is_extension();
    let (on, nn): (String, String) = if ext {
        (
            ctx.renamed(&o.full_name).into_owned(),
            n.full_name.to_string(),
        )
    } else {
        (o.name.to_string(), n.name.to_string())
    };
    if on == nn || compat::reuse(ctx, pair).is_some() {
        return;
    }
    let json_same = !ext && o.json_name == n.json_name;
    let (breaks, severity, why) = if json_same {
        (
            BOTH,
            Severity::Warning,
            format!(
                "the JSON name `{}` is kept, so default JSON writers still match, but writers that \
                 emit proto names break in both directions",
                n.json_name
            ),
        )
    } else {
        (
            BOTH,
            Severity::Error,
            if ext {
                "JSON keys of extensions are their full names, so each version drops the other's \
                 value"
                    .to_string()
            } else {
                format!(
                    "JSON key `{}` became `{}`, so each version's JSON readers drop the other's value",
                    o.json_name, n.json_name
                )
            },
        )
    };
    out.push(
        FindingBuilder::new(&RULE.meta)
            .breaks(breaks)
            .severity(severity)
            .message(format!(
                "field {} was renamed `{on}` to `{nn}`: {why}",
                n.number
            ))
            .old(field_old(ctx, o, o.name_span))
            .new_loc(field_new(ctx, n, n.name_span))
            .arg("field", &*n.full_name)
            .arg("old_name", on.as_str())
            .arg("new_name", nn.as_str())
            .build(),
    );
}
