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
//! (each problem logged as `file:line` with its key, the gauge
//! `aiguillage_locales_refused` at 1) and the texts in service stay. A
//! folder broken at start gives the embedded texts, refused the same way,
//! rather than no portal at all ([`load_for_serving`]).
//!
//! Each problem is located where the administrator must act: a syntax
//! error at the line of the mistake (not where the parser gave up), and
//! only once (the keys of the broken entry are not also "missing" in the
//! other language); a key one language lacks, in that language's file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
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

/// One problem in the text files: where (`file:line`, or the file alone
/// when the problem is a text that is not there), which key, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleIssue {
    pub location: String,
    /// The key concerned, when one is (a folder that cannot be read has none).
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for LocaleIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Where the files come from: a folder, or the copies in the binary. Says
/// how a file of a language is named for people (the file a missing key
/// belongs in may not exist).
#[derive(Debug, Clone)]
enum Origin {
    Folder(PathBuf),
    Embedded,
}

impl Origin {
    fn file(&self, lang: Lang, name: &str) -> String {
        match self {
            Origin::Folder(dir) => dir.join(lang.code()).join(name).display().to_string(),
            Origin::Embedded => format!("locales/{}/{name} (embedded)", lang.code()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Origin::Folder(dir) => dir.display().to_string(),
            Origin::Embedded => "embedded".to_owned(),
        }
    }
}

struct LocaleFile {
    lang: Lang,
    /// The file's name in its language's folder (`portail.ftl`).
    name: String,
    source: String,
}

fn read_files(dir: &Path) -> Result<(Vec<LocaleFile>, Origin), Vec<LocaleIssue>> {
    if dir.is_dir() {
        read_folder(dir).map(|files| (files, Origin::Folder(dir.to_owned())))
    } else {
        Ok((embedded_files(), Origin::Embedded))
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

fn read_folder(dir: &Path) -> Result<Vec<LocaleFile>, Vec<LocaleIssue>> {
    let mut files = Vec::new();
    let mut issues = Vec::new();
    for lang in Lang::ALL {
        let lang_dir = dir.join(lang.code());
        let paths = match ftl_paths(&lang_dir) {
            Ok(paths) => paths,
            Err(e) => {
                issues.push(LocaleIssue {
                    location: lang_dir.display().to_string(),
                    key: None,
                    message: format!("cannot read folder: {e}"),
                });
                continue;
            }
        };
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(source) => files.push(LocaleFile {
                    lang,
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    source,
                }),
                Err(e) => issues.push(LocaleIssue {
                    location: path.display().to_string(),
                    key: None,
                    message: format!("cannot read file: {e}"),
                }),
            }
        }
    }
    if issues.is_empty() {
        Ok(files)
    } else {
        Err(issues)
    }
}

/// The copies compiled into the binary.
fn embedded_files() -> Vec<LocaleFile> {
    let mut files = Vec::new();
    let mut names: Vec<_> = EmbeddedLocales::iter().collect();
    names.sort();
    for name in names {
        let Some((lang, file)) = name
            .split_once('/')
            .and_then(|(l, f)| Some((Lang::parse(l)?, f)))
        else {
            continue;
        };
        let data = EmbeddedLocales::get(&name).expect("listed file exists");
        files.push(LocaleFile {
            lang,
            name: file.to_owned(),
            source: String::from_utf8_lossy(&data.data).into_owned(),
        });
    }
    files
}

fn line_of(source: &str, byte: usize) -> usize {
    source[..byte.min(source.len())].matches('\n').count() + 1
}

/// The line to name for a syntax error: the parser reports where it gave
/// up, which, for a placeable left open at the end of a line (`{ $name`),
/// is the start of the next entry, after the line break it skipped. The
/// mistake is on the last line with text before that point (within the
/// broken entry).
fn error_line(source: &str, error: &fluent_syntax::parser::ParserError) -> usize {
    let at = error.pos.start.min(source.len());
    let entry_start = error.slice.as_ref().map_or(0, |s| s.start.min(at));
    let before = source[entry_start..at].trim_end();
    if before.is_empty() {
        line_of(source, at)
    } else {
        line_of(source, entry_start + before.len() - 1)
    }
}

/// The key a broken entry was meant to define: the identifier it starts
/// with (`-term` included), if it starts with one.
fn broken_key(source: &str, error: &fluent_syntax::parser::ParserError) -> Option<String> {
    let slice = error.slice.as_ref()?;
    let text = source.get(slice.start..slice.end.min(source.len()))?;
    let (prefix, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    Some(format!("{prefix}{}", &rest[..end]))
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

/// Where a key is defined: its file (name in its language's folder) and line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    file: String,
    line: usize,
}

/// The loaded translations of every language.
pub struct Locales {
    bundles: BTreeMap<Lang, FluentBundle<FluentResource>>,
    keys: BTreeMap<Lang, BTreeSet<String>>,
    places: BTreeMap<Lang, BTreeMap<String, Place>>,
    origin: Origin,
}

impl fmt::Debug for Locales {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Locales")
            .field("source", &self.source())
            .finish()
    }
}

/// What the files say before the languages are compared: each language's
/// keys with their place and order, and the keys of entries that failed
/// to parse (their translations are not "missing": the syntax error is
/// the problem, reported once).
#[derive(Default)]
struct Parsed {
    places: BTreeMap<Lang, BTreeMap<String, Place>>,
    /// Each file's keys in the order written, per language and file name.
    order: BTreeMap<(Lang, String), Vec<String>>,
    broken: BTreeSet<(Lang, String)>,
}

impl Parsed {
    fn is_broken(&self, lang: Lang, key: &str) -> bool {
        let message = key.split('.').next().unwrap_or(key);
        self.broken.contains(&(lang, message.to_owned()))
    }
}

impl Locales {
    /// Loads and validates every file. Any problem (syntax error, duplicate
    /// id, a key present in one language and not the other) is an error.
    pub fn load(dir: &Path) -> Result<Locales, Vec<LocaleIssue>> {
        let (files, origin) = read_files(dir)?;
        Locales::from_files(files, origin)
    }

