#!/usr/bin/env node
// A fake identity federation for the tests: a REAL OpenID provider
// (oidc-provider 9, mounted in express under a path prefix) configured to
// behave like FranceConnect, ProConnect or Pro Santé Connect.
//
//   node federation.mjs --profile franceconnect|proconnect|prosanteconnect
//     [--port 0] [--host 127.0.0.1] --client-id ID --client-secret SECRET
//     --redirect-uri URI [--redirect-uri URI2 ...]
//     [--post-logout-redirect-uri URI ...] [--path-prefix /api/v2]
//     [--no-kid] [--logout-confirm] [--keep-alive]
//     [--data-provider-id ID --data-provider-secret SECRET] [--access-token-ttl SECONDS]
//
// FranceConnect also knows data scopes (API FranceConnectées: dgfip_rfr,
// dgfip_nbpart) its client may ask, carried by its access token. With
// --data-provider-id/--data-provider-secret, a data provider (a resource
// server: no login, no grant) is registered too, and may check an access
// token at the introspection endpoint (RFC 7662, client_secret_basic or
// client_secret_post, `introspection_endpoint` in discovery).
//
// When it listens it prints ONE JSON line on stdout:
//   {"issuer":"http://127.0.0.1:PORT/api/v2","port":PORT}
// Everything else goes to stderr. It exits when its stdin closes (unless
// --keep-alive), on SIGTERM and on SIGINT. See README.md for the details.

// oidc-provider prints its notices with console.info (stdout): stdout is
// reserved for the one JSON line, so every console output goes to stderr.
for (const name of ['log', 'info', 'debug']) console[name] = (...args) => console.error(...args);

import { parseArgs } from 'node:util';
import { stopWith } from './stop.mjs';
import { randomBytes, createPrivateKey, createPublicKey, sign as cryptoSign } from 'node:crypto';
import express from 'express';
import * as jose from 'jose';
import Provider, { ExternalSigningKey } from 'oidc-provider';

// ---------------------------------------------------------------- profiles

const SUBJECT_REF_PRO = {
  codeCivilite: 'M',
  exercices: [{
    codeProfession: '10',
    codeCategorieProfessionnelle: 'C',
    codeCiviliteDexercice: 'DR',
    nomDexercice: 'DOC',
    prenomDexercice: 'PAUL',
    codeTypeSavoirFaire: 'S',
    codeSavoirFaire: 'SM54',
    activites: [{
      codeModeExercice: 'L',
      codeSecteurDActivite: 'SA07',
      codeSectionPharmacien: '',
      codeRole: '',
      numeroSiretSite: '',
      numeroSirenSite: '',
      numeroFinessSite: '',
      numeroFinessetablissementJuridique: '',
      identifiantTechniqueDeLaStructure: 'R10000001234567',
      raisonSocialeSite: 'CABINET M PAUL DOC',
      enseigneCommercialeSite: '',
      libelleVoie: 'RUE DE PARIS',
      codePostal: '75001',
      codeCommune: '75101',
      codePays: '99000',
      telephone: '',
      adresseEMail: '',
    }],
  }],
};

