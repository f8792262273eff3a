#!/usr/bin/env node
// Self-test of the test support: starts federation.mjs for each profile (and
// the example démarche, ../../examples/demarche/server.mjs) as child processes and drives full OpenID Connect code flows
// through them with openid-client 6 and a cookie-aware fetch that follows
// redirects by hand (like a browser without JavaScript, or reqwest with a
// cookie jar). Prints "N passed, M failed"; exits non-zero on a failure.
//
//   node selftest.mjs            (after npm ci here and in examples/demarche)

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import * as client from 'openid-client';
import * as jose from 'jose';

const HERE = dirname(fileURLToPath(import.meta.url));
const VERBOSE = process.env.SELFTEST_VERBOSE === '1';
const DEMARCHE = '../../examples/demarche/server.mjs';

// ------------------------------------------------------------------ runner

let passed = 0;
let failed = 0;
const failures = [];

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function test(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failed += 1;
    failures.push(name);
    console.log(`not ok - ${name}\n  ${String(err?.stack ?? err).split('\n').join('\n  ')}`);
  }
}

// -------------------------------------------------------------- processes

const children = [];

function startScript(script, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(HERE, script), ...argv], {
      stdio: ['pipe', 'pipe', VERBOSE ? 'inherit' : 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 15 s\n${stderr}`)), 15000);
    const lines = createInterface({ input: child.stdout });
    let first = true;
    lines.on('line', (line) => {
      if (!first) {
        reject(new Error(`${script} printed a second stdout line: ${line}`));
        return;
      }
      first = false;
      clearTimeout(timer);
      try {
        resolve({ child, info: JSON.parse(line), stderr: () => stderr });
      } catch (err) {
        reject(new Error(`${script} printed a non-JSON line: ${line}`));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (first) reject(new Error(`${script} exited (${code}) before printing its line\n${stderr}`));
    });
  });
}

function exited(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(child.exitCode); return; }
    const timer = setTimeout(() => resolve('timeout'), ms);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve(code ?? signal); });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// ------------------------------------------------------------- cookie jar

// RFC 6265-ish: cookies belong to a host (NOT a port, as in browsers), are
// sent on path-matching requests, and are removed when they expire.
class CookieJar {
  cookies = [];

  store(url, response) {
    const setCookies = response.headers.getSetCookie?.() ?? [];
    for (const header of setCookies) {
      const [pair, ...attrs] = header.split(';').map((s) => s.trim());
      const eqAt = pair.indexOf('=');
      if (eqAt < 1) continue;
      const name = pair.slice(0, eqAt);
      const value = pair.slice(eqAt + 1);
      let path;
      let expires;
      for (const attr of attrs) {
        const [k, ...rest] = attr.split('=');
        const v = rest.join('=');
        switch (k.toLowerCase()) {
          case 'path': path = v; break;
          case 'max-age': expires = Date.now() + Number(v) * 1000; break;
          case 'expires': if (expires === undefined) expires = Date.parse(v); break;
          default:
        }
      }
      if (!path || !path.startsWith('/')) {
        const p = url.pathname;
        path = p.lastIndexOf('/') > 0 ? p.slice(0, p.lastIndexOf('/')) : '/';
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.host === url.hostname && c.path === path));
      if (expires !== undefined && expires <= Date.now()) continue;
      this.cookies.push({ name, value, host: url.hostname, path, expires });
    }
  }

  header(url) {
    const now = Date.now();
    this.cookies = this.cookies.filter((c) => c.expires === undefined || c.expires > now);
    const matching = this.cookies.filter((c) => c.host === url.hostname && (url.pathname === c.path
      || (url.pathname.startsWith(c.path) && (c.path.endsWith('/') || url.pathname[c.path.length] === '/'))));
    matching.sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

class Browser {
  jar = new CookieJar();

  async fetch(input, { method = 'GET', form } = {}) {
    const url = new URL(input);
    const headers = { accept: 'text/html' };
    const cookie = this.jar.header(url);
    if (cookie) headers.cookie = cookie;
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.jar.store(url, response);
    const text = await response.text();
    return { url, status: response.status, location: response.headers.get('location'), headers: response.headers, text };
  }

  // Follows redirects (GET) until a page answers, or until the Location
  // starts with one of `stopAt` (then returns without fetching it).
  async follow(input, { method = 'GET', form, stopAt = [], max = 15 } = {}) {
    let res = await this.fetch(input, { method, form });
    const hops = [res.url.href];
    for (let i = 0; i < max; i++) {
      if (![301, 302, 303, 307, 308].includes(res.status)) return { ...res, hops };
      const next = new URL(res.location, res.url).href;
      hops.push(next);
      if (stopAt.some((p) => next.startsWith(p))) return { ...res, stoppedAt: next, hops };
      res = await this.fetch(next);
    }
    throw new Error(`too many redirects: ${hops.join(' -> ')}`);
  }
}

// ------------------------------------------------------------ html helpers

function attr(tag, name) {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>') : undefined;
}

function formOf(html, id) {
  const forms = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);
  const found = id ? forms.find((f) => attr(f.slice(0, f.indexOf('>') + 1), 'id') === id) : forms[0];
  assert(found, `no form${id ? ` #${id}` : ''} in page:\n${html}`);
  const open = found.slice(0, found.indexOf('>') + 1);
  const inputs = {};
  for (const [tag] of found.matchAll(/<input\b[^>]*>/g)) inputs[attr(tag, 'name')] = attr(tag, 'value') ?? '';
  const buttons = [...found.matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/g)]
    .map(([tag, label]) => ({ name: attr(tag, 'name'), value: attr(tag, 'value'), type: attr(tag, 'type'), label }));
  return { action: attr(open, 'action'), method: attr(open, 'method'), inputs, buttons };
}

function textOf(html, id) {
  const m = new RegExp(`<[a-z]+[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</[a-z]+>`).exec(html);
  return m?.[1];
}

const decodeHtml = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// ------------------------------------------------------------------ flows

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/logged-out';

const PROFILES = {
  franceconnect: {
    login: 'angela',
    alg: 'ES256',
    userinfoJwt: true,
    auth: 'post',
    pkce: false, // FranceConnect does not require PKCE: check it is not required
    params: {
      scope: 'openid given_name family_name birthdate gender birthplace birthcountry email preferred_username',
      acr_values: 'eidas1',
    },
    expectAcr: 'eidas1',
    expectUserinfo: {
      given_name: 'Angela Claire Louise', family_name: 'DUBOIS', birthdate: '1962-08-24', gender: 'female',
      birthplace: '75107', birthcountry: '99100', email: 'angela@example.fr', preferred_username: '',
    },
  },
  proconnect: {
    login: 'jean.michel@test.proconnect.gouv.fr',
    alg: 'RS256',
    userinfoJwt: true,
    auth: 'post',
    pkce: true,
    params: {
      scope: 'openid given_name usual_name email uid siret idp_id',
      claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['eidas1'] }, amr: { essential: true } } }),
      login_hint: 'jean.michel@test.proconnect.gouv.fr',
    },
    expectAcr: 'eidas1',
    expectUserinfo: {
      given_name: 'Jean', usual_name: 'Michel', email: 'jean.michel@test.proconnect.gouv.fr',
      uid: '1', siret: '21340126800130', idp_id: 'fia1',
    },
    expectAbsent: ['family_name'],
  },
  prosanteconnect: {
    login: '899700218896',
    alg: 'RS256',
    userinfoJwt: false,
    auth: 'basic',
    pkce: true,
    params: { scope: 'openid scope_all', acr_values: 'eidas1' },
    expectAcr: 'eidas1',
    expectUserinfo: {
      given_name: 'Paul', family_name: 'DOC', SubjectNameID: '899700218896', preferred_username: '899700218896',
    },
  },
};

async function startFederation(profile, extra = []) {
  const clientId = `client-${profile}`;
  const clientSecret = `secret-${profile}-0123456789abcdef`;
  const { child, info, stderr } = await startScript('federation.mjs', [
    '--profile', profile, '--port', '0', '--client-id', clientId, '--client-secret', clientSecret,
    '--redirect-uri', REDIRECT_URI, '--post-logout-redirect-uri', POST_LOGOUT_URI, ...extra,
  ]);
  const fed = { child, info, stderr, clientId, clientSecret, spec: PROFILES[profile], profile };
  fed.config = await discover(fed);
  return fed;
}

function discover(fed) {
  const auth = fed.spec.auth === 'basic' ? client.ClientSecretBasic(fed.clientSecret) : client.ClientSecretPost(fed.clientSecret);
  return client.discovery(new URL(fed.info.issuer), fed.clientId, undefined, auth, {
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
}

async function authorizationUrl(fed, extra = {}) {
  const checks = { state: client.randomState(), nonce: client.randomNonce() };
  const params = { redirect_uri: REDIRECT_URI, state: checks.state, nonce: checks.nonce, ...fed.spec.params, ...extra };
  if (fed.spec.pkce) {
    checks.codeVerifier = client.randomPKCECodeVerifier();
    params.code_challenge = await client.calculatePKCECodeChallenge(checks.codeVerifier);
    params.code_challenge_method = 'S256';
  }
  return { url: client.buildAuthorizationUrl(fed.config, params), checks };
}

async function exchange(fed, callbackUrl, checks) {
  const tokens = await client.authorizationCodeGrant(fed.config, new URL(callbackUrl), {
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    pkceCodeVerifier: checks.codeVerifier,
    idTokenExpected: true,
  });
  return tokens;
}

async function loginFlow(fed, browser, { expectForm = true, extra = {} } = {}) {
  const { url, checks } = await authorizationUrl(fed, extra);
  let res = await browser.follow(url, { stopAt: [REDIRECT_URI] });
  if (expectForm) {
    assert(!res.stoppedAt, `expected the login form, got a redirect to ${res.stoppedAt}`);
    eq(res.status, 200, 'interaction page status');
    const f = formOf(res.text);
    eq(f.method, 'post', 'login form method');
    res = await browser.follow(new URL(f.action, res.url), {
      method: 'POST', form: { login: fed.spec.login, password: 'x', action: 'login' }, stopAt: [REDIRECT_URI],
    });
  }
  assert(res.stoppedAt, `no redirect to the redirect_uri (status ${res.status}):\n${res.text}`);
  const tokens = await exchange(fed, res.stoppedAt, checks);
  return { tokens, checks, callback: res.stoppedAt };
}

async function jwks(fed) {
  const res = await fetch(fed.config.serverMetadata().jwks_uri);
  eq(res.status, 200, 'jwks status');
  return res.json();
}

// -------------------------------------------------------------- the tests

async function federationSuite(profile) {
  const fed = await startFederation(profile);
  const { spec } = fed;
  const meta = fed.config.serverMetadata();
  const browser = new Browser();
  let firstTokens;
  let afterRotation;

  await test(`${profile}: discovery (issuer with prefix, acr values, endpoints)`, async () => {
    eq(meta.issuer, fed.info.issuer, 'issuer');
    const prefix = profile === 'prosanteconnect' ? '/auth/realms/esante-wallet' : '/api/v2';
    eq(new URL(meta.issuer).pathname, prefix, 'issuer path');
    assert(meta.acr_values_supported.includes('eidas1'), 'eidas1 supported');
    eq(meta.response_types_supported, ['code'], 'response types');
    eq(meta.id_token_signing_alg_values_supported, [spec.alg], 'id token algs');
    if (profile === 'proconnect') eq(meta.claims_parameter_supported, true, 'claims parameter');
    const health = await fetch(new URL('/__test/health', meta.issuer));
    eq(health.status, 200, 'health status');
  });

  await test(`${profile}: login form (labels, buttons, login_hint), unknown login gets role=alert`, async () => {
    const { url } = await authorizationUrl(fed);
    const res = await browser.follow(url, { stopAt: [REDIRECT_URI] });
    eq(res.status, 200, 'status');
    assert(res.text.includes('<label for="login">Identifiant</label>'), 'login label');
    assert(res.text.includes('<label for="password">Mot de passe</label>'), 'password label');
    assert(/<h1>[^<]*\(test\)<\/h1>/.test(res.text), 'h1 brand');
    const f = formOf(res.text);
    const prefix = new URL(meta.issuer).pathname;
    assert(new RegExp(`^${prefix}/interaction/[^/]+/login$`).test(f.action), `form action ${f.action}`);
    eq(f.buttons.map((b) => `${b.name}=${b.value}`), ['action=login', 'action=deny'], 'buttons');
    eq(f.inputs.login, profile === 'proconnect' ? spec.login : '', 'login prefilled from login_hint');
    const bad = await browser.fetch(new URL(f.action, res.url), { method: 'POST', form: { login: 'nobody', password: 'x', action: 'login' } });
    eq(bad.status, 200, 'unknown login status');
    assert(bad.text.includes('role="alert"'), 'role=alert on unknown login');
  });

  await test(`${profile}: code flow, ID token ${spec.alg} verified, acr, userinfo claims`, async () => {
    const { tokens, callback } = await loginFlow(fed, browser);
    firstTokens = tokens;
    assert(new URL(callback).searchParams.get('iss') === meta.issuer, 'iss in the authorization response');
    const header = jose.decodeProtectedHeader(tokens.id_token);
    eq(header.alg, spec.alg, 'id token alg');
    assert(header.kid, 'id token kid');
    const claims = tokens.claims();
    eq(claims.acr, spec.expectAcr, 'acr');
    eq(typeof claims.auth_time, 'number', 'auth_time in the ID token');
    // amr only when asked for with the claims parameter (as on the real federations).
    eq(claims.amr, profile === 'proconnect' ? ['pwd'] : undefined, 'amr');
    const userinfo = await client.fetchUserInfo(fed.config, tokens.access_token, claims.sub);
    for (const [k, v] of Object.entries(spec.expectUserinfo)) eq(userinfo[k], v, `userinfo ${k}`);
    for (const k of spec.expectAbsent ?? []) assert(!(k in userinfo), `${k} absent`);
    if (profile === 'prosanteconnect') {
      eq(typeof userinfo.SubjectRefPro, 'object', 'SubjectRefPro is an object');
      eq(userinfo.SubjectRefPro.exercices[0].codeProfession, '10', 'SubjectRefPro codeProfession');
    }
  });

  if (profile === 'franceconnect') {
    await test('franceconnect: prompt=login consent shows the form despite the session, no consent page; acr = first supported asked', async () => {
      const { tokens } = await loginFlow(fed, browser, { extra: { prompt: 'login consent', acr_values: 'eidas9 eidas2 eidas1' } });
      eq(tokens.claims().acr, 'eidas2', 'acr');
    });
  }
  if (profile === 'proconnect') {
    await test('proconnect: acr from the claims parameter values; none supported gives eidas1', async () => {
      const asked = (values) => ({ claims: JSON.stringify({ id_token: { acr: { essential: true, values } } }) });
      let { tokens } = await loginFlow(fed, new Browser(), { extra: asked(['https://proconnect.gouv.fr/assurance/self-asserted-2fa', 'eidas1']) });
      eq(tokens.claims().acr, 'https://proconnect.gouv.fr/assurance/self-asserted-2fa', 'acr');
      ({ tokens } = await loginFlow(fed, new Browser(), { extra: { scope: 'openid idp_acr', claims: JSON.stringify({ id_token: { acr: { value: 'eidas2' } } }) } }));
      eq(tokens.claims().acr, 'eidas2', 'acr from value');
      const ui = await client.fetchUserInfo(fed.config, tokens.access_token, tokens.claims().sub);
      eq(ui.idp_acr, 'eidas2', 'idp_acr in userinfo = the session acr');
      ({ tokens } = await loginFlow(fed, new Browser(), { extra: { acr_values: 'eidas9' } }));
      eq(tokens.claims().acr, 'eidas1', 'default acr');
    });
  }

  await test(`${profile}: userinfo is ${spec.userinfoJwt ? `a JWT signed ${spec.alg}` : 'plain JSON'}`, async () => {
    const res = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${firstTokens.access_token}` } });
    eq(res.status, 200, 'status');
    const type = res.headers.get('content-type');
    const body = await res.text();
    if (spec.userinfoJwt) {
      assert(type.startsWith('application/jwt'), `content-type ${type}`);
      eq(jose.decodeProtectedHeader(body).alg, spec.alg, 'userinfo alg');
      const payload = jose.decodeJwt(body);
      eq(payload.iss, meta.issuer, 'userinfo iss');
      eq(payload.aud, fed.clientId, 'userinfo aud');
    } else {
      assert(type.startsWith('application/json'), `content-type ${type}`);
      JSON.parse(body);
    }
  });

  await test(`${profile}: key rotation gives a new kid, drops the old one, and the RP copes`, async () => {
    const before = await jwks(fed);
    eq(before.keys.length, 1, 'one key');
    const oldKid = before.keys[0].kid;
    const rotated = await fetch(new URL('/__test/rotate-keys', meta.issuer), { method: 'POST' });
    eq(rotated.status, 200, 'rotate status');
    const after = await jwks(fed);
    eq(after.keys.length, 1, 'one key after rotation');
    assert(after.keys[0].kid && after.keys[0].kid !== oldKid, `kid changed (${oldKid} -> ${after.keys[0].kid})`);
    eq(after.keys[0].kty, before.keys[0].kty, 'same key type');
    // Same session (SSO, no login form), new ID token signed with the new key.
    // openid-client (oauth4webapi) refetches a JWKS for an unknown kid only
    // when its cached copy is at least 60 s old: right after a rotation, an
    // RP that already has the JWKS rejects the new ID token...
    let stale;
    try {
      await loginFlow(fed, browser, { expectForm: false });
    } catch (err) {
      stale = err;
    }
    assert(/no applicable keys/.test(stale?.message), `stale JWKS cache rejects the new kid (${stale?.message})`);
    // ...and an RP that fetches the JWKS anew (here: discovers again) accepts it.
    fed.config = await discover(fed);
    const { tokens } = await loginFlow(fed, browser, { expectForm: false });
    eq(jose.decodeProtectedHeader(tokens.id_token).kid, after.keys[0].kid, 'new id token kid');
    // An access token issued before the rotation still works at userinfo.
    const ui = await client.fetchUserInfo(fed.config, firstTokens.access_token, tokens.claims().sub);
    eq(ui.sub, tokens.claims().sub, 'old access token still valid');
    afterRotation = tokens;
  });

  await test(`${profile}: "Refuser" returns error=access_denied to the redirect_uri`, async () => {
    const other = new Browser();
    const { url, checks } = await authorizationUrl(fed);
    const page = await other.follow(url, { stopAt: [REDIRECT_URI] });
    const f = formOf(page.text);
    const res = await other.follow(new URL(f.action, page.url), {
      method: 'POST', form: { login: '', password: '', action: 'deny' }, stopAt: [REDIRECT_URI],
    });
    assert(res.stoppedAt, 'redirected to redirect_uri');
    const q = new URL(res.stoppedAt).searchParams;
    eq(q.get('error'), 'access_denied', 'error');
    eq(q.get('state'), checks.state, 'state');
    let threw;
    try {
      await exchange(fed, res.stoppedAt, checks);
    } catch (err) {
      threw = err;
    }
    eq(threw?.error, 'access_denied', 'openid-client sees access_denied');
  });

  await test(`${profile}: end session with id_token_hint redirects to post_logout_redirect_uri with state, session gone`, async () => {
    const state = client.randomState();
    const url = client.buildEndSessionUrl(fed.config, {
      id_token_hint: afterRotation.id_token, post_logout_redirect_uri: POST_LOGOUT_URI, state,
    });
    const res = await browser.follow(url, { stopAt: [POST_LOGOUT_URI] });
    assert(res.stoppedAt, `redirected to the post logout uri (status ${res.status}):\n${res.text}`);
    eq(new URL(res.stoppedAt).searchParams.get('state'), state, 'state');
    eq(res.hops.length, 2, 'one single redirect (no confirmation page)');
    // The federation session is gone: a new authorization shows the form.
    const { url: again } = await authorizationUrl(fed);
    const page = await browser.follow(again, { stopAt: [REDIRECT_URI] });
    eq(page.status, 200, 'login form shown again');
    assert(page.text.includes('name="login"'), 'login form');
  });

  await test(`${profile}: end session without id_token_hint: confirmation form (xsrf + logout=yes) submitted by hand`, async () => {
    await loginFlow(fed, browser);
    const state = client.randomState();
    const url = client.buildEndSessionUrl(fed.config, { client_id: fed.clientId, post_logout_redirect_uri: POST_LOGOUT_URI, state });
    const page = await browser.follow(url, { stopAt: [POST_LOGOUT_URI] });
    eq(page.status, 200, 'confirmation page');
    const f = formOf(page.text, 'logout-form');
    assert(f.inputs.xsrf, 'xsrf hidden input');
    const yes = f.buttons.find((b) => b.name === 'logout');
    eq([yes?.value, yes?.label], ['yes', 'Se déconnecter'], 'logout button');
    const res = await confirmLogout(browser, f, page.url);
    assert(res.stoppedAt, `redirected (status ${res.status}):\n${res.text}`);
    eq(new URL(res.stoppedAt).searchParams.get('state'), state, 'state');
    // No session any more: the same form (oidc-provider's own page replaced).
    const again = await browser.follow(url, { stopAt: [POST_LOGOUT_URI] });
    eq(again.status, 200, 'form without a session');
    const g = formOf(again.text, 'logout-form');
    const done = await confirmLogout(browser, g, again.url);
    eq(new URL(done.stoppedAt).searchParams.get('state'), state, 'state without a session');
  });

  return fed;
}

