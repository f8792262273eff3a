// Levels of assurance in a real browser: the chooser for a démarche asking
// eidas2 (FranceConnect+'s official button and what it needs) and the
// chooser with a federation found down (disabled button, notice), audited
// with axe (WCAG 2.1 AA) and used with the keyboard under the real CSP.
//   BASE_URL, FC_PLUS_AUTHORIZE (a démarche's authorization request path,
//   asking eidas2 for a particulier: the browser is sent to its chooser),
//   DOWN_PAGE (a chooser page where Pro Santé Connect is down).
import { mkdirSync } from 'node:fs';
import { BASE, launch, axeViolations, runner, assert, tabTo } from './lib.mjs';

const SHOTS = process.env.SCREENSHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const FC_PLUS_AUTHORIZE = process.env.FC_PLUS_AUTHORIZE;
const DOWN_PAGE = process.env.DOWN_PAGE;
assert(FC_PLUS_AUTHORIZE && DOWN_PAGE, 'FC_PLUS_AUTHORIZE and DOWN_PAGE are required');

// The démarche's request is this browser's own: it is sent to the chooser.
async function fcPlusPage(page) {
  await page.goto(`${BASE}${FC_PLUS_AUTHORIZE}`);
  const url = new URL(page.url());
  assert(url.pathname === '/choix/particulier' && url.searchParams.get('demande'), `at ${page.url()}`);
  return `${url.pathname}${url.search}`;
}

const browser = await launch();
const t = runner();

await t.test('both pages have no axe violation (wcag2a, wcag2aa, wcag21a, wcag21aa) in fr and en', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const problems = [];
  const fcPlus = await fcPlusPage(page);
  for (const lang of ['fr', 'en']) {
    for (const path of [fcPlus, DOWN_PAGE, '/federations']) {
      await page.goto(`${BASE}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      const violations = await axeViolations(page);
      if (violations.length) problems.push(`${path} (${lang}): ${JSON.stringify(violations, null, 1)}`);
      if (SHOTS && lang === 'fr') {
        const name = path.startsWith('/choix/particulier') ? 'levels-fc-plus' : path === DOWN_PAGE ? 'levels-down' : 'levels-federations';
        await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
      }
    }
  }
  await context.close();
  assert(problems.length === 0, problems.join('\n'));
});

await t.test('the FranceConnect+ button is reached and pressed with the keyboard', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await fcPlusPage(page);
  const needs = await page.locator('#franceconnect-plus-needs').innerText();
  assert(needs.includes('France Identité'), `what it needs: ${needs}`);
  await tabTo(page, 'button.fr-connect.fr-connect--plus');
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().includes('/authorize?')),
    page.keyboard.press('Enter'),
  ]);
  const asked = new URL(request.url()).searchParams;
  assert(asked.get('acr_values') === 'eidas2', `acr_values ${asked.get('acr_values')}`);
  await context.close();
});

await t.test('a federation found down has no button the keyboard can reach', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${BASE}${DOWN_PAGE}`);
  const disabled = page.locator('#unavailable-prosanteconnect button');
  assert(await disabled.isDisabled(), 'the button is disabled');
  const notice = await page.locator('#unavailable-prosanteconnect-notice').innerText();
  assert(/indisponible/.test(notice), `notice: ${notice}`);
  // Tabbing through the page never focuses it.
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(() => !!document.activeElement?.closest('#unavailable-prosanteconnect'));
    assert(!inside, 'focus reached the unavailable federation');
  }
  await context.close();
});

await browser.close();
t.done();
