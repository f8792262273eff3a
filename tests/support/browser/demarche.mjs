// A whole démarche journey in a real browser: the example démarche
// (examples/demarche/server.mjs, openid-client) sends the person to the
// portal (the OpenID provider under test), who picks a population and a
// federation (oidc-provider playing it), logs in there, and comes back to
// the démarche logged in with an ID token from the portal. Then, optionally,
// logout from the démarche through the portal and the federation.
//
// Env:
//   BASE_URL        the portal, also its issuer (http://localhost:PORT)
//   DEMARCHE_URL    the démarche's home (http://127.0.0.1:PORT/)
//   DEMARCHE_NAME   the démarche's name at the portal ("Connexion à {name}")
//   CLIENT_ID       its client_id at the portal (the ID token's aud)
//   FEDERATION      franceconnect | proconnect | prosanteconnect
//   FEDERATION_SUB  the test account's sub at the federation (must not leak)
//   LOGIN           the test account's login at the federation
//   EXPECTED_NAME   "Bonjour {EXPECTED_NAME}" at the démarche
//   POPULATION      the population to choose (its id), with the chooser;
//   POPULATION_LABEL  the start of its radio label ("Un particulier")
//   IDP_HINT        instead: /login?idp_hint=IDP_HINT, no chooser expected
//   LOGOUT=1        also log out from the démarche
//   EXPECTED_RFR    the démarche has a data provider: it asks dgfip_rfr, and
//                   after the login shows this revenu fiscal de référence
//                   (digits), got by token exchange then from the provider
import { mkdirSync } from 'node:fs';
import { BASE, launch, runner, assert, axeViolations } from './lib.mjs';

const SHOTS = process.env.SCREENSHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`demarche.mjs: ${name} is required`);
  return v;
};
const DEMARCHE = new URL(env('DEMARCHE_URL'));
const NAME = env('DEMARCHE_NAME');
const CLIENT_ID = env('CLIENT_ID');
const FEDERATION = env('FEDERATION');
const FEDERATION_SUB = env('FEDERATION_SUB');
const LOGIN = env('LOGIN');
const EXPECTED_NAME = env('EXPECTED_NAME');
const IDP_HINT = process.env.IDP_HINT;
const POPULATION = IDP_HINT ? undefined : env('POPULATION');
const POPULATION_LABEL = IDP_HINT ? undefined : env('POPULATION_LABEL');
const LOGOUT = process.env.LOGOUT === '1';
const EXPECTED_RFR = process.env.EXPECTED_RFR;
const ISSUER = BASE.replace(/\/+$/, '');
const PORTAL = new URL(ISSUER).origin;
const BUTTON = {
  franceconnect: 'button.fr-connect',
  proconnect: 'button.fr-connect--pro',
  prosanteconnect: 'button.aig-psc',
}[FEDERATION];
const SHOT = `demarche-${IDP_HINT ? `hint-${IDP_HINT}` : POPULATION}`;

const origin = (u) => new URL(u).origin;
const atDemarche = (u) => origin(u) === DEMARCHE.origin;
const atPortal = (u) => origin(u) === PORTAL;
const atFederation = (u) => !atDemarche(u) && !atPortal(u);

/** Every top-level navigation request (redirect hops included). */
function recordNavigations(page) {
  const urls = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) urls.push(r.url());
  });
  return urls;
}

/** The ID token claims and userinfo the démarche shows. */
async function shownClaims(page) {
  const claims = JSON.parse(await page.locator('#claims').innerText());
  const userinfo = JSON.parse(await page.locator('#userinfo').innerText());
  return { claims, userinfo };
}

/** On the federation's login form: fills it and comes back to the démarche. */
async function logInAtFederation(page) {
  assert(atFederation(page.url()), `at the federation's login form, not ${page.url()}`);
  await page.locator('#login').fill(LOGIN);
  await page.locator('#password').fill('secret');
  await Promise.all([
    page.waitForURL((u) => atDemarche(u.href) && u.pathname === '/'),
    page.getByRole('button', { name: 'Se connecter' }).click(),
  ]);
}

