#!/usr/bin/env node
// A tiny "démarche" (a client application of the portal) for the tests:
// openid-client 6 + express, authorization code flow with PKCE S256, state
// and nonce, signed ID token checked against the OP's JWKS.
//
//   node demarche.mjs --issuer URL --client-id ID --client-secret SECRET
//     [--port 0] [--host 127.0.0.1] [--scope "openid profile email"]
//     [--token-auth client_secret_post|client_secret_basic] [--keep-alive]
//
// When it listens it prints ONE JSON line on stdout:
//   {"url":"http://127.0.0.1:PORT/","redirect_uri":"http://127.0.0.1:PORT/callback",
//    "post_logout_redirect_uri":"http://127.0.0.1:PORT/"}
// Everything else goes to stderr. It exits when its stdin closes (unless
// --keep-alive), on SIGTERM and on SIGINT. See README.md.

for (const name of ['log', 'info', 'debug']) console[name] = (...args) => console.error(...args);

import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import express from 'express';
import * as client from 'openid-client';

function usage(message) {
  if (message) console.error(`demarche.mjs: ${message}`);
  console.error(`usage: node demarche.mjs --issuer URL --client-id ID --client-secret SECRET
  [--port 0] [--host 127.0.0.1] [--scope "openid profile email"]
  [--token-auth client_secret_post|client_secret_basic] [--keep-alive]`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      scope: { type: 'string', default: 'openid profile email' },
      'token-auth': { type: 'string' },
      'keep-alive': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  usage(err.message);
}
if (args.help) usage();
if (!args.issuer || !args['client-id'] || !args['client-secret']) usage('--issuer, --client-id and --client-secret are required');
if (args['token-auth'] && !['client_secret_post', 'client_secret_basic'].includes(args['token-auth'])) {
  usage(`bad --token-auth ${args['token-auth']}`);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port ${args.port}`);

let base; // http://127.0.0.1:PORT
let cookieName;

// ------------------------------------------------------------ the OP config

let configPromise;

async function discover() {
  const secret = args['client-secret'];
  let config = await client.discovery(new URL(args.issuer), args['client-id'], secret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  const meta = config.serverMetadata();
  const supported = meta.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  const method = args['token-auth']
    ?? (supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic');
  if (method === 'client_secret_basic') {
    config = new client.Configuration(meta, args['client-id'], secret, client.ClientSecretBasic(secret));
    client.allowInsecureRequests(config);
  }
  // ID token (and signed userinfo) signatures are checked with the JWKS.
  client.enableNonRepudiationChecks(config);
  console.error(`demarche: discovered ${meta.issuer} (token endpoint auth ${method})`);
  return config;
}

function getConfig() {
  configPromise ??= discover().catch((err) => {
    configPromise = undefined; // try again on the next request
    throw err;
  });
  return configPromise;
}

// ---------------------------------------------------------------- sessions

const sessions = new Map();

function session(req, res) {
  const raw = req.headers.cookie ?? '';
  const sid = raw.split(/;\s*/).map((c) => c.split('=')).find(([k]) => k === cookieName)?.[1];
  if (sid && sessions.has(sid)) return sessions.get(sid);
  const id = randomBytes(18).toString('base64url');
  const s = { id };
  sessions.set(id, s);
  res.append('Set-Cookie', `${cookieName}=${id}; Path=/; HttpOnly; SameSite=Lax`);
  return s;
}

// -------------------------------------------------------------------- pages

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function page(body) {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Démarche d'exemple</title>
</head>
<body>
<main>
<h1>Démarche d'exemple</h1>
${body}
</main>
</body>
</html>
`;
}

function send(res, status, body) {
  res.status(status).set('Content-Type', 'text/html; charset=utf-8').set('Cache-Control', 'no-store').send(page(body));
}

function sendError(res, error, description) {
  send(res, 400, `<p id="error">${esc(error)}: ${esc(description)}</p>
<p><a href="/">Retour à l'accueil</a></p>`);
}

function describe(err) {
  if (err?.error) return [err.error, err.error_description ?? err.message];
  if (err?.cause?.error) return [err.cause.error, err.cause.error_description ?? err.message];
  return [err?.code ?? err?.name ?? 'error', err?.message ?? String(err)];
}

const app = express();
app.disable('x-powered-by');

app.get('/', (req, res) => {
  const s = session(req, res);
  if (s.claims) {
    const who = [s.claims.given_name, s.claims.family_name ?? s.claims.usual_name].filter(Boolean).join(' ');
    send(res, 200, `<p id="who">Bonjour ${esc(who)}</p>
<p id="idp">${esc(s.claims.idp)}</p>
<pre id="claims">${esc(JSON.stringify(s.idTokenClaims, null, 2))}</pre>
<pre id="userinfo">${esc(JSON.stringify(s.userinfo, null, 2))}</pre>
<p><a href="/logout">Se déconnecter</a></p>`);
    return;
  }
  let notice = '';
  if (s.logoutState && req.query.state !== undefined) {
    notice = req.query.state === s.logoutState
      ? '<p id="logged-out">Vous êtes déconnecté.</p>\n'
      : '<p id="error">invalid_state: état de déconnexion inattendu</p>\n';
    s.logoutState = undefined;
  }
  send(res, 200, `${notice}<p><a href="/login">Se connecter</a></p>`);
});

app.get('/login', async (req, res) => {
  const s = session(req, res);
  try {
    const config = await getConfig();
    const codeVerifier = client.randomPKCECodeVerifier();
    s.pending = {
      codeVerifier,
      state: client.randomState(),
      nonce: client.randomNonce(),
    };
    const params = {
      redirect_uri: `${base}/callback`,
      scope: args.scope,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: s.pending.state,
      nonce: s.pending.nonce,
    };
    // idp_hint, acr_values, login_hint, claims, prompt, scope... pass through.
    for (const [k, v] of Object.entries(req.query)) {
      if (typeof v === 'string' && !['state', 'nonce', 'code_challenge', 'code_challenge_method', 'redirect_uri'].includes(k)) params[k] = v;
    }
    res.redirect(303, client.buildAuthorizationUrl(config, params).href);
  } catch (err) {
    console.error('demarche: /login failed', err);
    sendError(res, ...describe(err));
  }
});

app.get('/callback', async (req, res) => {
  const s = session(req, res);
  const pending = s.pending;
  s.pending = undefined;
  try {
    if (typeof req.query.error === 'string') {
      sendError(res, req.query.error, req.query.error_description ?? '');
      return;
    }
    if (!pending) {
      sendError(res, 'invalid_request', 'aucune connexion en cours');
      return;
    }
    const config = await getConfig();
    const tokens = await client.authorizationCodeGrant(config, new URL(req.originalUrl, base), {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idTokenClaims = tokens.claims();
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, idTokenClaims.sub);
    s.idToken = tokens.id_token;
    s.idTokenClaims = idTokenClaims;
    s.userinfo = userinfo;
    s.claims = { ...idTokenClaims, ...userinfo };
    res.redirect(303, '/');
  } catch (err) {
    console.error('demarche: /callback failed', err);
    sendError(res, ...describe(err));
  }
});

app.get('/logout', async (req, res) => {
  const s = session(req, res);
  try {
    if (!s.idToken) {
      res.redirect(303, '/');
      return;
    }
    const config = await getConfig();
    const state = client.randomState();
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: s.idToken,
      post_logout_redirect_uri: `${base}/`,
      state,
    });
    s.claims = undefined;
    s.idToken = undefined;
    s.idTokenClaims = undefined;
    s.userinfo = undefined;
    s.logoutState = state;
    res.redirect(303, url.href);
  } catch (err) {
    console.error('demarche: /logout failed', err);
    sendError(res, ...describe(err));
  }
});

app.use((req, res) => send(res, 404, '<p id="error">not_found: page introuvable</p>'));
app.use((err, req, res, next) => {
  console.error('demarche: error', err);
  if (res.headersSent) return next(err);
  return sendError(res, ...describe(err));
});

// ---------------------------------------------------------------- lifecycle

const server = app.listen(port, args.host);
server.on('error', (err) => {
  console.error(`demarche: cannot listen: ${err.message}`);
  process.exit(1);
});
server.on('listening', () => {
  const actual = server.address().port;
  base = `http://${args.host}:${actual}`;
  cookieName = `demarche_${actual}_sid`;
  process.stdout.write(`${JSON.stringify({
    url: `${base}/`,
    redirect_uri: `${base}/callback`,
    post_logout_redirect_uri: `${base}/`,
  })}\n`);
  console.error(`demarche: listening on ${base}/ for issuer ${args.issuer}`);
  getConfig().catch((err) => console.error(`demarche: discovery failed for now (${err.message}), will retry`));
});

function shutdown(why) {
  console.error(`demarche: stopping (${why})`);
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
if (!args['keep-alive']) {
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}
