//! Build-time work:
//! - lists every Fluent key the templates and the Rust code use literally,
//!   so `check-locales` and the tests can prove none is missing;
//! - prepares the static files: content-hashed names (stylesheets rewritten
//!   to point at the hashed fonts and icons), gzip and brotli copies made
//!   once here rather than on every request.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

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

fn used_keys(out_dir: &Path) {
    let mut keys = Vec::new();
    scan(Path::new("templates"), &mut keys);
    scan(Path::new("src"), &mut keys);
    keys.sort();
    keys.dedup();
    let list: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
    fs::write(
        out_dir.join("used_keys.rs"),
        format!("pub const USED_KEYS: &[&str] = &[{}];\n", list.join(", ")),
    )
    .unwrap();
}

/// Files kept in `static/` for people (provenance, versions), not served.
const NOT_SERVED: [&str; 3] = ["README.md", "SHA256SUMS", "VERSION"];

/// `static/` relative paths (with `/`) of every served file, sorted.
fn static_files(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            static_files(root, &path, files);
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy();
        if NOT_SERVED.contains(&name.as_ref()) {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap();
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.push(parts.join("/"));
    }
}

fn extension(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap();
    name.rsplit_once('.').map_or("", |(_, ext)| ext)
}

fn mime_type(path: &str) -> &'static str {
    match extension(path) {
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "webmanifest" => "application/manifest+json",
        "json" => "application/json",
        "md" => "text/markdown",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

/// Already compressed formats gain nothing from gzip or brotli.
fn compressible(path: &str) -> bool {
    !matches!(extension(path), "woff2" | "png")
}

/// `dir/name.ext` → `dir/name.HASH.ext` (`dir/NAME` → `dir/NAME.HASH`).
fn hashed_name(path: &str, hash: &str) -> String {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let hashed = match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    };
    if dir.is_empty() {
        hashed
    } else {
        format!("{dir}/{hashed}")
    }
}

/// `url(fonts/a.woff2)` in a stylesheet at `dir/` → `url(fonts/a.HASH.woff2)`,
/// for every relative reference to a file that has a hashed name.
fn rewrite_css(css: &str, dir: &str, hashed: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("url(") {
        out.push_str(&rest[..start + 4]);
        rest = &rest[start + 4..];
        let Some(end) = rest.find(')') else {
            break;
        };
        let raw = &rest[..end];
        let target = raw.trim().trim_matches(['"', '\'']);
        let key = if dir.is_empty() {
            target.to_owned()
        } else {
            format!("{dir}/{target}")
        };
        match hashed.get(&key) {
            Some(h) if !target.contains(':') && !target.starts_with('/') => {
                let file = h.rsplit('/').next().unwrap();
                let prefix = target.rsplit_once('/').map_or("", |(p, _)| p);
                if prefix.is_empty() {
                    out.push_str(file);
                } else {
                    out.push_str(&format!("{prefix}/{file}"));
                }
            }
            _ => out.push_str(raw),
        }
        out.push(')');
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).unwrap();
    out
}

/// Writes `bytes` to `path` unless it is already there (the name holds the
/// content's hash): compressing is done once, not on every build.
fn write_once(path: &Path, make: impl FnOnce() -> Vec<u8>) {
    if path.exists() {
        return;
    }
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, make()).unwrap();
    fs::rename(&tmp, path).unwrap();
}

/// One served file: its bytes under the hashed name, and its compressed
/// copies when they are smaller.
fn prepare(out: &Path, hashed: &str, data: &[u8], compress: bool) -> String {
    let file = out.join(hashed);
    write_once(&file, || data.to_vec());
    let mut variants = vec![format!("identity: include_bytes!({:?})", file.display())];
    for (field, suffix, encode) in [
        ("gzip", "gz", gzip as fn(&[u8]) -> Vec<u8>),
        ("brotli", "br", brotli),
    ] {
        let path = out.join(format!("{hashed}.{suffix}"));
        if compress {
            write_once(&path, || encode(data));
        }
        let useful =
            compress && fs::metadata(&path).is_ok_and(|m| (m.len() as usize) < data.len() * 9 / 10);
        variants.push(if useful {
            format!("{field}: Some(include_bytes!({:?}))", path.display())
        } else {
            format!("{field}: None")
        });
    }
    variants.join(", ")
}

fn static_assets(out_dir: &Path) {
    let root = Path::new("static");
    let mut files = Vec::new();
    static_files(root, root, &mut files);
    let out = out_dir.join("static");
    // Stylesheets last: their hashes cover the hashed names they point to.
    files.sort_by_key(|f| (extension(f) == "css", f.clone()));
    let mut hashed: BTreeMap<String, String> = BTreeMap::new();
    let mut entries = Vec::new();
    for path in &files {
        let mut data = fs::read(root.join(path)).unwrap();
        if extension(path) == "css" {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            data = rewrite_css(&String::from_utf8(data).unwrap(), dir, &hashed).into_bytes();
        }
        // A content hash for the file's name (cache busting), not security.
        let digest = xxhash_rust::xxh3::xxh3_128(&data).to_be_bytes();
        let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        let name = hashed_name(path, &hash);
        let variants = prepare(&out, &name, &data, compressible(path));
        entries.push(format!(
            "    StaticFile {{ path: {path:?}, hashed: {name:?}, mime: {:?}, etag: {hash:?}, {variants} }},\n",
            mime_type(path)
        ));
        hashed.insert(path.clone(), name);
    }
    fs::write(
        out_dir.join("static_files.rs"),
        format!(
            "/// Generated by build.rs from `static/`.\npub static STATIC_FILES: &[StaticFile] = &[\n{}];\n",
            entries.concat()
        ),
    )
    .unwrap();
}

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=static");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    used_keys(&out_dir);
    static_assets(&out_dir);
}