function checkLoggedIn(who, idp, { claims, userinfo }) {
  assert(who === `Bonjour ${EXPECTED_NAME}`, `#who: ${JSON.stringify(who)}`);
  assert(idp === FEDERATION, `#idp: ${JSON.stringify(idp)}, expected ${FEDERATION}`);
  assert('idp' in claims, `the ID token has an "idp" claim: ${JSON.stringify(claims)}`);
  assert(claims.idp === FEDERATION, `ID token idp ${JSON.stringify(claims.idp)}, expected ${FEDERATION}`);
  assert(claims.iss === ISSUER, `ID token iss ${JSON.stringify(claims.iss)}, expected the portal ${ISSUER}`);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  assert(aud.length === 1 && aud[0] === CLIENT_ID, `ID token aud ${JSON.stringify(claims.aud)}, expected ${CLIENT_ID}`);
  assert(typeof claims.sub === 'string' && claims.sub.length > 0, 'ID token sub');
  assert(claims.sub !== FEDERATION_SUB, `pairwise sub: the démarche got the federation's own sub ${FEDERATION_SUB}`);
  assert(userinfo.sub === claims.sub, `userinfo sub ${userinfo.sub} = ID token sub ${claims.sub}`);
  for (const [what, shown] of [['ID token', claims], ['userinfo', userinfo]]) {
    assert(!JSON.stringify(shown).includes(FEDERATION_SUB), `the federation's sub appears in the ${what}: ${JSON.stringify(shown)}`);
  }
  assert(typeof claims.nonce === 'string' && claims.nonce.length > 0, 'nonce in the ID token');
  assert(claims.acr === 'eidas1', `acr ${JSON.stringify(claims.acr)}`);
  // ProConnect is asked for amr (claims parameter): it reaches the démarche.
  if (FEDERATION === 'proconnect') {
    assert(JSON.stringify(claims.amr) === '["pwd"]', `amr ${JSON.stringify(claims.amr)}`);
  }
}

const browser = await launch();
const t = runner();

const title = IDP_HINT
  ? `idp_hint=${IDP_HINT} on the démarche's login link skips the chooser, ${FEDERATION} login`
  : `from the démarche, "${POPULATION_LABEL}" at the portal's chooser, then ${FEDERATION}`;