const PROFILES = {
  franceconnect: {
    brand: 'FranceConnect (test)',
    // API FranceConnectées: what a data provider serves to whom asked it.
    dataScopes: ['dgfip_rfr', 'dgfip_nbpart'],
    prefix: '/api/v2',
    alg: 'ES256',
    userinfoAlg: 'ES256',
    authMethod: 'client_secret_post',
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    routes: {
      authorization: '/authorize', token: '/token', userinfo: '/userinfo',
      end_session: '/session/end', jwks: '/jwks',
    },
    claims: {
      openid: ['sub', 'acr', 'auth_time'], // always in the ID token, as on the real federations
      profile: ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'preferred_username'],
      given_name: ['given_name'],
      family_name: ['family_name'],
      birthdate: ['birthdate'],
      gender: ['gender'],
      birthplace: ['birthplace'],
      birthcountry: ['birthcountry'],
      preferred_username: ['preferred_username'],
      email: ['email'],
      acr: null,
      amr: null,
      sid: null,
      auth_time: null,
    },
    accounts: {
      angela: {
        sub: 'b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1',
        given_name: 'Angela Claire Louise',
        family_name: 'DUBOIS',
        birthdate: '1962-08-24',
        gender: 'female',
        birthplace: '75107',
        birthcountry: '99100',
        email: 'angela@example.fr',
        preferred_username: '',
      },
    },
  },
  proconnect: {
    brand: 'ProConnect (test)',
    prefix: '/api/v2',
    alg: 'RS256',
    userinfoAlg: 'RS256',
    authMethod: 'client_secret_post',
    acrValues: ['eidas1', 'eidas1-mfa', 'eidas2', 'eidas3', 'https://proconnect.gouv.fr/assurance/self-asserted-2fa'],
    routes: {
      authorization: '/authorize', token: '/token', userinfo: '/userinfo',
      end_session: '/session/end', jwks: '/jwks',
    },
    claims: {
      openid: ['sub', 'acr', 'auth_time'], // always in the ID token, as on the real federations
      given_name: ['given_name'],
      usual_name: ['usual_name'],
      email: ['email'],
      uid: ['uid'],
      siret: ['siret'],
      idp_id: ['idp_id'],
      idp_acr: ['idp_acr'],
      organizational_unit: ['organizational_unit'],
      phone: ['phone'],
      belonging_population: ['belonging_population'],
      acr: null,
      amr: null,
      sid: null,
      auth_time: null,
    },
    accounts: {
      'jean.michel@test.proconnect.gouv.fr': {
        sub: '4f6a2c0e-8d3b-4a57-9c1e-2b7d5e9f0a31',
        given_name: 'Jean',
        usual_name: 'Michel',
        email: 'jean.michel@test.proconnect.gouv.fr',
        uid: '1',
        siret: '21340126800130',
        idp_id: 'fia1',
        organizational_unit: 'Direction du numérique',
        phone: '0123456789',
        belonging_population: 'agent',
      },
    },
  },
  prosanteconnect: {
    brand: 'Pro Santé Connect (test)',
    prefix: '/auth/realms/esante-wallet',
    alg: 'RS256',
    userinfoAlg: undefined, // plain JSON userinfo, like Keycloak's
    authMethod: 'client_secret_basic',
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      userinfo: '/protocol/openid-connect/userinfo',
      end_session: '/protocol/openid-connect/logout',
      jwks: '/protocol/openid-connect/certs',
    },
    claims: {
      openid: ['sub', 'acr', 'auth_time'], // always in the ID token, as on the real federations
      scope_all: ['SubjectRefPro', 'SubjectNameID', 'SubjectOrganization', 'given_name', 'family_name',
        'preferred_username', 'PSI_Locale', 'SubjectRole'],
      acr: null,
      amr: null,
      sid: null,
      auth_time: null,
    },
    accounts: {
      899700218896: {
        sub: 'f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:899700218896',
        given_name: 'Paul',
        family_name: 'DOC',
        preferred_username: '899700218896',
        SubjectNameID: '899700218896',
        SubjectOrganization: 'CABINET M PAUL DOC',
        SubjectRole: ['10^1.2.250.1.213.1.1.5.5'],
        PSI_Locale: '1.2.250.1.213.1.3.1.1',
        SubjectRefPro: SUBJECT_REF_PRO,
      },
    },
  },
};

// FranceConnect+: FranceConnect's profile at eidas2/eidas3, ES256 signed
// then encrypted for the client's keys (its jwks_uri: --client-jwks-uri),
// ID token and userinfo alike; its own sub for the same person.
PROFILES['franceconnect-plus'] = {
  ...PROFILES.franceconnect,
  brand: 'FranceConnect+ (test)',
  encrypted: true,
  acrValues: ['eidas2', 'eidas3'],
  defaultAcr: 'eidas3',
  accounts: {
    angela: {
      ...PROFILES.franceconnect.accounts.angela,
      sub: '5d1c2e8f0a7b4c3d9e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2dv1',
    },
  },
};

