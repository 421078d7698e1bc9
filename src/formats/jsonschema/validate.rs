//! Validating an instance against a subschema of a version with the
//! `jsonschema` crate: every document of the version is served to it from
//! memory (never from the network), and the subschema is reached by a
//! `$ref` to its URI and pointer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::{Value, json};

use super::load::{Draft, SRef, Version};

/// Characters escaped in a JSON pointer used as a URI fragment.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The retriever of every document not in a version's registry: none is
/// fetched.
struct Docs;

impl Retrieve for Docs {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let key = uri.as_str().split('#').next().unwrap_or("");
        Err(format!("{key} is not part of this version (no network access)").into())
    }
}

/// A validator, or none where the crate could not build one.
type Built = Option<Arc<Validator>>;

/// A version's documents by URI as one `jsonschema` registry: one copy of
/// them, made when the first validator with references is built (most
/// checks build none), shared by every validator of the version. (A copy
/// per set of validators and another per validator built took 0.4 GB of
/// 1.2 on a 14 MB document.)
#[derive(Default)]
pub struct Registry(std::sync::OnceLock<Option<jsonschema::Registry<'static>>>);

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Registry(made)"
        } else {
            "Registry"
        })
    }
}

impl Registry {
    fn of(v: &Version) -> Option<&jsonschema::Registry<'static>> {
        v.validated
            .0
            .get_or_init(|| {
                let docs: Vec<_> = v
                    .resources
                    .iter()
                    .filter(|(_, at)| at.ptr.is_empty())
                    .map(|(uri, at)| {
                        let doc = &v.docs[at.file];
                        (
                            uri.clone(),
                            draft(doc.draft).create_resource(doc.value.clone()),
                        )
                    })
                    .collect();
                crate::guard::catch(move || {
                    jsonschema::Registry::new()
                        .retriever(Docs)
                        .extend(docs)
                        .ok()?
                        .prepare()
                        .ok()
                })
                .ok()
                .flatten()
            })
            .as_ref()
    }
}

pub struct Validators<'a> {
    v: &'a Version,
    /// Validators of subschemas without references: small, all kept.
    cache: Mutex<HashMap<SRef, Built>>,
    /// Validators of subschemas with references, each compiled with all it
    /// reaches (about 8 bytes of validator per byte of a large recursive
    /// document), with the tick of their last use: the least recently used
    /// is dropped past `through_refs_max`.
    through_refs: Mutex<HashMap<SRef, (u64, Built)>>,
    through_refs_max: usize,
    tick: std::sync::atomic::AtomicU64,
    /// Whether `format` is asserted.
    formats: bool,
}

/// Source bytes of the validators with references kept at once: their
/// number is this over the version's size (at least 2), so that a version
/// of 14 MB keeps 2 (about 300 MB) and one of 100 KB keeps hundreds.
const THROUGH_REFS_BYTES: usize = 32 << 20;

/// The `jsonschema` crate's name for a draft.
pub(super) fn draft(d: Draft) -> jsonschema::Draft {
    match d {
        Draft::D4 => jsonschema::Draft::Draft4,
        Draft::D6 => jsonschema::Draft::Draft6,
        Draft::D7 => jsonschema::Draft::Draft7,
        Draft::D2019 => jsonschema::Draft::Draft201909,
        Draft::D2020 => jsonschema::Draft::Draft202012,
    }
}

impl<'a> Validators<'a> {
    pub fn new(v: &'a Version, formats: bool) -> Self {
        let size: usize = v.docs.iter().map(|d| d.text.len()).sum();
        Validators {
            v,
            cache: Mutex::new(HashMap::new()),
            through_refs: Mutex::new(HashMap::new()),
            through_refs_max: (THROUGH_REFS_BYTES / size.max(1)).max(2),
            tick: Default::default(),
            formats,
        }
    }

