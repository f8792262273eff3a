#!/usr/bin/env node
// Démarche d'exemple : une application qui connecte les gens à travers le
// portail Aiguillage, fournisseur OpenID Connect standard. Aucun code propre
// au portail : openid-client (flux « authorization code » avec PKCE S256,
// state et nonce, signature de l'ID token vérifiée avec le JWKS du portail).
// Voir README.md.
//
// Avec un fournisseur de données (API FranceConnectées, --data-provider-url),
// elle demande aussi le scope de données dgfip_rfr ; après une connexion
// par FranceConnect, elle échange son jeton d'accès du portail contre celui
// de FranceConnect (RFC 8693, token exchange), appelle le fournisseur de
// données avec, et affiche le revenu fiscal de référence.
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
//   DATA_PROVIDER_URL  --data-provider-url URL  le fournisseur de données (ex. https://…/api/rfr) :
//                                            demande dgfip_rfr, l'échange et l'appel (aucun par défaut)
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
  [--data-provider-url URL] [--exit-with-stdin]
(ou les variables AIGUILLAGE_ISSUER, CLIENT_ID, CLIENT_SECRET, PORT, HOST,
PUBLIC_URL, SCOPE, TOKEN_AUTH, ID_TOKEN_ALG, DATA_PROVIDER_URL)`);
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
      'data-provider-url': { type: 'string' },
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
  dataProviderUrl: cli['data-provider-url'] ?? env.DATA_PROVIDER_URL,
};
// Le scope de données qu'elle demande quand elle a un fournisseur de données
// (inscrit pour elle sur le portail : [demarches.data_scopes]).
const DATA_SCOPE = 'dgfip_rfr';
if (config.dataProviderUrl && !config.scope.split(' ').includes(DATA_SCOPE)) config.scope += ` ${DATA_SCOPE}`;
if (!config.issuer || !config.clientId || !config.clientSecret) {
  usage('AIGUILLAGE_ISSUER (--issuer), CLIENT_ID (--client-id) et CLIENT_SECRET (--client-secret) sont requis');
}
if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) usage(`port invalide : ${config.port}`);
if (!['client_secret_basic', 'client_secret_post'].includes(config.tokenAuth)) usage(`--token-auth invalide : ${config.tokenAuth}`);
if (!['RS256', 'ES256'].includes(config.idTokenAlg)) usage(`--id-token-alg invalide : ${config.idTokenAlg}`);
if (config.dataProviderUrl) {
  try {
    new URL(config.dataProviderUrl); // eslint-disable-line no-new
  } catch {
    usage(`--data-provider-url invalide : ${config.dataProviderUrl}`);
  }
}

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
    throw Object.assign(new Error(`portail injoignable : ${err.message}`), { code: 'portal_unreachable' });
  });
  return oidcPromise;
}

// ------------------------------------- les données (API FranceConnectées)

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

// Le jeton d'accès du portail échangé contre celui de FranceConnect (RFC
// 8693, au token endpoint du portail, la démarche authentifiée comme pour
// le code), puis le fournisseur de données appelé avec ce dernier, tout de
// suite : le jeton de la fédération vit peu. Rend { rfr } ou { error }.
async function fetchData(oidc, portalAccessToken) {
  let fc;
  try {
    fc = await client.genericGrantRequest(oidc, TOKEN_EXCHANGE, {
      subject_token: portalAccessToken,
      subject_token_type: ACCESS_TOKEN,
      requested_token_type: ACCESS_TOKEN,
      audience: 'franceconnect',
    });
  } catch (err) {
    const [code, description] = describe(err);
    console.error(`demarche: échange de jeton refusé : ${code} : ${description}`);
    return { error: 'exchange_refused' };
  }
  // Le jeton de FranceConnect n'est ni gardé ni affiché ni journalisé.
  try {
    const res = await fetch(config.dataProviderUrl, {
      headers: { Authorization: `Bearer ${fc.access_token}`, Accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`réponse ${res.status}`);
    const data = await res.json();
    if (typeof data.rfr !== 'number') throw new Error('pas de rfr dans la réponse');
    return { rfr: data.rfr };
  } catch (err) {
    console.error(`demarche: fournisseur de données : ${err.message}`);
    return { error: 'data_refused' };
  }
}

const DATA_MESSAGES = {
  exchange_refused: 'Vos données fiscales n’ont pas pu être obtenues : le portail n’a pas transmis l’accès. Reconnectez-vous avec FranceConnect.',
  data_refused: 'Vos données fiscales n’ont pas pu être obtenues auprès de l’administration fiscale. Réessayez plus tard.',
};

function dataSection(data) {
  if (!data) return '';
  const body = data.error
    ? `<p id="data-error">${esc(DATA_MESSAGES[data.error])}</p>`
    : `<p id="rfr">Revenu fiscal de référence : ${esc(new Intl.NumberFormat('fr-FR').format(data.rfr))} €</p>`;
  return `<h2>Vos données fiscales (transmises par l’administration fiscale)</h2>