// --------------------------------------------------------------------- CLI

function usage(message) {
  if (message) console.error(`federation.mjs: ${message}`);
  console.error(`usage: node federation.mjs --profile franceconnect|proconnect|prosanteconnect
  --client-id ID --client-secret SECRET --redirect-uri URI [--redirect-uri URI ...]
  [--post-logout-redirect-uri URI ...] [--port 0] [--host 127.0.0.1] [--path-prefix /api/v2]
  [--no-kid] [--logout-confirm] [--keep-alive]
  [--data-provider-id ID --data-provider-secret SECRET] [--access-token-ttl SECONDS]
  franceconnect-plus: --client-jwks-uri URI [--encryption-alg RSA-OAEP] [--encryption-enc A256GCM]`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      profile: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'path-prefix': { type: 'string' },
      'no-kid': { type: 'boolean', default: false },
      'logout-confirm': { type: 'boolean', default: false },
      'keep-alive': { type: 'boolean', default: false },
      'client-jwks-uri': { type: 'string' },
      'encryption-alg': { type: 'string', default: 'RSA-OAEP' },
      'encryption-enc': { type: 'string', default: 'A256GCM' },
      'data-provider-id': { type: 'string' },
      'data-provider-secret': { type: 'string' },
      'access-token-ttl': { type: 'string', default: '600' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  usage(err.message);
}
if (args.help) usage();
const profileName = args.profile;
const profile = PROFILES[profileName];
if (!profile) usage(`unknown or missing --profile (${profileName})`);
if (!args['client-id'] || !args['client-secret']) usage('--client-id and --client-secret are required');
if (!args['redirect-uri']?.length) usage('at least one --redirect-uri is required');
if (profile.encrypted && !args['client-jwks-uri']) usage(`--client-jwks-uri is required for ${profileName}`);
if (Boolean(args['data-provider-id']) !== Boolean(args['data-provider-secret'])) {
  usage('--data-provider-id and --data-provider-secret go together');
}
const ACCESS_TOKEN_TTL = Number(args['access-token-ttl']);
if (!Number.isInteger(ACCESS_TOKEN_TTL) || ACCESS_TOKEN_TTL < 1) usage(`bad --access-token-ttl ${args['access-token-ttl']}`);
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port ${args.port}`);

let prefix = args['path-prefix'] ?? profile.prefix;
if (prefix && !prefix.startsWith('/')) prefix = `/${prefix}`;
prefix = prefix.replace(/\/+$/, '');
const NO_KID = args['no-kid'];
const LOGOUT_CONFIRM = args['logout-confirm'];

// ------------------------------------------------------------------ helpers

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function page(title, body, { script } = {}) {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} – ${esc(profile.brand)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#161616}
label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.4rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;margin-right:.5rem;padding:.5rem 1rem;font-size:1rem}
[role=alert]{color:#b00020;font-weight:bold}</style>
</head>
<body>
<main>
${body}
</main>${script ? `\n<script>${script}</script>` : ''}
</body>
</html>
`;
}

const ACCOUNTS = profile.accounts;

function findAccountByLogin(login) {
  return Object.hasOwn(ACCOUNTS, login) ? login : undefined;
}

function findAccountBySub(sub) {
  return Object.keys(ACCOUNTS).find((login) => ACCOUNTS[login].sub === sub);
}

// The accountId used by oidc-provider is the `sub`.
async function findAccount(ctx, sub, token) {
  const login = findAccountBySub(sub);
  if (!login) return undefined;
  const data = ACCOUNTS[login];
  return {
    accountId: sub,
    async claims() {
      const out = { ...structuredClone(data) };
      if (profileName === 'proconnect') {
        // ProConnect relays the acr of the identity provider behind it: here
        // the acr of the session (found from the access token at userinfo).
        let acr = token?.acr;
        if (!acr && token?.sessionUid) acr = (await ctx.oidc.provider.Session.findByUid(token.sessionUid))?.acr;
        if (!acr) {
          try { acr = ctx.oidc.session?.acr; } catch { /* no session on this route */ }
        }
        out.idp_acr = acr ?? 'eidas1';
      }
      return out;
    },
  };
}

// The acr to give: the first value the RP asked for (acr_values, then the
// claims parameter's id_token.acr.values / value) that the profile supports.
function chooseAcr(params) {
  const asked = [];
  if (typeof params.acr_values === 'string') asked.push(...params.acr_values.split(' ').filter(Boolean));
  if (typeof params.claims === 'string') {
    try {
      const acr = JSON.parse(params.claims)?.id_token?.acr;
      if (Array.isArray(acr?.values)) asked.push(...acr.values);
      if (typeof acr?.value === 'string') asked.push(acr.value);
    } catch { /* oidc-provider already rejects a bad claims parameter */ }
  }
  return asked.find((v) => profile.acrValues.includes(v)) ?? profile.defaultAcr ?? 'eidas1';
}

function requestedClaims(params) {
  const names = new Set();
  if (typeof params.claims === 'string') {
    try {
      const parsed = JSON.parse(params.claims);
      for (const where of ['id_token', 'userinfo']) {
        for (const name of Object.keys(parsed?.[where] ?? {})) names.add(name);
      }
    } catch { /* ignored */ }
  }
  return [...names];
}

// Consent is implicit (as on the real federations): the grant always holds
// every scope and claim asked for by the RP.
async function autoGrant(provider, { grant, accountId, clientId, scope, claims }) {
  let g = grant;
  if (!g || g.accountId !== accountId || g.clientId !== clientId) {
    g = new provider.Grant({ accountId, clientId });
  }
  if (scope) g.addOIDCScope(scope);
  if (claims?.length) g.addOIDCClaims(claims);
  await g.save();
  return g;
}

async function loadExistingGrant(ctx) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const supportedScopes = [...oidc.requestParamOIDCScopes];
  return autoGrant(oidc.provider, {
    grant: existing,
    accountId: oidc.session.accountId,
    clientId: oidc.client.clientId,
    scope: supportedScopes.join(' '),
    claims: [...oidc.requestParamClaims],
  });
}