    pub fn version(&self) -> &'a Version {
        self.v
    }

    fn validator(&self, s: &SRef) -> Option<Arc<Validator>> {
        if let Some(hit) = self.cache.lock().ok()?.get(s) {
            return hit.clone();
        }
        let doc = &self.v.docs[s.file];
        // A subschema without references is compiled on its own: compiling
        // it through its document would copy the whole document each time.
        if let Some(sub) = self.v.value(s)
            && !has_refs(sub)
        {
            let built = crate::guard::catch(|| {
                jsonschema::options()
                    .with_draft(draft(doc.draft))
                    .should_validate_formats(self.formats)
                    .build(sub)
                    .ok()
                    .map(Arc::new)
            })
            .ok()
            .flatten();
            self.cache.lock().ok()?.insert(s.clone(), built.clone());
            return built;
        }
        let tick = self.tick.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(hit) = self.through_refs.lock().ok()?.get_mut(s) {
            hit.0 = tick;
            return hit.1.clone();
        }
        let mut uri = doc.uri.clone();
        // Pointer tokens may hold any character (`patternProperties` keys
        // are regular expressions): escape all but the unreserved ones.
        let fragment = percent_encoding::utf8_percent_encode(&s.ptr, FRAGMENT).to_string();
        uri.set_fragment(Some(&fragment));
        let wrapper = json!({ "$ref": uri.as_str() });
        let registry = Registry::of(self.v)?;
        let built = crate::guard::catch(|| {
            jsonschema::options()
                .with_draft(draft(doc.draft))
                .with_registry(registry)
                .with_retriever(Docs)
                .should_validate_formats(self.formats)
                .build(&wrapper)
                .ok()
                .map(Arc::new)
        })
        .ok()
        .flatten();
        let mut kept = self.through_refs.lock().ok()?;
        if kept.len() >= self.through_refs_max
            && let Some(oldest) = kept
                .iter()
                .min_by_key(|(_, (t, _))| *t)
                .map(|(k, _)| k.clone())
        {
            kept.remove(&oldest);
        }
        kept.insert(s.clone(), (tick, built.clone()));
        built
    }

    /// Whether `instance` is valid under the subschema at `s` (`None` when
    /// the validator cannot be built).
    pub fn is_valid(&self, s: &SRef, instance: &Value) -> Option<bool> {
        let v = self.validator(s)?;
        crate::guard::catch(|| v.is_valid(instance)).ok()
    }

    /// The crate's errors for `instance` under the subschema at `s`, in
    /// its order (`None` when the validator cannot be built).
    pub fn errors(&self, s: &SRef, instance: &Value) -> Option<Vec<Failure>> {
        let v = self.validator(s)?;
        Some(
            v.iter_errors(instance)
                .map(|e| {
                    // The keyword's place in its document when the crate
                    // knows it (through references too), else the path
                    // from the subschema validated.
                    let placed = e
                        .absolute_keyword_location()
                        .and_then(|u| self.place(u.as_str()));
                    let (schema_path, keyword) = match placed {
                        Some((shown, at)) => (shown, Some(at)),
                        None => {
                            let p = e.schema_path().as_str();
                            let ptr = format!("{}{}", s.ptr, p.strip_prefix("/$ref").unwrap_or(p));
                            let at = (!ptr.contains("/$ref")).then(|| SRef {
                                file: s.file,
                                ptr: ptr.clone(),
                            });
                            (ptr, at)
                        }
                    };
                    Failure {
                        message: e.to_string(),
                        instance_path: e.instance_path().as_str().to_string(),
                        schema_path,
                        keyword,
                    }
                })
                .collect(),
        )
    }
}

impl Validators<'_> {
    /// An absolute keyword location (`uri#/pointer`) as a pointer in the
    /// document it belongs to (`file.json#/pointer` for another file of
    /// the version).
    fn place(&self, uri: &str) -> Option<(String, SRef)> {
        let (base, frag) = uri.split_once('#')?;
        let frag = percent_encoding::percent_decode_str(frag)
            .decode_utf8_lossy()
            .into_owned();
        let at = self.v.resources.get(base)?;
        let ptr = format!("{}{frag}", at.ptr);
        let shown = if self.v.docs[at.file].input && self.inputs() == 1 {
            ptr.clone()
        } else {
            format!("{}#{ptr}", self.v.docs[at.file].display)
        };
        Some((shown, SRef { file: at.file, ptr }))
    }

    fn inputs(&self) -> usize {
        self.v.docs.iter().filter(|d| d.input).count()
    }
}

/// One validation error, as the `jsonschema` crate reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    /// JSON pointer into the instance (empty: the instance itself).
    pub instance_path: String,
    /// JSON pointer of the failing keyword in its document.
    pub schema_path: String,
    /// The failing keyword's place in the version, when the crate gives it.
    pub keyword: Option<SRef>,
}

/// Whether a schema value holds a reference anywhere (data under `enum` or
/// `const` included: a false alarm only costs the slower path).
fn has_refs(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.iter().any(|(k, x)| {
            matches!(k.as_str(), "$ref" | "$dynamicRef" | "$recursiveRef") || has_refs(x)
        }),
        Value::Array(a) => a.iter().any(has_refs),
        _ => false,
    }
}
