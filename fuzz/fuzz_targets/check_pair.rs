//! Two versions of one contract, compared (every rule and the witnesses),
//! and the report written in every format.
//! The first byte picks the format; the rest is OLD, then a line `--`,
//! then NEW (without the separator, NEW is OLD with its last byte cut).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let name = match sel % 3 {
        0 => "f.proto",
        1 => "f.avsc",
        _ => "f.json",
    };
    let sep = b"\n--\n";
    let (old, new) = match rest.windows(sep.len()).position(|w| w == sep) {
        Some(i) => (&rest[..i], &rest[i + sep.len()..]),
        None => (rest, &rest[..rest.len().saturating_sub(1)]),
    };
    let o = common::put("old", name, old);
    let n = common::put("new", name, new);
    if let Ok(report) = wirecompat::check(&o, &n, &wirecompat::CheckOptions::default()) {
        let outcome = wirecompat::run::Outcome::Pair(Box::new(report));
        for format in wirecompat::report::OutputFormat::ALL {
            let _ = wirecompat::report::write(&outcome, format, true, &mut std::io::sink());
        }
    }
});
