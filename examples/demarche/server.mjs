#!/usr/bin/env node
// Démarche d'exemple : une application qui connecte les gens à travers le
// portail Aiguillage, fournisseur OpenID Connect standard. Aucun code propre
// au portail : openid-client (flux « authorization code » avec PKCE S256,
// state et nonce, signature de l'ID token vérifiée avec le JWKS du portail).
// Voir README.md.
//
// Configuration (variables d'environnement ou options, les options l'emportent) :
//   AIGUILLAGE_ISSUER  --issuer URL          l'émetteur du portail, ex. https://aiguillage.example.gouv.fr
//   CLIENT_ID          --client-id ID        le client_id inscrit sur le portail
//   CLIENT_SECRET      --client-secret S     son secret
//   PORT               --port N              port d'écoute (4000 ; 0 = un port libre)
//   HOST               --host H              adresse d'écoute (127.0.0.1)
//   PUBLIC_URL         --public-url URL      l'URL publique de la démarche (http://HOST:PORT)
//   SCOPE              --scope S             "openid profile email"
//   TOKEN_AUTH         --token-auth M        client_secret_basic (défaut) ou client_secret_post
//   ID_TOKEN_ALG       --id-token-alg A      RS256 (défaut) ou ES256 : la signature des ID tokens,
//                                            comme inscrite sur le portail (id_token_signed_response_alg)
//                      --exit-with-stdin     s'arrêter quand l'entrée standard se ferme (tests)
//
// Au démarrage, une seule ligne JSON sur la sortie standard, les URL à
// inscrire sur le portail :
//   {"url":"http://127.0.0.1:4000/","redirect_uri":"http://127.0.0.1:4000/callback",
//    "post_logout_redirect_uri":"http://127.0.0.1:4000/"}
// Tout le reste (journal) va sur la sortie d'erreur.

for (const name of ['log', 'info', 'debug']) console[name] = (...args) => console.error(...args);

import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import express from 'express';
import * as client from 'openid-client';

// ------------------------------------------------------------ configuration

function usage(message) {
  if (message) console.error(`server.mjs: ${message}`);
  console.error(`usage: node server.mjs --issuer URL --client-id ID --client-secret SECRET
  [--port 4000] [--host 127.0.0.1] [--public-url URL] [--scope "openid profile email"]
  [--token-auth client_secret_basic|client_secret_post] [--id-token-alg RS256|ES256]
  [--exit-with-stdin]
(ou les variables AIGUILLAGE_ISSUER, CLIENT_ID, CLIENT_SECRET, PORT, HOST,
PUBLIC_URL, SCOPE, TOKEN_AUTH, ID_TOKEN_ALG)`);
  process.exit(2);
}

