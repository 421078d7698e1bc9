//! A bounded run of the JSON Schema soundness harness
//! (`src/soundness/jsonschema.rs`): random schemas and evolutions, every
//! direction said compatible tested with random data of its writer, every
//! witness of a direction said broken replayed with the `jsonschema` crate.
//! The long run: `cargo run --release --example soundness -- --format
//! jsonschema --minutes 20`.

use std::time::Instant;

use wirecompat::soundness::{Config, jsonschema};

#[test]
fn jsonschema_verdicts_hold_on_random_evolutions() {
    let cfg = Config {
        seed: 1,
        evolutions: 2000,
        deadline: None,
        data_per_direction: 8,
    };
    let started = Instant::now();
    let stats = jsonschema::run(&cfg);
    eprintln!(
        "{} in {:.1} s",
        stats.summary("jsonschema"),
        started.elapsed().as_secs_f64()
    );
    for s in &stats.refused_samples {
        println!("  refused: {s}");
    }
    for s in &stats.unwitnessed_samples {
        eprintln!("  broken without a witness: {s}");
    }
    for c in &stats.counterexamples {
        eprintln!(
            "COUNTEREXAMPLE ({:?}, {}, seed {}): {}\n--- old\n{}\n--- new\n{}",
            c.failure, c.direction, c.seed, c.detail, c.old, c.new
        );
    }
    assert!(
        stats.counterexamples.is_empty(),
        "{} counterexamples",
        stats.counterexamples.len()
    );
    assert_eq!(stats.evolutions, cfg.evolutions);
    assert_eq!(
        stats.refused, 0,
        "the generator wrote schemas wirecompat refused"
    );
    // Meaningful figures: both verdicts are common, data was read back,
    // and most broken directions carry verified witnesses.
    let n = cfg.evolutions;
    assert!(stats.compatible * 5 > n, "{}", stats.summary("jsonschema"));
    assert!(
        stats.broken_witnessed * 5 > n,
        "{}",
        stats.summary("jsonschema")
    );
    assert!(stats.data_checked > stats.compatible * 3);
    assert!(
        stats.broken_unwitnessed * 20 < stats.broken_witnessed,
        "{}",
        stats.summary("jsonschema")
    );
}
