//! What the Avro specification refuses and apache-avro lets through: a
//! field `order` other than ascending, descending or ignore; `aliases` that
//! are not an array of names; a field default that matches no branch of
//! its type (a union default matching a later branch is AV203's warning,
//! not an error); a protocol whose `messages` is not an object, whose
//! `request` is not an array, or whose one-way message has a response or
//! errors. Each is an input error at the element (exit 2).

use super::model::{At, NamedKind, Schema, Source};
use super::resolve::fits_some_branch;
use crate::error::Error;
use crate::json::{self, LineIndex};

fn err(schema: &Schema, at: &At, message: String) -> Error {
    let [l, c, _, _] = schema.position(at);
    Error::input(schema.files[at.file].display.clone(), l, c, message)
}

fn err_node(schema: &Schema, file: usize, node: &json::Node, message: String) -> Error {
    let f = &schema.files[file];
    let (l, c) = LineIndex::new(&f.text).line_col(node.start);
    Error::input(f.display.clone(), l, c, message)
}

fn is_names(n: &json::Node) -> bool {
    match &n.value {
        json::Value::Array(items) => items
            .iter()
            .all(|i| matches!(i.value, json::Value::String(_))),
        _ => false,
    }
}

/// Checks a loaded version; the first problem is an error.
pub fn check(schema: &Schema) -> Result<(), Error> {
    let json_file = |at: &At| schema.files[at.file].source == Source::Json;
    let mut named: Vec<_> = schema.named.values().collect();
    named.sort_by_cached_key(|n| (n.at.file, n.at.pointer.to_string()));
    for n in named {
        if !json_file(&n.at) {
            continue;
        }
        let file = &schema.files[n.at.file];
        if let Some(node) = file.json.pointer(&n.at.pointer.to_string())
            && let Some(a) = node.get("aliases")
            && !is_names(a)
        {
            return Err(err(
                schema,
                &n.at.child("aliases", None),
                format!("`aliases` of `{}` must be an array of names", n.full_name),
            ));
        }
        let NamedKind::Record { fields, .. } = &n.kind else {
            continue;
        };
        for f in fields {
            let Some(node) = file.json.pointer(&f.at.pointer.to_string()) else {
                continue;
            };
            if let Some(o) = node.get("order")
                && !matches!(
                    o.as_str(),
                    Some("ascending") | Some("descending") | Some("ignore")
                )
            {
                return Err(err(
                    schema,
                    &f.at.child("order", None),
                    format!(
                        "field `{}`: `order` must be \"ascending\", \"descending\" or \"ignore\"",
                        f.name
                    ),
                ));
            }
            if let Some(a) = node.get("aliases")
                && !is_names(a)
            {
                return Err(err(
                    schema,
                    &f.at.child("aliases", None),
                    format!("field `{}`: `aliases` must be an array of names", f.name),
                ));
            }
            if let Some(d) = &f.default {
                // Any branch, at any depth: a later one is AV203's warning.
                let ok = fits_some_branch(d, &f.ty, schema);
                if !ok {
                    return Err(err(
                        schema,
                        &f.at.child("default", None),
                        format!(
                            "field `{}`: default {} does not match its type",
                            f.name,
                            crate::witness::cut(&d.to_string(), 80)
                        ),
                    ));
                }
            }
        }
    }
    for (fi, f) in schema.files.iter().enumerate() {
        if f.source != Source::Json || f.json.get("protocol").is_none() {
            continue;
        }
        let Some(msgs) = f.json.get("messages") else {
            continue;
        };
        let json::Value::Object(members) = &msgs.value else {
            return Err(err_node(
                schema,
                fi,
                msgs,
                "`messages` of a protocol must be an object of messages".into(),
            ));
        };
        for m in members {
            let name = &m.key;
            if !matches!(m.value.value, json::Value::Object(_)) {
                return Err(err_node(
                    schema,
                    fi,
                    &m.value,
                    format!("message `{name}` must be an object"),
                ));
            }
            match m.value.get("request") {
                Some(r) if r.as_array().is_none() => {
                    return Err(err_node(
                        schema,
                        fi,
                        r,
                        format!("message `{name}`: `request` must be an array of parameters"),
                    ));
                }
                None => {
                    return Err(err_node(
                        schema,
                        fi,
                        &m.value,
                        format!("message `{name}` has no `request`"),
                    ));
                }
                _ => {}
            }
            if matches!(
                m.value.get("one-way").map(|o| &o.value),
                Some(json::Value::Bool(true))
            ) {
                let response_null = m
                    .value
                    .get("response")
                    .is_none_or(|r| r.as_str() == Some("null"));
                if !response_null || m.value.get("errors").is_some() {
                    return Err(err_node(
                        schema,
                        fi,
                        m.value.get("one-way").unwrap_or(&m.value),
                        format!("one-way message `{name}` must have a null response and no errors"),
                    ));
                }
            }
        }
    }
    Ok(())
}
