//! Thin: clap, then the library, then print, then the exit code
//! (0 compatible, 1 incompatible, 2 usage or input error).

mod cli;
mod registry_cli;

use std::process::ExitCode;

use clap::Parser;
use wirecompat::formats::jsonschema::Draft;
use wirecompat::run::{self, ConfigChoice, Outcome, Request};
use wirecompat::{CheckOptions, Level, Profile, report, rule};

use cli::{CheckArgs, Cli, ColorChoice, Command, OutputFormat, ProfileArg, ReportFormat};
use wirecompat::report::OutputFormat as Format;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (index in `mi_option_e`, v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // A check allocates and frees a lot once, then exits: returning freed
    // pages to the OS only to fault them in again costs a third of the run.
    // SAFETY: plain option setter of the allocator linked in above.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    // Transparent huge pages make each first touch zero 2 MiB; on the virtual
    // machines CI runs on that made run times swing by half. Small pages are
    // steadier and keep the resident set lower.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with integer arguments only affects this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    wirecompat::limits::set(wirecompat::limits::Limits {
        max_file_size: cli.max_file_size,
        max_depth: cli.max_depth as usize,
    });
    // The parsers wirecompat reads with recurse once per level of nesting;
    // with the depth limit, these stacks hold any input (tests/bad_input.rs
    // checks the highest limit in every format).
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK)
        .build_global();
    match std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || run(cli))
        .map(|h| h.join())
    {
        Ok(Ok(code)) => code,
        _ => ExitCode::from(2),
    }
}

/// Stack of the main work and of rayon's threads (address space, only
/// touched as deep as a run goes).
const STACK: usize = 256 << 20;

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Init { force } => init(force),
        Command::Rules { format } => {
            match format {
                OutputFormat::Text => print!("{}", rule::render_list()),
                OutputFormat::Json => print!("{}", rule::render_list_json()),
            }
            ExitCode::SUCCESS
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "wirecompat", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Registry { command } => registry_cli::run(command),
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut out) {
                Ok(()) => {
                    use std::io::Write as _;
                    let _ = std::io::stdout().write_all(&out);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("cannot render the man page: {e}")),
            }
        }
        Command::Explain { rule: key } => match rule::find(&key) {
            Some(r) => {
                print!("{}", rule::render_explain(r));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("wirecompat: no rule {key:?}; `wirecompat rules` lists them");
                ExitCode::from(2)
            }
        },
    }
}

