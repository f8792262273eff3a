// Journeys that never dead-end, in a real browser (Chromium), as people
// would go through them. One scenario per run (SCENARIO):
//
//   citizen-fc-off    a citizen, FranceConnect not configured on the portal:
//                     told plainly, no button, nothing untrue; language
//                     switch and "change my answer" work; axe at 320/1280.
//   demarche-refusal  sent by the example démarche, refuses at the
//                     federation (oidc-provider's "Refuser"): the error page
//                     keeps "Connexion à <démarche>", switches language,
//                     and its retry lands on the démarche, never /compte.
//   demarche-cancel   "Retour à <démarche>" from the chooser and from an
//                     error page: the démarche gets error=access_denied
//                     with its state and the portal's iss.
//   post-error-lang   a button whose federation is down (POST): the error
//                     page switches language (a GET route, same status) and
//                     offers the other service that fits.
//   home-error        "Continuer" with nothing chosen, in fr and en, at 320
//                     and 1280 px, with and without JavaScript, under the
//                     real CSP: the title says "Erreur : ", the focus is on
//                     the error summary (a role=alert region, read at once),
//                     which is in the first screen and leads to the first
//                     answer; the group's name includes the message; axe.
//   lang-keeps-answer an answer checked but not sent survives the language
//                     switch (the portal's own script), and nothing breaks
//                     without JavaScript.
//
// Env: BASE_URL; for the démarche scenarios DEMARCHE_URL, DEMARCHE_NAME,
// LOGIN (FranceConnect's test account).
import { mkdirSync } from 'node:fs';
import { BASE, launch, axeViolations, runner, assert } from './lib.mjs';

const SHOTS = process.env.SCREENSHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const SCENARIO = process.env.SCENARIO;
const PORTAL = new URL(BASE).origin;
const ISSUER = BASE.replace(/\/+$/, '');
const atPortal = (u) => new URL(u).origin === PORTAL;

const browser = await launch();
const t = runner();

/** Every top-level navigation request (redirect hops included). */
function recordNavigations(page) {
  const urls = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) urls.push(r.url());
  });
  return urls;
}

/** Clicks and waits for the navigation; returns the final response. */
async function navigate(page, action) {
  const [response] = await Promise.all([page.waitForNavigation(), action()]);
  return response;
}

async function noAxeViolation(page, what) {
  const v = await axeViolations(page);
  assert(v.length === 0, `${what}: ${JSON.stringify(v, null, 1)}`);
}

async function noSideScroll(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  }));
  assert(scroll <= inner, `${what}: ${scroll}px wide in a ${inner}px window`);
}

const h1 = async (page) => (await page.locator('h1').innerText()).trim();

if (SCENARIO === 'citizen-fc-off') {
  await t.test('a citizen, with FranceConnect not configured here, is told plainly what to do instead', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    await page.locator('label[for="population-particulier"]').click();
    await navigate(page, () => page.getByRole('button', { name: 'Continuer' }).click());
    assert(new URL(page.url()).pathname === '/choix/particulier', `the citizen's page, got ${page.url()}`);
    assert(await h1(page) === 'Aucun service de connexion disponible ici', `h1: ${await h1(page)}`);
    assert(await page.locator('form[action^="/connexion/"] button').count() === 0, 'no button that leads nowhere');
    assert(await page.locator('#unavailable-franceconnect').isVisible(), 'FranceConnect named as unavailable');
    const text = await page.locator('main').innerText();
    assert(!/autres? services?/i.test(text), `nothing untrue about other services: ${text}`);
    assert(/administration concernée/.test(text), `what to do instead: ${text}`);
    await noAxeViolation(page, '/choix/particulier (fr)');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/journey-citizen-fc-off-1280.png`, fullPage: true });
    await navigate(page, () => page.locator('header a[hreflang=en]').click());
    assert(await page.locator('html').getAttribute('lang') === 'en', 'switched to English');
    assert(await h1(page) === 'No sign-in service available here', `h1 (en): ${await h1(page)}`);
    await noAxeViolation(page, '/choix/particulier (en)');
    await page.setViewportSize({ width: 320, height: 640 });
    await noSideScroll(page, '/choix/particulier at 320 px');
    await noAxeViolation(page, '/choix/particulier (en, 320 px)');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/journey-citizen-fc-off-320.png`, fullPage: true });
    // A way out: back to the question, the answer kept and forgettable.
    await navigate(page, () => page.locator('#change-answer').click());
    assert(new URL(page.url()).pathname === '/', `back home, got ${page.url()}`);
    assert(await page.getByLabel('An individual').isChecked(), 'the answer is preselected');
    assert(await page.locator('#remembered').isVisible(), 'and the page says so');
    await context.close();
  });
}

