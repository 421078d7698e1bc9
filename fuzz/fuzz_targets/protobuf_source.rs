//! A `.proto` source file, parsed, linked and modelled.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let p = common::put("one", "f.proto", data);
    let _ = wirecompat::formats::protobuf::load::load(&p, &Default::default());
});
