//! `wirecompat.toml`: the repository configuration.
//!
//! [`parse`] reads the file into a [`Config`], and rejects unknown keys and
//! bad values with a [`ConfigError`] naming the key, the line and the column.
//! The helpers on [`Config`] answer the questions the rest of the program
//! asks (which level a path has, what a rule's severity is, whether a finding
//! is accepted); they are pure. [`json_schema`] is the file's JSON Schema,
//! committed as `schemas/config.schema.json`.
//!
//! Paths handed to the helpers are relative to the repository root and use
//! `/`. A path glob matches a path or one of its ancestor directories, so
//! `testdata` and `testdata/**` both exclude everything under `testdata/`; `*`
//! does not cross `/`.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The file [`find`] looks for at a repository root.
pub const FILE_NAME: &str = "wirecompat.toml";
/// Level when `level` is absent.
pub const DEFAULT_LEVEL: &str = "FULL";
/// `window.size` when absent: the latest release only (N against N-1).
pub const DEFAULT_WINDOW_SIZE: u32 = 1;
/// `window.tags` when absent.
pub const DEFAULT_TAGS: &str = "v*";
/// `protobuf.profile` when absent.
pub const DEFAULT_PROFILE: &str = "wire-json";
/// `jsonschema.draft` when absent.
pub const DEFAULT_DRAFT: &str = "2020-12";

/// Valid levels, in their normalised spelling.
pub const LEVELS: [&str; 7] = [
    "BACKWARD",
    "FORWARD",
    "FULL",
    "NONE",
    "BACKWARD_TRANSITIVE",
    "FORWARD_TRANSITIVE",
    "FULL_TRANSITIVE",
];

// Optional keys are `Option`s with `#[serde(default, skip_serializing_if =
// "Option::is_none")]`: schemars then marks them optional without a `null`
// type or a `"default": null`; `extend("default" = ..)` states the real default.

/// The configuration of one repository (`wirecompat.toml`); every key is optional.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "wirecompat.toml",
    extend("$id" = "https://wirecompat.dev/schemas/config.schema.json")
)]
pub struct Config {
    /// Default compatibility level; `_TRANSITIVE` levels check every release in the window. Normalised when parsed (`full-transitive` becomes `FULL_TRANSITIVE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "LevelName", extend("default" = "FULL"))]
    pub level: Option<String>,
    /// Files never treated as contracts: globs relative to the repository root.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The rollback window: which release tags the working tree is checked against.
    #[serde(default)]
    pub window: Window,
    /// Level per path glob or per registry subject; the first matching entry wins.
    #[serde(default)]
    pub levels: Vec<LevelEntry>,
    /// Protobuf settings.
    #[serde(default)]
    pub protobuf: Protobuf,
    /// JSON Schema settings.
    #[serde(default)]
    pub jsonschema: JsonSchemaSettings,
    /// Rule severities, overall or per path; the last matching entry wins.
    #[serde(default)]
    pub rules: Vec<RuleEntry>,
    /// Accepted changes: a finding whose fingerprint matches does not block.
    #[serde(default)]
    pub accept: Vec<Accept>,
    /// The schema registry `wirecompat registry` talks to.
    #[serde(default)]
    pub registry: RegistrySettings,
    #[serde(skip)]
    exclude_set: GlobSet,
}

/// `[registry]`: how to reach a schema registry (Confluent REST API) and
/// which subject each file is. Secrets are never written here: the file
/// names the environment variables that hold them.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrySettings {
    /// Base URL, without credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub url: Option<String>,
    /// Environment variable holding the basic-auth user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub username_env: Option<String>,
    /// Environment variable holding the basic-auth password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub password_env: Option<String>,
    /// Environment variable holding a bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub token_env: Option<String>,
    /// Extra headers: header name -> environment variable holding its value.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// PEM file of CA certificates to trust instead of the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub ca_file: Option<String>,
    /// Seconds to wait for each answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "f64", range(min = 0.001), extend("default" = 30))]
    pub timeout: Option<f64>,
    /// Retries after a 429, a 5xx, a timeout or a broken connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "u32", extend("default" = 3))]
    pub retries: Option<u32>,
    /// Subjects of files, first match wins; files that match none follow
    /// TopicNameStrategy (`orders.avsc` is `orders-value`).
    #[serde(default)]
    pub subjects: Vec<SubjectEntry>,
}