// ------------------------------------------------------------ the storage

// oidc-provider's own memory adapter keeps one store per Provider instance;
// key rotation builds a new instance, so every instance shares this store
// (sessions, interactions, grants, codes and tokens survive a rotation).
const STORE = new Map(); // key -> { payload, expiresAt }
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

function storeGet(key) {
  const entry = STORE.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
    STORE.delete(key);
    return undefined;
  }
  return entry.value;
}

function storeSet(key, value, expiresIn) {
  STORE.set(key, { value, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined });
}

class SharedMemoryAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) { return `${this.model}:${id}`; }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    if (this.model === 'Session') storeSet(`sessionUid:${payload.uid}`, id, expiresIn);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      const grantKey = `grant:${payload.grantId}`;
      const members = storeGet(grantKey) ?? new Set();
      members.add(key);
      storeSet(grantKey, members);
    }
    if (payload.userCode) storeSet(`userCode:${payload.userCode}`, id, expiresIn);
    storeSet(key, payload, expiresIn);
  }

  async find(id) { return storeGet(this.key(id)); }

  async findByUid(uid) {
    const id = storeGet(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = storeGet(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = storeGet(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { STORE.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    const grantKey = `grant:${grantId}`;
    for (const key of storeGet(grantKey) ?? []) STORE.delete(key);
    STORE.delete(grantKey);
  }
}

// ---------------------------------------------------------------- the keys

const cookieKeys = [randomBytes(32).toString('base64url')];

// An ExternalSigningKey whose `kid` can be hidden once oidc-provider has
// registered it (it insists on a kid at registration): used by --no-kid.
class KidlessKey extends ExternalSigningKey {
  #private;

  #public;

  #hidden = false;

  #kid;

  constructor(privateJwk, alg) {
    super();
    this.#private = createPrivateKey({ key: privateJwk, format: 'jwk' });
    this.#public = createPublicKey(this.#private);
    this.alg = alg;
  }

  get kid() { return this.#hidden ? undefined : this.#kid; }

  set kid(value) { this.#kid = value; }

  hideKid() { this.#hidden = true; }

  keyObject() { return this.#public; }

  async sign(data) {
    if (this.alg.startsWith('ES')) {
      return cryptoSign('sha256', data, { key: this.#private, dsaEncoding: 'ieee-p1363' });
    }
    return cryptoSign('sha256', data, this.#private);
  }
}

let keyCounter = 0;
async function generateKeys() {
  const { privateKey, publicKey } = await jose.generateKeyPair(profile.alg, { extractable: true });
  const privateJwk = await jose.exportJWK(privateKey);
  const publicJwk = await jose.exportJWK(publicKey);
  keyCounter += 1;
  const kid = `${profileName}-${keyCounter}-${randomBytes(6).toString('hex')}`;
  if (NO_KID) {
    return {
      providerJwks: { keys: [new KidlessKey(privateJwk, profile.alg)] },
      publicJwks: { keys: [{ ...publicJwk, alg: profile.alg, use: 'sig' }] },
      kid: undefined,
    };
  }
  return {
    providerJwks: { keys: [{ ...privateJwk, kid, alg: profile.alg, use: 'sig' }] },
    publicJwks: { keys: [{ ...publicJwk, kid, alg: profile.alg, use: 'sig' }] },
    kid,
  };
}

// ------------------------------------------------------------- the provider

function clientMetadata() {
  const meta = {
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    client_name: `Client de test ${args['client-id']}`,
    redirect_uris: args['redirect-uri'],
    post_logout_redirect_uris: args['post-logout-redirect-uri'] ?? [],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: profile.authMethod,
    id_token_signed_response_alg: profile.alg,
  };
  if (profile.userinfoAlg) meta.userinfo_signed_response_alg = profile.userinfoAlg;
  if (profile.encrypted) {
    // The RP's encryption keys are read from its jwks_uri when a token is made.
    meta.jwks_uri = args['client-jwks-uri'];
    meta.id_token_encrypted_response_alg = args['encryption-alg'];
    meta.id_token_encrypted_response_enc = args['encryption-enc'];
    meta.userinfo_encrypted_response_alg = args['encryption-alg'];
    meta.userinfo_encrypted_response_enc = args['encryption-enc'];
  }
  return meta;
}

// A data provider: a resource server that only introspects tokens.
function dataProviderMetadata() {
  return {
    client_id: args['data-provider-id'],
    client_secret: args['data-provider-secret'],
    client_name: 'Fournisseur de données de test',
    redirect_uris: [],
    response_types: [],
    grant_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: profile.alg, // the only one enabled
  };
}

function renderLogout(ctx, form) {
  // oidc-provider hands us `<form id="op.logoutForm" method="post"
  // action="..."><input type="hidden" name="xsrf" value="..."/></form>`;
  // render our own form with the same action and xsrf, buttons inside it.
  const action = /action="([^"]*)"/.exec(form)?.[1] ?? '';
  const xsrf = /name="xsrf" value="([^"]*)"/.exec(form)?.[1] ?? '';
  ctx.type = 'html';
  ctx.body = page('Déconnexion', `<h1>${esc(profile.brand)}</h1>
<p>Voulez-vous vous déconnecter de ${esc(profile.brand)} ?</p>
<form id="logout-form" method="post" action="${action}">
<input type="hidden" name="xsrf" value="${xsrf}">
<button type="submit" id="logout-yes" name="logout" value="yes">Se déconnecter</button>
<button type="submit" id="logout-no">Rester connecté</button>
</form>`, {
    // Without --logout-confirm a browser goes through at once.
    script: LOGOUT_CONFIRM ? undefined
      : "document.getElementById('logout-form').requestSubmit(document.getElementById('logout-yes'));",
  });
}

function renderPostLogout(ctx) {
  ctx.type = 'html';
  ctx.body = page('Déconnecté', `<h1>${esc(profile.brand)}</h1>
<p id="logged-out">Vous êtes déconnecté.</p>`);
}

function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = page('Erreur', `<h1>${esc(profile.brand)}</h1>
<p role="alert" id="error">${esc(out.error)}: ${esc(out.error_description)}</p>`);
}

// With a valid id_token_hint (and no --logout-confirm), skip the logout
// confirmation as the real federations do: end the session here and answer
// 303 to the post_logout_redirect_uri (with state).
async function skipLogoutConfirmation(ctx, next) {
  await next();
  const { oidc } = ctx;
  if (oidc?.route !== 'end_session' || ctx.status !== 200) return;
  const { session } = oidc;
  if (LOGOUT_CONFIRM || !oidc.entities.IdTokenHint || !oidc.client) {
    if (!session.accountId && session.state?.secret) {
      // No session: oidc-provider answers with its own English auto-submit
      // page (form_post with xsrf + logout=yes); render ours instead, so the
      // logout form always looks the same.
      const action = oidc.urlFor('end_session_confirm');
      renderLogout(ctx, `<form method="post" action="${action}"><input type="hidden" name="xsrf" value="${session.state.secret}"/></form>`);
    }
    return;
  }
  const state = session.state ?? {};
  const { provider } = oidc;
  if (session.accountId) {
    for (const { grantId } of Object.values(session.authorizations ?? {})) {
      if (!grantId) continue;
      await Promise.all([
        provider.AccessToken.revokeByGrantId(grantId),
        provider.AuthorizationCode.revokeByGrantId(grantId),
        provider.Grant.adapter.destroy(grantId),
      ]);
    }
  }
  await session.destroy();
  oidc.cookies.set(provider.cookieName('session'), null, { ...current.cookiesLong, overwrite: true });
  let target;
  if (state.postLogoutRedirectUri) {
    const url = new URL(state.postLogoutRedirectUri);
    if (state.state != null) url.searchParams.set('state', state.state);
    target = url.href;
  } else {
    target = oidc.urlFor('end_session_success');
  }
  provider.emit('end_session.success', ctx);
  ctx.status = 303;
  ctx.redirect(target);
}

let listeningPort;
let current; // { provider, handler, keys, cookiesLong }

async function buildProvider() {
  const keys = await generateKeys();
  const issuer = `http://${args.host}:${listeningPort}${prefix}`;
  const cookieBase = `${{ prosanteconnect: 'psc', proconnect: 'pc', 'franceconnect-plus': 'fcp' }[profileName] ?? 'fc'}_${listeningPort}`;
  const cookiesLong = { httpOnly: true, sameSite: 'lax', secure: false, path: '/' };
  const cookiesShort = { httpOnly: true, sameSite: 'lax', secure: false };
  const provider = new Provider(issuer, {
    adapter: SharedMemoryAdapter,
    clients: [clientMetadata(), ...(args['data-provider-id'] ? [dataProviderMetadata()] : [])],
    jwks: keys.providerJwks,
    findAccount,
    claims: structuredClone(profile.claims),
    scopes: ['openid', ...(profile.dataScopes ?? [])],
    acrValues: profile.acrValues,
    responseTypes: ['code'],
    subjectTypes: ['public'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    pkce: { required: () => false },
    routes: profile.routes,
    interactions: { url: (ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
    loadExistingGrant,
    conformIdTokenClaims: true,
    // The client's jwks_uri is the portal on 127.0.0.1, which oidc-provider's
    // SSRF guard refuses (special-use address): drop the guard, test only.
    fetch: (url, options) => {
      delete options.dispatcher;
      return fetch(url, options);
    },
    // Plain http on loopback: cookies must not be `secure`; names carry the
    // port because browsers share cookies between ports of one host.
    cookies: {
      names: {
        session: `${cookieBase}_session`,
        interaction: `${cookieBase}_interaction`,
        resume: `${cookieBase}_resume`,
      },
      long: cookiesLong,
      short: cookiesShort,
      keys: cookieKeys,
    },
    ttl: {
      AuthorizationCode: 60,
      IdToken: 60,
      AccessToken: ACCESS_TOKEN_TTL,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: Boolean(profile.userinfoAlg) },
      encryption: { enabled: Boolean(profile.encrypted) },
      revocation: { enabled: false },
      // A data provider checks the tokens it is shown; only a registered
      // confidential client may ask (the portal, the data provider).
      introspection: {
        enabled: true,
        allowedPolicy: async (ctx, client) => client.clientAuthMethod !== 'none',
      },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource: renderLogout, postLogoutSuccessSource: renderPostLogout },
      ...(NO_KID ? { externalSigningSupport: { enabled: true, ack: 'experimental-01' } } : {}),
    },
    renderError,
  });
  if (NO_KID) for (const key of keys.providerJwks.keys) key.hideKid();
  provider.use(skipLogoutConfirmation);
  provider.on('server_error', (ctx, err) => console.error('federation: server_error', err));
  for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'end_session.error', 'jwks.error',
    'discovery.error', 'check_session.error', 'introspection.error']) {
    provider.on(event, (ctx, err) => console.error(`federation: ${event}: ${err.message}${err.error_description ? ` (${err.error_description})` : ''}`));
  }
  return { provider, handler: provider.callback(), keys, cookiesLong };
}

// ------------------------------------------------------------- interaction

const app = express();
app.disable('x-powered-by');
app.set('trust proxy', false);
const form = express.urlencoded({ extended: false });

function loginPage(uid, { login = '', error } = {}) {
  return page('Connexion', `<h1>${esc(profile.brand)}</h1>
${error ? `<p role="alert" id="error">${esc(error)}</p>\n` : ''}<form method="post" action="${prefix}/interaction/${esc(uid)}/login">
<label for="login">Identifiant</label>
<input id="login" name="login" value="${esc(login)}" autocomplete="username">
<label for="password">Mot de passe</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit" name="action" value="login">Se connecter</button>
<button type="submit" name="action" value="deny">Refuser</button>
</form>
<p>Comptes de test (tout mot de passe convient) : ${Object.keys(ACCOUNTS).map((a) => `<code>${esc(a)}</code>`).join(', ')}</p>`);
}

function sendHtml(res, status, html) {
  res.status(status).set('Content-Type', 'text/html; charset=utf-8').set('Cache-Control', 'no-store').send(html);
}

async function interactionOr400(req, res) {
  try {
    const details = await current.provider.interactionDetails(req, res);
    if (details.uid !== req.params.uid) throw new Error('interaction mismatch');
    return details;
  } catch (err) {
    sendHtml(res, 400, page('Erreur', `<h1>${esc(profile.brand)}</h1>
<p role="alert" id="error">invalid_request: ${esc(err.error_description ?? err.message)}</p>`));
    return undefined;
  }
}

app.get(`${prefix}/interaction/:uid`, async (req, res, next) => {
  try {
    const details = await interactionOr400(req, res);
    if (!details) return;
    if (details.prompt.name === 'login') {
      sendHtml(res, 200, loginPage(details.uid, { login: details.params.login_hint ?? '' }));
      return;
    }
    // consent (e.g. prompt=consent): implicit, go straight back.
    const grant = await autoGrant(current.provider, {
      grant: details.grantId ? await current.provider.Grant.find(details.grantId) : undefined,
      accountId: details.session.accountId,
      clientId: details.params.client_id,
      scope: details.params.scope,
      claims: requestedClaims(details.params),
    });
    await current.provider.interactionFinished(req, res, { consent: { grantId: grant.jti } }, { mergeWithLastSubmission: true });
  } catch (err) {
    next(err);
  }
});

app.post(`${prefix}/interaction/:uid/login`, form, async (req, res, next) => {
  try {
    const details = await interactionOr400(req, res);
    if (!details) return;
    const action = req.body?.action ?? 'login';
    if (action === 'deny') {
      await current.provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: "L'usager a refusé la connexion",
      }, { mergeWithLastSubmission: false });
      return;
    }
    const login = String(req.body?.login ?? '').trim();
    const accountLogin = findAccountByLogin(login);
    if (!accountLogin) {
      sendHtml(res, 200, loginPage(details.uid, { login, error: `Identifiant inconnu : « ${login} ».` }));
      return;
    }
    const accountId = ACCOUNTS[accountLogin].sub;
    const grant = await autoGrant(current.provider, {
      // Same account logging in again (prompt=login): keep its grant, so the
      // tokens already issued to the client stay valid.
      grant: details.grantId ? await current.provider.Grant.find(details.grantId) : undefined,
      accountId,
      clientId: details.params.client_id,
      scope: details.params.scope,
      claims: requestedClaims(details.params),
    });
    await current.provider.interactionFinished(req, res, {
      login: { accountId, acr: chooseAcr(details.params), amr: ['pwd'], remember: true },
      consent: { grantId: grant.jti },
    }, { mergeWithLastSubmission: false });
  } catch (err) {
    next(err);
  }
});

// ------------------------------------------------------ test-only endpoints

app.get('/__test/health', (req, res) => {
  res.json({ status: 'ok', profile: profileName, issuer: current.provider.issuer, kid: current.keys.kid ?? null });
});

app.post('/__test/rotate-keys', async (req, res, next) => {
  try {
    const before = current.keys.kid ?? null;
    // A new Provider with fresh keys; sessions, grants and tokens live in
    // oidc-provider's process-wide memory adapter, and the cookie keys are
    // the same, so logged-in sessions and issued tokens survive.
    current = await buildProvider();
    console.error(`federation: keys rotated (${before} -> ${current.keys.kid ?? null})`);
    res.json({ previous_kid: before, kid: current.keys.kid ?? null, jwks: current.keys.publicJwks });
  } catch (err) {
    next(err);
  }
});

// The JWKS: always served from the public keys we made (same as what
// oidc-provider would serve, but without `kid` under --no-kid).
app.get(`${prefix}${profile.routes.jwks}`, (req, res) => {
  res.set('Content-Type', 'application/jwk-set+json; charset=utf-8').set('Cache-Control', 'no-store')
    .send(JSON.stringify(current.keys.publicJwks));
});

// Pro Santé Connect publishes its discovery document under its own name,
// `{issuer}/.well-known/wallet-openid-configuration` (Keycloak's standard
// path answers too, as on a plain Keycloak realm).
if (profileName === 'prosanteconnect') {
  app.get(`${prefix}/.well-known/wallet-openid-configuration`, (req, res) => {
    // As if mounted under the prefix: oidc-provider derives its mount
    // path (hence every endpoint URL) from originalUrl minus url.
    req.originalUrl = `${prefix}/.well-known/openid-configuration`;
    req.url = '/.well-known/openid-configuration';
    current.handler(req, res);
  });
}

app.use(prefix || '/', (req, res) => current.handler(req, res));

app.use((err, req, res, next) => {
  console.error('federation: error', err);
  if (res.headersSent) return next(err);
  sendHtml(res, 500, page('Erreur', `<h1>${esc(profile.brand)}</h1><p role="alert" id="error">server_error: ${esc(err.message)}</p>`));
});

// ---------------------------------------------------------------- lifecycle

const server = app.listen(port, args.host);
server.on('error', (err) => {
  console.error(`federation: cannot listen: ${err.message}`);
  process.exit(1);
});
server.on('listening', async () => {
  listeningPort = server.address().port;
  try {
    current = await buildProvider();
  } catch (err) {
    console.error('federation: cannot build the provider', err);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ issuer: current.provider.issuer, port: listeningPort })}\n`);
  console.error(`federation: ${profileName} listening, issuer ${current.provider.issuer}, client ${args['client-id']}`
    + `${NO_KID ? ', JWKS without kid' : ''}${LOGOUT_CONFIRM ? ', logout confirmation page' : ''}`);
});

stopWith(server, 'federation', args['keep-alive']);
