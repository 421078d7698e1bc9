//! A binary FileDescriptorSet (or buf image).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let p = common::put("one", "f.binpb", data);
    let _ = wirecompat::formats::protobuf::load::load(&p, &Default::default());
});