    /// The texts compiled into the binary (checked by the tests).
    pub fn embedded() -> Result<Locales, Vec<LocaleIssue>> {
        Locales::from_files(embedded_files(), Origin::Embedded)
    }

    fn from_files(files: Vec<LocaleFile>, origin: Origin) -> Result<Locales, Vec<LocaleIssue>> {
        let mut issues = Vec::new();
        let mut bundles = BTreeMap::new();
        let mut parsed = Parsed::default();
        for lang in Lang::ALL {
            let langid: unic_langid::LanguageIdentifier =
                lang.code().parse().expect("valid language id");
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Bidi isolation marks are invisible noise in HTML attributes and tests.
            bundle.set_use_isolating(false);
            bundles.insert(lang, bundle);
            parsed.places.insert(lang, BTreeMap::new());
        }
        if !files.iter().any(|f| f.lang == Lang::DEFAULT) {
            issues.push(LocaleIssue {
                location: origin.describe(),
                key: None,
                message: "no French (fr) file found".into(),
            });
        }
        for file in files {
            let resource = parse_file(&file, &origin, &mut parsed, &mut issues);
            record_keys(&file, &resource, &origin, &mut parsed, &mut issues);
            let bundle = bundles.get_mut(&file.lang).expect("all languages present");
            // Duplicates were reported with their lines; keep the first one.
            bundle.add_resource_overriding(resource);
        }
        issues.extend(untranslated(&parsed, &origin));
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(Locales {
            bundles,
            keys: parsed
                .places
                .iter()
                .map(|(l, k)| (*l, k.keys().cloned().collect()))
                .collect(),
            places: parsed.places,
            origin,
        })
    }

    /// Where the texts come from: a folder path, or `embedded`.
    pub fn source(&self) -> String {
        self.origin.describe()
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.keys[&lang].contains(key)
    }

    pub fn keys(&self, lang: Lang) -> &BTreeSet<String> {
        &self.keys[&lang]
    }

