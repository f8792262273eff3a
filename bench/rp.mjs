// The comparison relying party: Express + openid-client 6, doing what the
// portal does toward a federation: authorization code flow with PKCE,
// state and nonce; the ID token's signature verified with the federation's
// JWKS (enableNonRepudiationChecks), the userinfo asked as a signed JWT and
// verified too (userinfo_signed_response_alg), like FranceConnect.
//
//   node rp.mjs --issuer URL --client-id ID --client-secret S --port N
// Prints one JSON line: {"url": ..., "redirect_uri": ..., "pid": ...}.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import express from 'express';
import * as client from 'openid-client';

const { values: args } = parseArgs({
  options: {
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    port: { type: 'string', default: '0' },
    'id-token-alg': { type: 'string', default: 'ES256' },
    'userinfo-alg': { type: 'string', default: 'ES256' },
  },
});

const SCOPE = 'openid given_name family_name preferred_username birthdate email';
let config;
async function discover() {
  config ??= await client.discovery(
    new URL(args.issuer),
    args['client-id'],
    {
      id_token_signed_response_alg: args['id-token-alg'],
      userinfo_signed_response_alg: args['userinfo-alg'],
    },
    client.ClientSecretPost(args['client-secret']),
    { execute: [client.allowInsecureRequests] },
  );
  client.enableNonRepudiationChecks(config);
  return config;
}

// Transactions by state (the driver keeps no cookies for the RP: a
// state-keyed map is the server-side session here).
const pending = new Map();
const app = express();
app.disable('x-powered-by');
let redirectUri;

app.get('/login', async (req, res, next) => {
  try {
    const oidc = await discover();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    pending.set(state, { verifier, nonce });
    const url = client.buildAuthorizationUrl(oidc, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      state,
      nonce,
      acr_values: 'eidas1',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    res.redirect(303, url.href);
  } catch (err) {
    next(err);
  }
});

app.get('/callback', async (req, res, next) => {
  try {
    const oidc = await discover();
    const current = new URL(req.originalUrl, `http://${req.headers.host}`);
    const state = current.searchParams.get('state');
    const tx = pending.get(state);
    pending.delete(state);
    if (!tx) return res.status(400).send('unknown state');
    const tokens = await client.authorizationCodeGrant(oidc, current, {
      pkceCodeVerifier: tx.verifier,
      expectedState: state,
      expectedNonce: tx.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    const info = await client.fetchUserInfo(oidc, tokens.access_token, claims.sub);
    res.type('text/plain').send(`Bonjour ${info.given_name} ${info.family_name}`);
  } catch (err) {
    next(err);
  }
});

app.use((err, req, res, _next) => {
  console.error('rp:', err);
  res.status(500).send(String(err.message ?? err));
});

const server = app.listen(Number(args.port), '127.0.0.1', () => {
  const { port } = server.address();
  redirectUri = `http://127.0.0.1:${port}/callback`;
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, redirect_uri: redirectUri, pid: process.pid }));
});
