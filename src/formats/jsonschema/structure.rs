//! What makes a loaded JSON Schema unusable although it parses and its
//! references resolve, refused at the element (exit 2):
//!
//! * a `pattern` or `patternProperties` name that is not a regular
//!   expression the validator (the `jsonschema` crate) compiles;
//!
//! A reference cycle that never moves into the instance (`{"$ref": "#"}`,
//! or `allOf` holding a reference to itself) is not refused: the
//! specification leaves its meaning undefined, the validator takes it as
//! the schemas around the cycle say (a pure cycle accepts everything), and
//! the peers (jsoncompat) decide such schemas; wirecompat's own walk stops
//! at a schema it is already comparing.

use serde_json::Value;

use super::load::{Draft, SRef, Version};
use super::validate::draft;
use crate::error::Error;

fn err_at(v: &Version, at: &SRef, msg: String) -> Error {
    let [l, c, _, _] = v.position(at);
    Error::input(v.docs[at.file].display.clone(), l, c, msg)
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
    Ok(())
}
