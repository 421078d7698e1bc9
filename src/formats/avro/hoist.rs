//! Records nested in a named schema, given to apache-avro as definitions of
//! their own (the nesting record names them instead). apache-avro's parser
//! keeps a copy of every record it parses, with the records nested in it
//! inside: fifteen records nested one in the next, 6,600 fields each, made
//! 310 MB of copies while parsing 6.6 MB of schema. Defined one by one, each
//! copy holds its own fields only.
//!
//! Only a record whose references all resolve without its enclosing
//! definitions is taken out: to names defined inside it, to the records
//! taken out before it, and to other top-level definitions. A record that
//! refers to one enclosing it, or to a name defined beside it (even inside a
//! record taken out), stays where it is: apache-avro parses a list's
//! definitions in no set order, and fetches a definition it has not parsed
//! yet only by a top-level name. The meaning is the same: a named type's
//! contents resolve their names in its own namespace, which its full name
//! carries.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

/// A definition as apache-avro is given it: its file, its pointer there,
/// and its JSON.
pub type Definition = (usize, String, Value);

const PRIMITIVES: &[&str] = &[
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// Takes the nested records of `named` out as definitions of their own,
/// each placed before the definition it came from.
pub fn hoist(named: Vec<Definition>) -> Vec<Definition> {
    // Names defined more than once are left to apache-avro's own error.
    let mut count: HashMap<String, usize> = HashMap::new();
    for (_, _, v) in &named {
        count_names(v, "", &mut count, 0);
    }
    let tops: HashSet<String> = named
        .iter()
        .filter_map(|(_, _, v)| v.as_object().and_then(|o| full_name(o, "")))
        .collect();
    let mut walk = Walk {
        count,
        tops,
        hoisted: HashSet::new(),
        out: Vec::new(),
        top: String::new(),
    };
    let mut done = Vec::with_capacity(named.len());
    for (fi, ptr, mut v) in named {
        walk.top = v
            .as_object()
            .and_then(|o| full_name(o, ""))
            .unwrap_or_default();
        walk.node(&mut v, "", true, 0);
        done.extend(walk.out.drain(..).map(|x| (fi, ptr.clone(), x)));
        done.push((fi, ptr, v));
    }
    done
}

/// A name valid in Avro: letters, digits and `_`, not starting with a digit.
fn valid(name: &str) -> bool {
    let mut c = name.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// The full name a named type's object defines, in namespace `ns`.
fn full_name(o: &Map<String, Value>, ns: &str) -> Option<String> {
    let name = o.get("name")?.as_str()?;
    if name.contains('.') {
        return Some(name.to_string());
    }
    let space = match o.get("namespace") {
        Some(Value::String(s)) => s.as_str(),
        Some(Value::Null) | None => ns,
        Some(_) => return None,
    };
    Some(if space.is_empty() {
        name.to_string()
    } else {
        format!("{space}.{name}")
    })
}

fn is_named(o: &Map<String, Value>) -> bool {
    matches!(
        o.get("type").and_then(Value::as_str),
        Some("record" | "error" | "enum" | "fixed")
    )
}

/// The namespace of a full name.
fn space(full: &str) -> &str {
    full.rsplit_once('.').map(|(s, _)| s).unwrap_or("")
}

fn count_names(v: &Value, ns: &str, out: &mut HashMap<String, usize>, d: usize) {
    if d > crate::limits::HIGHEST_MAX_DEPTH * 4 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| count_names(x, ns, out, d + 1)),
        Value::Object(o) => {
            let mut inner = ns.to_string();
            if is_named(o)
                && let Some(full) = full_name(o, ns)
            {
                inner = space(&full).to_string();
                // An alias is a name too: apache-avro files the record
                // under it as well, over a definition of that name.
                for a in o
                    .get("aliases")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(a) = a.as_str() {
                        let full = if a.contains('.') || inner.is_empty() {
                            a.to_string()
                        } else {
                            format!("{inner}.{a}")
                        };
                        *out.entry(full).or_default() += 1;
                    }
                }
                *out.entry(full).or_default() += 1;
            }
            for (k, x) in o {
                if matches!(k.as_str(), "type" | "items" | "values" | "fields") {
                    count_names(x, &inner, out, d + 1);
                }
            }
        }
        _ => {}
    }
}