/// `--output FORMAT=PATH` values, checked before the run: a typo is a usage
/// error, not a lost report after a long check.
fn parse_outputs(values: &[String]) -> Result<Vec<(Format, std::path::PathBuf)>, ExitCode> {
    let mut outputs = Vec::new();
    for o in values {
        match o.split_once('=').map(|(f, p)| (Format::parse(f), p)) {
            Some((Some(f), p)) if !p.is_empty() => outputs.push((f, std::path::PathBuf::from(p))),
            _ => {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                return Err(fail(format!(
                    "--output {o:?}: expected FORMAT=PATH with FORMAT one of {}",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(outputs)
}

fn report_format(f: ReportFormat) -> Format {
    match f {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Sarif => Format::Sarif,
        ReportFormat::Junit => Format::Junit,
        ReportFormat::Github => Format::Github,
        ReportFormat::Gitlab => Format::Gitlab,
        ReportFormat::Markdown => Format::Markdown,
    }
}

fn color_of(c: ColorChoice) -> bool {
    match c {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            use std::io::IsTerminal as _;
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Prints the report, writes the `--output` files and the GitHub job
/// summary. `footer`: a line for the text report (what was registered).
fn emit(
    outcome: &Outcome,
    format: Format,
    outputs: &[(Format, std::path::PathBuf)],
    color: bool,
    footer: Option<&str>,
) -> Result<(), ExitCode> {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = report::write(outcome, format, color, &mut stdout) {
        // A closed pipe (`| head`) ends the output, not the run.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(fail(format!("cannot write the report: {e}")));
        }
    }
    drop(stdout);
    if let Some(line) = footer {
        if format == Format::Text {
            println!("{line}");
        } else {
            eprintln!("wirecompat: {line}");
        }
    }
    for (f, path) in outputs {
        let written = std::fs::File::create(path)
            .and_then(|mut file| report::write(outcome, *f, false, &mut file));
        if let Err(e) = written {
            return Err(fail(format!("cannot write {}: {e}", path.display())));
        }
    }
    let github = format == Format::Github || outputs.iter().any(|(f, _)| *f == Format::Github);
    if github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty())
    {
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)
            .and_then(|file| report::github_summary(outcome, &mut std::io::BufWriter::new(file)));
        if let Err(e) = appended {
            return Err(fail(format!(
                "cannot append the job summary to {}: {e}",
                std::path::Path::new(&summary).display()
            )));
        }
    }
    Ok(())
}

/// Runs over fewer contract files than this finish before a bar helps.
const BAR_FILES: usize = 200;

/// The progress bar on standard error (only on a terminal, only for runs
/// over many files).
#[derive(Debug, Default)]
struct Bar(std::sync::Mutex<Option<indicatif::ProgressBar>>);

impl run::Progress for Bar {
    fn stage(&self, what: &str, done: usize, total: usize, files: usize) {
        let Ok(mut bar) = self.0.lock() else { return };
        if bar.is_none() && files >= BAR_FILES {
            let b = indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            );
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed}] {bar:30} {pos}/{len} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            *bar = Some(b);
        }
        if let Some(b) = bar.as_ref() {
            b.set_length(total as u64);
            b.set_position(done as u64);
            b.set_message(format!("{what} ({files} files)"));
        }
    }

    fn finish(&self) {
        if let Ok(mut bar) = self.0.lock()
            && let Some(b) = bar.take()
        {
            b.finish_and_clear();
        }
    }
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("wirecompat: {msg}");
    ExitCode::from(2)
}

fn check(args: CheckArgs) -> ExitCode {
    let level = match args.level.as_deref().map(str::parse::<Level>) {
        None => None,
        Some(Ok(l)) => Some(l),
        Some(Err(e)) => return fail(e),
    };
    let draft = match args.draft.as_deref().map(|d| (d, Draft::parse(d))) {
        None => None,
        Some((_, Some(d))) => Some(d),
        Some((d, None)) => {
            return fail(format!(
                "unknown draft {d:?}: expected 4, 6, 7, 2019-09 or 2020-12"
            ));
        }
    };
    let mut ref_map = Vec::new();
    for m in &args.map_ref {
        match m.split_once('=') {
            Some((uri, file)) if !uri.is_empty() && !file.is_empty() => {
                ref_map.push((uri.to_string(), std::path::PathBuf::from(file)));
            }
            _ => return fail(format!("--map-ref {m:?}: expected URI=FILE")),
        }
    }
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => return fail(format!("cannot read the current directory: {e}")),
    };
    let req = Request {
        old: args.old,
        new: args.new,
        window: args.window,
        tags: args.tags,
        head: args.head,
        prereleases: args.prereleases,
        level,
        profile: args.profile.map(|p| match p {
            ProfileArg::Wire => Profile::Wire,
            ProfileArg::WireJson => Profile::WireJson,
        }),
        lenient: args.lenient,
        format_assertion: args.format_assertion,
        config: match (args.config, args.no_config) {
            (_, true) => ConfigChoice::Off,
            (Some(f), false) => ConfigChoice::File(f),
            (None, false) => ConfigChoice::Auto,
        },
        cwd,
        opts: CheckOptions {
            includes: args.include,
            old_includes: args.old_include,
            new_includes: args.new_include,
            allow_unknown: args.allow_unknown,
            no_witness: args.no_witness,
            draft,
            ref_map,
            ..Default::default()
        },
        today: None,
        progress: {
            use std::io::IsTerminal as _;
            std::io::stderr()
                .is_terminal()
                .then(|| std::sync::Arc::new(Bar::default()) as std::sync::Arc<dyn run::Progress>)
        },
    };
    let outputs = match parse_outputs(&args.output) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let format = report_format(args.format);
    let color = color_of(args.color);
    match run::run(&req) {
        Ok(outcome) => {
            if let Err(code) = emit(&outcome, format, &outputs, color, None) {
                return code;
            }
            if outcome.compatible() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => fail(format!("error: {e}")),
    }
}

fn init(force: bool) -> ExitCode {
    // At the root of the repository the command runs in, else here.
    let dir = std::env::current_dir()
        .ok()
        .and_then(|d| wirecompat::source::Repo::discover(&d).ok())
        .map(|r| r.work_dir().to_path_buf())
        .unwrap_or_default();
    let path = &dir.join(wirecompat::config::FILE_NAME);
    if path.exists() && !force {
        return fail("wirecompat.toml exists already; pass --force to overwrite it");
    }
    match std::fs::write(path, wirecompat::config::STARTER) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("cannot write wirecompat.toml: {e}")),
    }
}
