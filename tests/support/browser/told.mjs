// People are told, in a real browser (Chromium), and the pages that tell
// them pass axe (WCAG 2.1 A/AA) in fr and en at 320 and 1280 px and work
// with the keyboard. One scenario per run (SCENARIO):
//
//   outage-choice  a démarche's person whose only service is found down:
//                  /choix/<population> says "momentanément indisponible"
//                  with a retry link that keeps the démarche.
//   outage-race    a service that went down after the probe last saw it
//                  up: its button is pressed, the portal's own outage page
//                  answers (never the browser's "site unreachable").
//   step-up        logged in at eidas1 (FranceConnect), the démarche asks
//                  eidas2: the step-up page says what is asked and why,
//                  with FranceConnect+'s button and "Retour à <démarche>".
//   back-cancel    Back after a login and the callback replayed: the
//                  request is completed, the way back is the démarche's;
//                  Cancel on the démarche's logout returns to it;
//                  /deconnexion with nobody logged in says so.
//
// Env: BASE_URL; DEMARCHE_NAME, DEMARCHE_AT (where the démarche is: its
// requests are answered here), AUTHORIZE (a démarche's authorization
// request path), AUTHORIZE_EIDAS2, LOGIN, LOGOUT (a logout request path
// without id_token_hint), POST_LOGOUT (its post_logout_redirect_uri).
import { mkdirSync } from 'node:fs';
import { BASE, launch, axeViolations, runner, assert, tabTo } from './lib.mjs';

const SHOTS = process.env.SCREENSHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const SCENARIO = process.env.SCENARIO;
const PORTAL = new URL(BASE).origin;
const NAME = process.env.DEMARCHE_NAME;
const DEMARCHE_AT = process.env.DEMARCHE_AT;
assert(DEMARCHE_AT || !NAME, 'DEMARCHE_AT is required with DEMARCHE_NAME');
const atPortal = (u) => new URL(u).origin === PORTAL;
const atDemarche = (u) => !!DEMARCHE_AT && u.startsWith(DEMARCHE_AT);

const browser = await launch();
const t = runner();