await t.test(`${title}, back at the démarche logged in${LOGOUT ? ', then logged out' : ''}`, async () => {
  // A French person's browser (Accept-Language: fr): the portal speaks French.
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const cspErrors = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
  const navigations = recordNavigations(page);

  await page.goto(DEMARCHE.href);
  assert((await page.locator('h1').innerText()) === 'Démarche d’exemple', 'démarche home');
  const loginLink = page.getByRole('link', { name: 'Se connecter' });
  if (IDP_HINT) {
    // The démarche adds idp_hint to its own login link (passed through to the portal).
    await loginLink.evaluate((a, hint) => { a.href = `/login?idp_hint=${encodeURIComponent(hint)}`; }, IDP_HINT);
  }
  navigations.length = 0;
  await Promise.all([page.waitForURL((u) => !atDemarche(u.href)), loginLink.click()]);
  await page.waitForLoadState();

  if (IDP_HINT) {
    // The first page shown after the démarche is the federation's login form.
    assert(atFederation(page.url()), `first page after the démarche is the federation's, got ${page.url()}\n${navigations.join('\n')}`);
    assert(await page.locator('#login').count() === 1, `the federation's login form at ${page.url()}`);
    const portalPages = navigations.filter((u) => atPortal(u) && !new URL(u).pathname.startsWith('/oidc/'));
    assert(portalPages.length === 0, `no chooser page visited, got ${portalPages.join(', ')}`);
    const authorize = navigations.find((u) => atPortal(u) && new URL(u).pathname === '/oidc/authorize');
    assert(authorize && new URL(authorize).searchParams.get('idp_hint') === IDP_HINT, `idp_hint reached /oidc/authorize: ${authorize}`);
  } else {
    // The portal's chooser, titled with the démarche's name.
    assert(atPortal(page.url()) && new URL(page.url()).pathname === '/', `portal chooser, got ${page.url()}`);
    const h1 = (await page.locator('h1').innerText()).trim();
    assert(h1 === `Connexion à ${NAME}`, `chooser h1: ${JSON.stringify(h1)}`);
    assert((await page.title()).includes(`Connexion à ${NAME}`), `chooser title: ${await page.title()}`);
    const label = page.locator(`label[for="population-${POPULATION}"]`);
    assert((await label.innerText()).trim().startsWith(POPULATION_LABEL), `label of ${POPULATION}: ${await label.innerText()}`);
    await label.click();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/${SHOT}-chooser.png`, fullPage: true });
    await Promise.all([
      page.waitForURL((u) => atPortal(u.href) && u.pathname === `/choix/${POPULATION}`),
      page.getByRole('button', { name: 'Continuer' }).click(),
    ]);
    const demarche = (await page.locator('#demarche').innerText()).trim();
    assert(demarche === `Connexion à ${NAME}`, `choice page names the démarche: ${JSON.stringify(demarche)}`);
    await Promise.all([
      page.waitForURL((u) => atFederation(u.href)),
      page.locator(`form[action="/connexion/${FEDERATION}"] ${BUTTON}`).click(),
    ]);
    await page.waitForLoadState();
    assert(await page.locator('#login').count() === 1, `the federation's login form at ${page.url()}`);
  }

  await logInAtFederation(page);
  if (EXPECTED_RFR) {
    const authorize = navigations.find((u) => atPortal(u) && new URL(u).pathname === '/oidc/authorize');
    const scope = authorize && new URL(authorize).searchParams.get('scope');
    assert(scope?.split(' ').includes('dgfip_rfr'), `the démarche asks dgfip_rfr: ${authorize}`);
    assert(await page.locator('#data-error').count() === 0,
      `no data error: ${await page.locator('main').innerText()}`);
    // French figures group thousands with a narrow no-break space.
    const rfr = (await page.locator('#rfr').innerText()).replace(/\s+/g, ' ').trim();
    const figure = EXPECTED_RFR.replace(/\B(?=(\d{3})+$)/g, ' ');
    assert(rfr === `Revenu fiscal de référence : ${figure} €`, `#rfr: ${JSON.stringify(rfr)}`);
  }
  const who = (await page.locator('#who').innerText()).trim();
  const idp = (await page.locator('#idp').innerText()).trim();
  const first = await shownClaims(page);
  checkLoggedIn(who, idp, first);
  // The example's page is French, in plain words, without point médian.
  const said = await page.locator('main').innerText();
  assert(said.includes(`Service de connexion utilisé : ${FEDERATION}`), `the service used: ${said}`);
  assert(!said.includes('·'), `no point médian: ${said}`);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${SHOT}-logged-in.png`, fullPage: true });

  if (LOGOUT) {
    navigations.length = 0;
    await Promise.all([
      page.waitForURL((u) => atDemarche(u.href) && u.pathname === '/' && u.searchParams.has('state')),
      page.getByRole('link', { name: 'Se déconnecter' }).click(),
    ]);
    await page.waitForLoadState();
    const hops = navigations.join('\n');
    const logout = navigations.find((u) => atPortal(u) && new URL(u).pathname === '/oidc/logout');
    assert(logout, `through the portal's /oidc/logout:\n${hops}`);
    assert(new URL(logout).searchParams.has('id_token_hint'), `id_token_hint sent to /oidc/logout:\n${hops}`);
    assert(navigations.some((u) => atFederation(u)), `through the federation's logout:\n${hops}`);
    assert(await page.locator('#logged-out').count() === 1, `démarche says logged out (state checked) at ${page.url()}:\n${await page.content()}`);
    assert(await page.locator('#who').count() === 0, 'nobody shown');
    // Logged out of the federation too: logging in again shows its form.
    await page.goto(new URL(`/login?idp_hint=${FEDERATION}`, DEMARCHE).href);
    assert(atFederation(page.url()) && await page.locator('#login').count() === 1,
      `after logout, the federation asks again (no session left), got ${page.url()}`);
    await logInAtFederation(page);
    const again = await shownClaims(page);
    checkLoggedIn((await page.locator('#who').innerText()).trim(), (await page.locator('#idp').innerText()).trim(), again);
    assert(again.claims.sub === first.claims.sub, `the same person has the same sub at the démarche (${first.claims.sub}, then ${again.claims.sub})`);
  }
  assert(cspErrors.length === 0, `CSP violations: ${cspErrors.join('\n')}`);
  await context.close();
});

if (!IDP_HINT) {
  await t.test('the chooser titled for the démarche has no axe violation (WCAG 2.1 A/AA)', async () => {
    // axe is injected by the test: this context lets it past the CSP.
    const context = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(DEMARCHE.href);
    await Promise.all([page.waitForURL((u) => atPortal(u.href)), page.getByRole('link', { name: 'Se connecter' }).click()]);
    const problems = [];
    let v = await axeViolations(page);
    if (v.length) problems.push(`chooser: ${JSON.stringify(v, null, 1)}`);
    await page.locator(`label[for="population-${POPULATION}"]`).click();
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/choix/${POPULATION}`),
      page.getByRole('button', { name: 'Continuer' }).click(),
    ]);
    v = await axeViolations(page);
    if (v.length) problems.push(`choice: ${JSON.stringify(v, null, 1)}`);
    assert(problems.length === 0, problems.join('\n'));
    await context.close();
  });
}

await browser.close();
t.done();
