//! Command-line definitions (clap) and nothing else.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "wirecompat",
    version,
    about = "Can release N and N-1 of your wire contracts read each other's data?",
    long_about = "wirecompat compares two versions of a Protobuf, Avro or JSON Schema contract and says, per direction, \
                  whether v(N) reads what v(N-1) wrote (backward: the rollout) and whether v(N-1) \
                  reads what v(N) wrote (forward: the rollback). Exit codes: 0 compatible at the \
                  level, 1 a finding blocks at the level, 2 usage or input error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Refuse any file larger than this (bytes, or with K, M or G); the
    /// error names the file and where the limit fell.
    #[arg(
        long,
        global = true,
        value_name = "SIZE",
        default_value = "64M",
        value_parser = parse_file_size
    )]
    pub max_file_size: u64,
    /// Refuse values, messages or blocks nested deeper than this (JSON,
    /// Protobuf and Avro IDL sources); at most 100.
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = 64,
        value_parser = clap::value_parser!(u64).range(1..=wirecompat::limits::HIGHEST_MAX_DEPTH as u64)
    )]
    pub max_depth: u64,
}

fn parse_file_size(s: &str) -> Result<u64, String> {
    wirecompat::limits::parse_size(s)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare OLD (release N-1) with NEW (release N); with neither, check
    /// the repository's contracts (the work tree) against its release tags.
    Check(Box<CheckArgs>),
    /// Write a commented starter `wirecompat.toml` in the current directory.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
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
    /// Print a shell completion script: `wirecompat completions bash >
    /// /usr/share/bash-completion/completions/wirecompat`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `wirecompat man > wirecompat.1`.
    Man,
    /// A schema registry speaking the Confluent REST API (Confluent Schema
    /// Registry, Karapace, Redpanda, Apicurio): check a schema against the
    /// versions a subject holds, publish it only when it passes, or audit
    /// the registry's history. Credentials come from the environment
    /// (WIRECOMPAT_REGISTRY_USERNAME and WIRECOMPAT_REGISTRY_PASSWORD, or
    /// WIRECOMPAT_REGISTRY_TOKEN), never from the command line.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Release N-1: a directory of .proto files, a .proto file, a
    /// FileDescriptorSet / buf image (.binpb, .pb); an Avro .avsc, .avpr or
    /// .avdl file or directory; a JSON Schema .json file or directory; or
    /// any of these at a git revision: `git:REF` or `git:REF:PATH`.
    /// Without OLD and NEW: repository mode.
    pub old: Option<String>,
    /// Release N, in the same forms.
    pub new: Option<String>,
    /// Which directions block: BACKWARD, FORWARD, FULL, NONE, or
    /// BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, FULL_TRANSITIVE (against
    /// every version of the window). Default: the configuration's, else FULL.
    #[arg(long)]
    pub level: Option<String>,
    /// Repository mode: the rollback window, the last K release tags.
    #[arg(long, value_name = "K")]
    pub window: Option<usize>,
    /// Repository mode: the glob release tags match (default `v*`).
    #[arg(long, value_name = "GLOB")]
    pub tags: Option<String>,
    /// Repository mode: the candidate N at a revision instead of the work tree.
    #[arg(long, value_name = "REF")]
    pub head: Option<String>,
    /// Repository mode: pre-release tags (v2.0.0-rc.1) count as releases.
    #[arg(long)]
    pub prereleases: bool,
    /// The configuration file (default: `wirecompat.toml` at the repository root).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore `wirecompat.toml`.
    #[arg(long)]
    pub no_config: bool,
    /// The report on standard output: `text` for people, `json` (the
    /// contract in schemas/report.schema.json), `sarif` (SARIF 2.1.0 for code
    /// scanning), `junit`, `github` (workflow commands, and a job summary
    /// when GITHUB_STEP_SUMMARY is set), `gitlab` (Code Quality), `markdown`
    /// (a pull-request comment).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Also write the report in FORMAT to PATH (repeatable): `--output
    /// sarif=wirecompat.sarif --output junit=report.xml`.
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
    /// Colour in the text report: `auto` (on a terminal, unless NO_COLOR is
    /// set), `always` or `never`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Protobuf: `wire` (binary only) or `wire-json` (binary and ProtoJSON;
    /// the default, unless the configuration says otherwise).
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// Protobuf import path for both versions (repeatable).
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Protobuf import path for the old version only.
    #[arg(long = "old-include", value_name = "DIR")]
    pub old_include: Vec<PathBuf>,
    /// Protobuf import path for the new version only.
    #[arg(long = "new-include", value_name = "DIR")]
    pub new_include: Vec<PathBuf>,
    /// Let directions that a rule could not decide pass (they are still
    /// reported as unknown). By default an undecided direction blocks.
    #[arg(long)]
    pub allow_unknown: bool,
    /// Do not build witness payloads (data that shows each break, checked
    /// with the format's real library).
    #[arg(long)]
    pub no_witness: bool,
    /// JSON Schema: draft for documents without `$schema`
    /// (4, 6, 7, 2019-09, 2020-12; default 2020-12).
    #[arg(long, value_name = "DRAFT")]
    pub draft: Option<String>,
    /// JSON Schema: lenient content model (Confluent's lenient policy):
    /// assume data holds no property names its schema does not declare, so
    /// constraining a new optional property of an open object is not a
    /// break. Default: strict (an open object may have held any name).
    #[arg(long)]
    pub lenient: bool,
    /// JSON Schema: treat `format` as an assertion (default: annotation, as
    /// draft 2019-09 and later say).
    #[arg(long)]
    pub format_assertion: bool,
    /// JSON Schema: serve a remote `$ref` from a local file instead of
    /// refusing it: `URI=FILE`, or `PREFIX/=DIR` for every URI under a
    /// prefix (repeatable). Nothing is ever fetched from the network.
    #[arg(long = "map-ref", value_name = "URI=FILE")]
    pub map_ref: Vec<String>,
}