/// One `[[registry.subjects]]` entry.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectEntry {
    /// Path glob relative to the repository root.
    pub path: String,
    /// The subject those files are registered under.
    #[schemars(length(min = 1))]
    pub subject: String,
    #[serde(skip)]
    matcher: Option<GlobMatcher>,
}

impl RegistrySettings {
    /// The subject `[[registry.subjects]]` gives a file, if any.
    pub fn subject_for(&self, path: &str) -> Option<&str> {
        self.subjects
            .iter()
            .find(|e| {
                e.matcher
                    .as_ref()
                    .is_some_and(|m| path_matches(path, |p| m.is_match(p)))
            })
            .map(|e| e.subject.as_str())
    }
}

/// `[window]`: the release tags that form the rollback window.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// How many release tags form the rollback window (1: the latest release only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "u32", range(min = 1), extend("default" = 1))]
    pub size: Option<u32>,
    /// Glob the release tags match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", extend("default" = "v*"))]
    pub tags: Option<String>,
    /// Whether pre-release tags (`v2.0.0-rc.1`) count as releases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool", extend("default" = false))]
    pub prereleases: Option<bool>,
    #[serde(skip)]
    tags_matcher: Option<GlobMatcher>,
}

/// One `[[levels]]` entry: the level of the contracts under a path glob, or of a registry subject; exactly one of `path` and `subject` is set.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{ "required": ["path"] }, { "required": ["subject"] }]))]
pub struct LevelEntry {
    /// Path glob relative to the repository root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub path: Option<String>,
    /// Schema registry subject (exact name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub subject: Option<String>,
    /// The level (normalised when parsed).
    #[schemars(with = "LevelName")]
    pub level: String,
    #[serde(skip)]
    matcher: Option<GlobMatcher>,
}

/// `[protobuf]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Protobuf {
    /// Import root of the .proto files (default: the repository root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub root: Option<String>,
    /// Extra import paths, relative to the repository root.
    #[serde(default)]
    pub include: Vec<String>,
    /// `wire-json` protects binary and ProtoJSON; `wire` protects binary only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "ProfileName", extend("default" = "wire-json"))]
    pub profile: Option<String>,
}

/// `[jsonschema]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonSchemaSettings {
    /// Draft for files without `$schema`; normalised when parsed to `4`, `6`, `7`, `2019-09` or `2020-12`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "DraftName", extend("default" = "2020-12"))]
    pub draft: Option<String>,
    /// `strict`: an open object may hold any undeclared name with any value; `lenient`: the data holds no undeclared names (Confluent's lenient mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "ContentModel", extend("default" = "strict"))]
    pub content_model: Option<String>,
    /// Treat `format` as an assertion instead of an annotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool", extend("default" = false))]
    pub format_assertion: Option<bool>,
    /// Remote `$ref` prefix or URI -> local directory or file.
    #[serde(default)]
    pub map_ref: BTreeMap<String, String>,
}

/// One `[[rules]]` entry: a rule's severity, everywhere or under some paths.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    /// Rule code (`PB502`) or name (`enum-value-added`); see `wirecompat rules`.
    pub rule: String,
    /// Path globs the entry is limited to (absent: everywhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>", length(min = 1))]
    pub paths: Option<Vec<String>>,
    /// The severity findings of this rule get; `off` drops them.
    pub severity: RuleSeverity,
    #[serde(skip)]
    matchers: Vec<GlobMatcher>,
}

/// One `[[accept]]` entry: an accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    /// The finding's fingerprint, as the report shows it.
    #[schemars(length(min = 1))]
    pub fingerprint: String,
    /// Why the change is acceptable.
    pub reason: String,
    /// Who accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub by: Option<String>,
    /// Last day the acceptance holds (YYYY-MM-DD); after it the finding blocks again.
    pub expires: Date,
}

impl Accept {
    /// Whether the acceptance has run out: `today` is after `expires`.
    pub fn expired(&self, today: Date) -> bool {
        today > self.expires
    }
}

/// What a `[[rules]]` entry sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum RuleSeverity {
    /// Findings are errors (they block when they break a guarded direction).
    Error,
    /// Findings are warnings (never block).
    Warning,
    /// Findings are infos (never block).
    Info,
    /// Findings are dropped.
    Off,
}

