//! deploy/ as deploy/README.md tells an operator to use it: the keys made
//! by `deploy/make-secrets.sh` and `deploy/aiguillage.toml` pass
//! `check-config`, without a single warning (everything several instances
//! must share is shared); `compose.yaml` gives every key the configuration
//! names and never lets Redis evict; the systemd unit passes
//! `systemd-analyze verify` and its hardening is checked by `systemd-analyze
//! security`. The images and the stack themselves run in
//! `scripts/container-test.sh` (real containers, podman).

use std::path::Path;
use std::process::Command;

/// `config` (a file of deploy/), with keys made by make-secrets.sh where it
/// expects them (`prefix`), passes `check-config` without a warning.
fn passes_check_config_with_keys_from_make_secrets(config: &str, prefix: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let secrets = tempfile::tempdir().unwrap();
    let made = Command::new("sh")
        .arg(root.join("deploy/make-secrets.sh"))
        .arg(secrets.path())
        .output()
        .expect("sh runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    // openssl's base64 of 64 bytes is two lines: accepted as it is.
    let session_key = std::fs::read_to_string(secrets.path().join("session-key")).unwrap();
    assert_eq!(session_key.lines().count(), 2);

    // The same file, the secrets' folder where this test made it.
    let text = std::fs::read_to_string(root.join(config)).unwrap();
    assert!(
        text.contains(prefix),
        "{config} reads no key under {prefix}"
    );
    let text = text.replace(prefix, &format!("{}/", secrets.path().to_str().unwrap()));
    let file = secrets.path().join("aiguillage.toml");
    std::fs::write(&file, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiguillage"));
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AIGUILLAGE")) {
        cmd.env_remove(k);
    }
    let out = cmd
        .arg("--config")
        .arg(&file)
        .arg("check-config")
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "configuration OK"
    );
    assert_eq!(stderr.trim(), "", "no warning");
}

/// compose.yaml mounts each secret as /run/secrets/NAME.
#[test]
fn the_deploy_configuration_with_keys_from_make_secrets_passes_check_config_without_warnings() {
    passes_check_config_with_keys_from_make_secrets("deploy/aiguillage.toml", "/run/secrets/");
}

/// The systemd unit's configuration reads its keys in /etc/aiguillage/secrets/.
#[test]
fn the_systemd_configuration_with_keys_from_make_secrets_passes_check_config_without_warnings() {
    passes_check_config_with_keys_from_make_secrets(
        "deploy/systemd/aiguillage.toml",
        "/etc/aiguillage/secrets/",
    );
}

/// Every `/run/secrets/NAME` that deploy/aiguillage.toml reads is a secret
/// compose.yaml declares from `./secrets/NAME` and gives both instances, and
/// make-secrets.sh makes every one of them.
#[test]
fn compose_gives_both_instances_every_key_the_configuration_reads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = std::fs::read_to_string(root.join("deploy/aiguillage.toml")).unwrap();
    let compose = std::fs::read_to_string(root.join("deploy/compose.yaml")).unwrap();
    let make = std::fs::read_to_string(root.join("deploy/make-secrets.sh")).unwrap();
    let read: Vec<&str> = config
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split("\"/run/secrets/").nth(1))
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert_eq!(
        read,
        [
            "session-key",
            "signing-key.pem",
            "es256-key.pem",
            "pairwise-secret"
        ]
    );
    // The instances' common part (x-portal) lists them; each is declared.
    let portal = compose
        .split("x-portal:")
        .nth(1)
        .unwrap()
        .split("\nservices:")
        .next()
        .unwrap();
    for name in read {
        assert!(
            portal.contains(&format!("\n    - {name}\n")),
            "x-portal's secrets lack {name}"
        );
        assert!(
            compose.contains(&format!("  {name}:\n    file: ./secrets/{name}\n")),
            "secret {name} not declared from ./secrets/{name}"
        );
        assert!(
            make.contains(&format!("\"$dir/{name}\"")),
            "make-secrets.sh does not make {name}"
        );
    }
    assert!(compose.contains("  portal-a:\n    <<: *portal\n"));
    assert!(compose.contains("  portal-b:\n    <<: *portal\n"));
}

