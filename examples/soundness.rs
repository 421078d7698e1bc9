//! The long soundness run: random schemas, random evolutions and random
//! data for every format, for as long as asked.
//!
//! ```sh
//! cargo run --release --example soundness -- --minutes 30
//! cargo run --release --example soundness -- --format avro --evolutions 100000 --seed 7
//! ```
//!
//! Prints one line of figures per format and every counterexample (with
//! the seed that replays it), and exits with 1 when there is one.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use wirecompat::soundness::{self, Config, Stats};

fn main() -> ExitCode {
    let mut minutes: Option<f64> = None;
    let mut evolutions: Option<usize> = None;
    let mut seed: u64 = 1;
    let mut formats: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match a.as_str() {
            "--minutes" => minutes = value().parse().ok(),
            "--evolutions" => evolutions = value().parse().ok(),
            "--seed" => seed = value().parse().unwrap_or(1),
            "--format" => formats.push(value()),
            "--show-protobuf" => {
                // Writes the evolution of one seed to DIR/old and DIR/new.
                let seed: u64 = value().parse().unwrap_or(0);
                let dir = std::path::PathBuf::from(value());
                let (old, new, what) = soundness::protobuf::evolution(seed);
                for (sub, text) in [("old", old), ("new", new)] {
                    let d = dir.join(sub);
                    let _ = std::fs::create_dir_all(&d);
                    let _ = std::fs::write(d.join("h.proto"), text);
                }
                println!("changes: {}", what.join(", "));
                return ExitCode::SUCCESS;
            }
            "--show-avro" => {
                // Writes the evolution of one seed to DIR/old and DIR/new.
                let seed: u64 = value().parse().unwrap_or(0);
                let dir = std::path::PathBuf::from(value());
                let (old, new) = soundness::avro::schemas(seed);
                for (sub, text) in [("old", old), ("new", new)] {
                    let d = dir.join(sub);
                    let _ = std::fs::create_dir_all(&d);
                    let _ = std::fs::write(d.join("r.avsc"), text);
                }
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" => {
                println!(
                    "soundness [--format protobuf|avro|jsonschema]... [--minutes M] \
                     [--evolutions N] [--seed S]"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    if formats.is_empty() {
        formats = vec!["protobuf".into(), "avro".into(), "jsonschema".into()];
    }
    // The time is shared equally between the formats.
    let share = minutes.map(|m| Duration::from_secs_f64(m * 60.0 / formats.len() as f64));
    let mut failed = false;
    for f in &formats {
        let cfg = Config {
            seed,
            evolutions: evolutions.unwrap_or(if share.is_some() { usize::MAX } else { 2000 }),
            deadline: share.map(|d| Instant::now() + d),
            ..Config::default()
        };
        let started = Instant::now();
        let stats: Stats = match f.as_str() {
            "protobuf" => soundness::protobuf::run(&cfg),
            "avro" => soundness::avro::run(&cfg),
            "jsonschema" => soundness::jsonschema::run(&cfg),
            other => {
                eprintln!("unknown format {other}");
                return ExitCode::from(2);
            }
        };
        println!(
            "{} in {:.1} s",
            stats.summary(f),
            started.elapsed().as_secs_f64()
        );
        if !stats.unwitnessed_by_rule.is_empty() {
            let by: Vec<String> = stats
                .unwitnessed_by_rule
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            println!(
                "  breaking findings without a witness, by rule: {}",
                by.join(", ")
            );
        }
        for s in &stats.library_samples {
            println!("  library deviation: {s}");
        }
        for s in &stats.refused_samples {
            println!("  refused: {s}");
        }
        for s in &stats.unwitnessed_samples {
            println!("  broken without a witness: {s}");
        }
        for c in &stats.counterexamples {
            failed = true;
            println!(
                "  COUNTEREXAMPLE ({:?}, {}, seed {}): {}\n--- old\n{}\n--- new\n{}",
                c.failure, c.direction, c.seed, c.detail, c.old, c.new
            );
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
