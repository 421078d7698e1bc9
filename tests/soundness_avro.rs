//! A bounded run of the Avro soundness harness: random schemas, random
//! evolutions and random data; no counterexample, and figures that show
//! both kinds of verdict were tested.

use std::time::Instant;

use wirecompat::soundness::{Config, avro};

#[test]
fn avro_verdicts_hold_on_random_evolutions() {
    let started = Instant::now();
    let cfg = Config {
        seed: 20_240_601,
        evolutions: 2000,
        deadline: None,
        data_per_direction: 8,
    };
    let stats = avro::run(&cfg);
    println!(
        "{} in {:.1} s",
        stats.summary("avro"),
        started.elapsed().as_secs_f64()
    );
    for s in &stats.library_samples {
        println!("  apache-avro {s}");
    }
    for s in &stats.refused_samples {
        println!("  refused: {s}");
    }
    for s in &stats.unwitnessed_samples {
        println!("  broken without a witness: {s}");
    }
    for c in &stats.counterexamples {
        println!(
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
        "the generator made schemas a loader refused"
    );
    assert!(
        stats.compatible > 200,
        "too few compatible directions: {}",
        stats.compatible
    );
    assert!(
        stats.data_checked > 1000,
        "too little data read back: {}",
        stats.data_checked
    );
    assert!(
        stats.broken_witnessed > 200,
        "too few witnessed breaks: {}",
        stats.broken_witnessed
    );
}
