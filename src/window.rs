//! The rollback window: the candidate N against N-1 … N-k, which pairs
//! block at the level, and the rollback verdict: how far back a rollback is
//! safe.

use crate::finding::{Direction, Finding, Severity};
use crate::level::Level;
use crate::report::{Expired, Report};

/// The candidate compared with one version of the window.
#[derive(Debug, Clone)]
pub struct PairResult {
    /// The older version (a tag name, or a path or `git:` label).
    pub against: String,
    /// Position in the window: 1 for N-1, 2 for N-2 ...
    pub distance: usize,
    /// Whether this pair's findings can block at the level (every pair at a
    /// transitive level, only N-1 otherwise).
    pub guarded: bool,
    pub report: Report,
}

/// How far back a rollback is safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollback {
    /// One plain sentence.
    pub statement: String,
    /// The oldest version a rollback to is known safe (`None`: not N-1).
    pub safe_to: Option<String>,
    /// The newest version a rollback to is not safe, or not decided.
    pub unsafe_at: Option<String>,
    /// Every version of the window reads N's data.
    pub whole_window: bool,
}

#[derive(Debug, Clone)]
pub struct WindowReport {
    pub level: Level,
    /// The candidate's label (`work tree`, `git:HEAD` ...).
    pub candidate: String,
    /// Newest first: N-1, N-2 ...
    pub pairs: Vec<PairResult>,
    pub rollback: Rollback,
    /// Remarks for the reader (what was not compared, and why).
    pub notes: Vec<String>,
    /// Acceptances past their date that still match a finding.
    pub expired: Vec<Expired>,
    /// Acceptances that match no finding in any pair.
    pub stale: Vec<String>,
    pub allow_unknown: bool,
}

impl WindowReport {
    pub fn new(
        level: Level,
        candidate: String,
        pairs: Vec<PairResult>,
        allow_unknown: bool,
    ) -> WindowReport {
        let rollback = rollback(&pairs);
        WindowReport {
            level,
            candidate,
            pairs,
            rollback,
            notes: Vec::new(),
            expired: Vec::new(),
            stale: Vec::new(),
            allow_unknown,
        }
    }

    /// Compatible when no guarded pair has a blocking finding or an
    /// undecided guarded direction, and no acceptance has expired.
    pub fn compatible(&self) -> bool {
        self.expired.is_empty()
            && self
                .pairs
                .iter()
                .filter(|p| p.guarded)
                .all(|p| p.report.compatible())
    }

    /// Whether finding `f` of pair `p` blocks.
    pub fn blocks(&self, p: &PairResult, f: &Finding) -> bool {
        p.guarded && p.report.blocks(f)
    }

    /// One plain sentence: the verdict at the level, across the window.
    pub fn verdict(&self) -> String {
        let lvl = self.level;
        if self.compatible() {
            let n = self.pairs.len();
            return if n <= 1 || !lvl.transitive() {
                format!("compatible at {lvl}")
            } else {
                format!("compatible at {lvl} with all {n} versions of the window")
            };
        }
        if !self.expired.is_empty() && self.pairs.iter().all(|p| p.report.compatible()) {
            return format!(
                "NOT compatible at {lvl}: {} accepted change(s) expired; renew or remove them \
                 in wirecompat.toml",
                self.expired.len()
            );
        }
        let failing: Vec<String> = self
            .pairs
            .iter()
            .filter(|p| p.guarded && !p.report.compatible())
            .map(|p| {
                let v = p.report.verdict().replace("v(N-1)", &p.against);
                let prefix = format!("NOT compatible at {lvl}: ");
                format!("{} ({})", p.against, v.strip_prefix(&prefix).unwrap_or(&v))
            })
            .collect();
        format!("NOT compatible at {lvl} against {}", failing.join("; "))
    }
}

/// The first error in `r` that breaks `d` (findings are in report order).
fn first_break(r: &Report, d: Direction) -> Option<&Finding> {
    r.findings
        .iter()
        .find(|f| f.severity == Severity::Error && f.breaks(d))
}

fn first_unknown(r: &Report, d: Direction) -> Option<&Finding> {
    r.findings.iter().find(|f| f.unknown.contains(&d))
}

/// "orders.v1.Order.quantity written by N (field type changed ...)".
fn what(f: &Finding, more: usize) -> String {
    let element = f
        .new
        .as_ref()
        .or(f.old.as_ref())
        .map(|l| l.element.clone())
        .unwrap_or_default();
    let mut msg: String = f.message.chars().take(200).collect();
    if msg.len() < f.message.len() {
        msg.push('…');
    }
    let tail = match more {
        0 => String::new(),
        1 => ", and 1 more finding".to_string(),
        n => format!(", and {n} more findings"),
    };
    format!("{element} written by N ({msg}{tail})")
}

/// The rollback statement of a single comparison (OLD is the version a
/// rollback returns to).
pub fn rollback_of(r: &Report) -> Rollback {
    let mut rb = rollback_over([(r.old_root.as_str(), r)]);
    // One version is not a window.
    if let Some(s) = rb.statement.strip_suffix(" (the whole window)") {
        rb.statement = s.to_string();
    }
    rb
}

/// How far back the candidate can be rolled back: the longest run of the
/// window, from N-1, whose readers read everything N writes.
pub fn rollback(pairs: &[PairResult]) -> Rollback {
    rollback_over(pairs.iter().map(|p| (p.against.as_str(), &p.report)))
}

/// [`rollback`] over (version, report) pairs, newest version first.
pub fn rollback_over<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a Report)>) -> Rollback {
    let mut safe_to: Option<&str> = None;
    for (against, r) in pairs {
        let breaking = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.breaks(Direction::Forward))
            .count();
        if let Some(f) = first_break(r, Direction::Forward) {
            let statement = match safe_to {
                None => format!(
                    "irreversible: rolling back to {} leaves it unable to read {}",
                    against,
                    what(f, breaking - 1)
                ),
                Some(v) => format!(
                    "rollback-safe to {v}, irreversible past it: {} readers cannot read {}",
                    against,
                    what(f, breaking - 1)
                ),
            };
            return Rollback {
                statement,
                safe_to: safe_to.map(str::to_string),
                unsafe_at: Some(against.to_string()),
                whole_window: false,
            };
        }
        if let Some(f) = first_unknown(r, Direction::Forward) {
            let statement = match safe_to {
                None => format!(
                    "undecided: wirecompat cannot tell whether {} reads everything N writes \
                     (see {} {})",
                    against, f.rule.code, f.rule.name
                ),
                Some(v) => format!(
                    "rollback-safe to {v}; past it undecided: wirecompat cannot tell whether {} \
                     reads everything N writes (see {} {})",
                    against, f.rule.code, f.rule.name
                ),
            };
            return Rollback {
                statement,
                safe_to: safe_to.map(str::to_string),
                unsafe_at: Some(against.to_string()),
                whole_window: false,
            };
        }
        safe_to = Some(against);
    }
    match safe_to {
        Some(v) => Rollback {
            statement: format!("safe to roll back to {v} (the whole window)"),
            safe_to: Some(v.to_string()),
            unsafe_at: None,
            whole_window: true,
        },
        None => Rollback {
            statement: "no earlier version to roll back to".to_string(),
            safe_to: None,
            unsafe_at: None,
            whole_window: true,
        },
    }
}
