//! Compatibility levels, with the meaning Confluent Schema Registry gives
//! them, and which findings block at which level.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::finding::{Direction, Finding, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    /// N reads N-1's data.
    Backward,
    /// N-1 reads N's data.
    Forward,
    /// Both.
    #[default]
    Full,
    /// Nothing blocks; findings are still reported.
    None,
    /// N reads the data of every version in the rollback window.
    BackwardTransitive,
    /// Every version in the rollback window reads N's data.
    ForwardTransitive,
    /// Both, against every version in the window.
    FullTransitive,
}

impl Level {
    pub const ALL: &'static [Level] = &[
        Level::Backward,
        Level::Forward,
        Level::Full,
        Level::None,
        Level::BackwardTransitive,
        Level::ForwardTransitive,
        Level::FullTransitive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Backward => "BACKWARD",
            Level::Forward => "FORWARD",
            Level::Full => "FULL",
            Level::None => "NONE",
            Level::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Level::ForwardTransitive => "FORWARD_TRANSITIVE",
            Level::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    /// Whether the level guards every version of the window, not only N-1.
    pub fn transitive(self) -> bool {
        matches!(
            self,
            Level::BackwardTransitive | Level::ForwardTransitive | Level::FullTransitive
        )
    }

    /// The directions this level guards.
    pub fn directions(self) -> &'static [Direction] {
        match self {
            Level::Backward | Level::BackwardTransitive => &[Direction::Backward],
            Level::Forward | Level::ForwardTransitive => &[Direction::Forward],
            Level::Full | Level::FullTransitive => Direction::BOTH,
            Level::None => &[],
        }
    }

    /// A finding blocks when it is an error that breaks a guarded direction.
    /// Warnings and infos never block.
    pub fn blocks(self, f: &Finding) -> bool {
        f.severity == Severity::Error && f.breaks.iter().any(|d| self.directions().contains(d))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_uppercase().replace('-', "_");
        Level::ALL
            .iter()
            .copied()
            .find(|l| l.as_str() == norm)
            .ok_or_else(|| {
                format!(
                    "unknown level {s:?}: expected BACKWARD, FORWARD, FULL, NONE or \
                     BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, FULL_TRANSITIVE"
                )
            })
    }
}