impl RuleSeverity {
    /// The lowercase name, as written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Error => "error",
            RuleSeverity::Warning => "warning",
            RuleSeverity::Info => "info",
            RuleSeverity::Off => "off",
        }
    }

    /// Parses a severity, case-insensitively.
    pub fn parse(s: &str) -> Option<RuleSeverity> {
        [
            RuleSeverity::Error,
            RuleSeverity::Warning,
            RuleSeverity::Info,
            RuleSeverity::Off,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for RuleSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleSeverity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RuleSeverity::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown severity `{s}` (expected error, warning, info or off)"
            ))
        })
    }
}

/// A calendar date (proleptic Gregorian), ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, 0 to 9999.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`; `None` unless it is exactly that and a real day.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let digits = |r: Range<usize>| {
            b[r].iter().try_fold(0u16, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
            })
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(0..4)?;
        let month = u8::try_from(digits(5..7)?).ok()?;
        let day = u8::try_from(digits(8..10)?).ok()?;
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's civil_from_days).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: u16::try_from(year.clamp(0, 9999)).unwrap_or(0),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date string \"YYYY-MM-DD\"")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).ok_or_else(|| {
                    E::custom(format!(
                        "`{s}` is not a calendar date (expected YYYY-MM-DD)"
                    ))
                })
            }
            // An unquoted TOML date arrives as toml's private datetime map.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let datetime = map
                    .next_key::<String>()?
                    .is_some_and(|k| k.starts_with("$__toml_private"));
                if !datetime {
                    return Err(serde::de::Error::invalid_type(
                        serde::de::Unexpected::Map,
                        &self,
                    ));
                }
                let written: String = map.next_value()?;
                Err(serde::de::Error::custom(match Date::parse(&written) {
                    Some(_) => format!("write the date as a string: \"{written}\""),
                    None => format!("expected a date string \"YYYY-MM-DD\", found `{written}`"),
                }))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A calendar date, YYYY-MM-DD.",
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

// Schema-only types: the values the string fields accept, as written in the
// canonical spelling (the parser also takes levels and names case-insensitively).

/// A compatibility level. The parser also accepts lower case and `-` for `_`.
#[derive(JsonSchema)]
#[schemars(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
enum LevelName {
    Backward,
    Forward,
    Full,
    None,
    BackwardTransitive,
    ForwardTransitive,
    FullTransitive,
}

/// A Protobuf compatibility profile.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
#[allow(dead_code)]
enum ProfileName {
    Wire,
    WireJson,
}

/// A JSON Schema content model.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
#[allow(dead_code)]
enum ContentModel {
    Strict,
    Lenient,
}

/// A JSON Schema draft.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum DraftName {
    #[schemars(rename = "4")]
    D4,
    #[schemars(rename = "6")]
    D6,
    #[schemars(rename = "7")]
    D7,
    #[schemars(rename = "2019-09")]
    D2019,
    #[schemars(rename = "2020-12")]
    D2020,
    #[schemars(rename = "draft-04")]
    Draft04,
    #[schemars(rename = "draft-06")]
    Draft06,
    #[schemars(rename = "draft-07")]
    Draft07,
}

impl Config {
    /// The default level, normalised (`FULL` when absent).
    pub fn default_level(&self) -> &str {
        self.level.as_deref().unwrap_or(DEFAULT_LEVEL)
    }

    /// The level of the first `[[levels]]` entry whose path glob matches
    /// `path` (or an ancestor directory of it).
    pub fn level_for_path(&self, path: &str) -> Option<&str> {
        self.levels
            .iter()
            .find(|e| {
                e.matcher
                    .as_ref()
                    .is_some_and(|m| path_matches(path, |p| m.is_match(p)))
            })
            .map(|e| e.level.as_str())
    }

    /// The level of the first `[[levels]]` entry naming `subject` exactly.
    pub fn level_for_subject(&self, subject: &str) -> Option<&str> {
        self.levels
            .iter()
            .find(|e| e.subject.as_deref() == Some(subject))
            .map(|e| e.level.as_str())
    }

