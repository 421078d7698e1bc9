//! The soundness harness: random schemas, random evolutions of them and
//! random data, per format. For every evolution wirecompat checks old
//! against new; then, for each direction:
//!
//! * said **compatible**: data written by that direction's writer must read
//!   under its reader with the meaning kept, for every datum generated;
//!   a datum that does not is a counterexample (wirecompat missed a break);
//! * said **broken**: the witness of each finding that breaks it must
//!   verify again when replayed with the real library; a finding without a
//!   witness is counted (it may be a false alarm, or a break the witness
//!   builder cannot aim at) but is not a counterexample.
//!
//! `tests/soundness_<format>.rs` runs a bounded number of evolutions in the
//! test suite; `cargo run --release --example soundness -- --minutes 30`
//! runs for as long as asked and prints the figures.

pub mod avro;
pub mod jsonschema;
pub mod protobuf;

use std::time::Instant;

use crate::finding::Direction;

/// A small, seedable random number generator (SplitMix64): the harness
/// must replay a counterexample from its seed, on any machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `p` percent.
    pub fn percent(&mut self, p: u32) -> bool {
        self.below(100) < p as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi as i128 - lo as i128 + 1) as u128;
        (lo as i128 + (self.next_u64() as u128 % span) as i128) as i64
    }
}

/// How long and how hard to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    /// Stop after this many evolutions ...
    pub evolutions: usize,
    /// ... or at this instant, whichever comes first.
    pub deadline: Option<Instant>,
    /// Random data written per direction said compatible.
    pub data_per_direction: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            evolutions: 1000,
            deadline: None,
            data_per_direction: 20,
        }
    }
}

impl Config {
    pub fn done(&self, evolutions: usize) -> bool {
        evolutions >= self.evolutions || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// What a run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// wirecompat said the direction is compatible and a datum lost its
    /// meaning.
    Unsound,
    /// wirecompat said the direction is broken and the witness did not
    /// verify when replayed.
    WitnessFailed,
}

/// A counterexample, with what it takes to reproduce it.
#[derive(Debug, Clone)]
pub struct Counterexample {
    pub failure: Failure,
    pub direction: Direction,
    /// The evolution's seed: `Config { seed, evolutions: 1, .. }` replays it.
    pub seed: u64,
    /// The two versions' schema text.
    pub old: String,
    pub new: String,
    /// The datum and what went wrong.
    pub detail: String,
}

/// Figures of one run.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Evolutions generated and checked.
    pub evolutions: usize,
    /// Direction verdicts checked against data (two per evolution, less
    /// the ones that were unknown).
    pub verdicts_checked: usize,
    /// Directions said compatible, and the data checked under them.
    pub compatible: usize,
    pub data_checked: usize,
    /// Directions said broken whose witnesses all verified again.
    pub broken_witnessed: usize,
    /// Directions said broken with at least one breaking finding without a
    /// witness (its note says why).
    pub broken_unwitnessed: usize,
    /// Directions left undecided (unknown).
    pub unknown: usize,
    /// Evolutions the generator made that a loader refused (a generator
    /// bug if not zero; they are skipped).
    pub refused: usize,
    /// Up to a few of those, with their seeds and reasons, apart from the
    /// unwitnessed samples so that neither crowds the other out.
    pub refused_samples: Vec<String>,
    pub counterexamples: Vec<Counterexample>,
    /// Up to a few examples of broken-without-witness findings, for review.
    pub unwitnessed_samples: Vec<String>,
    /// Breaking findings without a witness, by rule code.
    pub unwitnessed_by_rule: std::collections::BTreeMap<String, usize>,
    /// Data under a direction said compatible that the format's library
    /// read otherwise than its specification says (the specification keeps
    /// the meaning): the library's deviation, not a counterexample.
    pub library_disagreements: usize,
    /// What those were, a line per kind, for review.
    pub library_samples: Vec<String>,
}

impl Stats {
    /// Counts an evolution (or one direction of it) a loader refused, and
    /// keeps the first few with their seeds and reasons.
    pub fn refuse(&mut self, seed: u64, why: impl std::fmt::Display) {
        self.refused += 1;
        if self.refused_samples.len() < 20 {
            self.refused_samples.push(format!("seed {seed}: {why}"));
        }
    }

    pub fn merge(&mut self, o: Stats) {
        self.evolutions += o.evolutions;
        self.verdicts_checked += o.verdicts_checked;
        self.compatible += o.compatible;
        self.data_checked += o.data_checked;
        self.broken_witnessed += o.broken_witnessed;
        self.broken_unwitnessed += o.broken_unwitnessed;
        self.unknown += o.unknown;
        self.refused += o.refused;
        for s in o.refused_samples {
            if self.refused_samples.len() < 20 {
                self.refused_samples.push(s);
            }
        }
        self.counterexamples.extend(o.counterexamples);
        for (k, v) in o.unwitnessed_by_rule {
            *self.unwitnessed_by_rule.entry(k).or_default() += v;
        }
        for s in o.unwitnessed_samples {
            if self.unwitnessed_samples.len() < 20 {
                self.unwitnessed_samples.push(s);
            }
        }
        self.library_disagreements += o.library_disagreements;
        self.library_samples.extend(o.library_samples);
    }

    /// One line of figures.
    pub fn summary(&self, format: &str) -> String {
        let library = if self.library_disagreements > 0 {
            format!(
                ", {} data read by the library otherwise than its specification says",
                self.library_disagreements
            )
        } else {
            String::new()
        };
        format!(
            "{format}: {} evolutions, {} verdicts checked ({} compatible with {} data read back, \
             {} broken with every witness verified, {} broken with a finding unwitnessed, {} \
             unknown), {} refused by a loader, {} counterexamples{library}",
            self.evolutions,
            self.verdicts_checked,
            self.compatible,
            self.data_checked,
            self.broken_witnessed,
            self.broken_unwitnessed,
            self.unknown,
            self.refused,
            self.counterexamples.len()
        )
    }
}
