//! An Avro `.avsc` schema (and, with a leading byte, an `.avpr` protocol).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (name, body) = match data.split_first() {
        Some((b, rest)) if b % 4 == 0 => ("f.avpr", rest),
        _ => ("f.avsc", data),
    };
    let p = common::put("one", name, body);
    let _ = wirecompat::formats::avro::load::load(&p, &Default::default());
});
