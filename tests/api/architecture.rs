//! The layers of `src/`, checked on the source against ARCHITECTURE.md's
//! "Layers" table (the one statement of them): which top-level module may
//! use which, and no import cycle between modules at any depth. A newcomer
//! who adds an import against the grain learns it here.
//!
//! Every reference counts: `use` lines and paths in code (`crate::`,
//! `super::`, `self::`, and a child module named without prefix), in every
//! file at any depth. A reference from `a::b::c` to `a::d::e` is an edge
//! between `a::b` and `a::d`, the children of their closest common module:
//! a cycle is a module reachable from itself over such edges. A module and
//! its own children may use each other (a parent is its children's
//! namespace).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

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

/// The module path of a file: `src/routes/provider/token.rs` → `routes::provider::token`.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel
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

/// The code of a file without its comments.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string (a URL) is kept: only whole-line
            // comments and trailing ones after code are dropped.
            Some(at) if !l[..at].contains('"') => &l[..at],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
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
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            break;
        }
        path.push(rest[..len].to_owned());
        rest = &rest[len..];
        match rest.strip_prefix("::") {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// Every path of `code` that starts with `root::` (at a word boundary),
/// braces expanded, `root` excluded.
fn paths_after(code: &str, root: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let pattern = format!("{root}::");
    let mut from = 0;
    while let Some(at) = code[from..].find(&pattern) {
        let start = from + at;
        from = start + pattern.len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        expand(&code[from..], Vec::new(), &mut paths);
    }
    paths
}

/// The modules a file's code refers to (each resolved to the longest
/// prefix of its path that is a module of `modules`).
fn references(module: &Module, code: &str, modules: &BTreeSet<Module>) -> BTreeSet<Module> {
    let mut candidates: Vec<Module> = Vec::new();
    for path in paths_after(code, "crate") {
        candidates.push(path);
    }
    // `super::super::x`: each `super` climbs once.
    for path in paths_after(code, "super") {
        let mut base = module[..module.len().saturating_sub(1)].to_vec();
        let mut rest = path.as_slice();
        while let Some(("super", tail)) = rest.split_first().map(|(h, t)| (h.as_str(), t)) {
            base.pop();
            rest = tail;
        }
        candidates.push(base.into_iter().chain(rest.iter().cloned()).collect());
    }
    let children: Vec<&Module> = modules
        .iter()
        .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
        .collect();
    for path in paths_after(code, "self") {
        candidates.push(module.iter().cloned().chain(path).collect());
    }
    for child in children {
        let name = child.last().unwrap();
        for path in paths_after(code, name) {
            candidates.push(child.iter().cloned().chain(path).collect());
        }
    }
    candidates
        .into_iter()
        .filter_map(|path| {
            (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|prefix| modules.contains(prefix))
        })
        .filter(|target| target != module)
        .collect()
}

/// Every module of a source tree (`files`: module → its code), and the
/// edges between siblings its references make (see the module's doc).
fn sibling_edges(files: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = files
        .keys()
        .flat_map(|m| (1..=m.len()).map(|n| m[..n].to_vec()))
        .collect();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, code) in files {
        for target in references(module, code, &modules) {
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common == module.len() || common == target.len() {
                continue; // a module and its own descendants
            }
            let from = module[..=common].to_vec();
            let to = target[..=common].to_vec();
            edges.entry(from).or_default().insert(to);
        }
    }
    edges
}

/// The modules in a cycle, each with the path that leads back to it.
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    let mut found = Vec::new();
    for start in edges.keys() {
        // Breadth first, remembering how each module was reached.
        let mut came_from: BTreeMap<&Module, &Module> = BTreeMap::new();
        let mut queue: std::collections::VecDeque<&Module> = edges[start].iter().collect();
        for next in &edges[start] {
            came_from.insert(next, start);
        }
        while let Some(m) = queue.pop_front() {
            if m == start {
                let mut path = vec![start.join("::")];
                let mut at = came_from[start];
                while at != start {
                    path.push(at.join("::"));
                    at = came_from[at];
                }
                path.push(start.join("::"));
                path.reverse();
                found.push(path.join(" → "));
                break;
            }
            for next in edges.get(m).into_iter().flatten() {
                if !came_from.contains_key(next) {
                    came_from.insert(next, m);
                    queue.push_back(next);
                }
            }
        }
    }
    found
}

