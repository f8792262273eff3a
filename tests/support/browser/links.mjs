// No page leads off the portal except to declared destinations: crawls
// every page reachable from the home page (and SEEDS), in every language,
// as Chromium resolves them, and checks each link, form action and
// resource against the allow-list below (the federations' and the State's
// sites, the remedies the legal pages owe, the configured contact).
//
// Env: BASE_URL; SEEDS (space-separated portal paths to start from too);
// DEMARCHE_AUTHORIZE (a démarche's authorization request: the crawl starts
// from the chooser it leads to, this browser's own) and DEMARCHE_SEEDS
// (paths where `{demande}` becomes that request's id); CONTACT_URL (the
// configured [site] contact).
import { BASE, launch, runner, assert } from './lib.mjs';

const PORTAL = new URL(BASE).origin;
const DECLARED = new Set([
  // The federations: "What is …?" and the partners' pages (for administrations).
  'https://franceconnect.gouv.fr/',
  'https://www.proconnect.gouv.fr/',
  'https://esante.gouv.fr/produits-services/pro-sante-connect',
  'https://partenaires.franceconnect.gouv.fr/',
  'https://partenaires.proconnect.gouv.fr/',
  'https://industriels.esante.gouv.fr/produits-services/pro-sante-connect',
  // The DSFR footer: the State's sites and the content licence.
  'https://www.info.gouv.fr/',
  'https://www.service-public.fr/',
  'https://www.legifrance.gouv.fr/',
  'https://www.data.gouv.fr/',
  'https://github.com/etalab/licence-ouverte/blob/master/LO.md',
  // What the accessibility statement and the personal data page owe.
  'https://formulaire.defenseurdesdroits.fr/',
  'https://www.defenseurdesdroits.fr/saisir/delegues',
  'https://www.cnil.fr/fr/plaintes',
]);
if (process.env.CONTACT_URL) DECLARED.add(new URL(process.env.CONTACT_URL).href);
const SEEDS = ['/', '//evil.example/path', '/nulle-part', ...(process.env.SEEDS ?? '').split(' ').filter(Boolean)];

const browser = await launch();
const t = runner();

await t.test('every page links, posts and loads only within the portal or to declared destinations', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const queue = SEEDS.map((p) => new URL(p.startsWith('//') ? `${PORTAL}${p}` : p, PORTAL).href);
  if (process.env.DEMARCHE_AUTHORIZE) {
    await page.goto(new URL(process.env.DEMARCHE_AUTHORIZE, PORTAL).href);
    const demande = new URL(page.url()).searchParams.get('demande');
    assert(demande, `the démarche's request led to ${page.url()}`);
    queue.push(page.url());
    for (const seed of (process.env.DEMARCHE_SEEDS ?? '').split(' ').filter(Boolean)) {
      queue.push(new URL(seed.replace('{demande}', demande), PORTAL).href);
    }
  }
  const seen = new Set();
  const offsite = [];
  const external = new Set();
  while (queue.length && seen.size < 400) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    await page.goto(url);
    if (new URL(page.url()).origin !== PORTAL) {
      offsite.push(`${url} redirected off the portal to ${page.url()}`);
      continue;
    }
    // As the browser resolves them (`\` as `/`, relative paths, base URL).
    const targets = await page.evaluate(() => [
      ...[...document.querySelectorAll('a[href], area[href], link[href]')].map((e) => ['link', e.href]),
      ...[...document.querySelectorAll('form')].map((f) => [`form ${f.method}`, f.action]),
      ...[...document.querySelectorAll('[src]')].map((e) => ['resource', e.src]),
    ]);
    for (const [kind, target] of targets) {
      const to = new URL(target);
      if (to.origin === PORTAL) {
        to.hash = '';
        const follow = kind === 'link' && !to.pathname.startsWith('/static/');
        if (follow && !seen.has(to.href)) queue.push(to.href);
        continue;
      }
      if (to.protocol === 'mailto:' && process.env.CONTACT_EMAIL && to.pathname === process.env.CONTACT_EMAIL) continue;
      external.add(to.href);
      if (kind !== 'link' || !DECLARED.has(to.href)) offsite.push(`${page.url()}: ${kind} → ${to.href}`);
    }
  }
  console.log(`# ${seen.size} pages crawled; external destinations: ${[...external].sort().join(' ')}`);
  assert(seen.size >= 20, `the crawl reached the pages (${seen.size})`);
  for (const path of ['/accessibilite', '/mentions-legales', '/donnees-personnelles', '/aide', '/federations']) {
    assert([...seen].some((u) => new URL(u).pathname === path), `${path} was crawled`);
  }
  assert([...seen].some((u) => new URL(u).searchParams.get('lang') === 'en'), 'the English pages were crawled');
  assert(offsite.length === 0, `undeclared destinations:\n${offsite.join('\n')}`);
  await context.close();
});

await browser.close();
t.done();
