//! A JSON Schema document, loaded with its `$ref`s resolved.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let p = common::put("one", "f.schema.json", data);
    let _ = wirecompat::formats::jsonschema::load::load(&p, &Default::default());
});
