//! Localisation with Fluent: `locales/<lang>/*.ftl`, French first.
//!
//! Files are read from the configured folder when it exists (so
//! administrators edit texts without rebuilding), else from the copies
//! compiled into the binary.
//!
//! Loading is our own rather than `fluent-templates`': that crate reports a
//! broken file without its line and cannot say which key one language lacks,
//! while `check-locales` promises `file:line` for syntax errors, duplicate
//! ids and missing translations, from a folder chosen at run time.
//!
//! While the portal runs, [`watch`] looks at the folder every second and
//! puts an edit in service at once; an edit with a mistake is refused
//! (each problem logged as `file:line`) and the texts in service stay. A
//! folder broken at start gives the embedded texts, with an error logged,
//! rather than no portal at all ([`load_for_serving`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "locales/"]
#[include = "*.ftl"]
struct EmbeddedLocales;

/// A language the portal speaks (kept in a pending request as its code).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];
    pub const DEFAULT: Lang = Lang::Fr;

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the language selector.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// Accepts `fr`, `FR`, `fr-FR`, `en_GB`…
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// Best language of an `Accept-Language` header. Matching (`fr-CA` →
    /// `fr`, `en-GB` → `en`) is `fluent-langneg`'s; the q-values are read
    /// here because its parser ignores them (it keeps the header's order and
    /// would not drop `q=0`, "not this one").
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        use fluent_langneg::{NegotiationStrategy, negotiate_languages};
        let mut weighted: Vec<(f32, unic_langid::LanguageIdentifier)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim().replace('_', "-");
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                Some((q, tag.parse().ok()?)).filter(|(q, _)| *q > 0.0)
            })
            .collect();
        // Stable: equal weights keep the header's order.
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
        let requested: Vec<_> = weighted.into_iter().map(|(_, id)| id).collect();
        let available: Vec<unic_langid::LanguageIdentifier> = Lang::ALL
            .iter()
            .map(|l| l.code().parse().expect("valid language id"))
            .collect();
        let best = negotiate_languages(&requested, &available, None, NegotiationStrategy::Lookup);
        best.first()
            .and_then(|id| Lang::parse(id.language.as_str()))
    }

    /// First match of a space-separated `ui_locales` list (OpenID Connect).
    pub fn from_ui_locales(list: &str) -> Option<Lang> {
        list.split_whitespace().find_map(Lang::parse)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem in the locale files, located as `file:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleIssue {
    pub location: String,
    pub message: String,
}

impl fmt::Display for LocaleIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

struct LocaleFile {
    lang: Lang,
    name: String,
    source: String,
}

fn read_files(dir: &Path) -> Result<(Vec<LocaleFile>, String), Vec<LocaleIssue>> {
    if dir.is_dir() {
        read_folder(dir)
    } else {
        Ok((embedded_files(), "embedded".to_owned()))
    }
}

/// The `.ftl` files of each language's folder, sorted.
fn ftl_paths(lang_dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<_> = std::fs::read_dir(lang_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    paths.sort();
    Ok(paths)
}

fn read_folder(dir: &Path) -> Result<(Vec<LocaleFile>, String), Vec<LocaleIssue>> {
    let mut files = Vec::new();
    {
        let mut issues = Vec::new();
        for lang in Lang::ALL {
            let lang_dir = dir.join(lang.code());
            let paths = match ftl_paths(&lang_dir) {
                Ok(paths) => paths,
                Err(e) => {
                    issues.push(LocaleIssue {
                        location: lang_dir.display().to_string(),
                        message: format!("cannot read folder: {e}"),
                    });
                    continue;
                }
            };
            for path in paths {
                match std::fs::read_to_string(&path) {
                    Ok(source) => files.push(LocaleFile {
                        lang,
                        name: path.display().to_string(),
                        source,
                    }),
                    Err(e) => issues.push(LocaleIssue {
                        location: path.display().to_string(),
                        message: format!("cannot read file: {e}"),
                    }),
                }
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok((files, dir.display().to_string()))
    }
}

/// The copies compiled into the binary.
fn embedded_files() -> Vec<LocaleFile> {
    let mut files = Vec::new();
    let mut names: Vec<_> = EmbeddedLocales::iter().collect();
    names.sort();
    for name in names {
        let Some(lang) = name.split('/').next().and_then(Lang::parse) else {
            continue;
        };
        let data = EmbeddedLocales::get(&name).expect("listed file exists");
        files.push(LocaleFile {
            lang,
            name: format!("locales/{name} (embedded)"),
            source: String::from_utf8_lossy(&data.data).into_owned(),
        });
    }
    files
}

fn line_of(source: &str, byte: usize) -> usize {
    source[..byte.min(source.len())].matches('\n').count() + 1
}

/// Every translatable key a file defines: message ids, `id.attribute` for
/// attributes, and `-term` ids, each with its line.
fn keys_of(resource: &FluentResource, source: &str) -> Vec<(String, usize)> {
    let mut keys = Vec::new();
    for entry in resource.entries() {
        let (prefix, id, attributes) = match entry {
            ast::Entry::Message(m) => ("", m.id.name, &m.attributes),
            ast::Entry::Term(t) => ("-", t.id.name, &t.attributes),
            _ => continue,
        };
        // The id is a slice of the source: its offset gives the line.
        let offset = id.as_ptr() as usize - source.as_ptr() as usize;
        let line = line_of(source, offset);
        keys.push((format!("{prefix}{id}"), line));
        for attr in attributes {
            keys.push((format!("{prefix}{id}.{}", attr.id.name), line));
        }
    }
    keys
}

/// The loaded translations of every language.
pub struct Locales {
    bundles: BTreeMap<Lang, FluentBundle<FluentResource>>,
    keys: BTreeMap<Lang, BTreeSet<String>>,
    source: String,
}

impl fmt::Debug for Locales {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Locales")
            .field("source", &self.source)
            .finish()
    }
}

impl Locales {
    /// Loads and validates every file. Any problem (syntax error, duplicate
    /// id, a key present in one language and not the other) is an error.
    pub fn load(dir: &Path) -> Result<Locales, Vec<LocaleIssue>> {
        let (files, source) = read_files(dir)?;
        Locales::from_files(files, source)
    }

    /// The texts compiled into the binary (checked by the tests).
    pub fn embedded() -> Result<Locales, Vec<LocaleIssue>> {
        Locales::from_files(embedded_files(), "embedded".to_owned())
    }

    fn from_files(files: Vec<LocaleFile>, source: String) -> Result<Locales, Vec<LocaleIssue>> {
        let mut issues = Vec::new();
        let mut bundles = BTreeMap::new();
        let mut keys: BTreeMap<Lang, BTreeMap<String, String>> = BTreeMap::new();
        for lang in Lang::ALL {
            let langid: unic_langid::LanguageIdentifier =
                lang.code().parse().expect("valid language id");
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Bidi isolation marks are invisible noise in HTML attributes and tests.
            bundle.set_use_isolating(false);
            bundles.insert(lang, bundle);
            keys.insert(lang, BTreeMap::new());
        }
        if !files.iter().any(|f| f.lang == Lang::DEFAULT) {
            issues.push(LocaleIssue {
                location: source.clone(),
                message: "no French (fr) file found".into(),
            });
        }
        for file in files {
            let resource = match FluentResource::try_new(file.source.clone()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    for e in errors {
                        issues.push(LocaleIssue {
                            location: format!(
                                "{}:{}",
                                file.name,
                                line_of(&file.source, e.pos.start)
                            ),
                            message: format!("syntax error: {}", e.kind),
                        });
                    }
                    r
                }
            };
            let lang_keys = keys.get_mut(&file.lang).expect("all languages present");
            for (key, line) in keys_of(&resource, resource_source(&resource)) {
                let here = format!("{}:{line}", file.name);
                if let Some(previous) = lang_keys.get(&key) {
                    issues.push(LocaleIssue {
                        location: here,
                        message: format!("`{key}` is already defined at {previous}"),
                    });
                } else {
                    lang_keys.insert(key, here);
                }
            }
            let bundle = bundles.get_mut(&file.lang).expect("all languages present");
            // Duplicates were reported above with their lines; keep the first one.
            bundle.add_resource_overriding(resource);
        }
        issues.extend(untranslated(&keys));
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(Locales {
            bundles,
            keys: keys
                .into_iter()
                .map(|(l, k)| (l, k.into_keys().collect()))
                .collect(),
            source,
        })
    }

    /// Where the texts come from: a folder path, or `embedded`.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.keys[&lang].contains(key)
    }

    pub fn keys(&self, lang: Lang) -> &BTreeSet<String> {
        &self.keys[&lang]
    }

    /// The text of `id` in `lang`, falling back to French. A key missing
    /// everywhere is a bug (tests and `check-locales` catch it): it is
    /// logged and its id shown rather than failing the page.
    pub fn text(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
        for l in [lang, Lang::DEFAULT] {
            let bundle = &self.bundles[&l];
            let (msg_id, attr) = match id.split_once('.') {
                Some((m, a)) => (m, Some(a)),
                None => (id, None),
            };
            let Some(message) = bundle.get_message(msg_id) else {
                continue;
            };
            let pattern = match attr {
                Some(a) => message.get_attribute(a).map(|a| a.value()),
                None => message.value(),
            };
            if let Some(pattern) = pattern {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::error!(key = id, lang = %l, ?errors, "fluent formatting error");
                }
                return text.into_owned();
            }
        }
        tracing::error!(key = id, lang = %lang, "missing translation");
        id.to_owned()
    }

    /// A translator bound to one language, for templates.
    pub fn tr(&self, lang: Lang) -> Tr<'_> {
        Tr {
            locales: self,
            lang,
        }
    }
}

/// Identical key sets: a key missing in one language is an error located
/// where the other language defines it (`keys`: each key's `file:line`).
fn untranslated(keys: &BTreeMap<Lang, BTreeMap<String, String>>) -> Vec<LocaleIssue> {
    let mut issues = Vec::new();
    for lang in Lang::ALL {
        for other in Lang::ALL.into_iter().filter(|o| *o != lang) {
            for (key, location) in &keys[&other] {
                if !keys[&lang].contains_key(key) {
                    issues.push(LocaleIssue {
                        location: location.clone(),
                        message: format!("`{key}` has no {} translation", lang.code()),
                    });
                }
            }
        }
    }
    issues
}

fn resource_source(resource: &FluentResource) -> &str {
    resource.source()
}

/// What templates call: `t.t(KEY)`, `t.t1(KEY, NAME, VALUE)`.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    locales: &'a Locales,
    pub lang: Lang,
}

impl<'a> Tr<'a> {
    pub fn t(&self, id: &str) -> String {
        self.locales.text(self.lang, id, None)
    }

    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.args(id, &[(name, value)])
    }

    pub fn t2(&self, id: &str, n1: &str, v1: &str, n2: &str, v2: &str) -> String {
        self.args(id, &[(n1, v1), (n2, v2)])
    }

    pub fn args(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value.to_string()));
        }
        self.locales.text(self.lang, id, Some(&fluent_args))
    }

    pub fn has(&self, id: &str) -> bool {
        self.locales.has(self.lang, id)
    }

    /// `population-<id><suffix>`: texts of a population (see `routes::texts`).
    pub fn population(&self, id: &str, suffix: &str) -> String {
        self.t(&format!("population-{id}{suffix}"))
    }

    /// `federation-<id><suffix>`: texts of a federation (see `routes::texts`).
    pub fn federation(&self, id: &str, suffix: &str) -> String {
        self.t(&format!("federation-{id}{suffix}"))
    }
}

/// The texts in service, replaced whole when an edit is accepted: a page
/// reads one consistent set ([`ArcSwap::load_full`]) and never waits.
pub type LiveLocales = Arc<ArcSwap<Locales>>;

/// How often the folder is looked at.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Checks the portal adds to the files' own (e.g. every key a page uses
/// exists): one message per problem.
pub type ExtraCheck = Box<dyn Fn(&Locales) -> Vec<String> + Send + Sync>;

/// What the folder holds now, to notice an edit: each `.ftl` file's path
/// and content, hashed. `None` when the folder does not exist.
///
/// Contents rather than modification times: an edit within the file
/// system's time resolution, or a file swapped by a deployment tool with
/// an older date, is still seen. The files are a few kilobytes.
pub fn fingerprint(dir: &Path) -> Option<u64> {
    if !dir.is_dir() {
        return None;
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for lang in Lang::ALL {
        for path in ftl_paths(&dir.join(lang.code())).unwrap_or_default() {
            path.hash(&mut hasher);
            std::fs::read(&path).ok().hash(&mut hasher);
        }
    }
    Some(hasher.finish())
}

/// The texts to start with: the folder's (or the embedded ones when there
/// is no folder); when the folder has a mistake, the embedded texts, with
/// every problem logged: a typo never keeps the portal from starting.
pub fn load_for_serving(dir: &Path, check: &ExtraCheck) -> Locales {
    let problems = match Locales::load(dir) {
        Ok(locales) => {
            let problems = check(&locales);
            if problems.is_empty() {
                tracing::info!(source = locales.source(), "texts loaded");
                return locales;
            }
            problems
        }
        Err(issues) => issues.iter().map(ToString::to_string).collect(),
    };
    for problem in &problems {
        tracing::error!(problem = %problem, "text files refused");
    }
    tracing::error!(
        folder = %dir.display(),
        "text files refused at start: serving the texts built into the program until the files are fixed"
    );
    Locales::embedded().expect("the embedded texts are valid (tested)")
}

/// Reads the folder again; puts the new texts in service when they pass
/// every check, else logs each problem and keeps the texts in service.
fn reload(dir: &Path, live: &ArcSwap<Locales>, check: &ExtraCheck) {
    let result = if dir.is_dir() {
        Locales::load(dir).map_err(|issues| issues.iter().map(ToString::to_string).collect())
    } else {
        Err(vec![format!("{}: folder not found", dir.display())])
    };
    let result = result.and_then(|locales| {
        let problems = check(&locales);
        if problems.is_empty() {
            Ok(locales)
        } else {
            Err(problems)
        }
    });
    match result {
        Ok(locales) => {
            tracing::info!(source = locales.source(), "text edit applied");
            live.store(Arc::new(locales));
            crate::metrics::locales_reload(true);
        }
        Err(problems) => {
            for problem in &problems {
                tracing::error!(problem = %problem, "text edit refused");
            }
            tracing::error!(
                folder = %dir.display(),
                "text edit refused: the texts in service stay until the files are fixed"
            );
            crate::metrics::locales_reload(false);
        }
    }
}

/// Looks at `dir` every [`WATCH_INTERVAL`] (on a Tokio task) and reloads
/// on any change since `seen` (the fingerprint the texts in service were
/// read at). Stops when the portal is gone (`live` dropped).
///
/// A poll rather than file system events (`inotify`): it sees edits on
/// every kind of mount (network shares, container volumes whose files are
/// swapped through symbolic links), needs no extra dependency, and costs a
/// few small reads a second.
pub fn watch(dir: PathBuf, seen: Option<u64>, live: Weak<ArcSwap<Locales>>, check: ExtraCheck) {
    let check = Arc::new(check);
    tokio::spawn(async move {
        let mut seen = seen;
        let mut ticks = tokio::time::interval(WATCH_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(live) = live.upgrade() else {
                return;
            };
            let (dir, check) = (dir.clone(), check.clone());
            let changed = tokio::task::spawn_blocking(move || {
                let now = fingerprint(&dir);
                if now != seen {
                    reload(&dir, &live, &check);
                }
                now
            })
            .await;
            match changed {
                Ok(now) => seen = now,
                Err(_) => return,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn accept_language_honours_q_values_and_regions() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("de-DE, en;q=0.5, fr-CA;q=0.8"),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=0, en;q=0.1"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("de, es"), None);
        assert_eq!(Lang::from_accept_language("*;q=0.5, en_US"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language(""), None);
    }
}