    /// What the `[[rules]]` entries set the rule `code`/`name` to for a
    /// finding at `path`: the last matching entry wins. An entry naming
    /// `paths` matches only a finding with a path under one of them.
    pub fn rule_setting(&self, code: &str, name: &str, path: Option<&str>) -> Option<RuleSeverity> {
        self.rules
            .iter()
            .rev()
            .find(|e| {
                let rule = e.rule.eq_ignore_ascii_case(code) || e.rule.eq_ignore_ascii_case(name);
                let place = match (&e.paths, path) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(_), Some(p)) => e
                        .matchers
                        .iter()
                        .any(|m| path_matches(p, |q| m.is_match(q))),
                };
                rule && place
            })
            .map(|e| e.severity)
    }

    /// The `[[accept]]` entry for a fingerprint, expired or not.
    pub fn acceptance(&self, fingerprint: &str) -> Option<&Accept> {
        self.accept.iter().find(|a| a.fingerprint == fingerprint)
    }

    /// Whether `path` (or an ancestor directory of it) matches an `exclude` glob.
    pub fn is_excluded(&self, path: &str) -> bool {
        path_matches(path, |p| self.exclude_set.is_match(p))
    }
}

impl Window {
    /// How many release tags form the window.
    pub fn size(&self) -> u32 {
        self.size.unwrap_or(DEFAULT_WINDOW_SIZE)
    }

    /// The glob release tags match.
    pub fn tags(&self) -> &str {
        self.tags.as_deref().unwrap_or(DEFAULT_TAGS)
    }

    /// Whether pre-release tags count as releases.
    pub fn prereleases(&self) -> bool {
        self.prereleases.unwrap_or(false)
    }

    /// Whether `tag` matches the tag glob (pre-releases are not judged here).
    pub fn matches_tag(&self, tag: &str) -> bool {
        match &self.tags_matcher {
            Some(m) => m.is_match(tag),
            None => compile_glob(DEFAULT_TAGS).is_ok_and(|m| m.is_match(tag)),
        }
    }
}

impl Protobuf {
    /// The profile, normalised: `wire` or `wire-json`.
    pub fn profile(&self) -> &str {
        self.profile.as_deref().unwrap_or(DEFAULT_PROFILE)
    }
}

impl JsonSchemaSettings {
    /// The draft for files without `$schema`: `4`, `6`, `7`, `2019-09` or `2020-12`.
    pub fn draft(&self) -> &str {
        self.draft.as_deref().unwrap_or(DEFAULT_DRAFT)
    }

    /// Whether the lenient content model is chosen.
    pub fn lenient(&self) -> bool {
        self.content_model.as_deref() == Some("lenient")
    }

    /// Whether `format` is an assertion.
    pub fn format_assertion(&self) -> bool {
        self.format_assertion.unwrap_or(false)
    }
}

/// Whether `path`, or one of its ancestor directories, satisfies `m`.
fn path_matches(path: &str, m: impl Fn(&str) -> bool) -> bool {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_end_matches('/');
    m(p) || p.match_indices('/').any(|(i, _)| i > 0 && m(&p[..i]))
}

fn compile_glob(pattern: &str) -> Result<GlobMatcher, String> {
    if pattern.is_empty() {
        return Err("empty glob".into());
    }
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))
}

/// A configuration file that cannot be read, parsed or validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as given (`wirecompat.toml`, `repo/wirecompat.toml`).
    pub file: String,
    /// 1-based line; 0 when the problem has no position (an unreadable file).
    pub line: u32,
    /// 1-based column in characters; 0 with `line`.
    pub column: u32,
    /// What is wrong, naming the key.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

impl From<ConfigError> for crate::Error {
    fn from(e: ConfigError) -> Self {
        crate::Error::input(e.file, e.line, e.column, e.message)
    }
}

/// Reads the configuration at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let display = path.display().to_string();
    let bytes = crate::limits::read(path, &display).map_err(|e| match e {
        crate::Error::Input {
            line,
            column,
            message,
            ..
        } => ConfigError {
            file: display.clone(),
            line,
            column,
            message,
        },
        crate::Error::Usage(message) => ConfigError {
            file: display.clone(),
            line: 0,
            column: 0,
            message,
        },
    })?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => parse(text, &display),
        Err(e) => {
            let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let (line, column) = crate::error::line_col(&good, good.len());
            Err(ConfigError {
                file: display,
                line,
                column,
                message: "the file is not valid UTF-8 text (TOML is UTF-8)".into(),
            })
        }
    }
}

