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

await t.test('both pages have no axe violation (wcag2a, wcag2aa, wcag21a, wcag21aa) in fr and en, at 320 and 1280 px', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const problems = [];
  const fcPlus = await fcPlusPage(page);
  for (const width of [320, 1280]) {
    await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
    for (const lang of ['fr', 'en']) {
      for (const path of [fcPlus, DOWN_PAGE, '/federations']) {
        await page.goto(`${BASE}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        const violations = await axeViolations(page);
        if (violations.length) problems.push(`${path} (${lang}, ${width} px): ${JSON.stringify(violations, null, 1)}`);
        if (SHOTS && lang === 'fr' && width === 1280) {
          const name = path.startsWith('/choix/particulier') ? 'levels-fc-plus' : path === DOWN_PAGE ? 'levels-down' : 'levels-federations';
          await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
        }
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
  // eidas2 is the substantial level, named as eIDAS names it.
  assert(needs.includes('le niveau de garantie substantiel') && !needs.includes('élevé'), `the level: ${needs}`);
  // Its accessible name has the "+" (the DSFR draws it; ours is in the text).
  const named = page.getByRole('button', { name: 'S’identifier avec FranceConnect+', exact: true });
  assert(await named.count() === 1, `the button's name: ${await page.locator('button.fr-connect--plus').ariaSnapshot()}`);
  const plus = await page.locator('button.fr-connect--plus').evaluate((b) => getComputedStyle(b, '::after').content);
  assert(plus.startsWith('"+"'), `the "+" is still drawn: ${plus}`);
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
  // Disabled, it keeps its mark and its name, like the active one.
  const logo = await page.locator('#unavailable-prosanteconnect button svg.aig-psc__logo').boundingBox();
  assert(logo && logo.width > 20 && logo.height > 20, `the mark is drawn: ${JSON.stringify(logo)}`);
  assert(await page.getByRole('button', { name: 'S’identifier avec Pro Santé Connect', exact: true, disabled: true }).count() === 1,
    'the disabled button keeps its name');
  if (SHOTS) await page.locator('#unavailable-prosanteconnect').screenshot({ path: `${SHOTS}/levels-psc-disabled.png` });
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
