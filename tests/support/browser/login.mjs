// A whole login in a real browser, under the portal's real CSP: the
// chooser's ProConnect button, the federation's login form (oidc-provider
// playing ProConnect), back to the portal's account page, then logout
// through the federation. Env: BASE_URL, FEDERATION, LOGIN, EXPECTED_NAME.
import { mkdirSync } from 'node:fs';
import { BASE, launch, axeViolations, runner, assert } from './lib.mjs';

const SHOTS = process.env.SCREENSHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const FEDERATION = process.env.FEDERATION ?? 'proconnect';
const LOGIN = process.env.LOGIN;
const NAME = process.env.EXPECTED_NAME;

const browser = await launch();
const t = runner();

await t.test(`log in and out with ${FEDERATION} from the chooser`, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cspErrors = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
  await page.goto(`${BASE}/choix/agent-etat?lang=fr`);
  await Promise.all([
    page.waitForURL((u) => !u.href.startsWith(BASE)),
    page.locator(`form[action="/connexion/${FEDERATION}"] button`).click(),
  ]);
  await page.locator('#login').fill(LOGIN);
  await page.locator('#password').fill('secret');
  await Promise.all([
    page.waitForURL(`${BASE}/compte`),
    page.getByRole('button', { name: 'Se connecter' }).click(),
  ]);
  assert((await page.locator('h1').innerText()) === 'Votre connexion', 'account page');
  assert((await page.locator('#identity-name').innerText()).trim() === NAME, `name shown: ${NAME}`);
  assert((await page.locator('#identity-acr').innerText()).trim() === 'eidas1', 'acr shown');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/login-account.png`, fullPage: true });
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(BASE) && !u.pathname.startsWith('/compte')),
    page.locator('#logout').click(),
  ]);
  await page.waitForLoadState();
  assert((await page.locator('h1').innerText()) === 'Déconnexion effectuée', `logged-out page, at ${page.url()}`);
  assert(cspErrors.length === 0, `CSP violations: ${cspErrors.join('\n')}`);
  await page.goto(`${BASE}/compte`);
  assert(await page.locator('#not-logged-in').isVisible(), 'no session left, and the page says so');
  await context.close();
});

await t.test('the account and logged-out pages have no axe violation', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${BASE}/choix/agent-etat?lang=en`);
  await Promise.all([
    page.waitForURL((u) => !u.href.startsWith(BASE)),
    page.locator(`form[action="/connexion/${FEDERATION}"] button`).click(),
  ]);
  await page.locator('#login').fill(LOGIN);
  await Promise.all([page.waitForURL(`${BASE}/compte`), page.getByRole('button', { name: 'Se connecter' }).click()]);
  const problems = [];
  let v;
  // The account page (its claims under their names) in both languages and widths.
  for (const viewport of [{ width: 320, height: 640 }, { width: 1280, height: 900 }]) {
    await page.setViewportSize(viewport);
    for (const lang of ['fr', 'en']) {
      await page.goto(`${BASE}/compte?lang=${lang}`);
      v = await axeViolations(page);
      if (v.length) problems.push(`/compte (${lang}, ${viewport.width} px): ${JSON.stringify(v, null, 1)}`);
      const { scroll, inner } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
      }));
      if (scroll > inner) problems.push(`/compte (${lang}, ${viewport.width} px): ${scroll} px wide in ${inner} px`);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/login-account-${lang}-${viewport.width}.png`, fullPage: true });
    }
  }
  // A plain link to /deconnexion asks first (another site could link there).
  await page.goto(`${BASE}/deconnexion`);
  assert(await page.locator('#logout-form').isVisible(), 'the logout is confirmed first');
  v = await axeViolations(page);
  if (v.length) problems.push(`/deconnexion (confirmation): ${JSON.stringify(v, null, 1)}`);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/logout-confirm.png`, fullPage: true });
  await Promise.all([page.waitForURL((u) => u.href.startsWith(BASE) && u.searchParams.has('state')), page.locator('#logout-yes').click()]);
  await page.waitForLoadState();
  v = await axeViolations(page);
  if (v.length) problems.push(`logged out: ${JSON.stringify(v, null, 1)}`);
  assert(problems.length === 0, problems.join('\n'));
  await context.close();
});

await browser.close();
t.done();