/// Reads `<repo_root>/wirecompat.toml` if there is one.
pub fn find(repo_root: &Path) -> Result<Option<Config>, ConfigError> {
    let path = repo_root.join(FILE_NAME);
    if path.is_file() {
        load(&path).map(Some)
    } else {
        Ok(None)
    }
}

/// Parses and validates a configuration; `display` names the file in errors.
pub fn parse(text: &str, display: &str) -> Result<Config, ConfigError> {
    let err = |span: Option<Range<usize>>, message: String| {
        let (line, mut column) = match span {
            Some(s) => crate::error::line_col(text, s.start),
            None => (1, 1),
        };
        // Editors do not show a byte-order mark as a column.
        if line == 1 && column > 1 && text.starts_with('\u{feff}') {
            column -= 1;
        }
        ConfigError {
            file: display.to_string(),
            line,
            column,
            message,
        }
    };
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let (partial, _) = DeTable::parse_recoverable(text);
            let span = e.span();
            let path = span
                .clone()
                .map(|s| path_at(&partial, s.start))
                .unwrap_or_default();
            let mut path = path;
            // Name keys only: recovery may have made up array elements.
            while matches!(path.last(), Some(Seg::Index(_))) {
                path.pop();
            }
            let mut msg = format!("invalid TOML: {}", e.message());
            if e.message() == "duplicate key" {
                if let Some(k) = span.clone().and_then(|s| text.get(s)) {
                    msg.push_str(&format!(" `{k}`"));
                    path.pop();
                }
            }
            let bare_value = span.filter(|s| {
                text.get(..s.start)
                    .is_some_and(|b| b.trim_end_matches([' ', '\t']).ends_with('='))
                    && text.get(s.clone()).is_some_and(is_bare_word)
            });
            if let Some(word) = bare_value.and_then(|s| text.get(s)) {
                msg.push_str(&format!(" (strings are quoted: \"{word}\")"));
            }
            return Err(err(e.span(), prefixed(&path, msg)));
        }
    };
    let mut config: Config = toml::from_str(text).map_err(|e| {
        let path = e.span().map(|s| path_at(&doc, s.start)).unwrap_or_default();
        err(e.span(), serde_message(e.message(), &path))
    })?;
    validate(&mut config).map_err(|(path, message)| {
        let span = locate(&doc, &path);
        err(span, prefixed(&path, message))
    })?;
    Ok(config)
}

/// A step in a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// `window.size`, `levels[1].level`, `jsonschema.map_ref."https://x/"`.
fn path_string(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                if !k.is_empty()
                    && k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    out.push_str(k);
                } else {
                    out.push_str(&format!("{k:?}"));
                }
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn prefixed(path: &[Seg], message: String) -> String {
    if path.is_empty() {
        message
    } else {
        format!("{}: {message}", path_string(path))
    }
}

fn is_bare_word(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_alphabetic())
        && w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !matches!(w, "true" | "false" | "inf" | "nan")
}

/// Rewords serde's messages in the file's terms.
fn serde_message(msg: &str, path: &[Seg]) -> String {
    let unknown = msg
        .strip_prefix("unknown field `")
        .and_then(|r| r.split_once('`'));
    if let Some((name, tail)) = unknown {
        let shown = if path.last() == Some(&key(name)) {
            path_string(path)
        } else {
            name.to_string()
        };
        let tail = tail.trim_start_matches(", ");
        return format!("unknown key `{shown}` ({tail})");
    }
    let missing = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.split_once('`'));
    if let Some((name, _)) = missing {
        return prefixed(path, format!("missing key `{name}`"));
    }
    let mut msg = msg
        .replace("expected u32", "expected a positive integer")
        .replace("expected a sequence", "expected an array")
        .replace("invalid type: sequence", "invalid type: array")
        .replace("invalid type: map", "invalid type: table")
        .replace("expected a map", "expected a table");
    if let Some(i) = msg.find("expected struct ") {
        msg.truncate(i);
        msg.push_str("expected a table");
    }
    prefixed(path, msg)
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && (offset < span.end || (span.is_empty() && offset == span.start))
}