struct Walk {
    count: HashMap<String, usize>,
    tops: HashSet<String>,
    hoisted: HashSet<String>,
    /// Records taken out of the current top-level definition, innermost
    /// first.
    out: Vec<Value>,
    /// The current top-level definition's full name.
    top: String,
}

/// What a subtree defines and what it refers to, by full name.
#[derive(Default)]
struct Names {
    defined: HashSet<String>,
    referred: HashSet<String>,
}

impl Names {
    fn add(&mut self, other: Names) {
        self.defined.extend(other.defined);
        self.referred.extend(other.referred);
    }
}

impl Walk {
    /// Walks a schema in namespace `ns`; `top` for the top-level
    /// definition itself (never taken out).
    fn node(&mut self, v: &mut Value, ns: &str, top: bool, d: usize) -> Names {
        let mut names = Names::default();
        if d > crate::limits::HIGHEST_MAX_DEPTH * 4 {
            // Deeper than any accepted file: nothing is taken out.
            names.referred.insert(String::new());
            return names;
        }
        match v {
            Value::String(s) if !PRIMITIVES.contains(&s.as_str()) => {
                let full = if s.contains('.') || ns.is_empty() {
                    s.clone()
                } else {
                    format!("{ns}.{s}")
                };
                names.referred.insert(full);
            }
            Value::Array(a) => {
                for x in a {
                    names.add(self.node(x, ns, false, d + 1));
                }
            }
            Value::Object(o) => {
                let full = if is_named(o) { full_name(o, ns) } else { None };
                let inner = full.as_deref().map(space).unwrap_or(ns).to_string();
                if let Some(f) = &full {
                    names.defined.insert(f.clone());
                }
                match o.get("type").and_then(Value::as_str) {
                    Some("record" | "error") => {
                        if let Some(Value::Array(fields)) = o.get_mut("fields") {
                            for f in fields.iter_mut().filter_map(Value::as_object_mut) {
                                if let Some(t) = f.get_mut("type") {
                                    names.add(self.node(t, &inner, false, d + 1));
                                }
                            }
                        }
                    }
                    Some("array") => {
                        if let Some(t) = o.get_mut("items") {
                            names.add(self.node(t, &inner, false, d + 1));
                        }
                    }
                    Some("map") => {
                        if let Some(t) = o.get_mut("values") {
                            names.add(self.node(t, &inner, false, d + 1));
                        }
                    }
                    Some("enum" | "fixed") => {}
                    // `{"type": "string", "logicalType": ...}` or
                    // `{"type": {...}}`: the type inside.
                    _ => {
                        if let Some(t) = o.get_mut("type") {
                            names.add(self.node(t, ns, false, d + 1));
                        }
                    }
                }
                if !top && let Some(full) = full {
                    self.take_out(v, full, ns, &mut names);
                }
            }
            _ => {}
        }
        names
    }

