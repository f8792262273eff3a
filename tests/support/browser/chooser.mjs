// The chooser in a real browser: accessibility (axe, WCAG 2.1 AA), keyboard
// only, without JavaScript, and at 320 px wide.
import { mkdirSync } from 'node:fs';
import { BASE, launch, axeViolations, runner, assert, tabTo } from './lib.mjs';

const SHOTS = process.env.SCREENSHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

const PAGES = ['/', '/choix', '/choix/particulier', '/choix/professionnel', '/choix/professionnel-sante',
  '/choix/entreprise', '/choix/agent-etat', '/choix/agent-collectivite', '/federations', '/nulle-part'];

const browser = await launch();
const t = runner();

await t.test('every page has no axe violation (wcag2a, wcag2aa, wcag21a, wcag21aa) in fr and en', async () => {
  // axe is injected by the test, so this context lets it past the CSP.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const problems = [];
  for (const lang of ['fr', 'en']) {
    for (const path of PAGES) {
      await page.goto(`${BASE}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      const violations = await axeViolations(page);
      if (violations.length) problems.push(`${path} (${lang}): ${JSON.stringify(violations, null, 1)}`);
    }
  }
  // The remembered-answer notice too (the answer is remembered when the
  // question is answered, not when a situation's page is opened).
  await page.goto(`${BASE}/choix?population=entreprise`);
  await page.goto(`${BASE}/`);
  assert(await page.locator('#remembered').count() === 1, 'remembered notice shown');
  const v = await axeViolations(page);
  if (v.length) problems.push(`/ with remembered answer: ${JSON.stringify(v, null, 1)}`);
  await context.close();
  assert(problems.length === 0, problems.join('\n'));
});

await t.test('the whole journey is done with the keyboard only, under the real CSP', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cspErrors = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
  await page.goto(`${BASE}/?lang=fr`);
  // The skip link is the first stop and leads to the content.
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement.getAttribute('href')) === '#contenu', 'skip link first');
  await tabTo(page, 'input[name=population]');
  // Arrow keys move within the radio group (native behaviour).
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown');
  const chosen = await page.evaluate(() => document.activeElement.value);
  assert(chosen === 'professionnel-sante', `ArrowDown x2 selects professionnel-sante, got ${chosen}`);
  await tabTo(page, 'main button[type=submit]');
  await Promise.all([page.waitForURL(/\/choix\/professionnel-sante$/), page.keyboard.press('Enter')]);
  assert((await page.locator('h1').innerText()).includes('Choisissez'), 'choice page');
  // Focus is visible on the official button.
  await tabTo(page, 'form[action="/connexion/prosanteconnect"] button');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert(outline !== 'none', `focus ring visible, got ${outline}`);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/keyboard-choice.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  // Pro Santé Connect is unreachable in this test: its outage page.
  assert(new URL(page.url()).pathname === '/connexion/prosanteconnect', `posted to the federation, got ${page.url()}`);
  assert((await page.locator('h1').innerText()).includes('indisponible'), 'outage page');
  assert(cspErrors.length === 0, `CSP violations: ${cspErrors.join('\n')}`);
  await context.close();
});

await t.test('without JavaScript the chooser and the language selector still work', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE}/?lang=fr`);
  // A person clicks the label (the DSFR draws the radio on it).
  await page.locator('label[for="population-entreprise"]').click();
  assert(await page.locator('#population-entreprise').isChecked(), 'answer checked by its label');
  await Promise.all([page.waitForURL(/\/choix\/entreprise$/), page.getByRole('button', { name: 'Continuer' }).click()]);
  const button = page.locator('form[action="/connexion/proconnect"] button.fr-connect');
  assert(await button.isVisible(), 'ProConnect button visible');
  const english = page.locator('header a[hreflang=en]');
  assert(await english.isVisible(), 'language link visible without JS');
  await Promise.all([page.waitForURL(/lang=en/), english.click()]);
  assert((await page.locator('html').getAttribute('lang')) === 'en', 'switched to English');
  await Promise.all([page.waitForURL(/\/$/), page.getByRole('link', { name: 'Change my answer' }).click()]);
  assert(await page.locator('#population-entreprise').isChecked(), 'answer remembered');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/nojs-home-en.png`, fullPage: true });
  await context.close();
});

await t.test('at 320 px wide nothing scrolls horizontally', async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  const wide = [];
  for (const path of PAGES) {
    for (const lang of ['fr', 'en']) {
      await page.goto(`${BASE}${path}?lang=${lang}`);
      const { scroll, inner } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
      }));
      if (scroll > inner) wide.push(`${path} (${lang}): ${scroll}px > ${inner}px`);
    }
  }
  await page.goto(`${BASE}/choix/professionnel?lang=fr`);
  assert(await page.locator('header a[hreflang=en]').isVisible(), 'language selector reachable at 320 px');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/320-choice.png`, fullPage: true });
  await context.close();
  assert(wide.length === 0, wide.join('\n'));
});

await browser.close();
t.done();
