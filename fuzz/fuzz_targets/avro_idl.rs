//! An Avro IDL `.avdl` file.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let p = common::put("one", "f.avdl", data);
    let _ = wirecompat::formats::avro::load::load(&p, &Default::default());
});