/** Submits the logout confirmation form `f` ("Se déconnecter") found at `pageUrl`. */
function confirmLogout(browser, f, pageUrl) {
  return browser.follow(new URL(f.action, pageUrl), {
    method: 'POST', form: { xsrf: f.inputs.xsrf, logout: 'yes' }, stopAt: [POST_LOGOUT_URI],
  });
}

async function noKidSuite() {
  const fed = await startFederation('franceconnect', ['--no-kid', '--logout-confirm']);
  const browser = new Browser();
  let tokens;
  await test('franceconnect --no-kid: JWKS and ID token without kid, verified by openid-client', async () => {
    const set = await jwks(fed);
    eq(set.keys.length, 1, 'one key');
    assert(!('kid' in set.keys[0]), 'no kid in the JWKS');
    ({ tokens } = await loginFlow(fed, browser));
    const header = jose.decodeProtectedHeader(tokens.id_token);
    eq(header.alg, 'ES256', 'alg');
    assert(!('kid' in header), 'no kid in the ID token header');
    const res = await fetch(fed.config.serverMetadata().userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert(!('kid' in jose.decodeProtectedHeader(await res.text())), 'no kid in the userinfo JWT header');
    const ui = await client.fetchUserInfo(fed.config, tokens.access_token, tokens.claims().sub);
    eq(ui.family_name, 'DUBOIS', 'userinfo');
  });
  await test('franceconnect --no-kid: rotation changes the key (still without kid)', async () => {
    const before = await jwks(fed);
    await fetch(new URL('/__test/rotate-keys', fed.info.issuer), { method: 'POST' });
    const after = await jwks(fed);
    assert(!('kid' in after.keys[0]), 'no kid');
    assert(after.keys[0].x !== before.keys[0].x, 'key changed');
    // Without kid the RP cannot even tell the key changed: its cached key
    // fails the signature check until it fetches the JWKS again.
    let stale;
    try {
      await loginFlow(fed, browser, { expectForm: false });
    } catch (err) {
      stale = err;
    }
    assert(stale, 'stale JWKS cache rejects the new key');
    fed.config = await discover(fed);
    ({ tokens } = await loginFlow(fed, browser, { expectForm: false }));
  });
  await test('franceconnect --logout-confirm: confirmation page even with id_token_hint', async () => {
    const state = client.randomState();
    const url = client.buildEndSessionUrl(fed.config, {
      id_token_hint: tokens.id_token, post_logout_redirect_uri: POST_LOGOUT_URI, state,
    });
    const page = await browser.follow(url, { stopAt: [POST_LOGOUT_URI] });
    eq(page.status, 200, 'confirmation page');
    assert(!page.text.includes('<script'), 'no auto-submit script under --logout-confirm');
    const f = formOf(page.text, 'logout-form');
    const res = await confirmLogout(browser, f, page.url);
    eq(new URL(res.stoppedAt).searchParams.get('state'), state, 'state');
  });
  return fed;
}

async function demarcheSuite() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const clientId = 'demarche-exemple';
  const clientSecret = 'secret-demarche-0123456789abcdef';
  const fed = await startScript('federation.mjs', [
    '--profile', 'proconnect', '--client-id', clientId, '--client-secret', clientSecret,
    '--redirect-uri', `${base}/callback`, '--post-logout-redirect-uri', `${base}/`,
  ]);
  // The example démarche itself (its own node_modules: npm ci in examples/demarche).
  // The proconnect profile registers its client with client_secret_post.
  const dem = await startScript(DEMARCHE, [
    '--issuer', fed.info.issuer, '--client-id', clientId, '--client-secret', clientSecret, '--port', String(port),
    '--token-auth', 'client_secret_post', '--exit-with-stdin',
  ]);
  const browser = new Browser();
  const scope = encodeURIComponent('openid given_name usual_name email uid siret idp_id');

  await test('demarche: prints its URLs', async () => {
    eq(dem.info, { url: `${base}/`, redirect_uri: `${base}/callback`, post_logout_redirect_uri: `${base}/` }, 'line');
    const home = await browser.fetch(dem.info.url);
    eq(home.status, 200, 'status');
    assert(home.text.includes('<h1>Démarche d’exemple</h1>'), 'h1');
    assert(home.text.includes('<a href="/login">Se connecter</a>'), 'login link');
  });

  await test('demarche: logs in through the proconnect federation (PKCE, state, nonce, signed ID token)', async () => {
    const start = await browser.follow(`${base}/login?scope=${scope}&idp_hint=franceconnect&login_hint=jean.michel%40test.proconnect.gouv.fr`);
    eq(start.status, 200, 'login form');
    const authorize = new URL(start.hops[1]);
    eq(authorize.searchParams.get('idp_hint'), 'franceconnect', 'idp_hint passed through');
    eq(authorize.searchParams.get('code_challenge_method'), 'S256', 'PKCE');
    const f = formOf(start.text);
    eq(f.inputs.login, 'jean.michel@test.proconnect.gouv.fr', 'login_hint passed through');
    const res = await browser.follow(new URL(f.action, start.url), {
      method: 'POST', form: { login: f.inputs.login, password: 'x', action: 'login' },
    });
    eq(res.status, 200, `home after login (${res.hops.join(' -> ')})`);
    eq(res.url.href, `${base}/`, 'back home');
    eq(textOf(res.text, 'who'), 'Bonjour Jean Michel', '#who');
    const claims = JSON.parse(decodeHtml(textOf(res.text, 'claims')));
    eq(claims.acr, 'eidas1', 'acr in ID token claims');
    eq(claims.iss, fed.info.issuer, 'iss');
  });

  await test('demarche: logout goes through end_session and comes back logged out', async () => {
    const res = await browser.follow(`${base}/logout`);
    eq(res.status, 200, 'status');
    eq(new URL(res.url).origin + new URL(res.url).pathname, `${base}/`, 'back home');
    assert(res.text.includes('id="logged-out"'), `logged out notice:\n${res.text}`);
    assert(res.text.includes('<a href="/login">Se connecter</a>'), 'login link again');
  });

  await test('demarche: an error from the OP shows #error with status 400', async () => {
    const start = await browser.follow(`${base}/login?scope=${scope}`);
    const f = formOf(start.text);
    const res = await browser.follow(new URL(f.action, start.url), { method: 'POST', form: { action: 'deny' } });
    eq(res.status, 400, 'status');
    assert(/<p id="error">La connexion a été annulée/.test(res.text), `#error in French:\n${res.text}`);
    assert(res.text.includes('<code id="error-code">access_denied</code>'), `#error-code:\n${res.text}`);
    assert(!/·/.test(res.text), 'no point médian');
    const replay = await browser.fetch(`${base}/callback?code=nope&state=nope`);
    eq(replay.status, 400, 'callback without a pending login');
  });

  return [fed, dem];
}

// -------------------------------------------------------------------- main

const globalTimer = setTimeout(() => {
  console.log('selftest: global timeout (120 s)');
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}, 120000);

let started = [];
try {
  for (const profile of Object.keys(PROFILES)) started.push(await federationSuite(profile));
  started.push(await noKidSuite());
  started.push(...await demarcheSuite());

  await test('every child exits with 0 when its stdin closes', async () => {
    const codes = await Promise.all(started.map(async ({ child }) => {
      child.stdin.end();
      return exited(child, 5000);
    }));
    eq(codes, codes.map(() => 0), 'exit codes');
  });
} catch (err) {
  failed += 1;
  console.log(`not ok - setup\n  ${String(err?.stack ?? err).split('\n').join('\n  ')}`);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  clearTimeout(globalTimer);
}

if (failures.length) console.log(`failed: ${failures.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
