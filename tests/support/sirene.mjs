#!/usr/bin/env node
// A double of the API Recherche d'entreprises (the public company directory,
// https://recherche-entreprises.api.gouv.fr) for the tests: a real HTTP
// server, plain node:http, no package.
//
//   node sirene.mjs [--port 0] [--host 127.0.0.1] [--fixtures DIR]
//     [--delay-ms N] [--fail] [--redirect] [--keep-alive]
//
// It answers `GET /search?q=<14 digits>` as the API does (see
// docs/sirene.md): the fixture whose `matching_etablissements` holds that
// SIRET (DIR, default tests/fixtures/sirene: each file is the API's whole
// answer to `q=<siret>`), else no result; `minimal=true` and `include=`
// keep only the parts asked, as the API does. Its errors are the API's:
// 400 `{"erreur": …}` without a query or with `include` but not `minimal`.
//
// --delay-ms N   every /search answer waits N ms first (a slow directory)
// --fail         every /search answers 500 `{"erreur": …}` (the API's internal error)
// --redirect     every /search answers 302 to /search again (must not be followed)
//
// When it listens it prints ONE JSON line on stdout:
//   {"base_url":"http://127.0.0.1:PORT","port":PORT}
// `GET /__requests` → `{"count": N, "requests": [{"query": "q=…&…",
// "user_agent": "…"}, …]}`: the /search requests received so far (tests
// assert a cached lookup asked nothing, and what was asked).
// It exits when its stdin closes (unless --keep-alive), on SIGTERM, SIGINT.

for (const name of ['log', 'info', 'debug']) console[name] = (...args) => console.error(...args);

import { createServer } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stopWith } from './stop.mjs';

function usage(message) {
  if (message) console.error(`sirene.mjs: ${message}`);
  console.error(`usage: node sirene.mjs [--port 0] [--host 127.0.0.1] [--fixtures DIR]
  [--delay-ms N] [--fail] [--redirect] [--keep-alive]`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      fixtures: { type: 'string' },
      'delay-ms': { type: 'string', default: '0' },
      fail: { type: 'boolean', default: false },
      redirect: { type: 'boolean', default: false },
      'keep-alive': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  usage(err.message);
}
if (args.help) usage();
const port = Number(args.port);
const delayMs = Number(args['delay-ms']);
if (!Number.isInteger(port) || port < 0) usage('--port: a port number');
if (!Number.isInteger(delayMs) || delayMs < 0) usage('--delay-ms: a number of milliseconds');

// ---------------------------------------------------------------- fixtures

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = args.fixtures ?? join(here, '..', 'fixtures', 'sirene');

// SIRET → the legal unit (one result) that answers for it.
const bySiret = new Map();
for (const file of readdirSync(fixturesDir).filter((f) => f.endsWith('.json'))) {
  const answer = JSON.parse(readFileSync(join(fixturesDir, file), 'utf8'));
  for (const unit of answer.results ?? []) {
    for (const establishment of unit.matching_etablissements ?? []) {
      bySiret.set(establishment.siret, unit);
    }
  }
}

// ------------------------------------------------------------- the API

// The parts `include` may name (search-api app/controller/field_validation.py,
// VALID_FIELDS_TO_SELECT) and the keys they hold in a result.
const PARTS = {
  complements: 'complements',
  dirigeants: 'dirigeants',
  finances: 'finances',
  matching_etablissements: 'matching_etablissements',
  siege: 'siege',
  score: 'score',
  tva: 'tva',
};

function erreur(res, status, message) {
  sendJson(res, status, { erreur: message });
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// search-api app/service/build_api_response.py and its parameter checks
// (app/controller/search_params_model.py), for what the portal asks.
function search(url, res) {
  const q = (url.searchParams.get('q') ?? '').replace(/ /g, '');
  if (!q) return erreur(res, 400, 'Veuillez indiquer au moins un paramètre de recherche.');
  const minimal = (url.searchParams.get('minimal') ?? 'false').toLowerCase();
  if (!['true', 'false'].includes(minimal)) return erreur(res, 400, "minimal doit prendre la valeur 'true' ou 'false' !");
  const include = url.searchParams.get('include');
  const included = include === null ? null : include.split(',').map((s) => s.trim().toLowerCase());
  if (included && minimal !== 'true') {
    return erreur(res, 400, 'Veuillez indiquer si vous souhaitez une réponse minimale avec le filtre `minimal=True`` avant de préciser les champs à inclure.');
  }
  if (included && included.some((part) => !(part in PARTS))) {
    return erreur(res, 400, `Au moins un champ à inclure est non valide. Les champs valides : ${JSON.stringify(Object.keys(PARTS))}.`);
  }
  const page = Number(url.searchParams.get('page') ?? '1');
  const perPage = Number(url.searchParams.get('per_page') ?? '10');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 25) {
    return erreur(res, 400, 'Veuillez indiquer un paramètre `per_page` entre `1` et `25`, par défaut `10`.');
  }
  const unit = /^\d{14}$/.test(q) ? bySiret.get(q) : undefined;
  const results = [];
  if (unit && page === 1) {
    const result = structuredClone(unit);
    // A direct search by SIRET: that establishment alone (OpenAPI).
    result.matching_etablissements = result.matching_etablissements.filter((e) => e.siret === q);
    if (minimal === 'true') {
      // Without `include`, none of the secondary parts (helpers.py,
      // create_fields_to_include); `score` is never in a fixture.
      for (const [part, key] of Object.entries(PARTS)) {
        if (!included?.includes(part)) delete result[key];
      }
    }
    results.push(result);
  }
  sendJson(res, 200, {
    results,
    total_results: results.length,
    page,
    per_page: perPage,
    total_pages: results.length ? 1 : 0,
  });
}

const received = [];

const server = createServer((req, res) => {
  const url = new URL(req.url, `http://${req.headers.host ?? '127.0.0.1'}`);
  if (req.method === 'GET' && url.pathname === '/__requests') {
    return sendJson(res, 200, { count: received.length, requests: received });
  }
  if (req.method === 'GET' && url.pathname === '/__test/health') {
    return sendJson(res, 200, { status: 'ok', sirets: [...bySiret.keys()] });
  }
  if (!['GET', 'HEAD'].includes(req.method) || url.pathname !== '/search') {
    return sendJson(res, 404, { detail: 'Not Found' });
  }
  received.push({ query: url.search.replace(/^\?/, ''), user_agent: req.headers['user-agent'] ?? null });
  console.error(`sirene: GET /search?${url.search.slice(1)} (user-agent ${req.headers['user-agent'] ?? '-'})`);
  setTimeout(() => {
    if (res.destroyed) return;
    if (args.fail) return erreur(res, 500, "Une erreur inattendue s'est produite. Veuillez réessayer plus tard.");
    if (args.redirect) {
      res.writeHead(302, { location: `/search${url.search}` });
      return res.end();
    }
    search(url, res);
  }, delayMs);
});

// ---------------------------------------------------------------- lifecycle

server.on('error', (err) => {
  console.error(`sirene: cannot listen: ${err.message}`);
  process.exit(1);
});
server.listen(port, args.host, () => {
  const listening = server.address().port;
  process.stdout.write(`${JSON.stringify({ base_url: `http://${args.host}:${listening}`, port: listening })}\n`);
  console.error(`sirene: listening on ${args.host}:${listening}, ${bySiret.size} establishments`
    + `${delayMs ? `, ${delayMs} ms late` : ''}${args.fail ? ', failing' : ''}${args.redirect ? ', redirecting' : ''}`);
});

stopWith(server, 'sirene', args['keep-alive']);