/** From the démarche's home to the portal's chooser (recording the démarche's state). */
async function fromDemarche(page, navigations) {
  const DEMARCHE = new URL(process.env.DEMARCHE_URL);
  await page.goto(DEMARCHE.href);
  navigations.length = 0;
  await navigate(page, () => page.getByRole('link', { name: 'Se connecter' }).click());
  assert(atPortal(page.url()) && new URL(page.url()).pathname === '/', `the portal's chooser, got ${page.url()}`);
  const authorize = navigations.find((u) => atPortal(u) && new URL(u).pathname === '/oidc/authorize');
  assert(authorize, `through /oidc/authorize:\n${navigations.join('\n')}`);
  return new URL(authorize).searchParams.get('state');
}

/** The citizen's answer, then FranceConnect's button, then "Refuser" there. */
async function refuseAtFranceConnect(page, name) {
  await page.locator('label[for="population-particulier"]').click();
  await navigate(page, () => page.getByRole('button', { name: 'Continuer' }).click());
  assert((await page.title()).includes(`Connexion à ${name}`), `choice page title: ${await page.title()}`);
  await navigate(page, () => page.locator('form[action="/connexion/franceconnect"] button').click());
  assert(!atPortal(page.url()) && await page.locator('#login').count() === 1, `FranceConnect's form, got ${page.url()}`);
  return navigate(page, () => page.getByRole('button', { name: 'Refuser' }).click());
}

/** The démarche's callback got error=access_denied with its state and the portal's iss. */
function assertAccessDenied(navigations, state, page) {
  const DEMARCHE = new URL(process.env.DEMARCHE_URL);
  const callback = navigations.map((u) => new URL(u))
    .find((u) => u.origin === DEMARCHE.origin && u.pathname === '/callback');
  assert(callback, `back at the démarche's callback:\n${navigations.join('\n')}`);
  const q = callback.searchParams;
  assert(q.get('error') === 'access_denied', `error=${q.get('error')}`);
  assert(q.get('state') === state, `the démarche's state ${state}, got ${q.get('state')}`);
  assert(q.get('iss') === ISSUER, `iss=${q.get('iss')}, expected ${ISSUER}`);
  return Promise.all([page.locator('#error').innerText(), page.locator('#error-code').innerText()])
    .then(([text, code]) => {
      // In French, the OAuth code as a technical detail.
      assert(text.startsWith('La connexion a été annulée'), `the démarche says it in French: ${text}`);
      assert(code === 'access_denied', `the démarche shows the code as a detail: ${code}`);
    });
}

