//! Command line: `aiguillage [--config FILE] [serve|check-config|check-locales]`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::configuration::{CONFIG_FILE_ENV, Settings};
use crate::i18n::{Lang, Locales};
use crate::startup::Application;

const USAGE: &str = "usage: aiguillage [--config FILE] [serve | check-config | check-locales]

  serve          run the portal (default)
  check-config   validate the configuration, print every error with its key
  check-locales  validate every Fluent file and that fr and en have the same keys

The configuration file can also be given with AIGUILLAGE_CONFIG; any key can be
overridden with AIGUILLAGE__SECTION__KEY (e.g. AIGUILLAGE__SERVER__PORT=0).";

/// Exit code for invalid configuration or locales.
const INVALID: u8 = 2;

enum Command {
    Serve,
    CheckConfig,
    CheckLocales,
}

fn parse(args: Vec<String>) -> Result<(Command, Option<PathBuf>), String> {
    let mut command = None;
    let mut config = std::env::var_os(CONFIG_FILE_ENV).map(PathBuf::from);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" | "-c" => {
                config = Some(args.next().ok_or("--config needs a file")?.into());
            }
            s if s.starts_with("--config=") => config = Some(s["--config=".len()..].into()),
            s if command.is_none() && to_command(s).is_some() => command = to_command(s),
            "-h" | "--help" | "help" => return Err(String::new()),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok((command.unwrap_or(Command::Serve), config))
}

fn to_command(s: &str) -> Option<Command> {
    match s {
        "serve" => Some(Command::Serve),
        "check-config" => Some(Command::CheckConfig),
        "check-locales" => Some(Command::CheckLocales),
        _ => None,
    }
}

pub async fn main(args: Vec<String>) -> ExitCode {
    let (command, config) = match parse(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(if message.is_empty() { 0 } else { INVALID });
        }
    };
    let settings = match Settings::load(config.as_deref()) {
        Ok(s) => s,
        Err(errors) => {
            eprintln!("invalid configuration:");
            for issue in &errors.0 {
                eprintln!("  {issue}");
            }
            return ExitCode::from(INVALID);
        }
    };
    match command {
        Command::CheckConfig => {
            println!("configuration OK");
            ExitCode::SUCCESS
        }
        Command::CheckLocales => check_locales(&settings),
        Command::Serve => serve(settings).await,
    }
}

fn check_locales(settings: &Settings) -> ExitCode {
    let locales = match Locales::load(&settings.i18n.locales_dir) {
        Ok(l) => l,
        Err(issues) => {
            eprintln!("invalid locale files:");
            for issue in issues {
                eprintln!("  {issue}");
            }
            return ExitCode::from(INVALID);
        }
    };
    let chooser = settings.chooser().expect("validated by Settings::load");
    let missing = crate::i18n::missing_keys(&locales, &chooser);
    if !missing.is_empty() {
        eprintln!("missing translations in {}:", locales.source());
        for (lang, key) in missing {
            eprintln!(
                "  {}: `{key}` is used by the portal but not defined",
                lang.code()
            );
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

async fn serve(settings: Settings) -> ExitCode {
    crate::telemetry::init();
    let app = match Application::build(settings) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(INVALID);
        }
    };
    // The one line an operator (or the quick start) needs.
    println!("Aiguillage listening on {}", app.public_url());
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}
