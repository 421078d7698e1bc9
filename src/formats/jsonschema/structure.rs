//! What makes a loaded JSON Schema unusable although it parses and its
//! references resolve, refused at the element (exit 2):
//!
//! * a `pattern` or `patternProperties` name that is not a regular
//!   expression the validator (the `jsonschema` crate) compiles;
//! * a reference cycle that never consumes the instance: `$ref` (or
//!   `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`,
//!   `dependentSchemas`) leading back to itself without passing through
//!   `properties`, `items` or another keyword that moves into the instance.
//!   Validating against it would recurse forever.

use std::collections::HashMap;

use serde_json::Value;

use super::load::{Draft, SRef, Version};
use crate::error::Error;

fn err_at(v: &Version, at: &SRef, msg: String) -> Error {
    let [l, c, _, _] = v.position(at);
    Error::input(v.docs[at.file].display.clone(), l, c, msg)
}

fn draft(d: Draft) -> jsonschema::Draft {
    match d {
        Draft::D4 => jsonschema::Draft::Draft4,
        Draft::D6 => jsonschema::Draft::Draft6,
        Draft::D7 => jsonschema::Draft::Draft7,
        Draft::D2019 => jsonschema::Draft::Draft201909,
        Draft::D2020 => jsonschema::Draft::Draft202012,
    }
}

/// Whether the validator compiles `pattern`.
fn regex_ok(pattern: &str, d: Draft) -> Result<(), String> {
    let schema = serde_json::json!({ "pattern": pattern });
    crate::guard::catch(|| {
        jsonschema::options()
            .with_draft(draft(d))
            .build(&schema)
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .unwrap_or_else(Err)
}

/// Every subschema location of every document.
fn all_schemas(v: &Version) -> Vec<SRef> {
    let mut out = Vec::new();
    for (file, doc) in v.docs.iter().enumerate() {
        let mut stack = vec![SRef {
            file,
            ptr: String::new(),
        }];
        while let Some(at) = stack.pop() {
            let Some(node) = v.value(&at) else {
                continue;
            };
            for toks in super::load::subschemas(node, doc.draft) {
                let t: Vec<&str> = toks.iter().map(String::as_str).collect();
                stack.push(at.child(&t));
            }
            out.push(at);
        }
    }
    out
}

/// Keywords that apply a subschema to the same instance.
const SAME_INSTANCE: &[&str] = &["allOf", "anyOf", "oneOf"];
const SAME_INSTANCE_ONE: &[&str] = &["not", "if", "then", "else"];

pub fn check(v: &Version) -> Result<(), Error> {
    let schemas = all_schemas(v);
    for at in &schemas {
        let Some(Value::Object(obj)) = v.value(at) else {
            continue;
        };
        let d = v.docs[at.file].draft;
        if let Some(Value::String(p)) = obj.get("pattern")
            && let Err(e) = regex_ok(p, d)
        {
            return Err(err_at(
                v,
                &at.child(&["pattern"]),
                format!("`pattern` {p:?} is not a regular expression the validator accepts: {e}"),
            ));
        }
        if let Some(Value::Object(pp)) = obj.get("patternProperties") {
            for name in pp.keys() {
                if let Err(e) = regex_ok(name, d) {
                    return Err(err_at(
                        v,
                        &at.child(&["patternProperties", name]),
                        format!(
                            "`patternProperties` name {name:?} is not a regular expression the \
                             validator accepts: {e}"
                        ),
                    ));
                }
            }
        }
    }
    // Same-instance edges, then a search for a cycle among them.
    let mut edges: HashMap<SRef, Vec<(SRef, SRef)>> = HashMap::new();
    for at in &schemas {
        let Some(Value::Object(obj)) = v.value(at) else {
            continue;
        };
        let mut next = Vec::new();
        if let Some(t) = v.refs.get(at) {
            next.push((at.child(&["$ref"]), t.clone()));
        }
        for k in SAME_INSTANCE {
            if let Some(Value::Array(a)) = obj.get(*k) {
                for i in 0..a.len() {
                    let c = at.child(&[k, &i.to_string()]);
                    next.push((c.clone(), c));
                }
            }
        }
        for k in SAME_INSTANCE_ONE {
            if obj.contains_key(*k) {
                let c = at.child(&[k]);
                next.push((c.clone(), c));
            }
        }
        if let Some(Value::Object(m)) = obj.get("dependentSchemas") {
            for name in m.keys() {
                let c = at.child(&["dependentSchemas", name]);
                next.push((c.clone(), c));
            }
        }
        if !next.is_empty() {
            edges.insert(at.clone(), next);
        }
    }
    // Iterative depth-first search: 1 on the path, 2 done.
    let mut state: HashMap<SRef, u8> = HashMap::new();
    let mut starts: Vec<&SRef> = edges.keys().collect();
    starts.sort_by(|a, b| (a.file, &a.ptr).cmp(&(b.file, &b.ptr)));
    for start in starts {
        if state.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(SRef, usize)> = vec![(start.clone(), 0)];
        state.insert(start.clone(), 1);
        while let Some((node, i)) = stack.last().cloned() {
            let out = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if i >= out.len() {
                state.insert(node, 2);
                stack.pop();
                continue;
            }
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let (via, to) = &out[i];
            match state.get(to) {
                Some(1) => {
                    let [l, c, _, _] = v.position(to);
                    return Err(err_at(
                        v,
                        via,
                        format!(
                            "reference cycle back to {}:{l}:{c} that never moves into the \
                             instance: validating against it would never end",
                            v.docs[to.file].display
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    state.insert(to.clone(), 1);
                    stack.push((to.clone(), 0));
                }
            }
        }
    }
    Ok(())
}
