//! `wirecompat registry ...`: the command line's side (arguments, the
//! environment, printing); the work is in the library's `registry` module.

use std::process::ExitCode;
use std::time::Duration;

use wirecompat::config::Config;
use wirecompat::registry::{self, Candidate};
use wirecompat::report::{self, OutputFormat as Format};
use wirecompat::run::Outcome;
use wirecompat::source::registry::{Auth, Client, Connection};
use wirecompat::{CheckOptions, Level};

use crate::cli::{AuditArgs, Connect, OutputFormat, RegistryArgs, RegistryCommand};
use crate::{color_of, emit, fail, parse_outputs, report_format};

const DEFAULT_TIMEOUT: f64 = 30.0;
const DEFAULT_RETRIES: u32 = 3;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `wirecompat.toml`: `--config`, else at the repository root (or here).
fn config(c: &Connect) -> Result<Option<Config>, ExitCode> {
    let shown = |e: wirecompat::config::ConfigError| {
        fail(format!(
            "error: {}:{}:{}: {}",
            e.file, e.line, e.column, e.message
        ))
    };
    if c.no_config {
        return Ok(None);
    }
    if let Some(p) = &c.config {
        return wirecompat::config::load(p).map(Some).map_err(shown);
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = wirecompat::source::Repo::discover(&cwd)
        .map(|r| r.work_dir().to_path_buf())
        .unwrap_or(cwd);
    wirecompat::config::find(&root).map_err(shown)
}

/// The value of an environment variable the configuration names (or the
/// default name).
fn secret(named: Option<&String>, default: &str) -> Option<String> {
    env(named.map(String::as_str).unwrap_or(default))
}

fn client(c: &Connect, cfg: Option<&Config>) -> Result<Client, ExitCode> {
    let r = cfg.map(|c| &c.registry);
    let url = c
        .url
        .clone()
        .or_else(|| env("WIRECOMPAT_REGISTRY_URL"))
        .or_else(|| r.and_then(|r| r.url.clone()));
    let Some(url) = url else {
        return Err(fail(
            "no registry: pass --url, set WIRECOMPAT_REGISTRY_URL, or set [registry] url in \
             wirecompat.toml",
        ));
    };
    let user_var = r.and_then(|r| r.username_env.as_ref());
    let password_var = r.and_then(|r| r.password_env.as_ref());
    let token_var = r.and_then(|r| r.token_env.as_ref());
    let auth = match (
        secret(token_var, "WIRECOMPAT_REGISTRY_TOKEN"),
        secret(user_var, "WIRECOMPAT_REGISTRY_USERNAME"),
        secret(password_var, "WIRECOMPAT_REGISTRY_PASSWORD"),
    ) {
        (Some(t), _, _) => Auth::Bearer(t),
        (None, Some(user), Some(password)) => Auth::Basic { user, password },
        (None, Some(_), None) => {
            return Err(fail(format!(
                "{} is set but {} is not",
                user_var
                    .map(String::as_str)
                    .unwrap_or("WIRECOMPAT_REGISTRY_USERNAME"),
                password_var
                    .map(String::as_str)
                    .unwrap_or("WIRECOMPAT_REGISTRY_PASSWORD"),
            )));
        }
        _ => Auth::None,
    };
    let mut wanted: Vec<(String, String)> = r
        .map(|r| {
            r.headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    for h in &c.header {
        let Some((name, var)) = h
            .split_once('=')
            .filter(|(n, v)| !n.is_empty() && !v.is_empty())
        else {
            return Err(fail(format!(
                "--header {h:?}: expected NAME=ENV_VAR (the value is read from the environment)"
            )));
        };
        wanted.push((name.to_string(), var.to_string()));
    }
    let mut headers = Vec::new();
    for (name, var) in wanted {
        match env(&var) {
            Some(v) => headers.push((name, v)),
            None => {
                return Err(fail(format!(
                    "header {name}: the environment variable {var} is not set"
                )));
            }
        }
    }
    let timeout = c
        .timeout
        .or_else(|| r.and_then(|r| r.timeout))
        .unwrap_or(DEFAULT_TIMEOUT);
    if !(timeout.is_finite() && timeout > 0.0) {
        return Err(fail("--timeout: expected a positive number of seconds"));
    }
    Client::new(Connection {
        url,
        auth,
        headers,
        timeout: Duration::from_secs_f64(timeout),
        retries: c
            .retries
            .or_else(|| r.and_then(|r| r.retries))
            .unwrap_or(DEFAULT_RETRIES),
        ca_file: c
            .ca_file
            .clone()
            .or_else(|| r.and_then(|r| r.ca_file.clone()).map(Into::into)),
    })
    .map_err(|e| fail(format!("error: {e}")))
}

fn level(s: Option<&str>) -> Result<Option<Level>, ExitCode> {
    match s.map(str::parse::<Level>) {
        None => Ok(None),
        Some(Ok(l)) => Ok(Some(l)),
        Some(Err(e)) => Err(fail(e)),
    }
}

/// TopicNameStrategy: `orders.avsc` is `orders-value`; a stem already
/// ending in `-key` or `-value` is the subject.
pub fn topic_subject(file: &std::path::Path) -> Option<String> {
    let stem = file.file_stem()?.to_str()?;
    let stem = stem.strip_suffix(".schema").unwrap_or(stem);
    if stem.ends_with("-key") || stem.ends_with("-value") {
        Some(stem.to_string())
    } else {
        Some(format!("{stem}-value"))
    }
}

pub fn run(command: RegistryCommand) -> ExitCode {
    match command {
        RegistryCommand::Check(a) => check(*a, false),
        RegistryCommand::Publish(a) => check(*a, true),
        RegistryCommand::Audit(a) => audit(*a),
    }
}

fn check(a: RegistryArgs, publish: bool) -> ExitCode {
    let outputs = match parse_outputs(&a.output) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let level = match level(a.level.as_deref()) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let cfg = match config(&a.connect) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let client = match client(&a.connect, cfg.as_ref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let opts = CheckOptions {
        allow_unknown: a.allow_unknown,
        no_witness: a.no_witness,
        ..Default::default()
    };
    let format = report_format(a.format);
    let color = color_of(a.color);
    let Some(file) = a.file.clone() else {
        return repository(&a, cfg.as_ref(), &client, level, &opts, publish);
    };
    let Some(subject) = subject_of(&a, cfg.as_ref(), &file) else {
        return fail(format!(
            "{}: cannot name a subject; pass --subject",
            file.display()
        ));
    };
    let candidate = match Candidate::read(&subject, &file) {
        Ok(c) => c,
        Err(e) => return fail(format!("error: {e}")),
    };
    let (checked, footer) = if publish {
        match registry::publish(&client, &candidate, level, &opts, a.dry_run) {
            Ok(p) => {
                let footer = match (p.id, p.dry_run, p.checked.report.compatible()) {
                    (Some(id), _, _) => format!("registered {subject} as schema id {id}"),
                    (None, true, true) => format!(
                        "dry run: {} would be registered under {subject}",
                        file.display()
                    ),
                    (None, _, _) => format!(
                        "not registered: {} fails the check for {subject}",
                        file.display()
                    ),
                };
                (p.checked, Some(footer))
            }
            Err(e) => return fail(format!("error: {e}")),
        }
    } else {
        match registry::check(&client, &candidate, level, &opts) {
            Ok(c) => (c, None),
            Err(e) => return fail(format!("error: {e}")),
        }
    };
    let outcome = Outcome::Window(Box::new(checked.report));
    if let Err(code) = emit(&outcome, format, &outputs, color, footer.as_deref()) {
        return code;
    }
    if outcome.compatible() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The subject of a file: `--subject`, `[[registry.subjects]]`, else
/// TopicNameStrategy.
fn subject_of(a: &RegistryArgs, cfg: Option<&Config>, file: &std::path::Path) -> Option<String> {
    let configured = cfg.and_then(|c| {
        let rel = file.to_string_lossy().replace('\\', "/");
        c.registry.subject_for(&rel).map(str::to_string)
    });
    a.subject
        .clone()
        .or(configured)
        .or_else(|| topic_subject(file))
}

/// Without FILE: every Avro, Protobuf and JSON Schema contract of the
/// repository, each under its subject; those that differ from their
/// subject's latest version are checked, and published only when every one
/// of them passes.
fn repository(
    a: &RegistryArgs,
    cfg: Option<&Config>,
    client: &Client,
    level: Option<Level>,
    opts: &CheckOptions,
    publish: bool,
) -> ExitCode {
    if a.subject.is_some() {
        return fail("--subject names the subject of one FILE: give the FILE too");
    }
    let outputs = match parse_outputs(&a.output) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let repo = match wirecompat::source::Repo::discover(&cwd) {
        Ok(r) => r,
        Err(e) => {
            return fail(format!(
                "error: {e} (without FILE, the repository's contracts are checked)"
            ));
        }
    };
    let root = repo.work_dir().to_path_buf();
    let listing = match wirecompat::source::list_work_tree(&root) {
        Ok(l) => l,
        Err(e) => return fail(format!("error: {e}")),
    };
    let excluded = |p: &str| cfg.is_some_and(|c| c.is_excluded(p));
    let found = wirecompat::source::find_contracts(&root, &listing, &excluded);
    let files: Vec<String> = found
        .avro
        .iter()
        .filter(|f| f.ends_with(".avsc"))
        .chain(&found.protobuf)
        .chain(&found.jsonschema)
        .cloned()
        .collect();
    let mut candidates = Vec::new();
    for rel in files {
        let path = root.join(&rel);
        let Some(subject) = subject_of(a, cfg, std::path::Path::new(&rel)) else {
            continue;
        };
        let mut c = match Candidate::read(&subject, &path) {
            Ok(c) => c,
            Err(e) => return fail(format!("error: {e}")),
        };
        c.file = std::path::PathBuf::from(&rel);
        match registry::unchanged(client, &c) {
            Ok(true) => continue,
            Ok(false) => candidates.push(c),
            Err(e) => return fail(format!("error: {e}")),
        }
    }
    let mut reports = Vec::new();
    let mut checked = Vec::new();
    for c in &candidates {
        match registry::check(client, c, level, opts) {
            Ok(k) => {
                reports.push((
                    format!("{} ({})", c.subject, c.file.display()),
                    k.report.clone(),
                ));
                checked.push(k);
            }
            Err(e) => return fail(format!("error: {e}")),
        }
    }
    let all_pass = reports.iter().all(|(_, w)| w.compatible());
    let mut footer = Vec::new();
    if candidates.is_empty() {
        footer.push("every contract matches its subject's latest version: nothing to check".into());
    }
    if publish {
        if !all_pass {
            footer.push("nothing registered: a contract fails its check".to_string());
        } else if a.dry_run {
            for c in &candidates {
                footer.push(format!(
                    "dry run: {} would be registered under {}",
                    c.file.display(),
                    c.subject
                ));
            }
        }
    }
    let outcome = Outcome::Many(reports);
    let footer_text = footer.join("\n");
    if let Err(code) = emit(
        &outcome,
        report_format(a.format),
        &outputs,
        color_of(a.color),
        (!footer_text.is_empty()).then_some(footer_text.as_str()),
    ) {
        return code;
    }
    if publish && all_pass && !a.dry_run {
        for (c, k) in candidates.iter().zip(&checked) {
            match client.register(&c.subject, &c.schema, c.schema_type, &k.references) {
                Ok(id) => {
                    let line = format!(
                        "registered {} ({}) as schema id {id}",
                        c.subject,
                        c.file.display()
                    );
                    if matches!(a.format, crate::cli::ReportFormat::Text) {
                        println!("{line}");
                    } else {
                        eprintln!("wirecompat: {line}");
                    }
                }
                Err(e) => return fail(format!("error: {e}")),
            }
        }
    }
    if all_pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn audit(a: AuditArgs) -> ExitCode {
    let level = match level(a.level.as_deref()) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let cfg = match config(&a.connect) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let client = match client(&a.connect, cfg.as_ref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let audited = match registry::audit(
        &client,
        a.subject_glob.as_deref(),
        level,
        &CheckOptions::default(),
    ) {
        Ok(r) => r,
        Err(e) => return fail(format!("error: {e}")),
    };
    let violations: usize = audited.iter().map(|s| s.violations().count()).sum();
    match a.format {
        OutputFormat::Json => {
            let subjects: Vec<serde_json::Value> = audited
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "subject": s.subject,
                        "level": s.level.as_str(),
                        "compatible": s.violations().next().is_none(),
                        "pairs": s.pairs.iter().map(|(o, n, r)| serde_json::json!({
                            "old": o,
                            "new": n,
                            "compatible": r.compatible(),
                            "report": report::json::to_value(r),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let v = serde_json::json!({
                "version": report::json::REPORT_VERSION,
                "mode": "audit",
                "registry": client.url(),
                "compatible": violations == 0,
                "violations": violations,
                "subjects": subjects,
            });
            println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        }
        OutputFormat::Text => {
            println!("wirecompat registry audit: {}", client.url());
            for s in &audited {
                let bad = s.violations().count();
                println!(
                    "\n{} ({}, {} pair(s) checked): {}",
                    s.subject,
                    s.level,
                    s.pairs.len(),
                    if bad == 0 {
                        "no violation".to_string()
                    } else {
                        format!("{bad} violation(s)")
                    }
                );
                for (o, n, r) in s.violations() {
                    println!("  v{o} → v{n}: {}", r.verdict());
                    for line in report::text::render(r).lines().skip(3) {
                        if line.starts_with("summary:")
                            || line.starts_with("verdict:")
                            || line.starts_with("rollback:")
                        {
                            continue;
                        }
                        println!("    {line}");
                    }
                }
            }
            println!(
                "\n{} subject(s), {violations} violation(s) of their levels",
                audited.len()
            );
        }
    }
    let _ = Format::Text;
    if violations == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