${body}
`;
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

function send(res, status, body, { error = false } = {}) {
  res.status(status)
    .set('Content-Type', 'text/html; charset=utf-8')
    .set('Cache-Control', 'no-store')
    .send(`<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${error ? 'Erreur : ' : ''}Démarche d’exemple</title>
</head>
<body>
<main>
<h1>Démarche d’exemple</h1>
${body}
</main>
</body>
</html>
`);
}

// Ce que la personne lit pour chaque code d'erreur OAuth (RFC 6749,
// OpenID Connect) ou incident ; le code lui-même n'est qu'un détail
// technique, utile pour le support. La description envoyée par le portail
// (souvent en anglais) va au journal, pas à la page.
const MESSAGES = {
  access_denied: 'La connexion a été annulée ou refusée. Vous pouvez réessayer.',
  login_required: 'Vous devez vous connecter pour continuer.',
  interaction_required: 'Vous devez vous connecter pour continuer.',
  consent_required: 'Votre accord est nécessaire pour continuer.',
  temporarily_unavailable: 'Le service de connexion est momentanément indisponible. Réessayez dans quelques minutes.',
  server_error: 'Le portail de connexion a rencontré un problème technique. Réessayez dans quelques minutes.',
  invalid_state: 'La réponse reçue ne correspond pas à la connexion en cours. Recommencez depuis « Se connecter ».',
  no_pending_login: 'Aucune connexion n’est en cours dans ce navigateur. Recommencez depuis « Se connecter ».',
  logout_not_verified: 'La déconnexion n’a pas pu être vérifiée. Pour mettre fin à toute connexion, fermez votre navigateur.',
  portal_unreachable: 'Le portail de connexion ne répond pas pour le moment. Réessayez dans quelques minutes.',
  not_found: 'Cette page n’existe pas.',
};
const TECHNICAL = 'La connexion n’a pas pu aboutir à cause d’un problème technique. Recommencez ; si le problème persiste, signalez-le avec le détail ci-dessous.';

function sendError(res, code, description, status = 400) {
  if (description) console.error(`demarche: erreur ${code} : ${description}`);
  send(res, status, `<p id="error">${esc(MESSAGES[code] ?? TECHNICAL)}</p>
<p>Détail technique : <code id="error-code">${esc(code)}</code></p>
<p><a href="/">Revenir à l’accueil de la démarche</a></p>`, { error: true });
}

// [code, description] d'une erreur : celle du portail (OAuth), sinon le
// code de l'incident (portal_unreachable : la découverte a échoué).
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
<p>Service de connexion utilisé : <span id="idp">${esc(s.user.idp)}</span></p>
<h2>Jeton d’identité reçu (<code>id_token</code>)</h2>
<pre id="claims">${esc(JSON.stringify(s.idTokenClaims, null, 2))}</pre>
<h2>Informations transmises par le portail (<code>userinfo</code>)</h2>
<pre id="userinfo">${esc(JSON.stringify(s.userinfo, null, 2))}</pre>
${dataSection(s.data)}<p><a href="/logout">Se déconnecter</a></p>`);
    return;
  }
  let notice = '';
  if (s.logoutState && req.query.state !== undefined) {
    const verified = req.query.state === s.logoutState;
    s.logoutState = undefined;
    if (!verified) {
      sendError(res, 'logout_not_verified', 'state de déconnexion inattendu', 200);
      return;
    }
    notice = '<p id="logged-out">Déconnexion effectuée.</p>\n';
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
      sendError(res, 'no_pending_login', 'aucune connexion en cours');
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
    // Les données : seulement après une connexion par FranceConnect (le
    // portail ne demande dgfip_rfr qu'à elle).
    s.data = config.dataProviderUrl && s.user.idp === 'franceconnect'
      ? await fetchData(oidc, tokens.access_token)
      : undefined;
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
    for (const k of ['user', 'idToken', 'idTokenClaims', 'userinfo', 'data']) s[k] = undefined;
    s.logoutState = state;
    res.redirect(303, url.href);
  } catch (err) {
    console.error('demarche: /logout', err);
    sendError(res, ...describe(err));
  }
});

app.use((req, res) => sendError(res, 'not_found', '', 404));
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
