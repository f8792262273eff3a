//! The layers of `src/` (ARCHITECTURE.md), checked on the source: which
//! top-level module may use which, and no import cycle between sibling
//! modules. A newcomer who adds an import against the grain learns it here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → the modules it may use. Lower layers first.
const ALLOWED: &[(&str, &[&str])] = &[
    ("common", &[]),
    ("domain", &["common"]),
    ("store", &["common"]),
    ("i18n", &["common", "domain", "metrics"]),
    ("metrics", &["common", "domain"]),
    ("upstream", &["common", "domain", "metrics"]),
    (
        "provider",
        &["common", "domain", "store", "i18n", "metrics"],
    ),
    (
        "configuration",
        &[
            "common",
            "domain",
            "store",
            "provider",
            "upstream",
            "i18n",
            "telemetry",
            "metrics",
        ],
    ),
    // Log lines' format is a setting: logging comes after configuration.
    ("telemetry", &["common", "configuration"]),
    (
        "routes",
        &[
            "common",
            "domain",
            "store",
            "i18n",
            "provider",
            "upstream",
            "configuration",
            "telemetry",
            "metrics",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/routes/oidc/token.rs` → `routes::oidc::token`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// Every path a file names after `root::` (`crate::` or `super::`), in
/// `use` lines and in code, braces expanded (`super::{a, b::c}` names `a`
/// and `b::c`); comments excluded.
fn paths_after(text: &str, root: &str) -> Vec<Vec<String>> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find(root) {
        rest = &rest[at + root.len()..];
        expand(rest, Vec::new(), &mut paths);
    }
    paths
}

/// Reads `a::b::{c, d::e}` (or `{c, d}`) at the start of `text` into `out`.
fn expand(text: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    let mut rest = text;
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth > 0 => depth -= 1,
                    ',' | '}' if depth == 0 => {
                        expand(group[item_start..i].trim(), path.clone(), out);
                        if c == '}' {
                            return;
                        }
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            break;
        }
        path.push(rest[..len].to_owned());
        rest = &rest[len..];
        match rest.strip_prefix("::") {
            Some(after) => rest = after,
            None => break,
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

fn crate_paths(text: &str) -> Vec<Vec<String>> {
    paths_after(text, "crate::")
}

fn sources() -> Vec<(Vec<String>, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|f| (module_of(&src, &f), std::fs::read_to_string(&f).unwrap()))
        .collect()
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut violations = Vec::new();
    for (module, text) in sources() {
        let Some(top) = module.first() else { continue };
        let Some(may_use) = allowed.get(top.as_str()) else {
            continue; // startup, cli, main: the top, may use anything
        };
        for path in crate_paths(&text) {
            let used = path[0].as_str();
            if used != top && !may_use.contains(&used) {
                violations.push(format!(
                    "{} uses crate::{}",
                    module.join("::"),
                    path.join("::")
                ));
            }
        }
    }
    violations.sort();
    violations.dedup();
    assert!(
        violations.is_empty(),
        "imports against the layers:\n{}",
        violations.join("\n")
    );
}

#[test]
fn no_two_sibling_modules_import_each_other_even_indirectly() {
    // Edges between modules that share a parent (routes::connect →
    // routes::federation_login), from `crate::` and `super::` paths.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in sources() {
        if module.len() < 2 {
            continue;
        }
        let parent = &module[..module.len() - 1];
        let me = module.join("::");
        let mut targets: Vec<Vec<String>> = crate_paths(&text)
            .into_iter()
            .filter(|p| p.len() >= module.len() && p[..parent.len()] == *parent)
            .map(|p| p[..module.len()].to_vec())
            .collect();
        for path in paths_after(&text, "super::") {
            let mut sibling = parent.to_vec();
            sibling.push(path[0].clone());
            targets.push(sibling);
        }
        for t in targets {
            let target = t.join("::");
            if target != me && t != module {
                edges.entry(me.clone()).or_default().insert(target);
            }
        }
    }
    // A cycle is a module reachable from itself.
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = edges[start].iter().collect();
        while let Some(m) = stack.pop() {
            if m == start {
                cycles.push(start.clone());
                break;
            }
            if seen.insert(m.clone())
                && let Some(next) = edges.get(m)
            {
                stack.extend(next.iter());
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules in an import cycle: {cycles:?}\n{edges:#?}"
    );
}
