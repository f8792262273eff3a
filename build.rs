//! Lists every Fluent key the templates and the Rust code use literally, so
//! `check-locales` and the tests can prove none is missing.

use std::fs;
use std::path::Path;

fn scan(dir: &Path, keys: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            scan(&path, keys);
        } else if path.extension().is_some_and(|e| e == "html" || e == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_default();
            for marker in ["t(\"", "t1(\"", "t2(\"", "args(\""] {
                for (pos, _) in text.match_indices(marker) {
                    // Only translator calls: `.t("`, `.t1("`, `.t2("`, `.args("`.
                    if pos == 0 || &text[pos - 1..pos] != "." {
                        continue;
                    }
                    let rest = &text[pos + marker.len()..];
                    if let Some(end) = rest.find('"') {
                        let key = &rest[..end];
                        let is_key = !key.is_empty()
                            && key.bytes().all(|b| {
                                b.is_ascii_lowercase()
                                    || b.is_ascii_digit()
                                    || b == b'-'
                                    || b == b'.'
                            });
                        if is_key {
                            keys.push(key.to_owned());
                        }
                    }
                }
            }
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src");
    let mut keys = Vec::new();
    scan(Path::new("templates"), &mut keys);
    scan(Path::new("src"), &mut keys);
    keys.sort();
    keys.dedup();
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("used_keys.rs");
    let list: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
    fs::write(
        out,
        format!("pub const USED_KEYS: &[&str] = &[{}];\n", list.join(", ")),
    )
    .unwrap();
}
