// An integrator follows /federations step by step, in a real browser, on
// the local stack scripts/try-locally.sh starts (federation doubles, the
// portal, the example démarche): reads what to send the operator and
// whom to contact, finds what the operator registered for the example
// démarche matches what the démarche printed, fills the sample request's
// placeholders (state, nonce, PKCE challenge) and sends it: the chooser,
// a federation double, back to the redirect URI with the same state, the
// code exchanged with the PKCE verifier for an ID token with the nonce.
// Then the example démarche itself logs in through a federation double.
//
// Env: BASE_URL (the portal), DEMARCHE_URL (the démarche's home),
// CLIENT_ID, CLIENT_SECRET (as registered), LOGIN (FranceConnect's test
// account).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { BASE, launch, runner, assert, axeViolations, tabTo } from './lib.mjs';

const SHOTS = process.env.SCREENSHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`guide.mjs: ${name} is required`);
  return v;
};
const DEMARCHE = new URL(env('DEMARCHE_URL'));
const CLIENT_ID = env('CLIENT_ID');
const CLIENT_SECRET = env('CLIENT_SECRET');
const LOGIN = env('LOGIN');
const ISSUER = BASE.replace(/\/+$/, '');
const PORTAL = new URL(ISSUER).origin;
const b64url = (buf) => Buffer.from(buf).toString('base64url');

const browser = await launch();
const t = runner();

/** Logs in at the federation double's form (oidc-provider). */
async function logInAtFederation(page) {
  await page.locator('#login').fill(LOGIN);
  await page.locator('#password').fill('secret');
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** From the portal's chooser: "Un particulier", then FranceConnect. */
async function chooseFranceConnect(page) {
  await page.locator('label[for="population-particulier"]').click();
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/choix/particulier'),
    page.getByRole('button', { name: 'Continuer' }).click(),
  ]);
  await Promise.all([
    page.waitForURL((u) => u.origin !== PORTAL),
    page.locator('form[action="/connexion/franceconnect"] button.fr-connect').click(),
  ]);
  await page.waitForLoadState();
}

let guide;

await t.test('/federations says what to send the operator, whom to contact, and what was registered', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const res = await page.goto(`${BASE}/federations`);
  assert(res.status() === 200, `status ${res.status()}`);
  const intro = await page.locator('#integrer + p').innerText();
  assert(intro.includes('Un simple lien vers le portail ne suffit pas'), `the link alone is not enough: ${intro}`);
  const send = await page.locator('#send-list').innerText();
  for (const expected of ['nom de la démarche', 'adresse de retour après connexion', 'redirect_uri',
    'adresse de retour après déconnexion', 'post_logout_redirect_uri', 'situations', 'services de connexion',
    'niveau de garantie', 'eidas2', 'données particulières', 'secret']) {
    assert(send.includes(expected), `what to send names "${expected}": ${send}`);
  }
  // No contact configured on this portal: said so, with whom to ask.
  const contact = await page.locator('#guide-contact').innerText();
  assert(contact.includes('n’a pas encore indiqué de moyen de contact'), `contact: ${contact}`);
  // The library's two values: the issuer, and discovery that answers.
  const issuer = (await page.locator('#oidc-issuer').innerText()).trim();
  assert(issuer === ISSUER, `issuer ${issuer}, expected ${ISSUER}`);
  const discovery = (await page.locator('#oidc-discovery').innerText()).trim();
  const metadata = await (await fetch(discovery)).json();
  assert(metadata.issuer === ISSUER, `discovery at ${discovery}: ${JSON.stringify(metadata.issuer)}`);
  assert(metadata.code_challenge_methods_supported?.includes('S256'), 'PKCE S256 in discovery');
  // The sample request: PKCE, placeholders that read as placeholders, no "…".
  const sample = (await page.locator('#sample-request').innerText()).trim();
  for (const part of ['response_type=code', 'code_challenge=DEFI_PKCE_A_CALCULER', 'code_challenge_method=S256',
    'state=ETAT_ALEATOIRE_A_GENERER', 'nonce=NONCE_ALEATOIRE_A_GENERER', 'client_id=IDENTIFIANT_DE_VOTRE_DEMARCHE']) {
    assert(sample.includes(part), `the sample request has ${part}: ${sample}`);
  }
  assert(!sample.includes('…'), `no ellipsis in ${sample}`);
  const explained = await page.locator('#sample-placeholders').innerText();
  for (const p of ['ETAT_ALEATOIRE_A_GENERER', 'NONCE_ALEATOIRE_A_GENERER', 'DEFI_PKCE_A_CALCULER']) {
    assert(explained.includes(p), `${p} explained: ${explained}`);
  }
  const snippet = await page.locator('#openid-client-snippet').innerText();
  for (const part of ['randomPKCECodeVerifier', 'calculatePKCECodeChallenge', "code_challenge_method: 'S256'",
    'expectedNonce', `new URL('${ISSUER}')`]) {
    assert(snippet.includes(part), `the openid-client snippet has ${part}`);
  }
  const tryIt = await page.locator('#guide-essayer ~ #try-what').innerText();
  assert((await page.locator('#try-command').innerText()).trim() === 'scripts/try-locally.sh', 'the command');
  assert(tryIt.includes('angela') && tryIt.includes('127.0.0.1'), `how to try it: ${tryIt}`);
  // What the operator registered for the example démarche is what it printed.
  const section = page.locator(`section[data-client="${CLIENT_ID}"]`);
  assert(await section.count() === 1, `the démarche ${CLIENT_ID} is listed`);
  const redirect = (await section.locator('.aig-demarche__redirect').innerText()).trim();
  assert(redirect === new URL('callback', DEMARCHE).href, `redirect URI ${redirect}`);
  const logout = (await section.locator('.aig-demarche__logout').innerText()).trim();
  assert(logout === DEMARCHE.href, `post-logout URI ${logout}`);
  assert((await section.locator('.aig-demarche__populations').innerText()).trim() === 'Toutes les situations', 'populations');
  guide = (await section.locator('.aig-demarche__link').innerText()).trim();
  assert(guide.startsWith(`${ISSUER}/oidc/authorize?client_id=${CLIENT_ID}&`), `the démarche's sample: ${guide}`);
  // Nothing English on the French guide's prose.
  const main = await page.locator('main').innerText();
  for (const word of [' the ', ' online service', ' sign-in', 'Connecté·e', '·']) {
    assert(!main.includes(word), `"${word}" on the French page`);
  }
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/guide-federations.png`, fullPage: true });
  await context.close();
});

await t.test('the sample request, placeholders filled in, logs in and its code gives an ID token with the nonce', async () => {
  assert(guide, 'the previous test read the sample');
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const filled = guide.replace('ETAT_ALEATOIRE_A_GENERER', state).replace('NONCE_ALEATOIRE_A_GENERER', nonce)
    .replace('DEFI_PKCE_A_CALCULER', challenge);
  assert(!/[A-Z]{2,}_[A-Z_]+/.test(new URL(filled).search), `every placeholder replaced: ${filled}`);
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  // The démarche's callback is seen here (the démarche, with no login of
  // its own in progress, only says so): this test plays the démarche.
  let back;
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.url().startsWith(new URL('callback', DEMARCHE).href)) back = new URL(r.url());
  });
  await page.goto(filled);
  assert(new URL(page.url()).origin === PORTAL, `the portal's chooser, got ${page.url()}`);
  const h1 = (await page.locator('h1').innerText()).trim();
  assert(h1 === 'Connexion à Démarche d’exemple', `chooser h1: ${h1}`);
  await chooseFranceConnect(page);
  await logInAtFederation(page);
  await page.waitForURL((u) => u.href.startsWith(new URL('callback', DEMARCHE).href));
  assert(back.searchParams.get('state') === state, `same state back: ${back}`);
  assert(back.searchParams.get('iss') === ISSUER, `iss: ${back}`);
  const code = back.searchParams.get('code');
  assert(code, `a code: ${back}`);
  const metadata = await (await fetch(`${ISSUER}/.well-known/openid-configuration`)).json();
  const exchange = (codeVerifier) => fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: new URL('callback', DEMARCHE).href,
      code_verifier: codeVerifier,
    }),
  });
  const res = await exchange(verifier);
  const tokens = await res.json();
  assert(res.status === 200 && tokens.id_token, `tokens: ${res.status} ${JSON.stringify(tokens)}`);
  const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
  assert(claims.nonce === nonce && claims.aud === CLIENT_ID && claims.iss === ISSUER && claims.idp === 'franceconnect',
    `ID token claims: ${JSON.stringify(claims)}`);
  await context.close();
});

