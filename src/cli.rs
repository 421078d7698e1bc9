//! Command-line definitions (clap) and nothing else.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "wirecompat",
    version,
    about = "Can release N and N-1 of your wire contracts read each other's data?",
    long_about = "wirecompat compares two versions of a Protobuf tree and says, per direction, \
                  whether v(N) reads what v(N-1) wrote (backward: the rollout) and whether v(N-1) \
                  reads what v(N) wrote (forward: the rollback). Exit codes: 0 compatible at the \
                  level, 1 a finding blocks at the level, 2 usage or input error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare OLD (release N-1) with NEW (release N).
    Check(CheckArgs),
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Print one rule's documentation.
    Explain {
        /// Rule code (PB101) or name (field-wire-type-changed).
        rule: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Release N-1: a directory of .proto files, a .proto file, or a
    /// FileDescriptorSet / buf image (.binpb, .pb).
    pub old: PathBuf,
    /// Release N, in the same forms.
    pub new: PathBuf,
    /// Which directions block: BACKWARD, FORWARD, FULL or NONE.
    #[arg(long, default_value = "FULL")]
    pub level: String,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Protobuf: `wire` (binary only) or `wire-json` (binary and ProtoJSON).
    #[arg(long, value_enum, default_value_t = ProfileArg::WireJson)]
    pub profile: ProfileArg,
    /// Protobuf import path for both versions (repeatable).
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Protobuf import path for the old version only.
    #[arg(long = "old-include", value_name = "DIR")]
    pub old_include: Vec<PathBuf>,
    /// Protobuf import path for the new version only.
    #[arg(long = "new-include", value_name = "DIR")]
    pub new_include: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    Wire,
    WireJson,
}
