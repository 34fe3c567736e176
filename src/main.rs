//! The `knooppunt` command: parses the command line and dispatches to `cli/<subcommand>.rs`;
//! the logic lives in the library crates.

mod cli;

use cli::{Command, Settings};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse_dutch();
    if cli.command.prints_for_a_reader() {
        end_quietly_when_the_reader_stops();
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KNOOPPUNT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    std::panic::set_hook(Box::new(log_panic));
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("Knooppunt kon niet starten: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command, Settings::new(cli.config))) {
        Ok(code) => code,
        Err(error) => match error.downcast_ref::<knooppunt::config::ConfigErrors>() {
            Some(errors) => {
                eprint!("{errors}");
                ExitCode::from(2)
            }
            None => {
                eprintln!("Fout: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Restores the default action of SIGPIPE, which Rust's runtime ignores: `knooppunt classify
/// … | head` then ends when `head` has read enough, as `grep` would, instead of failing its
/// next write and reporting that as an internal error.
fn end_quietly_when_the_reader_stops() {
    // SAFETY: called once at start-up, before any thread is spawned; it only sets the signal's
    // disposition back to the system default.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Logs a panic (a bug) with where it happened. Its message is logged only when it is a fixed
/// text: a formatted one may quote the data it failed on, such as a signal's text ("byte index
/// 42 is not a char boundary … of `…`"), and signal text never goes to the logs.
fn log_panic(info: &std::panic::PanicHookInfo<'_>) {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .copied()
        .unwrap_or("(left out: it may quote signal text)");
    let location = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()))
        .unwrap_or_default();
    tracing::error!(%location, message, "Internal error (panic)");
}

async fn dispatch(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    let settings = &settings;
    match command {
        Command::Serve => cli::serve::serve(settings).await,
        Command::Intake => cli::serve::intake(settings).await,
        Command::Engine => cli::serve::engine(settings).await,
        Command::Import { file } => cli::import::run(settings, &file).await,
        Command::Migrate => cli::migrate::run(settings).await,
        Command::Brief {
            quarter,
            out,
            programme,
            no_pdf,
            publish,
            rectificatie,
        } => {
            let options = knooppunt::app::BriefOptions {
                programme,
                pdf: !no_pdf,
                publish,
                rectification: rectificatie,
            };
            cli::brief::run(settings, quarter, &out, &options).await
        }
        Command::Config => {
            print!("{}", settings.load()?.to_display_toml());
            Ok(ExitCode::SUCCESS)
        }
        Command::Bewaartermijn { apply, .. } => cli::retention::run(settings, apply).await,
        Command::Verwerkingslog {
            actor,
            actie,
            trace,
            van,
            tot,
        } => {
            let filter = knooppunt_rules::verwerkingslog::Filter {
                actor,
                name: actie,
                trace_id: trace,
                from: van,
                to: tot,
                limit: 0,
            };
            cli::processing_log::run(settings, filter).await
        }
        Command::Classify {
            file,
            rules,
            model,
            jobs,
        } => cli::classify::run(file, rules.as_deref(), model.as_deref(), jobs),
        Command::Quarantaine => cli::quarantine::run(settings).await,
        Command::User { command } => cli::user::run(command, settings).await,
        Command::Agenda {
            meeting,
            out,
            attendees,
        } => cli::agenda::run(settings, meeting, &out, attendees).await,
        Command::Digest(args) => cli::digest::run(settings, args).await,
        Command::Clusters {
            agenda: true, on, ..
        } => cli::clusters::agenda(settings, on).await,
        Command::Clusters { min, .. } => cli::clusters::list(settings, min).await,
        Command::Rules { command } => cli::rules::run(command, settings).await,
        Command::Model { command } => cli::model::run(command, settings).await,
        Command::Demo {
            dir,
            listen,
            no_serve,
        } => knooppunt::demo::run(&dir, &listen, !no_serve, cli::shutdown_signal()).await,
    }
}