/// The most specific key path whose key or value spans `offset`.
fn path_at(doc: &Spanned<DeTable<'_>>, offset: usize) -> Vec<Seg> {
    type Best = Option<((usize, usize), Vec<Seg>)>;
    // Smallest span first; among equal spans the deeper path.
    fn consider(span: Range<usize>, path: &[Seg], offset: usize, best: &mut Best) {
        if contains(&span, offset) {
            let rank = (span.len(), usize::MAX - path.len());
            if best.as_ref().is_none_or(|b| rank < b.0) {
                *best = Some((rank, path.to_vec()));
            }
        }
    }
    fn walk_table(t: &DeTable<'_>, path: &mut Vec<Seg>, offset: usize, best: &mut Best) {
        for (k, v) in t.iter() {
            path.push(key(k.get_ref()));
            consider(k.span(), path, offset, best);
            consider(v.span(), path, offset, best);
            walk(v.get_ref(), path, offset, best);
            path.pop();
        }
    }
    fn walk(value: &DeValue<'_>, path: &mut Vec<Seg>, offset: usize, best: &mut Best) {
        match value {
            DeValue::Table(t) => walk_table(t, path, offset, best),
            DeValue::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    path.push(Seg::Index(i));
                    consider(v.span(), path, offset, best);
                    walk(v.get_ref(), path, offset, best);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut best = None;
    walk_table(doc.get_ref(), &mut Vec::new(), offset, &mut best);
    best.map(|b| b.1).unwrap_or_default()
}

/// The span of the value at `path`.
fn locate(doc: &Spanned<DeTable<'_>>, path: &[Seg]) -> Option<Range<usize>> {
    let mut span = doc.span();
    let mut table = Some(doc.get_ref());
    let mut array = None;
    for seg in path {
        let v = match seg {
            Seg::Key(k) => table?.get(k.as_str())?,
            Seg::Index(i) => array.and_then(|a: &toml::de::DeArray<'_>| a.get(*i))?,
        };
        span = v.span();
        table = v.get_ref().as_table();
        array = v.get_ref().as_array();
    }
    Some(span)
}

type Invalid = (Vec<Seg>, String);

fn normalise_level(s: &str) -> Option<&'static str> {
    let n = s.to_ascii_uppercase().replace('-', "_");
    LEVELS.iter().copied().find(|l| *l == n)
}

fn check_level(value: &mut String, path: Vec<Seg>) -> Result<(), Invalid> {
    match normalise_level(value) {
        Some(l) => {
            *value = l.to_string();
            Ok(())
        }
        None => Err((
            path,
            format!(
                "unknown level `{value}` (expected BACKWARD, FORWARD, FULL, NONE, \
                 BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE or FULL_TRANSITIVE)"
            ),
        )),
    }
}

fn check_glob(pattern: &str, path: Vec<Seg>) -> Result<GlobMatcher, Invalid> {
    compile_glob(pattern).map_err(|m| (path, m))
}

fn normalise_draft(s: &str) -> Option<&'static str> {
    let lower = s.to_ascii_lowercase();
    match lower
        .trim_start_matches("draft")
        .trim_start_matches(['-', '_'])
    {
        "4" | "04" => Some("4"),
        "6" | "06" => Some("6"),
        "7" | "07" => Some("7"),
        "2019-09" | "201909" => Some("2019-09"),
        "2020-12" | "202012" => Some("2020-12"),
        _ => None,
    }
}

/// Checks the values serde cannot, normalises them and compiles the globs.
fn validate(c: &mut Config) -> Result<(), Invalid> {
    let r = &mut c.registry;
    if let Some(u) = &r.url {
        match url::Url::parse(u) {
            Err(e) => return Err((vec![key("registry"), key("url")], format!("{u:?}: {e}"))),
            Ok(parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
                return Err((
                    vec![key("registry"), key("url")],
                    "credentials do not belong in the URL: name the environment variables that \
                     hold them in `username_env` and `password_env`, or `token_env`"
                        .into(),
                ));
            }
            Ok(_) => {}
        }
    }
    if r.timeout.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err((
            vec![key("registry"), key("timeout")],
            "must be a positive number of seconds".into(),
        ));
    }
    for (i, e) in r.subjects.iter_mut().enumerate() {
        let at = |k: &str| vec![key("registry"), key("subjects"), Seg::Index(i), key(k)];
        if e.subject.is_empty() {
            return Err((at("subject"), "must not be empty".into()));
        }
        e.matcher = Some(check_glob(&e.path, at("path"))?);
    }
    if let Some(level) = &mut c.level {
        check_level(level, vec![key("level")])?;
    }
    let mut set = GlobSetBuilder::new();
    for (i, g) in c.exclude.iter().enumerate() {
        let m = check_glob(g, vec![key("exclude"), Seg::Index(i)])?;
        set.add(m.glob().clone());
    }
    c.exclude_set = set
        .build()
        .map_err(|e| (vec![key("exclude")], e.kind().to_string()))?;

    let w = &mut c.window;
    if w.size == Some(0) {
        return Err((
            vec![key("window"), key("size")],
            "must be at least 1 (the latest release)".into(),
        ));
    }
    if let Some(t) = &w.tags {
        w.tags_matcher = Some(check_glob(t, vec![key("window"), key("tags")])?);
    }

    for (i, e) in c.levels.iter_mut().enumerate() {
        let at = |k: &str| vec![key("levels"), Seg::Index(i), key(k)];
        match (&e.path, &e.subject) {
            (Some(_), Some(_)) => {
                return Err((
                    at("subject"),
                    "an entry has `path` or `subject`, not both".into(),
                ));
            }
            (None, None) => {
                return Err((
                    vec![key("levels"), Seg::Index(i)],
                    "an entry needs `path` (a glob) or `subject`".into(),
                ));
            }
            (Some(p), None) => e.matcher = Some(check_glob(p, at("path"))?),
            (None, Some(s)) if s.is_empty() => {
                return Err((at("subject"), "empty subject".into()));
            }
            (None, Some(_)) => {}
        }
        check_level(&mut e.level, at("level"))?;
    }

    if let Some(p) = &mut c.protobuf.profile {
        let n = p.to_ascii_lowercase().replace('_', "-");
        if n != "wire" && n != "wire-json" {
            return Err((
                vec![key("protobuf"), key("profile")],
                format!("unknown profile `{p}` (expected wire-json or wire)"),
            ));
        }
        *p = n;
    }

    let js = &mut c.jsonschema;
    if let Some(d) = &mut js.draft {
        match normalise_draft(d) {
            Some(n) => *d = n.to_string(),
            None => {
                return Err((
                    vec![key("jsonschema"), key("draft")],
                    format!("unknown draft `{d}` (expected 4, 6, 7, 2019-09 or 2020-12)"),
                ));
            }
        }
    }
    if let Some(m) = &mut js.content_model {
        let n = m.to_ascii_lowercase();
        if n != "strict" && n != "lenient" {
            return Err((
                vec![key("jsonschema"), key("content_model")],
                format!("unknown content model `{m}` (expected strict or lenient)"),
            ));
        }
        *m = n;
    }
    for (prefix, target) in &js.map_ref {
        let at = vec![key("jsonschema"), key("map_ref"), key(prefix)];
        if prefix.is_empty() {
            return Err((at, "empty URI prefix".into()));
        }
        if target.is_empty() {
            return Err((at, "empty local path".into()));
        }
    }

    for (i, r) in c.rules.iter_mut().enumerate() {
        if crate::rule::find(&r.rule).is_none() {
            return Err((
                vec![key("rules"), Seg::Index(i), key("rule")],
                format!("unknown rule `{}` (`wirecompat rules` lists them)", r.rule),
            ));
        }
        if r.paths.as_ref().is_some_and(Vec::is_empty) {
            return Err((
                vec![key("rules"), Seg::Index(i), key("paths")],
                "no paths (leave `paths` out to apply the entry everywhere)".into(),
            ));
        }
        for (j, p) in r.paths.iter().flatten().enumerate() {
            let at = vec![key("rules"), Seg::Index(i), key("paths"), Seg::Index(j)];
            r.matchers.push(check_glob(p, at)?);
        }
    }

    for (i, a) in c.accept.iter().enumerate() {
        if a.fingerprint.trim().is_empty() {
            return Err((
                vec![key("accept"), Seg::Index(i), key("fingerprint")],
                "empty fingerprint".into(),
            ));
        }
        if a.fingerprint.len() != 16 || !a.fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err((
                vec![key("accept"), Seg::Index(i), key("fingerprint")],
                format!(
                    "fingerprint {:?} is not one: a report's fingerprints are 16 hexadecimal digits",
                    a.fingerprint
                ),
            ));
        }
    }
    Ok(())
}

