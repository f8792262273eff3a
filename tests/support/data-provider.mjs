#!/usr/bin/env node
// A data provider of API FranceConnectées for the tests (the DGFiP's
// "revenu fiscal de référence", say): a plain node:http server that
// answers a démarche's `Authorization: Bearer <token>` only after the
// federation (federation.mjs) said, at its introspection endpoint
// (RFC 7662), that the token is active and carries the data scope.
//
//   node data-provider.mjs --issuer URL --client-id ID --client-secret SECRET
//     [--scope dgfip_rfr] [--port 0] [--host 127.0.0.1] [--keep-alive]
//
//   GET /api/rfr   200 {"sub": <the federation's sub>, "rfr": 12345, "nbpart": 1}
//                  401 {"error": "invalid_token"} with WWW-Authenticate: no
//                      token, an inactive or unknown one, one without the scope
//                  404 {"error": "not_found"} a person it knows nothing of
//                  502 the federation could not be asked
//   GET /__requests  how many data requests came, and how many were answered
//
// When it listens it prints ONE JSON line on stdout:
//   {"url":"http://127.0.0.1:PORT/api/rfr","port":PORT}
// Everything else goes to stderr. It exits when its stdin closes (unless
// --keep-alive), on SIGTERM and on SIGINT.

import http from 'node:http';
import { parseArgs } from 'node:util';
import { stopWith } from './stop.mjs';

function usage(message) {
  if (message) console.error(`data-provider.mjs: ${message}`);
  console.error(`usage: node data-provider.mjs --issuer URL --client-id ID --client-secret SECRET
  [--scope dgfip_rfr] [--port 0] [--host 127.0.0.1] [--keep-alive]`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      scope: { type: 'string', default: 'dgfip_rfr' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'keep-alive': { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (err) {
  usage(err.message);
}
if (!args.issuer || !args['client-id'] || !args['client-secret']) {
  usage('--issuer, --client-id and --client-secret are required');
}

// The fiscal data of the federation's test accounts, by their sub there
// (tests/support/README.md).
const PEOPLE = {
  b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1: { rfr: 12345, nbpart: 1 },
};

const counts = { requests: 0, answered: 0 };

let introspectionEndpoint;
async function introspectionUrl() {
  if (introspectionEndpoint) return introspectionEndpoint;
  const res = await fetch(`${args.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`discovery: ${res.status}`);
  const { introspection_endpoint: url } = await res.json();
  if (!url) throw new Error('the federation publishes no introspection_endpoint');
  introspectionEndpoint = url;
  return url;
}

/** What the federation says of `token` (RFC 7662). */
async function introspect(token) {
  const basic = Buffer.from(`${encodeURIComponent(args['client-id'])}:${encodeURIComponent(args['client-secret'])}`)
    .toString('base64');
  const res = await fetch(await introspectionUrl(), {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
  });
  if (!res.ok) throw new Error(`introspection: ${res.status} ${await res.text()}`);
  return res.json();
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function refuse(res, description) {
  console.error(`data-provider: refused: ${description}`);
  json(res, 401, { error: 'invalid_token', error_description: description }, {
    'WWW-Authenticate': `Bearer error="invalid_token", scope="${args.scope}"`,
  });
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/__requests') {
      json(res, 200, counts);
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/api/rfr') {
      json(res, 404, { error: 'not_found' });
      return;
    }
    counts.requests += 1;
    const token = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      refuse(res, 'no bearer token');
      return;
    }
    let info;
    try {
      info = await introspect(token);
    } catch (err) {
      console.error(`data-provider: ${err.message}`);
      json(res, 502, { error: 'federation_unavailable' });
      return;
    }
    if (info.active !== true) {
      refuse(res, 'inactive token');
      return;
    }
    if (!String(info.scope ?? '').split(' ').includes(args.scope)) {
      refuse(res, `the token does not carry ${args.scope}`);
      return;
    }
    const person = PEOPLE[info.sub];
    if (!person) {
      json(res, 404, { error: 'not_found', error_description: 'nobody known by this sub' });
      return;
    }
    counts.answered += 1;
    json(res, 200, { sub: info.sub, ...person });
  } catch (err) {
    console.error('data-provider: error', err);
    if (!res.headersSent) json(res, 500, { error: 'server_error' });
  }
});

server.listen(Number(args.port), args.host);
server.on('error', (err) => {
  console.error(`data-provider: cannot listen: ${err.message}`);
  process.exit(1);
});
server.on('listening', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://${args.host}:${port}/api/rfr`, port })}\n`);
  console.error(`data-provider: listening on ${args.host}:${port}, federation ${args.issuer}`);
});

stopWith(server, 'data-provider', args['keep-alive']);