let cli;
try {
  ({ values: cli } = parseArgs({
    options: {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      scope: { type: 'string' },
      'token-auth': { type: 'string' },
      'id-token-alg': { type: 'string' },
      'exit-with-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  usage(err.message);
}
if (cli.help) usage();

const env = process.env;
const config = {
  issuer: cli.issuer ?? env.AIGUILLAGE_ISSUER,
  clientId: cli['client-id'] ?? env.CLIENT_ID,
  clientSecret: cli['client-secret'] ?? env.CLIENT_SECRET,
  port: Number(cli.port ?? env.PORT ?? 4000),
  host: cli.host ?? env.HOST ?? '127.0.0.1',
  publicUrl: (cli['public-url'] ?? env.PUBLIC_URL)?.replace(/\/+$/, ''),
  scope: cli.scope ?? env.SCOPE ?? 'openid profile email',
  tokenAuth: cli['token-auth'] ?? env.TOKEN_AUTH ?? 'client_secret_basic',
  idTokenAlg: cli['id-token-alg'] ?? env.ID_TOKEN_ALG ?? 'RS256',
};
if (!config.issuer || !config.clientId || !config.clientSecret) {
  usage('AIGUILLAGE_ISSUER (--issuer), CLIENT_ID (--client-id) et CLIENT_SECRET (--client-secret) sont requis');
}
if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) usage(`port invalide : ${config.port}`);
if (!['client_secret_basic', 'client_secret_post'].includes(config.tokenAuth)) usage(`--token-auth invalide : ${config.tokenAuth}`);
if (!['RS256', 'ES256'].includes(config.idTokenAlg)) usage(`--id-token-alg invalide : ${config.idTokenAlg}`);

let base; // l'URL publique de la démarche, sans / final ; connue une fois le port ouvert
let cookieName;
let secureCookie;

// ------------------------------------------------- le portail (OpenID Connect)

// Découverte : /.well-known/openid-configuration du portail. Tentée au
// démarrage, puis à chaque connexion tant qu'elle échoue : la démarche peut
// démarrer avant le portail.
let oidcPromise;

async function discover() {
  const issuer = new URL(config.issuer);
  const auth = config.tokenAuth === 'client_secret_post'
    ? client.ClientSecretPost(config.clientSecret)
    : client.ClientSecretBasic(config.clientSecret);
  // http n'est admis que pour essayer en local ; en production : https.
  const execute = issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [];
  // openid-client refuse un ID token signé autrement que l'algorithme
  // inscrit (RS256 par défaut).
  const metadata = { id_token_signed_response_alg: config.idTokenAlg };
  const oidc = await client.discovery(issuer, config.clientId, metadata, auth, { execute });
  // La signature de l'ID token est vérifiée avec le JWKS du portail.
  client.enableNonRepudiationChecks(oidc);
  console.error(`demarche: portail découvert : ${oidc.serverMetadata().issuer}`);
  return oidc;
}

function portal() {
  oidcPromise ??= discover().catch((err) => {
    oidcPromise = undefined; // nouvel essai à la prochaine demande
    throw err;
  });
  return oidcPromise;
}

// ---------------------------------------------------------------- sessions

// En mémoire pour l'exemple ; une vraie démarche garde ses propres sessions.
const sessions = new Map();

function session(req, res) {
  const raw = req.headers.cookie ?? '';
  const sid = raw.split(/;\s*/).map((c) => c.split('=')).find(([k]) => k === cookieName)?.[1];
  if (sid && sessions.has(sid)) return sessions.get(sid);
  const id = randomBytes(18).toString('base64url');
  const s = {};
  sessions.set(id, s);
  res.append('Set-Cookie', `${cookieName}=${id}; Path=/; HttpOnly; SameSite=Lax${secureCookie ? '; Secure' : ''}`);
  return s;
}

// -------------------------------------------------------------------- pages

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function send(res, status, body) {
  res.status(status)
    .set('Content-Type', 'text/html; charset=utf-8')
    .set('Cache-Control', 'no-store')
    .send(`<!DOCTYPE html>
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
`);
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

// Paramètres de /login transmis tels quels au portail, pour essayer :
// /login?idp_hint=proconnect, ?population=particulier, ?login_hint=…, ?prompt=login…
const PASSED_THROUGH = ['idp_hint', 'population', 'login_hint', 'prompt', 'max_age', 'ui_locales', 'acr_values',
  'scope', 'claims'];

const app = express();
app.disable('x-powered-by');

app.get('/', (req, res) => {
  const s = session(req, res);
  if (s.user) {
    const who = [s.user.given_name, s.user.family_name ?? s.user.usual_name].filter(Boolean).join(' ');
    send(res, 200, `<p id="who">Bonjour ${esc(who)}</p>
<p>Connecté·e avec <span id="idp">${esc(s.user.idp)}</span></p>
<h2>ID token</h2>
<pre id="claims">${esc(JSON.stringify(s.idTokenClaims, null, 2))}</pre>
<h2>userinfo</h2>
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

// 1. Envoyer la personne au portail.
app.get('/login', async (req, res) => {
  const s = session(req, res);
  try {
    const oidc = await portal();
    const codeVerifier = client.randomPKCECodeVerifier();
    s.pending = { codeVerifier, state: client.randomState(), nonce: client.randomNonce() };
    const params = {
      redirect_uri: `${base}/callback`,
      scope: config.scope,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: s.pending.state,
      nonce: s.pending.nonce,
    };
    for (const name of PASSED_THROUGH) {
      if (typeof req.query[name] === 'string') params[name] = req.query[name];
    }
    res.redirect(303, client.buildAuthorizationUrl(oidc, params).href);
  } catch (err) {
    console.error('demarche: /login', err);
    sendError(res, ...describe(err));
  }
});

// 2. Le portail la renvoie ici avec un code : l'échanger, lire l'identité.
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
    const oidc = await portal();
    // Vérifie state, iss (RFC 9207), PKCE, nonce, et l'ID token (signature, iss, aud, exp).
    const tokens = await client.authorizationCodeGrant(oidc, new URL(req.originalUrl, base), {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idTokenClaims = tokens.claims();
    const userinfo = await client.fetchUserInfo(oidc, tokens.access_token, idTokenClaims.sub);
    s.idToken = tokens.id_token;
    s.idTokenClaims = idTokenClaims;
    s.userinfo = userinfo;
    // `idp` : la fédération choisie (franceconnect, proconnect, prosanteconnect).
    s.user = { ...idTokenClaims, ...userinfo };
    res.redirect(303, '/');
  } catch (err) {
    console.error('demarche: /callback', err);
    sendError(res, ...describe(err));
  }
});

// 3. Déconnexion : oublier la personne, puis la déconnecter du portail et
// de sa fédération (OpenID RP-Initiated Logout) ; retour sur `/` avec state.
app.get('/logout', async (req, res) => {
  const s = session(req, res);
  try {
    if (!s.idToken) {
      res.redirect(303, '/');
      return;
    }
    const oidc = await portal();
    const state = client.randomState();
    const url = client.buildEndSessionUrl(oidc, {
      id_token_hint: s.idToken,
      post_logout_redirect_uri: `${base}/`,
      state,
    });
    for (const k of ['user', 'idToken', 'idTokenClaims', 'userinfo']) s[k] = undefined;
    s.logoutState = state;
    res.redirect(303, url.href);
  } catch (err) {
    console.error('demarche: /logout', err);
    sendError(res, ...describe(err));
  }
});

app.use((req, res) => send(res, 404, '<p id="error">not_found: page introuvable</p>'));
app.use((err, req, res, next) => {
  console.error('demarche: erreur', err);
  if (res.headersSent) return next(err);
  return sendError(res, ...describe(err));
});

// ---------------------------------------------------------------- démarrage

const server = app.listen(config.port, config.host);
server.on('error', (err) => {
  console.error(`demarche: impossible d'écouter : ${err.message}`);
  process.exit(1);
});
server.on('listening', () => {
  const port = server.address().port;
  base = config.publicUrl ?? `http://${config.host}:${port}`;
  cookieName = `demarche_${port}_sid`; // le port : pas de mélange entre démarches d'un même hôte
  secureCookie = base.startsWith('https:');
  process.stdout.write(`${JSON.stringify({
    url: `${base}/`,
    redirect_uri: `${base}/callback`,
    post_logout_redirect_uri: `${base}/`,
  })}\n`);
  console.error(`demarche: ${base}/ (écoute sur ${config.host}:${port}), portail ${config.issuer}`);
  portal().catch((err) => console.error(`demarche: découverte impossible pour l'instant (${err.message}), nouvel essai à la connexion`));
});

function shutdown(why) {
  console.error(`demarche: arrêt (${why})`);
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
if (cli['exit-with-stdin']) {
  process.stdin.on('end', () => shutdown('stdin fermée'));
  process.stdin.on('error', () => shutdown('stdin en erreur'));
  process.stdin.resume();
}