if (SCENARIO === 'demarche-refusal') {
  const NAME = process.env.DEMARCHE_NAME;
  await t.test('refused at the federation, the person keeps the démarche, switches language, retries and lands on the démarche', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });
    const page = await context.newPage();
    const navigations = recordNavigations(page);
    await fromDemarche(page, navigations);
    const refused = await refuseAtFranceConnect(page, NAME);
    assert(refused.status() === 403, `the refusal page answers 403, got ${refused.status()}`);
    assert(await h1(page) === 'Connexion annulée', `h1: ${await h1(page)}`);
    assert((await page.title()).includes(`Connexion à ${NAME}`), `title keeps the démarche: ${await page.title()}`);
    assert((await page.locator('#demarche').innerText()).trim() === `Connexion à ${NAME}`, 'the démarche is named');
    assert(await page.locator('#back-to-demarche').isVisible(), 'a way back to the démarche');
    await noAxeViolation(page, 'refusal page (fr)');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/journey-refusal-fr-1280.png`, fullPage: true });
    // The language switch on the error page: the same page, in English.
    const english = await navigate(page, () => page.locator('header a[hreflang=en]').click());
    assert(english.status() === 403, `the same error in English (403), got ${english.status()} at ${page.url()}`);
    assert(new URL(page.url()).pathname.startsWith('/erreur/'), `a GET route, got ${page.url()}`);
    assert(await page.locator('html').getAttribute('lang') === 'en', 'English');
    assert(await h1(page) === 'Sign-in canceled', `h1 (en): ${await h1(page)}`);
    assert((await page.locator('#demarche').innerText()).trim() === `Sign in to ${NAME}`, 'still the démarche');
    await noAxeViolation(page, 'refusal page (en)');
    await page.setViewportSize({ width: 320, height: 640 });
    await noSideScroll(page, 'refusal page at 320 px');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/journey-refusal-en-320.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await navigate(page, () => page.locator('header a[hreflang=fr]').click());
    assert(await h1(page) === 'Connexion annulée', 'back in French');
    // The retry keeps the démarche: logged in, back at the démarche.
    await navigate(page, () => page.locator('#retry button').click());
    assert(await page.locator('#login').count() === 1, `FranceConnect's form again, got ${page.url()}`);
    navigations.length = 0;
    await page.locator('#login').fill(process.env.LOGIN);
    await page.locator('#password').fill('secret');
    const DEMARCHE = new URL(process.env.DEMARCHE_URL);
    await Promise.all([
      page.waitForURL((u) => u.origin === DEMARCHE.origin && u.pathname === '/'),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    assert(!navigations.some((u) => atPortal(u) && new URL(u).pathname === '/compte'),
      `never through /compte:\n${navigations.join('\n')}`);
    const who = (await page.locator('#who').innerText()).trim();
    assert(who.startsWith('Bonjour '), `logged in at the démarche: ${who}`);
    await context.close();
  });
}

if (SCENARIO === 'demarche-cancel') {
  const NAME = process.env.DEMARCHE_NAME;
  await t.test('"Retour à <démarche>" on the chooser delivers access_denied with state and iss', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const navigations = recordNavigations(page);
    const state = await fromDemarche(page, navigations);
    const back = page.locator('#back-to-demarche');
    assert((await back.innerText()).trim() === `Retour à ${NAME}`, `button: ${await back.innerText()}`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/journey-cancel-chooser.png`, fullPage: true });
    navigations.length = 0;
    await navigate(page, () => back.click());
    await assertAccessDenied(navigations, state, page);
    await context.close();
  });

  await t.test('"Retour à <démarche>" on an error page delivers access_denied too', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const navigations = recordNavigations(page);
    const state = await fromDemarche(page, navigations);
    await refuseAtFranceConnect(page, NAME);
    assert(await h1(page) === 'Connexion annulée', `the refusal page: ${await h1(page)}`);
    navigations.length = 0;
    await navigate(page, () => page.locator('#back-to-demarche').click());
    await assertAccessDenied(navigations, state, page);
    await context.close();
  });
}

if (SCENARIO === 'post-error-lang') {
  await t.test('an error shown after a button (POST) switches language on a GET route and offers the service that fits', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${BASE}/choix/professionnel-sante`);
    const down = await navigate(page, () => page.locator('form[action="/connexion/prosanteconnect"] button').click());
    assert(down.status() === 503, `the outage page answers 503, got ${down.status()}`);
    assert(await h1(page) === 'Service de connexion momentanément indisponible', `h1: ${await h1(page)}`);
    assert(await page.locator('#error-hint').isVisible(), 'the other service that fits is mentioned');
    await noAxeViolation(page, 'outage page (fr)');
    const english = await navigate(page, () => page.locator('header a[hreflang=en]').click());
    assert(english.status() === 503, `the same error in English (not a 404/405), got ${english.status()} at ${page.url()}`);
    assert(await h1(page) === 'Sign-in service temporarily unavailable', `h1 (en): ${await h1(page)}`);
    await noAxeViolation(page, 'outage page (en)');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/journey-outage-en-1280.png`, fullPage: true });
    await navigate(page, () => page.getByRole('link', { name: 'Choose another sign-in service' }).click());
    assert(new URL(page.url()).pathname === '/choix/professionnel-sante', `the person's page, got ${page.url()}`);
    assert(await h1(page) === 'Choose your sign-in service', `h1: ${await h1(page)}`);
    await context.close();
  });
}