fn sources() -> BTreeMap<Module, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (module_of(&src, &f), code_of(&text))
        })
        .collect()
}

/// ARCHITECTURE.md's "Layers" table: `| \`module\` | \`a\`, \`b\` |`.
fn declared_layers() -> BTreeMap<String, BTreeSet<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md");
    let text = std::fs::read_to_string(path).unwrap();
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Layers"))
        .expect("ARCHITECTURE.md has a \"Layers\" section");
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let table: BTreeMap<String, BTreeSet<String>> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').collect();
            let module = names(cells.get(1)?).into_iter().next()?;
            Some((module, names(cells.get(2)?)))
        })
        .collect();
    assert!(table.len() >= 5, "the Layers table was not read: {table:?}");
    table
}

#[test]
fn each_layer_uses_only_what_architecture_md_allows_it() {
    let layers = declared_layers();
    let files = sources();
    let top: BTreeSet<String> = files.keys().filter_map(|m| m.first().cloned()).collect();
    for module in layers.keys().chain(layers.values().flatten()) {
        assert!(
            top.contains(module),
            "ARCHITECTURE.md names `{module}`, which src/ lacks"
        );
    }
    let mut violations = Vec::new();
    for (from, to) in sibling_edges(&files)
        .into_iter()
        .filter(|(from, _)| from.len() == 1)
        .flat_map(|(from, to)| to.into_iter().map(move |t| (from[0].clone(), t[0].clone())))
    {
        match layers.get(&from) {
            // Not in the table: the top (startup, cli, main), which may
            // use anything and which nothing in the table may use.
            None => {}
            Some(allowed) if allowed.contains(&to) => {}
            Some(_) => violations.push(format!("{from} uses {to}")),
        }
    }
    assert!(
        violations.is_empty(),
        "imports against ARCHITECTURE.md's layers:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_declared_layers_have_no_cycle() {
    let layers = declared_layers();
    let edges: BTreeMap<Module, BTreeSet<Module>> = layers
        .iter()
        .map(|(m, uses)| {
            (
                vec![m.clone()],
                uses.iter().map(|u| vec![u.clone()]).collect(),
            )
        })
        .collect();
    assert_eq!(cycles(&edges), Vec::<String>::new());
}

#[test]
fn no_modules_import_each_other_at_any_depth() {
    let found = cycles(&sibling_edges(&sources()));
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

/// The checker itself: the cycle that once went unseen (a file nested in
/// `routes::oidc` importing `routes::federation_login`, which imports
/// `routes::oidc`) is found, and a parent using its child is not one.
#[test]
fn a_nested_cycle_is_found_and_a_parent_using_its_child_is_not_one() {
    let files: BTreeMap<Module, String> = [
        ("routes", "mod oidc; mod federation_login; use oidc::x;"),
        (
            "routes::oidc",
            "pub mod authorize; pub fn x() { super::federation_login::y() }",
        ),
        (
            "routes::oidc::authorize",
            "use crate::routes::federation_login::begin;",
        ),
        ("routes::federation_login", "use super::oidc::resume_path;"),
        ("routes::oidc::resume", "use super::authorize::x;"),
    ]
    .into_iter()
    .map(|(m, code)| (m.split("::").map(str::to_owned).collect(), code.to_owned()))
    .collect();
    let found = cycles(&sibling_edges(&files));
    assert_eq!(
        found,
        [
            "routes::federation_login → routes::oidc → routes::federation_login",
            "routes::oidc → routes::federation_login → routes::oidc",
        ]
    );
    let without: BTreeMap<Module, String> = files
        .into_iter()
        .filter(|(m, _)| m.join("::") != "routes::federation_login")
        .collect();
    assert_eq!(cycles(&sibling_edges(&without)), Vec::<String>::new());
}