/// The JSON Schema of `wirecompat.toml`, as committed in
/// `schemas/config.schema.json` (pretty-printed, with a trailing newline).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Config);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises to JSON");
    text.push('\n');
    text
}

/// The starter configuration `wirecompat init` writes: every key, with its
/// default or commented out, and one line saying what it does.
pub const STARTER: &str = r#"# wirecompat.toml: how wirecompat checks this repository's wire contracts.
# Every key is optional; the values shown are the defaults. Paths and globs are relative to the repository root.

# Default level: BACKWARD, FORWARD, FULL, NONE, or BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, FULL_TRANSITIVE (every release in the window).
level = "FULL"
# Files never treated as contracts (globs; a glob matching a directory excludes everything under it).
exclude = []

[window]
# How many release tags form the rollback window (1: the latest release only).
size = 1
# Glob the release tags match.
tags = "v*"
# Whether pre-release tags (v2.0.0-rc.1) count as releases.
prereleases = false

# Level per path glob, or per subject: a contract's full name or an enclosing package or namespace
# (orders.v1, com.acme.Order); a path entry is tried before a subject entry, and the first match wins.
# [[levels]]
# path = "proto/internal/**"
# level = "NONE"
# [[levels]]
# subject = "orders.v1"
# level = "BACKWARD_TRANSITIVE"