await t.test('the example démarche logs in through the FranceConnect double, in French, without point médian', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(DEMARCHE.href);
  await Promise.all([
    page.waitForURL((u) => u.origin === PORTAL),
    page.getByRole('link', { name: 'Se connecter' }).click(),
  ]);
  await chooseFranceConnect(page);
  await logInAtFederation(page);
  await page.waitForURL((u) => u.origin === DEMARCHE.origin && u.pathname === '/');
  const who = (await page.locator('#who').innerText()).trim();
  assert(who === 'Bonjour Angela Claire Louise DUBOIS', `#who: ${who}`);
  const said = await page.locator('main').innerText();
  assert(said.includes('Service de connexion utilisé : franceconnect') && !said.includes('·'), `the démarche: ${said}`);
  // Its errors are French too: a callback without a login in progress.
  await page.goto(new URL('/callback?code=x&state=y', DEMARCHE).href);
  const error = (await page.locator('#error').innerText()).trim();
  assert(error.startsWith('Aucune connexion n’est en cours'), `the démarche's error: ${error}`);
  assert((await page.title()).startsWith('Erreur : '), `title: ${await page.title()}`);
  await context.close();
});

await t.test('the guide with a registered démarche: axe in fr and en at 320 and 1280 px, no sideways scroll, links by keyboard', async () => {
  const problems = [];
  for (const width of [320, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: width === 320 ? 640 : 900 }, bypassCSP: true });
    const page = await context.newPage();
    for (const lang of ['fr', 'en']) {
      await page.goto(`${BASE}/federations?lang=${lang}`);
      const v = await axeViolations(page);
      if (v.length) problems.push(`/federations (${lang}, ${width} px): ${JSON.stringify(v, null, 1)}`);
      const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      if (scroll > inner) problems.push(`/federations (${lang}, ${width} px): ${scroll} px wide in ${inner} px`);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/guide-federations-${lang}-${width}.png`, fullPage: true });
    }
    await context.close();
  }
  assert(problems.length === 0, problems.join('\n'));
  // The English guide is English; its links are reached with the keyboard.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/federations?lang=en`);
  const main = await page.locator('main').innerText();
  assert(main.includes('What you send to the portal') && main.includes('RANDOM_STATE_TO_GENERATE'), 'the English guide');
  await tabTo(page, 'main a[href*="partenaires"], main a[href*="partners"], main section a.fr-link', 80);
  await context.close();
});

await browser.close();
t.done();