/// Redis never evicts (the strangers issue): a session dropped to make
/// room would log someone out, and whoever fills Redis could choose to.
#[test]
fn compose_runs_redis_with_persistence_and_no_eviction() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let compose = std::fs::read_to_string(root.join("deploy/compose.yaml")).unwrap();
    let args: Vec<&str> = compose
        .split("\n  redis:\n")
        .nth(1)
        .unwrap()
        .split("\n    volumes:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|a| a.trim_matches('"'))
        .collect();
    let value = |flag: &str| {
        let at = args.iter().position(|a| *a == flag);
        at.map(|i| args[i + 1])
    };
    assert_eq!(args.first(), Some(&"redis-server"), "{args:?}");
    assert_eq!(value("--maxmemory-policy"), Some("noeviction"), "{args:?}");
    assert_eq!(value("--appendonly"), Some("yes"), "{args:?}");
    assert!(value("--maxmemory").is_some(), "{args:?}");
}

/// `systemd-analyze`, from Debian's `systemd` (scripts/test.sh installs it).
fn systemd_analyze(args: &[&str]) -> std::process::Output {
    Command::new("systemd-analyze")
        .args(args)
        .output()
        .expect("systemd-analyze runs (Debian's systemd package: scripts/test.sh installs it)")
}

/// deploy/systemd/aiguillage.service as shipped, but for the binary's path: the one
/// under test (verify checks that ExecStart's program exists).
fn unit_under_test(dir: &Path) -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let unit = std::fs::read_to_string(root.join("deploy/systemd/aiguillage.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/aiguillage serve\n"));
    let file = dir.join("aiguillage.service");
    std::fs::write(
        &file,
        unit.replace(
            "/usr/local/bin/aiguillage",
            env!("CARGO_BIN_EXE_aiguillage"),
        ),
    )
    .unwrap();
    file
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    let file = unit_under_test(dir.path());
    let out = systemd_analyze(&["verify", file.to_str().unwrap()]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    // Not a single remark: an unknown or misspelt directive is only a warning.
    assert_eq!(said.trim(), "", "systemd-analyze verify said something");
}

/// The hardening, as systemd itself scores it: a dedicated user, no new
/// privileges, the file system read-only but for the state directory,
/// no capability, a system call filter. "OK" is below 2.0 on systemd's
/// scale (10 is unprotected).
#[test]
fn the_systemd_unit_is_hardened() {
    let dir = tempfile::tempdir().unwrap();
    let file = unit_under_test(dir.path());
    let out = systemd_analyze(&["security", "--offline=yes", file.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let level: f64 = report
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for aiguillage.service: ")
                .nth(1)
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{report}"));
    assert!(level < 2.0, "exposure {level}:\n{report}");
    for passed in [
        "✓ User=/DynamicUser=",
        "✓ NoNewPrivileges=",
        "✓ ProtectSystem=",
        "✓ ProtectHome=",
        "✓ CapabilityBoundingSet=~CAP_SYS_ADMIN",
        "✓ SystemCallFilter=~@privileged",
        "✓ RestrictAddressFamilies=~AF_PACKET",
    ] {
        assert!(report.contains(passed), "{passed} not passed:\n{report}");
    }
    // Where the portal writes: its state directory, which is its data_dir.
    let unit = std::fs::read_to_string(&file).unwrap();
    for line in [
        "User=aiguillage\n",
        "ProtectSystem=strict\n",
        "StateDirectory=aiguillage\n",
        "Environment=AIGUILLAGE__PROVIDER__DATA_DIR=/var/lib/aiguillage\n",
    ] {
        assert!(unit.contains(line), "{line}");
    }
}