[protobuf]
# Import root of the .proto files (default: the repository root).
# root = "proto"
# Extra import paths.
include = []
# "wire-json" protects binary and ProtoJSON; "wire" protects binary only.
profile = "wire-json"

[jsonschema]
# Draft for files without $schema: 4, 6, 7, 2019-09 or 2020-12.
draft = "2020-12"
# "strict": an object that allows undeclared properties may hold any name with any value, so constraining a new optional property breaks backward; "lenient" assumes the data holds no undeclared names.
content_model = "strict"
# Treat `format` as an assertion instead of an annotation.
format_assertion = false
# Remote $ref prefix or URI -> local directory or file (remote references are refused otherwise).
# map_ref = { "https://schemas.example.com/" = "schemas/" }

# A rule's severity ("error", "warning", "info" or "off"), by code or name, optionally only under some paths; the last matching entry wins (`wirecompat rules` lists the rules).
# [[rules]]
# rule = "PB502"
# paths = ["proto/public/**"]
# severity = "warning"

[registry]
# The schema registry `wirecompat registry` talks to (Confluent REST API). Secrets never go here: name the
# environment variables that hold them (default: WIRECOMPAT_REGISTRY_USERNAME, WIRECOMPAT_REGISTRY_PASSWORD,
# WIRECOMPAT_REGISTRY_TOKEN).
# url = "https://registry.example.com"
# username_env = "SR_USER"
# password_env = "SR_PASSWORD"
# token_env = "SR_TOKEN"
# Extra headers, each mapped to the environment variable that holds its value.
# headers = { "target-sr-cluster" = "SR_CLUSTER_ID" }
# ca_file = "certs/registry-ca.pem"
timeout = 30
retries = 3
# Subjects of files (first match wins); other files follow TopicNameStrategy: orders.avsc is orders-value.
# [[registry.subjects]]
# path = "avro/orders/*.avsc"
# subject = "orders-value"

# Accepted changes: a finding with this fingerprint (from the report) is shown as accepted and does not block.
# Every acceptance needs a reason and an expiry date (YYYY-MM-DD); after that day the check fails until the entry is
# renewed or removed. An entry that matches no finding is reported as stale.
# [[accept]]
# fingerprint = "d375cffd7056528e"
# reason = "v1 clients are gone"
# by = "alice@example.com"
# expires = "2027-01-31"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_from_days() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(19_782).to_string(), "2024-02-29");
        assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
        assert_eq!(Date::from_days(10_957).to_string(), "2000-01-01");
    }

    #[test]
    fn paths_match_ancestors() {
        assert!(path_matches("./a/b/c.proto", |p| p == "a/b"));
        assert!(!path_matches("ab/c", |p| p == "a"));
    }
}