/** A context whose démarche (nothing listens there) answers a page. */
async function newPage({ axe = false } = {}) {
  const context = await browser.newContext({ locale: 'fr-FR', bypassCSP: axe });
  if (DEMARCHE_AT) await context.route(`${DEMARCHE_AT}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html lang="fr"><title>Démarche</title><main><h1>La démarche</h1></main></html>' }));
  return { context, page: await context.newPage() };
}

/** The page at `path` (this browser's) has no axe violation, fr and en, 320 and 1280 px. */
async function audited(page, path, what) {
  const problems = [];
  for (const width of [320, 1280]) {
    await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
    for (const lang of ['fr', 'en']) {
      await page.goto(`${BASE}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      const v = await axeViolations(page);
      if (v.length) problems.push(`${what} ${path} (${lang}, ${width} px): ${JSON.stringify(v, null, 1)}`);
      const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      if (scroll > inner) problems.push(`${what} (${lang}, ${width} px): ${scroll} px wide in ${inner} px`);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/told-${what}-${lang}-${width}.png`, fullPage: true });
    }
  }
  assert(problems.length === 0, problems.join('\n'));
}

/** Logs in at the federation double's form. */
async function logInAtFederation(page) {
  assert(await page.locator('#login').count() === 1, `the federation's form at ${page.url()}`);
  await page.locator('#login').fill(process.env.LOGIN);
  await page.locator('#password').fill('secret');
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

const here = (page) => { const u = new URL(page.url()); return `${u.pathname}${u.search}`; };
const text = async (page, css) => (await page.locator(css).innerText()).trim();

if (SCENARIO === 'outage-choice') {
  await t.test('the only service found down: "momentanément indisponible", a retry that keeps the démarche', async () => {
    const { context, page } = await newPage();
    await page.goto(`${BASE}${process.env.AUTHORIZE}`);
    const url = new URL(page.url());
    const demande = url.searchParams.get('demande');
    assert(url.pathname === '/choix/particulier' && demande, `the choice page of the démarche: ${page.url()}`);
    assert(await text(page, 'h1') === 'FranceConnect est momentanément indisponible', `h1: ${await text(page, 'h1')}`);
    assert(await text(page, '#demarche') === `Connexion à ${NAME}`, 'the démarche named');
    const said = await text(page, '#momentarily-unavailable');
    assert(said.includes('réessayez dans quelques instants') && said.includes('Votre démarche vous attend'), `said: ${said}`);
    assert(!(await text(page, 'main')).includes('pas proposé'), 'never "not offered here"');
    assert(await page.locator('#unavailable-franceconnect button').isDisabled(), 'the down service\'s button is disabled');
    // The retry, reached and followed with the keyboard, keeps the démarche.
    await tabTo(page, '#retry-later');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const again = new URL(page.url());
    assert(again.pathname === '/choix/particulier' && again.searchParams.get('demande') === demande, `retried at ${page.url()}`);
    assert(await text(page, '#demarche') === `Connexion à ${NAME}`, 'still the démarche\'s');
    assert(await text(page, '#back-to-demarche') === `Retour à ${NAME}`, 'the way back');
    await context.close();
  });

  await t.test('the outage choice page: axe in fr and en at 320 and 1280 px', async () => {
    const { context, page } = await newPage({ axe: true });
    await page.goto(`${BASE}${process.env.AUTHORIZE}`);
    await audited(page, here(page), 'outage-choice');
    await context.close();
  });
}

if (SCENARIO === 'outage-race') {
  await t.test('a button pressed after its service went down gets the portal\'s outage page', async () => {
    const { context, page } = await newPage();
    await page.goto(`${BASE}/choix/particulier`);
    const button = page.locator('form[action="/connexion/franceconnect"] button.fr-connect');
    assert(await button.isEnabled(), 'the probe last saw FranceConnect up: its button is active');
    await tabTo(page, 'form[action="/connexion/franceconnect"] button.fr-connect');
    const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert(atPortal(page.url()), `still at the portal, not the browser's own error: ${page.url()}`);
    assert(response.status() === 503, `status ${response.status()}`);
    assert(await text(page, 'h1') === 'Service de connexion momentanément indisponible', `h1: ${await text(page, 'h1')}`);
    await context.close();
  });
}

if (SCENARIO === 'step-up') {
  const toStepUp = async (page) => {
    await page.goto(`${BASE}${process.env.AUTHORIZE_EIDAS2}`);
    const url = new URL(page.url());
    assert(url.pathname === '/niveau/franceconnect-plus' && url.searchParams.get('demande'), `the step-up page: ${page.url()}`);
  };
  const logInLow = async (page) => {
    await page.goto(`${BASE}${process.env.AUTHORIZE}`);
    await logInAtFederation(page);
    await page.waitForURL((u) => atDemarche(u.href));
    assert(new URL(page.url()).searchParams.get('code'), `a code for the démarche: ${page.url()}`);
  };

  await t.test('logged in at eidas1, a démarche asking eidas2: what is asked, why, the button, the way back', async () => {
    const { context, page } = await newPage();
    await logInLow(page);
    await toStepUp(page);
    assert(await text(page, '#demarche') === `Connexion à ${NAME}`, 'the démarche named');
    assert(await text(page, 'h1') === 'Connexion de niveau substantiel demandée', `h1: ${await text(page, 'h1')}`);
    const why = await text(page, '#step-up-why');
    assert(why.includes(`${NAME} demande une connexion de niveau de garantie substantiel`) && why.includes('vous connecter à nouveau'), `why: ${why}`);
    const current = await text(page, '#step-up-current');
    assert(current.includes('avec FranceConnect, est de niveau faible'), `current: ${current}`);
    assert((await text(page, '#step-up-needs')).length > 0, 'what it takes');
    assert(await text(page, '#back-to-demarche') === `Retour à ${NAME}`, 'the way back');
    // The button, with the keyboard: FranceConnect+ asked for eidas2.
    await tabTo(page, 'form[action="/connexion/franceconnect-plus"] button.fr-connect--plus');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/authorize?') && !atPortal(r.url())),
      page.keyboard.press('Enter'),
    ]);
    assert(new URL(request.url()).searchParams.get('acr_values') === 'eidas2', `asked ${request.url()}`);
    await context.close();
  });

  await t.test('"Retour à <démarche>" on the step-up page gives the démarche access_denied', async () => {
    const { context, page } = await newPage();
    await logInLow(page);
    await toStepUp(page);
    // The portal's answer to the form is a redirect to the démarche: the
    // request the browser makes there is what the démarche gets.
    const [request] = await Promise.all([
      page.waitForRequest((r) => atDemarche(r.url())),
      page.locator('#back-to-demarche').click(),
    ]);
    const q = new URL(request.url()).searchParams;
    assert(q.get('error') === 'access_denied' && q.get('state') === 'etat-raconte', `the démarche got ${request.url()}`);
    await context.close();
  });

  await t.test('the step-up page: axe in fr and en at 320 and 1280 px', async () => {
    const { context, page } = await newPage({ axe: true });
    await logInLow(page);
    await toStepUp(page);
    await audited(page, here(page), 'step-up');
    await context.close();
  });
}

