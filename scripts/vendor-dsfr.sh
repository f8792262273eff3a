#!/usr/bin/env bash
# Vendors the subset of the DSFR (Système de design de l'État) that the
# templates use into static/dsfr/, from the npm package @gouvfr/dsfr.
#
#   scripts/vendor-dsfr.sh           (re)build static/dsfr/ (needs npm + node,
#                                    and the npm registry)
#   scripts/vendor-dsfr.sh --check   offline: verify static/dsfr/ against its
#                                    SHA256SUMS, that every url() of
#                                    dsfr.min.css and every /static/dsfr/ path
#                                    named by a template exists; exit 1 if not
#
# What goes into static/dsfr/dsfr.min.css:
#   - dist/core (fonts, colours, typography, grid, spacing, icon base rules);
#   - the components whose classes appear in templates/*.html (see
#     COMPONENT_OF below), in the order of the official bundle
#     (src/dsfr/component/main.scss of the package, i.e. dist/dsfr.min.css);
#   - only the `fr-icon-*` rules the templates use, from dist/utility/icons.
#   Each part is `<name>.main.min.css` + `<name>.print.min.css`: that is the
#   package's `<name>.min.css` minus `<name>.legacy.min.css`, whose rules are
#   all inside `-ms-high-contrast` media queries (Internet Explorer 11 only).
#   The `scheme` part (dark theme) is left out: it is switched on by the DSFR
#   JavaScript only, and the portal runs without JavaScript.
#   url()s are rewritten relative to dsfr.min.css (so they resolve under
#   /static/dsfr/) and only the files they name are copied; @font-face rules
#   keep their woff2 source only (the woff fallbacks are dropped).
# Also copied: the favicon set, LICENSE (LICENSE.md of the package: Etalab 2.0
# + restricted use) and CGU.md (doc/legal/cgu.md: the terms of use, which also
# govern the Marianne fonts). The DSFR JavaScript is copied only if a template
# references dsfr.module.min.js / dsfr.nomodule.min.js.
#
# Idempotent: the result is built in a temporary directory; static/dsfr/ is
# replaced only if some file differs (VERSION's "vendored" date aside).
set -euo pipefail

PACKAGE="@gouvfr/dsfr"
VERSION="1.15.3"
# `npm view @gouvfr/dsfr@1.15.3 dist.integrity`; checked against the tarball.
INTEGRITY="sha512-R9AALZc1LfZjtytWZMOaUIOHWTkllBZ/sZlsL8TpKZVgF3qUKXt/uNYh+L1D1Fh4p92ZqWxbtNcebsigBZe5pQ=="

cd "$(dirname "$0")/.."
ROOT="$PWD"
DEST="$ROOT/static/dsfr"
TEMPLATES="$ROOT/templates"

die() { echo "vendor-dsfr: $*" >&2; exit 1; }

# Prints, one per line, the url()s of a CSS file that name files (not data:,
# not fragments, not absolute URLs).
css_urls() {
  grep -oE 'url\([^)]*\)' "$1" \
    | sed -E 's/^url\(\s*//; s/\s*\)$//; s/^["'\'']//; s/["'\'']$//' \
    | grep -vE '^(data:|#|[a-zA-Z][a-zA-Z0-9+.-]*://|//)' \
    | sort -u || true
}

