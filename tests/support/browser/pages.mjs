// The portal's pages in a real browser at 320 px and 1280 px, in French and
// English: axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa) on every page,
// nothing scrolling sideways, the header tools inside the header from 320
// to 991 px, the first button within the first screen at 320 px, the three
// official buttons of one height with alike help links, the federations'
// table scrolling inside its frame with its caption in view. Screenshots of
// each page and width go to SCREENSHOTS_DIR.
//
// Env: BASE_URL (a portal with every federation configured, so that every
// button shows).
import { mkdirSync } from 'node:fs';
import { BASE, launch, axeViolations, runner, assert } from './lib.mjs';

const SHOTS = process.env.SCREENSHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

// PAGES (space-separated) audits only those pages (axe, sideways scroll),
// e.g. the pages a State site owes with every [site] value configured.
const ONLY = process.env.PAGES?.split(/\s+/).filter(Boolean);
const PAGES = ONLY ?? ['/', '/aide', '/accessibilite', '/mentions-legales', '/donnees-personnelles', '/federations',
  '/plan-du-site', '/choix', '/compte', '/deconnexion', '/choix/particulier', '/choix/professionnel-sante',
  '/choix/agent-etat',
  '/erreur/unavailable?federation=prosanteconnect&population=professionnel-sante', '/erreur/not-found',
  '/nulle-part'];
const WIDTHS = [{ width: 320, height: 640 }, { width: 1280, height: 900 }];
const shotName = (path, lang, width) =>
  `page${path.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '') || '-accueil'}-${lang}-${width}.png`;

const browser = await launch();
const t = runner();