/// `rules --format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// `check --format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    Wire,
    WireJson,
}

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Check FILE against the subject's versions at the subject's level:
    /// the latest version, or every version for the _TRANSITIVE levels.
    Check(Box<RegistryArgs>),
    /// The same check, then register FILE only when it passes.
    Publish(Box<RegistryArgs>),
    /// Check every subject's history: each version against the one before
    /// (or every earlier one at _TRANSITIVE levels), at the subject's level.
    Audit(Box<AuditArgs>),
}

/// How to reach the registry.
#[derive(Debug, clap::Args)]
pub struct Connect {
    /// The registry's base URL (default: WIRECOMPAT_REGISTRY_URL, else
    /// `[registry] url` in wirecompat.toml). Never with credentials in it.
    #[arg(long)]
    pub url: Option<String>,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Retries after a 429, a 5xx, a timeout or a broken connection, with
    /// backoff (and the registry's Retry-After).
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// PEM file of the CA certificates to trust instead of the system's.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// An extra header whose value is read from an environment variable:
    /// `--header X-Tenant=TENANT_ID` (repeatable).
    #[arg(long, value_name = "NAME=ENV_VAR")]
    pub header: Vec<String>,
    /// The configuration file (default: `wirecompat.toml` at the repository root).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore `wirecompat.toml`.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Debug, clap::Args)]
pub struct RegistryArgs {
    #[command(flatten)]
    pub connect: Connect,
    /// The subject (default: from `[[registry.subjects]]` in
    /// wirecompat.toml, else TopicNameStrategy: `<file stem>-value`).
    #[arg(long)]
    pub subject: Option<String>,
    /// The schema to check: an Avro .avsc, a Protobuf .proto or a JSON
    /// Schema .json file. Without FILE: every contract of the repository
    /// that differs from its subject's latest version.
    pub file: Option<PathBuf>,
    /// The level (default: the subject's in the registry, else the
    /// registry's global level).
    #[arg(long)]
    pub level: Option<String>,
    /// Check, and say what would be registered, without registering.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Also write the report in FORMAT to PATH (repeatable).
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Let directions that a rule could not decide pass.
    #[arg(long)]
    pub allow_unknown: bool,
    /// Do not build witness payloads.
    #[arg(long)]
    pub no_witness: bool,
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub connect: Connect,
    /// Only subjects matching this glob.
    #[arg(long, value_name = "GLOB")]
    pub subject_glob: Option<String>,
    /// Audit at this level instead of each subject's own.
    #[arg(long)]
    pub level: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}