if (SCENARIO === 'home-error') {
  const TEXTS = {
    fr: { continue: 'Continuer', title: 'Erreur : Se connecter – Aiguillage',
      message: 'Choisissez la situation qui vous correspond pour continuer.', summary: 'Votre réponse est nécessaire' },
    en: { continue: 'Continue', title: 'Error: Sign in – Aiguillage',
      message: 'Choose the situation that fits you to continue.', summary: 'Your answer is needed' },
  };
  for (const javaScriptEnabled of [true, false]) {
    for (const viewport of [{ width: 320, height: 640 }, { width: 1280, height: 900 }]) {
      for (const lang of ['fr', 'en']) {
        const where = `${lang}, ${viewport.width} px, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`;
        await t.test(`"${TEXTS[lang].continue}" with nothing chosen: title, focus, announcement, first screen (${where})`, async () => {
          const x = TEXTS[lang];
          // The real CSP: the page's own script runs (or not), nothing else.
          const context = await browser.newContext({ viewport, javaScriptEnabled });
          const page = await context.newPage();
          const cspErrors = [];
          page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
          await page.goto(`${BASE}/?lang=${lang}`);
          const res = await navigate(page, () => page.getByRole('button', { name: x.continue }).click());
          assert(res.status() === 400, `the question again, 400: ${res.status()}`);
          assert(new URL(page.url()).pathname === '/choix', `at /choix: ${page.url()}`);
          // The title says there is an error (RGAA 8.6, DSFR).
          assert(await page.title() === x.title, `title: ${await page.title()}`);
          // The focus left <body>: on the error summary, which holds the
          // alert and the message (a screen reader reads it on arrival).
          await page.waitForFunction(() => document.activeElement?.id === 'error-summary', null, { timeout: 5000 })
            .catch(() => {});
          const focus = await page.evaluate(() => {
            const a = document.activeElement;
            return { id: a?.id, tag: a?.tagName, text: a?.innerText };
          });
          assert(focus.id === 'error-summary', `focus on the error summary, got ${JSON.stringify(focus)}`);
          assert(focus.text.includes(x.summary) && focus.text.includes(x.message), `the focused summary says it: ${focus.text}`);
          const alert = page.getByRole('alert');
          assert(await alert.count() === 1, 'one alert');
          const announced = await alert.innerText();
          assert(announced.includes(x.message), `announced: ${announced}`);
          // The group in error: DSFR's class, and its name includes the message.
          assert(await page.locator('fieldset.fr-fieldset--error').count() === 1, 'the group is in error');
          assert(await page.getByRole('group', { name: x.message }).count() === 1, 'the group is named with the message');
          assert((await page.locator('#population-error').innerText()).trim() === x.message, 'the message in the group');
          // In the first screen.
          const box = await page.locator('#error-summary').boundingBox();
          assert(box && box.y >= 0 && box.y + box.height <= viewport.height,
            `the summary is in the first screen: ${JSON.stringify(box)} in ${viewport.height} px`);
          await noSideScroll(page, `error state (${where})`);
          if (javaScriptEnabled) assert(cspErrors.length === 0, `CSP: ${cspErrors.join('\n')}`);
          if (SHOTS) await page.screenshot({ path: `${SHOTS}/home-error-${lang}-${viewport.width}${javaScriptEnabled ? '' : '-nojs'}.png` });
          // The summary's link leads to the first answer: from there, the
          // keyboard picks one and sends it.
          await page.locator('#error-summary a').click();
          await page.keyboard.press('Tab');
          await page.keyboard.press('Shift+Tab');
          const at = await page.evaluate(() => document.activeElement?.name);
          assert(at === 'population', `the link leads to the answers, focus on ${at}`);
          await page.keyboard.press('Space');
          await navigate(page, () => page.keyboard.press('Enter'));
          assert(/^\/choix\/[a-z-]+$/.test(new URL(page.url()).pathname), `an answer sent: ${page.url()}`);
          await context.close();
        });
      }
    }
  }

  await t.test('the error state has no axe violation, in fr and en, at 320 and 1280 px, and switches language', async () => {
    const problems = [];
    for (const viewport of [{ width: 320, height: 640 }, { width: 1280, height: 900 }]) {
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      for (const lang of ['fr', 'en']) {
        await page.goto(`${BASE}/choix?lang=${lang}`);
        const v = await axeViolations(page);
        if (v.length) problems.push(`/choix (${lang}, ${viewport.width} px): ${JSON.stringify(v, null, 1)}`);
      }
      // The language link shows the same error in the other language.
      const french = await navigate(page, () => page.locator('header a[hreflang=fr]').click());
      assert(french.status() === 400 && await page.title() === TEXTS.fr.title, `same error in French: ${await page.title()}`);
      await context.close();
    }
    assert(problems.length === 0, problems.join('\n'));
  });
}