if (SCENARIO === 'back-cancel') {
  /** Chooser, "Un particulier", FranceConnect, logged in, back at the démarche; the portal's callback URL. */
  const logIn = async (page) => {
    const callbacks = [];
    page.on('request', (r) => {
      if (r.isNavigationRequest() && atPortal(r.url()) && new URL(r.url()).pathname.endsWith('/retour')) callbacks.push(r.url());
    });
    await page.goto(`${BASE}${process.env.AUTHORIZE}`);
    await page.locator('label[for="population-particulier"]').click();
    await Promise.all([page.waitForURL((u) => u.pathname === '/choix/particulier'), page.getByRole('button', { name: 'Continuer' }).click()]);
    const choice = here(page);
    await Promise.all([page.waitForURL((u) => !atPortal(u.href)), page.locator('form[action="/connexion/franceconnect"] button.fr-connect').click()]);
    await logInAtFederation(page);
    await page.waitForURL((u) => atDemarche(u.href));
    assert(new URL(page.url()).searchParams.get('code'), `a code: ${page.url()}`);
    return { choice, callback: callbacks[0] };
  };
  const answered = async (page, what) => {
    assert(atPortal(page.url()), `${what}: at the portal, got ${page.url()}`);
    assert(await text(page, 'h1') === 'Demande de connexion déjà terminée', `${what}: h1 ${await text(page, 'h1')}`);
    const message = await text(page, '#error-message');
    assert(message.includes(`pour ${NAME} est déjà terminée`), `${what}: ${message}`);
    const back = page.getByRole('link', { name: `Retour à ${NAME}` });
    assert(await back.count() === 1, `${what}: the way back to the démarche`);
    assert(await back.getAttribute('href') === DEMARCHE_AT, `${what}: to ${await back.getAttribute('href')}`);
    assert(await page.locator('main a[href="/compte"], main form[action^="/connexion/"]').count() === 0, `${what}: no login, no account page`);
    return back;
  };

  await t.test('Back after a login: the request is completed, the way back is the démarche\'s page', async () => {
    const { context, page } = await newPage();
    await logIn(page);
    // Back through the federation's form, to the portal's choice page.
    for (let i = 0; i < 4 && !atPortal(page.url()); i++) await page.goBack();
    assert(new URL(page.url()).pathname === '/choix/particulier', `back at ${page.url()}`);
    const back = await answered(page, 'Back');
    await tabTo(page, `a[href="${DEMARCHE_AT}"]`);
    await Promise.all([page.waitForURL((u) => atDemarche(u.href)), page.keyboard.press('Enter')]);
    assert(page.url() === DEMARCHE_AT, `at the démarche's page: ${page.url()} (${await back.count()})`);
    await context.close();
  });

  await t.test('the callback again after a login: the request is completed, never a login again', async () => {
    const { context, page } = await newPage();
    const { callback } = await logIn(page);
    assert(callback, 'the portal\'s callback was seen');
    await page.goto(callback);
    await answered(page, 'the callback replayed');
    await context.close();
  });

  await t.test('Cancel on the logout the démarche asked for returns to its post-logout address', async () => {
    const { context, page } = await newPage();
    await logIn(page);
    await page.goto(`${BASE}${process.env.LOGOUT}`);
    assert(await text(page, 'h1') === 'Se déconnecter ?', `asked first: ${await text(page, 'h1')}`);
    assert((await text(page, '#logout-question')).includes(`« ${NAME} » demande à mettre fin`), 'the démarche named');
    await tabTo(page, '#logout-no');
    await Promise.all([page.waitForURL((u) => atDemarche(u.href)), page.keyboard.press('Enter')]);
    assert(page.url().startsWith(process.env.POST_LOGOUT), `back at ${page.url()}`);
    // Still logged in: the account page shows the person.
    await page.goto(`${BASE}/compte`);
    assert((await text(page, 'main')).includes('Angela'), 'still logged in');
    await context.close();
  });

  await t.test('/deconnexion with nobody logged in says so', async () => {
    const { context, page } = await newPage();
    const res = await page.goto(`${BASE}/deconnexion`);
    assert(res.status() === 200, `status ${res.status()}`);
    assert(await text(page, 'h1') === 'Aucune connexion en cours', `h1: ${await text(page, 'h1')}`);
    assert(!(await text(page, 'main')).includes('Déconnexion effectuée'), 'never "logged out"');
    await context.close();
  });

  await t.test('the answered request page and the not-logged-in page: axe in fr and en at 320 and 1280 px', async () => {
    const { context, page } = await newPage({ axe: true });
    const { choice } = await logIn(page);
    await audited(page, choice, 'answered');
    const fresh = await browser.newContext({ bypassCSP: true });
    const other = await fresh.newPage();
    await audited(other, '/deconnexion', 'not-logged-in');
    await fresh.close();
    await context.close();
  });
}

await browser.close();
t.done();
