//! deploy/ as README "Exploitation" tells an operator to use it: the keys
//! made by `deploy/make-secrets.sh` and `deploy/aiguillage.toml` pass
//! `check-config`, without a single warning (everything several instances
//! must share is shared). (No Docker engine here: the images and the
//! compose file themselves are not run by the tests.)

use std::path::Path;
use std::process::Command;

#[test]
fn the_deploy_configuration_with_keys_from_make_secrets_passes_check_config_without_warnings() {
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
    let config = std::fs::read_to_string(root.join("deploy/aiguillage.toml"))
        .unwrap()
        .replace("/run/secrets/aiguillage", secrets.path().to_str().unwrap());
    let file = secrets.path().join("aiguillage.toml");
    std::fs::write(&file, config).unwrap();
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