# check DIR: the offline verification, used by --check and after a build.
check() {
  local dir="$1" fail=0 f u p
  [ -f "$dir/SHA256SUMS" ] || die "$dir/SHA256SUMS is missing (run scripts/vendor-dsfr.sh)"
  # 1. Every listed file has its recorded checksum ...
  if ! (cd "$dir" && sha256sum --check --quiet --strict SHA256SUMS); then
    echo "vendor-dsfr: checksum mismatch in $dir" >&2; fail=1
  fi
  # ... and no file is there that SHA256SUMS does not list.
  while IFS= read -r f; do
    if ! cut -c67- "$dir/SHA256SUMS" | grep -qxF -- "$f"; then
      echo "vendor-dsfr: $f is not listed in SHA256SUMS" >&2; fail=1
    fi
  done < <(cd "$dir" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort)
  # 2. Every url() of dsfr.min.css resolves to a vendored file.
  while IFS= read -r u; do
    [ -n "$u" ] || continue
    p="${u%%[?#]*}"
    case "$p" in
      /static/dsfr/*) p="${p#/static/dsfr/}" ;;
      /*) echo "vendor-dsfr: dsfr.min.css: url($u) is outside /static/dsfr/" >&2; fail=1; continue ;;
    esac
    if [ ! -f "$dir/$p" ] || [ "$(realpath -m "$dir/$p")" != "$(realpath -m "$dir")/${p#./}" ]; then
      echo "vendor-dsfr: dsfr.min.css: url($u) does not resolve to a file under static/dsfr/" >&2; fail=1
    fi
  done < <(css_urls "$dir/dsfr.min.css")
  # 3. Every /static/dsfr/... path a template names exists.
  while IFS= read -r u; do
    [ -f "$dir/${u#/static/dsfr/}" ] || { echo "vendor-dsfr: templates reference $u, which is not vendored" >&2; fail=1; }
  done < <(grep -ohE '/static/dsfr/[A-Za-z0-9._/-]+' "$TEMPLATES"/*.html 2>/dev/null | sort -u || true)
  return "$fail"
}

if [ "${1:-}" = "--check" ]; then
  [ -d "$DEST" ] || die "static/dsfr/ does not exist (run scripts/vendor-dsfr.sh)"
  if check "$DEST"; then
    echo "vendor-dsfr: static/dsfr/ OK ($(head -n1 "$DEST/VERSION"))"
    exit 0
  fi
  exit 1
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--check]" >&2; exit 2
fi

command -v npm >/dev/null || die "npm is required"
command -v node >/dev/null || die "node is required"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
STAGE="$TMP/stage"
mkdir -p "$STAGE"

echo "==> npm pack $PACKAGE@$VERSION"
(cd "$TMP" && npm pack --silent --loglevel=error "$PACKAGE@$VERSION" >"$TMP/packname")
TARBALL="$TMP/$(tail -n1 "$TMP/packname")"
[ -f "$TARBALL" ] || die "npm pack produced no tarball"
got="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$TARBALL")"
[ "$got" = "$INTEGRITY" ] || die "tarball integrity $got, expected $INTEGRITY"
mkdir -p "$TMP/pkg"
tar -xzf "$TARBALL" -C "$TMP/pkg"
PKG="$TMP/pkg/package"
DIST="$PKG/dist"
pkgver="$(node -p 'const p=require(process.argv[1]); p.name+"@"+p.version' "$PKG/package.json")"
[ "$pkgver" = "$PACKAGE@$VERSION" ] || die "the tarball is $pkgver, expected $PACKAGE@$VERSION"

echo "==> building the CSS subset"
# Writes $STAGE/dsfr.min.css, copies the files its url()s name, and writes the
# parts it used to $TMP/manifest.txt.
node - "$DIST" "$PKG/src/dsfr/component/main.scss" "$TEMPLATES" "$STAGE" "$TMP/manifest.txt" <<'JS'
'use strict';
const fs = require('fs');
const path = require('path');
const [dist, componentOrderFile, templatesDir, stage, manifestFile] = process.argv.slice(2);

// Template class prefix -> DSFR component (directory under dist/component).
// A class that matches none of these must be defined by the core.
const COMPONENT_OF = [
  [/^fr-logo$/, 'logo'],
  [/^fr-btns?(-group)?(--.*|__.*)?$/, 'button'],
  [/^fr-connect/, 'connect'],
  [/^fr-(fieldset|label|hint-text|messages?-group|message|form-group|error-text|valid-text|info-text)(--.*|__.*)?$/, 'form'],
  [/^fr-links?(-group)?(--.*|__.*)?$/, 'link'],
  [/^fr-callout/, 'callout'],
  [/^fr-notice/, 'notice'],
  [/^fr-alert/, 'alert'],
  [/^fr-badges?(-group)?(--.*|__.*)?$/, 'badge'],
  [/^fr-tags?(-group)?(--.*|__.*)?$/, 'tag'],
  [/^fr-breadcrumb/, 'breadcrumb'],
  [/^fr-radio/, 'radio'],
  [/^fr-checkbox/, 'checkbox'],
  [/^fr-input/, 'input'],
  [/^fr-select/, 'select'],
  [/^fr-skiplinks/, 'skiplink'],
  [/^fr-footer/, 'footer'],
  [/^fr-translate/, 'translate'],
  [/^fr-table/, 'table'],
  [/^fr-header/, 'header'],
  [/^fr-(accordion|accordions-group)/, 'accordion'],
  [/^fr-card/, 'card'],
  [/^fr-tile/, 'tile'],
  [/^fr-highlight/, 'highlight'],
  [/^fr-quote/, 'quote'],
  [/^fr-summary/, 'summary'],
  [/^fr-pagination/, 'pagination'],
  [/^fr-sidemenu/, 'sidemenu'],
  [/^fr-tabs?(--.*|__.*)?$/, 'tab'],
  [/^fr-stepper/, 'stepper'],
  [/^fr-toggle/, 'toggle'],
  [/^fr-modal/, 'modal'],
  [/^fr-(nav|menu|mega-menu)(--.*|__.*)?$/, 'navigation'],
  [/^fr-search-bar/, 'search'],
  [/^fr-share/, 'share'],
  [/^fr-follow/, 'follow'],
  [/^fr-consent/, 'consent'],
  [/^fr-password/, 'password'],
  [/^fr-upload/, 'upload'],
  [/^fr-range/, 'range'],
  [/^fr-segmented/, 'segmented'],
  [/^fr-tooltip/, 'tooltip'],
  [/^fr-download/, 'download'],
  [/^fr-(content-media|responsive-img|responsive-vid)/, 'content'],
  [/^fr-display/, 'display'],
  [/^fr-transcription/, 'transcription'],
];
// Components the ones above need to look right (the package's READMEs list
// more, for the JavaScript-driven parts, which the portal does not use).
const NEEDS = { radio: ['form'], skiplink: ['link'] };

const read = (f) => fs.readFileSync(f, 'utf8');
const fail = (msg) => { console.error('vendor-dsfr: ' + msg); process.exit(1); };

// --- classes used by the templates -----------------------------------------
const templates = fs.readdirSync(templatesDir).filter((f) => f.endsWith('.html')).sort();
const classes = new Set();
for (const t of templates) {
  const text = read(path.join(templatesDir, t)).replace(/\{#[\s\S]*?#\}/g, '');
  // `fr-…` not preceded by a word character or `-` (skips data-fr-scheme).
  for (const m of text.matchAll(/(?<![\w-])fr-[A-Za-z0-9_-]*[A-Za-z0-9_]/g)) classes.add(m[0]);
}
const icons = new Set();
const wanted = new Set();
const coreClasses = [];
for (const c of [...classes].sort()) {
  if (/^fr-(icon|fi)-(?!-)/.test(c)) { icons.add(c); continue; }
  const hit = COMPONENT_OF.find(([re]) => re.test(c));
  if (hit) wanted.add(hit[1]); else coreClasses.push(c);
}
for (const c of [...wanted]) for (const d of NEEDS[c] || []) wanted.add(d);

// --- order: that of the official bundle ------------------------------------
const order = [...read(componentOrderFile).matchAll(/@import\s+'([a-z-]+)\/main'/g)].map((m) => m[1]);
for (const c of wanted) if (!order.includes(c)) fail(`component ${c} is not in ${componentOrderFile}`);
const components = order.filter((c) => wanted.has(c));

// --- minimal CSS parser (top-level rules; one level of nested at-rules) -----
function parse(css) {
  const out = []; let i = 0; const n = css.length;
  const skipComment = () => { const e = css.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; };
  const skipString = () => { const q = css[i++]; while (i < n && css[i] !== q) { if (css[i] === '\\') i++; i++; } i++; };
  while (true) {
    while (i < n && (/\s/.test(css[i]) || css.startsWith('/*', i))) { if (css.startsWith('/*', i)) skipComment(); else i++; }
    if (i >= n) break;
    const s = i; let depth = 0;
    while (i < n) {
      const c = css[i];
      if (c === '"' || c === "'") { skipString(); continue; }
      if (css.startsWith('/*', i)) { skipComment(); continue; }
      if (c === '(') depth++; else if (c === ')') depth--; else if (depth === 0 && (c === '{' || c === ';')) break;
      i++;
    }
    const prelude = css.slice(s, i).trim();
    if (css[i] === ';') { i++; out.push({ prelude, body: null }); continue; }
    const b = ++i; depth = 1;
    while (i < n && depth) {
      const c = css[i];
      if (c === '"' || c === "'") { skipString(); continue; }
      if (css.startsWith('/*', i)) { skipComment(); continue; }
      if (c === '{') depth++; else if (c === '}') depth--;
      i++;
    }
    const body = css.slice(b, i - 1);
    out.push({ prelude, body, children: /^@(media|supports)\b/.test(prelude) ? parse(body) : null });
  }
  return out;
}
function splitSelectors(sel) {
  const parts = []; let depth = 0, s = 0;
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i];
    if (c === '(' || c === '[') depth++; else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) { parts.push(sel.slice(s, i)); s = i + 1; }
  }
  parts.push(sel.slice(s));
  return parts;
}

// --- icons: keep only the selectors naming an icon the templates use --------
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const iconRes = [...icons].map((c) => [c, new RegExp('\\.' + esc(c) + '(?![\\w-])')]);
const iconsFound = new Set();
function filterIcons(nodes) {
  let out = '';
  for (const node of nodes) {
    if (node.body === null) continue;
    if (node.children) { const inner = filterIcons(node.children); if (inner) out += node.prelude + '{' + inner + '}'; continue; }
    if (node.prelude.startsWith('@')) continue;
    const kept = splitSelectors(node.prelude).filter((sel) => iconRes.some(([c, re]) => re.test(sel) && iconsFound.add(c)));
    if (kept.length) out += kept.join(',') + '{' + node.body + '}';
  }
  return out;
}

// --- assemble ---------------------------------------------------------------
const BANNER_RE = /^\s*\/\*![\s\S]*?\*\/\s*/;
const copies = new Map(); // path relative to dist -> true
function rewriteUrls(css, fromFile) {
  // @font-face: keep the woff2 source only.
  css = css.replace(/,\s*url\([^)]*\.woff\)\s*format\(["']?woff["']?\)/g, '');
  if (/\.woff["']?\)/.test(css)) fail(`${fromFile}: a woff reference survived the woff2-only rewrite`);
  return css.replace(/url\(\s*(["']?)([^"')]+)\1\s*\)/g, (all, q, u) => {
    if (/^(data:|#|[a-zA-Z][a-zA-Z0-9+.-]*:|\/\/)/.test(u)) return all;
    const [p, suffix = ''] = u.split(/(?=[?#])/);
    const abs = path.resolve(path.dirname(fromFile), p);
    const rel = path.relative(dist, abs).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel)) fail(`${fromFile}: url(${u}) points outside dist/`);
    if (!fs.existsSync(abs)) fail(`${fromFile}: url(${u}) names a file missing from the package`);
    copies.set(rel, true);
    return `url(${rel}${suffix})`;
  });
}
const partFiles = (dir, name) => [`${dir}/${name}.main.min.css`, `${dir}/${name}.print.min.css`].map((f) => path.join(dist, f));

let banner = null;
const chunks = [];
const add = (file, css) => {
  const m = css.match(BANNER_RE);
  if (m) { if (banner === null) banner = m[0].trim(); css = css.slice(m[0].length); }
  chunks.push(rewriteUrls(css, file));
};
for (const f of partFiles('core', 'core')) add(f, read(f));
for (const c of components) for (const f of partFiles(`component/${c}`, c)) add(f, read(f));
if (icons.size) {
  const iconDir = path.join(dist, 'utility/icons');
  for (const cat of fs.readdirSync(iconDir).filter((d) => d.startsWith('icons-')).sort()) {
    const f = path.join(iconDir, cat, `${cat}.main.min.css`);
    if (!fs.existsSync(f)) continue;
    const css = filterIcons(parse(read(f)));
    if (css) chunks.push(rewriteUrls(css, f));
  }
  const missing = [...icons].filter((c) => !iconsFound.has(c));
  if (missing.length) fail(`icons used by the templates but not in the package: ${missing.join(' ')}`);
}
const bannerText = (banner || '/*! DSFR */').replace(/^\/\*!?|\*\/$/g, '')
  .split('\n').map((l) => l.replace(/^\s*\*?\s*/, '').trim()).filter(Boolean).join(' ')
  .replace('License-Filename: LICENSE.md', 'License-Filename: LICENSE');
const header = `/*! ${bannerText}\n` +
  ` * Subset vendored by scripts/vendor-dsfr.sh: core, ${components.join(', ')}` +
  (icons.size ? `, icons (${[...iconsFound].sort().join(', ')})` : '') + `. */\n`;
const out = header + chunks.join('\n') + '\n';
fs.writeFileSync(path.join(stage, 'dsfr.min.css'), out);

for (const rel of [...copies.keys()].sort()) {
  const to = path.join(stage, rel);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(dist, rel), to);
}

// --- template classes with no rule in the subset ----------------------------
const missing = [...classes].sort().filter((c) => !new RegExp('\\.' + esc(c) + '(?![\\w-])').test(out));
fs.writeFileSync(manifestFile,
  `components: core ${components.join(' ')}\n` +
  `icons: ${[...iconsFound].sort().join(' ') || '-'}\n` +
  `assets: ${copies.size}\n` +
  `classes without a rule: ${missing.join(' ') || '-'}\n`);
if (missing.length) console.error(`vendor-dsfr: warning: template classes with no rule in the subset: ${missing.join(' ')}`);
JS

echo "==> favicon, licence, JavaScript"
mkdir -p "$STAGE/favicon"
for f in apple-touch-icon.png favicon.svg favicon.ico manifest.webmanifest; do
  if [ -f "$DIST/favicon/$f" ]; then cp "$DIST/favicon/$f" "$STAGE/favicon/$f"; fi
done
if [ -f "$STAGE/favicon/manifest.webmanifest" ]; then
  # The manifest names its own icons: copy them too.
  node -e 'for (const i of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).icons || []) console.log(i.src)' \
      "$STAGE/favicon/manifest.webmanifest" |
    while IFS= read -r src; do
      case "$src" in */*|..*|"") die "unexpected icon path in manifest.webmanifest: $src" ;; esac
      cp "$DIST/favicon/$src" "$STAGE/favicon/$src"
    done
fi
cp "$PKG/LICENSE.md" "$STAGE/LICENSE"
if [ -f "$PKG/doc/legal/cgu.md" ]; then cp "$PKG/doc/legal/cgu.md" "$STAGE/CGU.md"; fi
js=()
for f in dsfr.module.min.js dsfr.nomodule.min.js; do
  if grep -qF "$f" "$TEMPLATES"/*.html; then cp "$DIST/$f" "$STAGE/$f"; js+=("$f"); fi
done

# VERSION: the vendored date is kept when nothing else changed (idempotence).
published="$(cd "$TMP" && npm view --json "$PACKAGE@$VERSION" time 2>/dev/null |
  node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{try{console.log(JSON.parse(s)[process.argv[1]]||"")}catch{}})' "$VERSION" || true)"
write_version() {
  {
    echo "$PACKAGE@$VERSION"
    echo "published: ${published:-unknown}"
    echo "vendored: $1"
    echo "integrity: $INTEGRITY"
    cat "$TMP/manifest.txt"
    echo "javascript: ${js[*]:--}"
  } >"$STAGE/VERSION"
}
old_date=""
[ -f "$DEST/VERSION" ] && old_date="$(sed -n 's/^vendored: //p' "$DEST/VERSION")"
write_version "${old_date:-$(date -u +%F)}"

write_sums() {
  (cd "$1" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs -d '\n' sha256sum) >"$1/SHA256SUMS"
}
write_sums "$STAGE"

if [ -d "$DEST" ] && diff -r "$STAGE" "$DEST" >/dev/null 2>&1; then
  echo "==> static/dsfr/ is already up to date"
else
  write_version "$(date -u +%F)"
  write_sums "$STAGE"
  check "$STAGE" || die "the built tree fails its own check; static/dsfr/ left unchanged"
  rm -rf "$DEST.new"
  cp -r "$STAGE" "$DEST.new"
  rm -rf "$DEST"
  mv "$DEST.new" "$DEST"
  echo "==> wrote static/dsfr/"
fi
check "$DEST" || die "static/dsfr/ fails its check"
sed -n '1p;5,$p' "$DEST/VERSION" | sed 's/^/    /'
echo "    total: $(find "$DEST" -type f -printf '%s\n' | awk '{s += $1} END {print s}') bytes in $(find "$DEST" -type f | wc -l) files"