if (SCENARIO === 'lang-keeps-answer') {
  await t.test('an answer checked but not sent survives the language switch (JavaScript on, real CSP)', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const cspErrors = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
    await page.goto(`${BASE}/`);
    await page.locator('label[for="population-entreprise"]').click();
    await navigate(page, () => page.locator('header a[hreflang=en]').click());
    assert(await page.locator('html').getAttribute('lang') === 'en', 'English');
    assert(await page.locator('#population-entreprise').isChecked(), `the answer kept: ${page.url()}`);
    assert(await page.locator('#remembered').count() === 0, 'not called a remembered answer: it was never sent');
    // Another answer, then back to French: that one is kept.
    await page.locator('label[for="population-particulier"]').click();
    await navigate(page, () => page.locator('header a[hreflang=fr]').click());
    assert(await page.locator('#population-particulier').isChecked(), `the new answer kept: ${page.url()}`);
    // And it is still only an unsent choice: "Continuer" sends it.
    await navigate(page, () => page.getByRole('button', { name: 'Continuer' }).click());
    assert(new URL(page.url()).pathname === '/choix/particulier', `sent: ${page.url()}`);
    assert(cspErrors.length === 0, `CSP: ${cspErrors.join('\n')}`);
    // On the error page, a choice then a switch leads to the question with
    // the answer checked, not to a sent answer.
    await page.goto(`${BASE}/choix?lang=fr`);
    await page.locator('label[for="population-agent-etat"]').click();
    await navigate(page, () => page.locator('header a[hreflang=en]').click());
    assert(new URL(page.url()).pathname === '/', `the question, not a sent answer: ${page.url()}`);
    assert(await page.locator('#population-agent-etat').isChecked(), 'checked');
    await context.close();
  });

  await t.test('without JavaScript the language links still work (the unsent choice aside)', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    await page.locator('label[for="population-entreprise"]').click();
    await navigate(page, () => page.locator('header a[hreflang=en]').click());
    assert(await page.locator('html').getAttribute('lang') === 'en', 'English');
    assert(await page.locator('input[name=population]:checked').count() === 0, 'nothing checked: the choice was not sent');
    await navigate(page, () => page.locator('label[for="population-entreprise"]').click().then(
      () => page.getByRole('button', { name: 'Continue' }).click()));
    assert(new URL(page.url()).pathname === '/choix/entreprise', `still works: ${page.url()}`);
    await context.close();
  });
}

await browser.close();
t.done();