    /// A text the portal needs and no language defines, located in the
    /// file it belongs in: where the built-in texts keep it (`portail.ftl`
    /// for `home-continue`), in this folder, for `lang`.
    pub fn missing_text(&self, lang: Lang, key: &str) -> LocaleIssue {
        let file = self
            .places
            .values()
            .find_map(|places| places.get(key))
            .map(|p| p.file.clone())
            .or_else(|| embedded_file_of(key));
        let location = match file {
            Some(name) => self.origin.file(lang, &name),
            None => self.origin.file(lang, ""),
        };
        LocaleIssue {
            location,
            key: Some(key.to_owned()),
            message: format!("`{key}` is used by the portal but not defined"),
        }
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

/// The file the built-in French texts keep `key` in, if they have it.
fn embedded_file_of(key: &str) -> Option<String> {
    static FILES: std::sync::LazyLock<BTreeMap<String, String>> = std::sync::LazyLock::new(|| {
        let mut files = BTreeMap::new();
        for file in embedded_files()
            .into_iter()
            .filter(|f| f.lang == Lang::DEFAULT)
        {
            if let Ok(resource) = FluentResource::try_new(file.source) {
                for (key, _) in keys_of(&resource, resource_source(&resource)) {
                    files.entry(key).or_insert_with(|| file.name.clone());
                }
            }
        }
        files
    });
    FILES.get(key).cloned()
}

/// A file's resource, its syntax errors reported at their line and key
/// (a key that does not parse is remembered as broken: no knock-on
/// "missing translation" for it).
fn parse_file(
    file: &LocaleFile,
    origin: &Origin,
    parsed: &mut Parsed,
    issues: &mut Vec<LocaleIssue>,
) -> FluentResource {
    let shown = origin.file(file.lang, &file.name);
    match FluentResource::try_new(file.source.clone()) {
        Ok(r) => r,
        Err((r, errors)) => {
            for e in errors {
                let key = broken_key(&file.source, &e);
                if let Some(k) = &key {
                    parsed.broken.insert((file.lang, k.clone()));
                }
                let what = key
                    .as_ref()
                    .map(|k| format!(" in `{k}`"))
                    .unwrap_or_default();
                issues.push(LocaleIssue {
                    location: format!("{shown}:{}", error_line(&file.source, &e)),
                    key,
                    message: format!("syntax error{what}: {}", e.kind),
                });
            }
            r
        }
    }
}

/// Where each key of a file is, in order; a key defined twice is reported.
fn record_keys(
    file: &LocaleFile,
    resource: &FluentResource,
    origin: &Origin,
    parsed: &mut Parsed,
    issues: &mut Vec<LocaleIssue>,
) {
    let shown = origin.file(file.lang, &file.name);
    let lang_places = parsed
        .places
        .get_mut(&file.lang)
        .expect("all languages present");
    let order = parsed
        .order
        .entry((file.lang, file.name.clone()))
        .or_default();
    for (key, line) in keys_of(resource, resource_source(resource)) {
        if let Some(previous) = lang_places.get(&key) {
            issues.push(LocaleIssue {
                location: format!("{shown}:{line}"),
                message: format!(
                    "`{key}` is already defined at {}:{}",
                    origin.file(file.lang, &previous.file),
                    previous.line
                ),
                key: Some(key),
            });
        } else {
            order.push(key.clone());
            lang_places.insert(
                key,
                Place {
                    file: file.name.clone(),
                    line,
                },
            );
        }
    }
}

/// Identical key sets. A key one language lacks is reported against that
/// language's file (the same file name as where the other language has
/// it), at the line of the key it should follow when that one is there.
/// Keys of an entry that failed to parse are not reported again: the
/// syntax error already names them.
fn untranslated(parsed: &Parsed, origin: &Origin) -> Vec<LocaleIssue> {
    let mut issues = Vec::new();
    for other in Lang::ALL {
        for (key, place) in &parsed.places[&other] {
            for lang in Lang::ALL.into_iter().filter(|l| *l != other) {
                if parsed.places[&lang].contains_key(key)
                    || parsed.is_broken(lang, key)
                    || parsed.is_broken(other, key)
                {
                    continue;
                }
                let here = origin.file(lang, &place.file);
                let has_it = format!(
                    "{} has it at {}:{}",
                    other.code(),
                    origin.file(other, &place.file),
                    place.line
                );
                // The nearest key before it, in the other language's file,
                // that this language's file of the same name has.
                let anchor = parsed
                    .order
                    .get(&(other, place.file.clone()))
                    .and_then(|order| {
                        let at = order.iter().position(|k| k == key)?;
                        order[..at].iter().rev().find_map(|previous| {
                            parsed.places[&lang]
                                .get(previous)
                                .filter(|p| p.file == place.file)
                                .map(|p| (previous, p.line))
                        })
                    });
                let (location, message) = match anchor {
                    Some((previous, line)) => (
                        format!("{here}:{line}"),
                        format!(
                            "`{key}` is missing in {}: it goes after `{previous}` ({has_it})",
                            lang.code()
                        ),
                    ),
                    None => (
                        here,
                        format!("`{key}` is missing in {} ({has_it})", lang.code()),
                    ),
                };
                issues.push(LocaleIssue {
                    location,
                    key: Some(key.clone()),
                    message,
                });
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
/// reads one consistent set ([`LiveTexts::load_full`]) and never waits.
pub struct LiveTexts {
    current: ArcSwap<Locales>,
    /// The folder on disk is refused (a mistake): the texts in service are
    /// the last good ones, or the built-in ones since the start.
    refused: AtomicBool,
}

pub type LiveLocales = Arc<LiveTexts>;

impl LiveTexts {
    pub fn new(locales: Locales, refused: bool) -> LiveTexts {
        LiveTexts {
            current: ArcSwap::from_pointee(locales),
            refused: AtomicBool::new(refused),
        }
    }

    pub fn load_full(&self) -> Arc<Locales> {
        self.current.load_full()
    }

    /// Whether the text folder as it is now on disk is refused.
    pub fn refused(&self) -> bool {
        self.refused.load(Ordering::Relaxed)
    }

    fn set_refused(&self, refused: bool) {
        self.refused.store(refused, Ordering::Relaxed);
        crate::metrics::locales_refused(refused);
    }
}

/// How often the folder is looked at.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Checks the portal adds to the files' own (e.g. every key a page uses
/// exists): one issue per problem.
pub type ExtraCheck = Box<dyn Fn(&Locales) -> Vec<LocaleIssue> + Send + Sync>;

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

/// The folder's texts if they pass every check, else every problem.
fn load_checked(dir: &Path, check: &ExtraCheck) -> Result<Locales, Vec<LocaleIssue>> {
    let locales = Locales::load(dir)?;
    let problems = check(&locales);
    if problems.is_empty() {
        Ok(locales)
    } else {
        Err(problems)
    }
}

/// Each problem on its own line at `error`, with its place and key as
/// fields (`location="…/fr/portail.ftl:26" key="home-intro"`).
fn log_problems(problems: &[LocaleIssue], what: &str) {
    for problem in problems {
        tracing::error!(
            location = %problem.location,
            key = problem.key.as_deref().unwrap_or("-"),
            problem = %problem,
            "{what}"
        );
    }
}

/// The texts to start with: the folder's (or the embedded ones when there
/// is no folder); when the folder has a mistake, the embedded texts, with
/// every problem logged and the folder marked refused: a typo never keeps
/// the portal from starting.
pub fn load_for_serving(dir: &Path, check: &ExtraCheck) -> LiveTexts {
    match load_checked(dir, check) {
        Ok(locales) => {
            tracing::info!(source = %locales.source(), "texts loaded");
            LiveTexts::new(locales, false)
        }
        Err(problems) => {
            log_problems(&problems, "text files refused");
            tracing::error!(
                folder = %dir.display(),
                "text files refused at start: serving the texts built into the program until the files are fixed"
            );
            let embedded = Locales::embedded().expect("the embedded texts are valid (tested)");
            LiveTexts::new(embedded, true)
        }
    }
}

/// Reads the folder again; puts the new texts in service when they pass
/// every check, else logs each problem and keeps the texts in service.
fn reload(dir: &Path, live: &LiveTexts, check: &ExtraCheck) {
    let result = if dir.is_dir() {
        load_checked(dir, check)
    } else {
        Err(vec![LocaleIssue {
            location: dir.display().to_string(),
            key: None,
            message: "folder not found".into(),
        }])
    };
    match result {
        Ok(locales) => {
            tracing::info!(source = %locales.source(), "text edit applied");
            live.current.store(Arc::new(locales));
            live.set_refused(false);
            crate::metrics::locales_reload(true);
        }
        Err(problems) => {
            log_problems(&problems, "text edit refused");
            tracing::error!(
                folder = %dir.display(),
                "text edit refused: the texts in service stay until the files are fixed"
            );
            live.set_refused(true);
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
pub fn watch(dir: PathBuf, seen: Option<u64>, live: Weak<LiveTexts>, check: ExtraCheck) {
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
    use super::*;

    const EN: &str = "## English\na = A\nb = Hello { $name }\nc = C\n";
    const FR: &str = "## Français\na = A\nb = Bonjour { $name }\nc = C\n";

    fn file(lang: Lang, name: &str, source: &str) -> LocaleFile {
        LocaleFile {
            lang,
            name: name.to_owned(),
            source: source.to_owned(),
        }
    }

    /// The problems of these files, as `check-locales` prints them.
    fn issues(files: Vec<LocaleFile>) -> Vec<LocaleIssue> {
        Locales::from_files(files, Origin::Folder(PathBuf::from("/t")))
            .expect_err("the files have a mistake")
    }

    fn shown(issues: &[LocaleIssue]) -> Vec<String> {
        issues.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_placeable_left_open_is_reported_at_its_own_line_and_nothing_else() {
        let fr = FR.replace("Bonjour { $name }", "Bonjour { $name");
        let found = issues(vec![
            file(Lang::Fr, "portail.ftl", &fr),
            file(Lang::En, "portail.ftl", EN),
        ]);
        // One problem: line 3 of the French file, naming the key; no
        // "missing translation" against the English file for `b`.
        assert_eq!(found.len(), 1, "{:#?}", shown(&found));
        assert_eq!(found[0].location, "/t/fr/portail.ftl:3");
        assert_eq!(found[0].key.as_deref(), Some("b"));
        assert!(
            found[0].message.starts_with("syntax error in `b`"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn a_placeable_left_open_on_the_last_line_or_a_continuation_line_is_at_that_line() {
        for (fr, line) in [
            // Last line, with and without its line break.
            (format!("{FR}d = {{ $x\n"), 5),
            (format!("{FR}d = {{ $x"), 5),
            // Opened on a continuation line, blank lines after it.
            (
                "a = A\nb =\n    Bonjour\n    { $name\n\n\nc = C\n".to_owned(),
                4,
            ),
            // Another kind of mistake, in the middle of a line.
            ("a = A\nb = Bonjour { $name ! }\nc = C\n".to_owned(), 2),
        ] {
            let en = if fr.contains("d = ") {
                format!("{EN}d = D {{ $x }}\n")
            } else {
                EN.replace("## English\n", "")
            };
            let found = issues(vec![
                file(Lang::Fr, "portail.ftl", &fr),
                file(Lang::En, "portail.ftl", &en),
            ]);
            assert_eq!(
                shown(&found)
                    .iter()
                    .map(|i| i.split(": ").next().unwrap().to_owned())
                    .collect::<Vec<_>>(),
                [format!("/t/fr/portail.ftl:{line}")],
                "{fr:?}: {:#?}",
                shown(&found)
            );
        }
    }

    #[test]
    fn a_deleted_french_key_is_reported_against_the_french_file_where_it_belongs() {
        let fr = FR.replace("b = Bonjour { $name }\n", "");
        let found = issues(vec![
            file(Lang::Fr, "portail.ftl", &fr),
            file(Lang::En, "portail.ftl", EN),
        ]);
        assert_eq!(
            shown(&found),
            [
                "/t/fr/portail.ftl:2: `b` is missing in fr: it goes after `a` (en has it at /t/en/portail.ftl:3)"
            ]
        );
        assert_eq!(found[0].key.as_deref(), Some("b"));
        // The first key of a file has no key before it: the file alone.
        let fr = FR.replace("a = A\n", "");
        let found = issues(vec![
            file(Lang::Fr, "portail.ftl", &fr),
            file(Lang::En, "portail.ftl", EN),
        ]);
        assert_eq!(
            shown(&found),
            ["/t/fr/portail.ftl: `a` is missing in fr (en has it at /t/en/portail.ftl:2)"]
        );
    }

    #[test]
    fn a_key_only_one_language_has_is_reported_against_the_other_language() {
        let found = issues(vec![
            file(Lang::Fr, "portail.ftl", FR),
            file(Lang::Fr, "extra.ftl", "seulement-fr = Bonjour\n"),
            file(Lang::En, "portail.ftl", EN),
            file(
                Lang::En,
                "portail-bis.ftl",
                "## English\n\nonly-en = Hello\n",
            ),
        ]);
        assert_eq!(
            shown(&found),
            [
                "/t/en/extra.ftl: `seulement-fr` is missing in en (fr has it at /t/fr/extra.ftl:1)",
                "/t/fr/portail-bis.ftl: `only-en` is missing in fr (en has it at /t/en/portail-bis.ftl:3)",
            ]
        );
    }

    #[test]
    fn a_key_defined_twice_is_reported_at_the_second_with_the_first() {
        let found = issues(vec![
            file(Lang::Fr, "portail.ftl", &format!("{FR}\na = Encore\n")),
            file(Lang::En, "portail.ftl", EN),
        ]);
        assert_eq!(
            shown(&found),
            ["/t/fr/portail.ftl:6: `a` is already defined at /t/fr/portail.ftl:2"]
        );
    }

    #[test]
    fn a_text_the_portal_needs_is_located_in_the_file_the_built_in_texts_keep_it_in() {
        let locales = Locales::from_files(
            vec![
                file(Lang::Fr, "portail.ftl", FR),
                file(Lang::En, "portail.ftl", EN),
            ],
            Origin::Folder(PathBuf::from("/t")),
        )
        .unwrap();
        let issue = locales.missing_text(Lang::En, "home-continue");
        assert_eq!(
            issue.to_string(),
            "/t/en/portail.ftl: `home-continue` is used by the portal but not defined"
        );
        assert_eq!(issue.key.as_deref(), Some("home-continue"));
    }

    #[test]
    fn the_built_in_texts_are_valid() {
        let locales = Locales::embedded().expect("valid");
        assert_eq!(locales.keys(Lang::Fr), locales.keys(Lang::En));
    }

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
