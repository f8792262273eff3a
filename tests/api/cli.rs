//! `check-config` and `check-locales` on good and broken inputs.

use std::path::Path;
use std::process::{Command, Output};

use crate::helpers::Portal;

pub(crate) fn aiguillage(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiguillage"));
    cmd.args(args).env_remove("AIGUILLAGE_CONFIG");
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AIGUILLAGE__")) {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs the binary, expects exit code 2 (invalid input); returns stderr.
pub(crate) fn fails(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = aiguillage(args, env);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    stderr(&out)
}

/// `err` names every one of `expected`.
fn assert_mentions(err: &str, expected: &[&str]) {
    for e in expected {
        assert!(err.contains(e), "missing `{e}` in:\n{err}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn check_config_accepts_no_file_and_a_good_file() {
    let out = aiguillage(&["check-config"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "configuration OK"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "aiguillage.toml",
        r#"
[server]
port = 9000
public_url = "https://aiguillage.example.gouv.fr/"

[[populations]]
id = "etudiant"
providers = ["franceconnect"]
order = 15

[[populations]]
id = "entreprise"
enabled = false
"#,
    );
    let out = aiguillage(&["--config", &file, "check-config"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = aiguillage(&["check-config"], &[("AIGUILLAGE_CONFIG", &file)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn check_config_lists_every_error_with_its_key_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.toml",
        r#"
[server]
public_url = "http://aiguillage.example.gouv.fr/"

[[populations]]
id = "Étudiant"
providers = ["franceconnect"]

[[populations]]
id = "chercheur"
providers = ["eduConnect", "proconnect", "proconnect"]
"#,
    );
    let err = fails(&["--config", &file, "check-config"], &[]);
    assert_mentions(
        &err,
        &[
            "server.public_url: plain http is only accepted on a loopback address",
            "populations[0].id: invalid population id `Étudiant`",
            "populations[1].providers[0]: unknown federation `eduConnect`",
            "populations[1].providers[2]: federation `proconnect` is listed twice",
        ],
    );

    // Type errors and unknown keys, from the file or the environment.
    let file = write(dir.path(), "typo.toml", "[server]\nprot = 80\n");
    assert_mentions(&fails(&["--config", &file, "check-config"], &[]), &["prot"]);
    assert_mentions(
        &fails(
            &["check-config"],
            &[("AIGUILLAGE__SERVER__PORT", "quatre-vingt")],
        ),
        &["server.port"],
    );

    assert_mentions(
        &fails(
            &["--config", "/nonexistent/aiguillage.toml", "check-config"],
            &[],
        ),
        &["not found"],
    );
}

#[test]
fn check_config_checks_federations_and_demarches() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "demarches.toml",
        r#"
[federations.franceconnect]
enabled = true
issuer = "http://fc.example.fr/api/v2"
client_id = "abc"
client_secret = "def"

[provider]
signing_key_file = "/nonexistent/key.pem"

[[demarches]]
client_id = "demarche"
client_secret = "court"
name = "Démarche"
redirect_uris = ["http://demarche.example/callback"]
populations = ["inconnue"]

[[demarches]]
client_id = "demarche"
name = "Doublon"
redirect_uris = ["https://demarche.example/cb#frag"]
public = true
"#,
    );
    let err = fails(&["--config", &file, "check-config"], &[]);
    assert_mentions(
        &err,
        &[
            "federations.franceconnect.issuer: plain http is only accepted on a loopback address",
            "provider.signing_key_file: /nonexistent/key.pem is not a readable file",
            "demarches[0].client_secret: at least 16 characters",
            "demarches[0].redirect_uris[0]: plain http is only accepted on a loopback address",
            "demarches[0].populations[0]: unknown population `inconnue`",
            "demarches[1].client_id: `demarche` is registered twice",
            "demarches[1].redirect_uris[0]: must not contain a fragment",
        ],
    );
}

/// A configuration written before `[providers.*]` became `[federations.*]`,
/// `[oidc]` became `[provider]` and `[[clients]]` became `[[demarches]]`.
const OLD_NAMES: &str = r#"
[providers.franceconnect]
timeout_ms = 1500

[oidc]
code_ttl_seconds = 30

[[populations]]
id = "etudiant"
providers = ["franceconnect"]

[[clients]]
client_id = "demarche"
client_secret = "un-secret-assez-long"
name = "Démarche"
redirect_uris = ["https://demarche.example/callback"]
providers = ["franceconnect"]
"#;

#[test]
fn deployed_configs_with_the_old_names_still_pass_with_a_deprecation_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "old.toml", OLD_NAMES);
    let out = aiguillage(
        &["--config", &file, "check-config"],
        &[("AIGUILLAGE__PROVIDERS__PROCONNECT__TIMEOUT_MS", "2000")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "`providers` is deprecated, rename it `federations`",
        "`oidc` is deprecated, rename it `provider`",
        "`clients` is deprecated, rename it `demarches`",
        "populations[0].providers: deprecated, rename it `federations`",
        "demarches[0].providers: deprecated, rename it `federations`",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    // The old names are read, not ignored: a bad value is reported.
    let bad = write(
        dir.path(),
        "bad-old.toml",
        "[providers.franceconnect]\ntimeout_ms = 0\n",
    );
    let out = aiguillage(&["--config", &bad, "check-config"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("federations.franceconnect.timeout_ms: must be between 1 and 30000"),
        "{}",
        stderr(&out)
    );
    // Both names at once is ambiguous: refused.
    let both = write(
        dir.path(),
        "both.toml",
        "[providers.franceconnect]\ntimeout_ms = 10\n[federations.franceconnect]\ntimeout_ms = 20\n",
    );
    let out = aiguillage(&["--config", &both, "check-config"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("keep only `federations`"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn the_portal_starts_with_the_old_configuration_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "old.toml", OLD_NAMES);
    let data_dir = dir.path().join("data").display().to_string();
    // The binary reads the file as written (`Portal::from_file`), and the
    // old name in its environment too.
    let portal = Portal::from_file(Path::new(&file))
        .real_binary()
        .env("AIGUILLAGE__PROVIDER__DATA_DIR", &data_dir)
        .env("AIGUILLAGE__PROVIDERS__PROCONNECT__ENABLED", "false")
        .start()
        .await;
    // It printed "Aiguillage listening on http://localhost:…".
    assert!(
        portal.address.starts_with("http://localhost:"),
        "{}",
        portal.address
    );
}

#[test]
fn the_command_line_has_help_and_refuses_unknown_arguments() {
    let out = aiguillage(&["--help"], &[]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    for command in ["serve", "check-config", "check-locales", "--config"] {
        assert!(help.contains(command), "{help}");
    }
    let out = aiguillage(&["--frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--frobnicate"), "{}", stderr(&out));
}

#[test]
fn check_locales_accepts_the_shipped_files() {
    let out = aiguillage(&["check-locales"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("locales OK"));
}

#[test]
fn check_locales_reports_file_and_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    // Start from the real files, then break them.
    for lang in ["fr", "en"] {
        for entry in std::fs::read_dir(format!("locales/{lang}")).unwrap() {
            let entry = entry.unwrap();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            write(
                dir.path(),
                &format!("{lang}/{}", entry.file_name().to_string_lossy()),
                &text,
            );
        }
    }
    let locales_dir = dir.path().display().to_string();
    let env = [("AIGUILLAGE__I18N__LOCALES_DIR", locales_dir.as_str())];
    let out = aiguillage(&["check-locales"], &env);
    assert!(out.status.success(), "copy is valid: {}", stderr(&out));

    // A syntax error, and a key only French has: the key is missing in
    // English, so reported against the English file of the same name.
    let fr_extra = write(
        dir.path(),
        "fr/extra.ftl",
        "extra-only-fr = Bonjour\n\nbroken = { $\n",
    );
    let en_extra = dir.path().join("en/extra.ftl").display().to_string();
    let out = fails(&["check-locales"], &env);
    assert_mentions(
        &out,
        &[
            &format!("{fr_extra}:3: syntax error in `broken`"),
            &format!("{en_extra}: `extra-only-fr` is missing in en (fr has it at {fr_extra}:1)"),
        ],
    );
    // The broken entry is not "missing" in English on top of its syntax error.
    assert!(!out.contains("`broken` is missing"), "{out}");
    std::fs::remove_file(&fr_extra).unwrap();

    // A placeable left open in an existing French text: its own line, once.
    let fr_portail = dir.path().join("fr/portail.ftl");
    let original = std::fs::read_to_string(&fr_portail).unwrap();
    let line = original
        .lines()
        .position(|l| l.starts_with("home-remembered ="))
        .unwrap()
        + 1;
    std::fs::write(
        &fr_portail,
        original.replace("{ $population }.", "{ $population ."),
    )
    .unwrap();
    let out = fails(&["check-locales"], &env);
    let problems: Vec<&str> = out.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(
        problems,
        [format!(
            "  {}:{line}: syntax error in `home-remembered`: Expected a token starting with \"}}\"",
            fr_portail.display()
        )],
        "{out}"
    );
    std::fs::write(&fr_portail, &original).unwrap();

    // A key the portal needs, missing in both languages.
    for lang in ["fr", "en"] {
        let path = dir.path().join(format!("{lang}/portail.ftl"));
        let text = std::fs::read_to_string(&path).unwrap();
        let kept: Vec<_> = text
            .lines()
            .filter(|l| !l.starts_with("home-continue"))
            .collect();
        std::fs::write(&path, kept.join("\n")).unwrap();
    }
    assert_mentions(
        &fails(&["check-locales"], &env),
        &[
            &format!(
                "{}: `home-continue` is used by the portal but not defined",
                dir.path().join("fr/portail.ftl").display()
            ),
            &format!(
                "{}: `home-continue`",
                dir.path().join("en/portail.ftl").display()
            ),
        ],
    );
}
