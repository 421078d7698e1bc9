//! `wirecompat registry ...`: the command line's side (arguments, the
//! environment, printing); the work is in the library's `registry` module.

use std::process::ExitCode;
use std::time::Duration;

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

fn client(c: &Connect) -> Result<Client, ExitCode> {
    let url = match c.url.clone().or_else(|| env("WIRECOMPAT_REGISTRY_URL")) {
        Some(u) => u,
        None => {
            return Err(fail(
                "no registry: pass --url or set WIRECOMPAT_REGISTRY_URL",
            ));
        }
    };
    let auth = match (
        env("WIRECOMPAT_REGISTRY_TOKEN"),
        env("WIRECOMPAT_REGISTRY_USERNAME"),
        env("WIRECOMPAT_REGISTRY_PASSWORD"),
    ) {
        (Some(t), _, _) => Auth::Bearer(t),
        (None, Some(user), Some(password)) => Auth::Basic { user, password },
        (None, Some(_), None) => {
            return Err(fail(
                "WIRECOMPAT_REGISTRY_USERNAME is set but WIRECOMPAT_REGISTRY_PASSWORD is not",
            ));
        }
        _ => Auth::None,
    };
    let mut headers = Vec::new();
    for h in &c.header {
        let Some((name, var)) = h.split_once('=').filter(|(n, v)| !n.is_empty() && !v.is_empty())
        else {
            return Err(fail(format!(
                "--header {h:?}: expected NAME=ENV_VAR (the value is read from the environment)"
            )));
        };
        match env(var) {
            Some(v) => headers.push((name.to_string(), v)),
            None => {
                return Err(fail(format!(
                    "--header {name}: the environment variable {var} is not set"
                )));
            }
        }
    }
    let timeout = c.timeout.unwrap_or(DEFAULT_TIMEOUT);
    if !(timeout.is_finite() && timeout > 0.0) {
        return Err(fail("--timeout: expected a positive number of seconds"));
    }
    Client::new(Connection {
        url,
        auth,
        headers,
        timeout: Duration::from_secs_f64(timeout),
        retries: c.retries.unwrap_or(DEFAULT_RETRIES),
        ca_file: c.ca_file.clone(),
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
    let client = match client(&a.connect) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(subject) = a.subject.clone().or_else(|| topic_subject(&a.file)) else {
        return fail(format!("{}: cannot name a subject; pass --subject", a.file.display()));
    };
    let candidate = match Candidate::read(&subject, &a.file) {
        Ok(c) => c,
        Err(e) => return fail(format!("error: {e}")),
    };
    let opts = CheckOptions {
        allow_unknown: a.allow_unknown,
        ..Default::default()
    };
    let (checked, footer) = if publish {
        match registry::publish(&client, &candidate, level, &opts, a.dry_run) {
            Ok(p) => {
                let footer = match (p.id, p.dry_run, p.checked.report.compatible()) {
                    (Some(id), _, _) => format!("registered {} as schema id {id}", subject),
                    (None, true, true) => format!(
                        "dry run: {} would be registered under {subject}",
                        a.file.display()
                    ),
                    (None, _, _) => format!(
                        "not registered: {} fails the check for {subject}",
                        a.file.display()
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
    if let Err(code) = emit(
        &outcome,
        report_format(a.format),
        &outputs,
        color_of(a.color),
        footer.as_deref(),
    ) {
        return code;
    }
    if outcome.compatible() {
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
    let client = match client(&a.connect) {
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