await t.test('every page: no axe violation and no sideways scroll, in fr and en, at 320 and 1280 px', async () => {
  const problems = [];
  for (const viewport of WIDTHS) {
    // axe is injected by the test: this context lets it past the CSP.
    const context = await browser.newContext({ viewport, bypassCSP: true });
    const page = await context.newPage();
    for (const lang of ['fr', 'en']) {
      for (const path of PAGES) {
        await page.goto(`${BASE}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        const where = `${path} (${lang}, ${viewport.width} px)`;
        const v = await axeViolations(page);
        if (v.length) problems.push(`${where}: ${JSON.stringify(v, null, 1)}`);
        const { scroll, inner } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
        }));
        if (scroll > inner) problems.push(`${where}: ${scroll} px wide in ${inner} px`);
        if (SHOTS) await page.screenshot({ path: `${SHOTS}/${shotName(path, lang, viewport.width)}`, fullPage: true });
      }
    }
    await context.close();
  }
  assert(problems.length === 0, problems.join('\n'));
});

if (!ONLY) {
  // Smaller at each level; from h3 down visibly so, at least 15 % (an h3 at
  // 28 px under an h2 at 32 px reads as another h2; h2 under h1 keeps the
  // DSFR's page-title scale, 28 under 32 px on a phone).
  await t.test('every page draws its headings by level: one size per level, smaller at each level down', async () => {
    const problems = [];
    for (const viewport of WIDTHS) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      for (const path of PAGES) {
        await page.goto(`${BASE}${path}${path.includes('?') ? '&' : '?'}lang=fr`);
        const levels = await page.evaluate(() => {
          const sizes = {};
          for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')) {
            const level = Number(h.tagName[1]);
            (sizes[level] ??= new Set()).add(parseFloat(getComputedStyle(h).fontSize));
          }
          return Object.entries(sizes).map(([level, set]) => [Number(level), [...set].sort((a, b) => a - b)]);
        });
        const where = `${path} (${viewport.width} px)`;
        for (const [level, sizes] of levels) {
          if (sizes.length > 1) problems.push(`${where}: h${level} drawn at ${sizes.join(', ')} px`);
        }
        levels.sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < levels.length; i++) {
          const [upper, bigger] = levels[i - 1];
          const [lower, smaller] = levels[i];
          const limit = lower >= 3 ? 0.85 * Math.min(...bigger) : Math.min(...bigger) - 1;
          if (Math.max(...smaller) > limit) {
            problems.push(`${where}: h${lower} (${smaller.join(', ')} px) not ${lower >= 3 ? '15 % ' : ''}smaller than h${upper} (${bigger.join(', ')} px)`);
          }
        }
      }
      await context.close();
    }
    assert(problems.length === 0, problems.join('\n'));
  });

  await t.test('from 320 to 991 px the header tools sit inside the header, not detached below it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const width of [320, 480, 768, 991, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${BASE}/choix/professionnel-sante?lang=fr`);
      const r = await page.evaluate(() => {
        const box = (s) => document.querySelector(s).getBoundingClientRect();
        const raised = (s) => getComputedStyle(document.querySelector(s)).filter;
        return { header: box('header .fr-header__body'), tools: box('.fr-header__tools'),
          brandFilter: raised('.fr-header__brand'), bodyFilter: raised('header .fr-header__body') };
      });
      assert(r.tools.height > 0, `${width} px: the tools are shown`);
      assert(r.tools.top >= r.header.top && r.tools.bottom <= r.header.bottom + 0.5,
        `${width} px: tools ${JSON.stringify(r.tools)} inside the header ${JSON.stringify(r.header)}`);
      // Below 992 px the raised block is the whole header, not the brand alone.
      if (width < 992) {
        assert(r.brandFilter === 'none' && r.bodyFilter !== 'none',
          `${width} px: raised header (${r.bodyFilter}), not the brand alone (${r.brandFilter})`);
      }
    }
    await context.close();
  });

  await t.test('at 320 px the first button of /choix/professionnel-sante is within the first screen', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    for (const lang of ['fr', 'en']) {
      await page.goto(`${BASE}/choix/professionnel-sante?lang=${lang}`);
      const bottom = await page.locator('button.aig-connect').first().evaluate((b) => b.getBoundingClientRect().bottom);
      assert(bottom <= 640, `${lang}: the first button ends at ${bottom} px, below the 640 px screen`);
    }
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/first-screen-professionnel-sante-320.png` });
    await context.close();
  });

  await t.test('the three official buttons have one height, and their "What is …?" links look alike', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const found = {};
    for (const path of ['/choix/particulier', '/choix/professionnel-sante']) {
      await page.goto(`${BASE}${path}?lang=fr`);
      for (const group of await page.locator('.aig-connect-form').all()) {
        const action = await group.evaluate((f) => f.getAttribute('action'));
        found[action] = await group.evaluate((f) => {
          const button = f.querySelector('button').getBoundingClientRect();
          const link = getComputedStyle(f.querySelector('.fr-connect-group p a'));
          const back = getComputedStyle(f.querySelector('button')).backgroundColor;
          return { height: button.height, font: link.fontSize, colour: link.color, background: back };
        });
      }
    }
    const actions = Object.keys(found).sort();
    assert(actions.join() === '/connexion/franceconnect,/connexion/proconnect,/connexion/prosanteconnect',
      `three buttons measured: ${actions}`);
    const [first, ...rest] = Object.values(found);
    for (const [action, m] of Object.entries(found)) {
      assert(Math.abs(m.height - first.height) < 0.5, `${action}: ${m.height} px high, ${first.height} px for another`);
      assert(m.font === first.font && m.colour === first.colour,
        `${action}: link ${m.font} ${m.colour}, another ${first.font} ${first.colour}`);
    }
    assert(rest.length === 2 && first.font === '14px', `links at 14 px: ${first.font}`);
    // Pro Santé Connect: the ANS's navy, not a red disc.
    assert(found['/connexion/prosanteconnect'].background === 'rgb(0, 0, 145)',
      `Pro Santé Connect's navy: ${found['/connexion/prosanteconnect'].background}`);
    // Its hover, like the ANS's: white, the text in the same navy.
    const psc = page.locator('button.aig-psc');
    await psc.hover();
    const hover = await psc.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
    assert(hover[0] === 'rgb(255, 255, 255)' && hover[1] === 'rgb(0, 0, 145)', `hovered: ${hover}`);
    if (SHOTS) await page.locator('#federation-prosanteconnect').screenshot({ path: `${SHOTS}/psc-button-hover.png` });
    await context.close();
  });

  await t.test('at 320 px the federations table scrolls in its frame, caption in view, with a hint', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${BASE}/federations?lang=fr`);
    const hint = page.locator('#table-federations-hint');
    assert(await hint.isVisible(), 'the hint to scroll is shown');
    const measure = () => page.evaluate(() => {
      const frame = document.querySelector('#table-federations .fr-table__container');
      const caption = document.querySelector('#table-federations caption').getBoundingClientRect();
      return { frame: [frame.clientWidth, frame.scrollWidth], caption: [caption.left, caption.right],
        page: [document.documentElement.scrollWidth, window.innerWidth] };
    });
    let m = await measure();
    assert(m.frame[1] > m.frame[0], `the table scrolls inside its frame: ${m.frame}`);
    assert(m.page[0] <= m.page[1], `the page does not: ${m.page}`);
    assert(m.caption[0] >= 0 && m.caption[1] <= 320, `the caption is in view: ${m.caption}`);
    // Keyboard: the frame takes the focus and scrolls with the arrows.
    await page.locator('#table-federations .fr-table__container').focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    // The browser may scroll smoothly: the frame is read until it moved
    // (2 s at most), not once right after the key presses.
    const frame = page.locator('#table-federations .fr-table__container');
    let scrolled = 0;
    for (let i = 0; i < 20 && scrolled === 0; i++) {
      scrolled = await frame.evaluate((f) => f.scrollLeft);
      if (scrolled === 0) await page.waitForTimeout(100);
    }
    assert(scrolled > 0, 'scrolled with the keyboard');
    m = await measure();
    assert(m.caption[0] >= 0 && m.caption[1] <= 320, `the caption stays in view when scrolled: ${m.caption}`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/federations-table-scrolled-320.png` });
    await page.setViewportSize({ width: 1280, height: 900 });
    assert(!(await hint.isVisible()), 'no hint where the table fits');
    await context.close();
  });

}

await browser.close();
t.done();