    /// Takes the record at `v` out if it can be (see the module's words),
    /// leaving its full name in its place.
    fn take_out(&mut self, v: &mut Value, full: String, ns: &str, names: &mut Names) {
        let Value::Object(o) = v else { return };
        // A record with aliases is filed under each: left where it is.
        let record =
            o.get("type").and_then(Value::as_str) == Some("record") && !o.contains_key("aliases");
        // A name without a namespace cannot be written from inside one.
        let reachable = full.contains('.') || ns.is_empty();
        let sound = full.split('.').all(valid) && self.count.get(&full) == Some(&1);
        let resolved = names.referred.iter().all(|r| {
            names.defined.contains(r)
                || self.hoisted.contains(r)
                || (self.tops.contains(r) && *r != self.top)
        });
        if !(record && reachable && sound && resolved) {
            return;
        }
        o.insert("name".into(), Value::String(full.clone()));
        o.remove("namespace");
        let taken = std::mem::replace(v, Value::String(full.clone()));
        self.out.push(taken);
        // Its parent now refers to it by name. The names defined inside it
        // stay counted as its parent's: parsing the parent fetches it where
        // it stood, so they are defined where they were. Elsewhere only its
        // own name can be fetched (apache-avro parses a list in any order).
        names.referred.insert(full.clone());
        self.hoisted.insert(full);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(texts: &[String]) -> Vec<apache_avro::Schema> {
        apache_avro::Schema::parse_list(texts).expect("apache-avro parses")
    }

    #[test]
    fn nested_records_become_definitions_before_their_parent() {
        let v = serde_json::json!({"type": "record", "name": "A", "namespace": "n", "fields": [
            {"name": "b", "type": {"type": "record", "name": "B", "fields": [
                {"name": "c", "type": {"type": "record", "name": "C", "namespace": "m",
                    "fields": [{"name": "x", "type": "long"}]}},
                {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X"]}}]}},
            {"name": "again", "type": "B"}]});
        let out = hoist(vec![(0, String::new(), v)]);
        let names: Vec<&str> = out
            .iter()
            .map(|(_, _, v)| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["m.C", "n.B", "A"]);
        assert_eq!(out[2].2["fields"][0]["type"], "n.B");
        assert_eq!(out[1].2["fields"][0]["type"], "m.C");
        // The enum stays in B; the parse gives the same names.
        assert_eq!(out[1].2["fields"][1]["type"]["name"], "E");
        let texts: Vec<String> = out.iter().map(|(_, _, v)| v.to_string()).collect();
        let parsed = parse(&texts);
        let a = parsed
            .iter()
            .find(|s| s.name().unwrap().fullname(None) == "n.A")
            .unwrap();
        let apache_avro::Schema::Record(r) = a else {
            panic!("a record")
        };
        let apache_avro::Schema::Ref { name } = &r.fields[1].schema else {
            panic!("a reference: {:?}", r.fields[1].schema)
        };
        assert_eq!(name.fullname(None), "n.B");
    }

    #[test]
    fn records_referring_to_what_encloses_them_stay() {
        let v = serde_json::json!({"type": "record", "name": "Tree", "fields": [
            {"name": "kids", "type": {"type": "array", "items": {"type": "record",
                "name": "Kid", "fields": [{"name": "t", "type": ["null", "Tree"]}]}}},
            {"name": "s", "type": {"type": "record", "name": "S", "fields": [
                {"name": "k", "type": "Kid"}]}}]});
        let out = hoist(vec![(0, String::new(), v.clone())]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].2, v);
    }

    #[test]
    fn a_record_using_a_name_defined_inside_another_taken_out_stays() {
        let v = serde_json::json!({"type": "record", "name": "A", "namespace": "n", "fields": [
            {"name": "b", "type": {"type": "record", "name": "B", "fields": [
                {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X"]}}]}},
            {"name": "c", "type": {"type": "record", "name": "C", "fields": [
                {"name": "e", "type": "E"}]}}]});
        let out = hoist(vec![(0, String::new(), v)]);
        let names: Vec<&str> = out
            .iter()
            .map(|(_, _, v)| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["n.B", "A"]);
        assert_eq!(out[1].2["fields"][1]["type"]["name"], "C");
        // Parsed in any order (apache-avro's list is a hash map): 20 times.
        let texts: Vec<String> = out.iter().map(|(_, _, v)| v.to_string()).collect();
        for _ in 0..20 {
            parse(&texts);
        }
    }

    #[test]
    fn records_with_aliases_and_the_names_they_alias_stay() {
        let v = serde_json::json!({"type": "record", "name": "A", "namespace": "n", "fields": [
            {"name": "b", "type": {"type": "record", "name": "B", "fields": []}},
            {"name": "c", "type": {"type": "record", "name": "C", "aliases": ["B2"],
                "fields": []}},
            {"name": "d", "type": {"type": "record", "name": "D", "fields": []}},
            {"name": "e", "type": {"type": "record", "name": "E", "aliases": ["D"],
                "fields": []}}]});
        let out = hoist(vec![(0, String::new(), v.clone())]);
        let names: Vec<&str> = out
            .iter()
            .map(|(_, _, v)| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["n.B", "A"]);
    }

    #[test]
    fn a_name_without_namespace_inside_one_stays() {
        let v = serde_json::json!({"type": "record", "name": "A", "namespace": "n", "fields": [
            {"name": "b", "type": {"type": "record", "name": "B", "namespace": "",
                "fields": []}}]});
        let out = hoist(vec![(0, String::new(), v.clone())]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].2, v);
    }
}
