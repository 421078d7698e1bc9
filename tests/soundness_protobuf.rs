//! The Protobuf soundness harness, bounded: random schemas, random
//! evolutions and random data; what wirecompat calls compatible must read
//! back with its meaning, and every witness must replay.
//! `cargo run --release --example soundness -- --format protobuf --minutes 30`
//! runs it for longer.

use wirecompat::soundness::{Config, protobuf};

#[test]
fn protobuf_verdicts_hold_on_random_evolutions() {
    let cfg = Config {
        seed: 20261205,
        evolutions: 4000,
        data_per_direction: 10,
        ..Config::default()
    };
    let stats = protobuf::run(&cfg);
    for c in &stats.counterexamples {
        eprintln!(
            "counterexample ({:?}, {}, seed {}): {}\n--- old\n{}\n--- new\n{}",
            c.failure, c.direction, c.seed, c.detail, c.old, c.new
        );
    }
    assert!(
        stats.counterexamples.is_empty(),
        "{}",
        stats.summary("protobuf")
    );
    // The run exercised both verdicts: many directions said compatible and
    // read back, many said broken with verified witnesses.
    assert_eq!(stats.evolutions, 4000, "{}", stats.summary("protobuf"));
    assert_eq!(stats.refused, 0, "the generator wrote invalid .proto files");
    assert!(stats.compatible > 500, "{}", stats.summary("protobuf"));
    assert!(stats.data_checked > 5000, "{}", stats.summary("protobuf"));
    assert!(
        stats.broken_witnessed > 1000,
        "{}",
        stats.summary("protobuf")
    );
    // A breaking finding without a witness is rare (degenerate enums,
    // breaks masked by another field's, judgements about reused numbers).
    assert!(
        stats.broken_unwitnessed * 50 < stats.broken_witnessed,
        "{}",
        stats.summary("protobuf")
    );
}
