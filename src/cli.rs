//! Command line: `aiguillage [--config FILE] [serve|check-config|check-locales]`
//! (parsed by `clap`: help, errors and `--version` come with it).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::configuration::{CONFIG_FILE_ENV, Config, Settings};
use crate::i18n::{Lang, Locales};
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(
    name = "aiguillage",
    version,
    about = "Routes every person to the right French State identity federation and back",
    after_help = "Any configuration key can be overridden with AIGUILLAGE__SECTION__KEY \
                  (e.g. AIGUILLAGE__SERVER__PORT=0)."
)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(short, long, global = true, env = CONFIG_FILE_ENV, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Clone, Copy, Subcommand)]
enum Command {
    /// Run the portal (the default).
    Serve,
    /// Validate the configuration; print every error with its key.
    CheckConfig,
    /// Validate every Fluent file, and that fr and en have the same keys.
    CheckLocales,
}

/// Exit code for invalid configuration or locales (and command line).
const INVALID: u8 = 2;

pub async fn main(args: Vec<String>) -> ExitCode {
    let cli = match Cli::try_parse_from(std::iter::once("aiguillage".to_owned()).chain(args)) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { INVALID } else { 0 });
        }
    };
    let config = match Settings::load(cli.config.as_deref()).and_then(|s| s.resolve()) {
        Ok(config) => config,
        Err(errors) => {
            eprintln!("invalid configuration:");
            for issue in &errors.0 {
                eprintln!("  {issue}");
            }
            return ExitCode::from(INVALID);
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::CheckConfig => {
            for note in &config.deprecations {
                eprintln!("warning: {note}");
            }
            for warning in config.warnings() {
                eprintln!("warning: {warning}");
            }
            println!("configuration OK");
            ExitCode::SUCCESS
        }
        Command::CheckLocales => check_locales(&config),
        Command::Serve => serve(config).await,
    }
}

fn check_locales(config: &Config) -> ExitCode {
    let locales = match Locales::load(&config.locales_dir) {
        Ok(l) => l,
        Err(issues) => {
            eprintln!("invalid locale files:");
            for issue in issues {
                eprintln!("  {issue}");
            }
            return ExitCode::from(INVALID);
        }
    };
    let missing = crate::routes::texts::missing_issues(&locales, &config.chooser);
    if !missing.is_empty() {
        eprintln!("missing translations in {}:", locales.source());
        for issue in missing {
            eprintln!("  {issue}");
        }
        return ExitCode::from(INVALID);
    }
    println!(
        "locales OK ({}): {} keys in {}",
        locales.source(),
        locales.keys(Lang::DEFAULT).len(),
        Lang::ALL.map(|l| l.code()).join(", ")
    );
    ExitCode::SUCCESS
}

async fn serve(config: Config) -> ExitCode {
    crate::telemetry::init(config.log.effective_format());
    let app = match Application::from_config(config) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(INVALID);
        }
    };
    // The one line an operator (or the quick start) needs.
    println!("Aiguillage listening on {}", app.public_url());
    match app.run_until_stopped().await {
        Ok(()) => {
            tracing::info!("stopped: requests in flight were finished");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}
