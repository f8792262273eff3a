// Drives logins for the benchmarks (scripts/bench.sh), like a browser
// that follows redirects and keeps cookies, and reads the CPU time of the
// measured process (utime + stime in /proc/<pid>/stat) around them. Its own
// CPU and the federation's are not counted.
//
//   node drive.mjs upstream --start URL [--method POST] [--stop-at URL] --pid PID --n N
//        (--stop-at: a redirect to an address starting so ends the login, unfollowed)
//   node drive.mjs demarche --portal URL --client-id ID --secret S
//        --redirect-uri URI --pid PID --n N
//   node drive.mjs sessions --start URL --n N       (one new session each)
//   node drive.mjs ready --url URL -- COMMAND ARGS  (ms until URL answers 200)
// Prints one JSON line.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { spawn, execSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    start: { type: 'string' }, method: { type: 'string', default: 'GET' },
    portal: { type: 'string' }, 'client-id': { type: 'string' }, secret: { type: 'string' },
    'redirect-uri': { type: 'string' }, pid: { type: 'string' }, n: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '4' },
    url: { type: 'string' }, login: { type: 'string', default: 'angela' },
    'stop-at': { type: 'string' },
  },
});
const mode = positionals[0];
const N = Number(args.n);
const TICK = Number(execSync('getconf CLK_TCK').toString().trim());

function cpuSeconds(pid) {
  // Fields after the command name (which may hold spaces): utime is the
  // 14th field, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

class Jar {
  constructor() { this.byHost = new Map(); }
  header(url) {
    const jar = this.byHost.get(url.host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }
  store(url, res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      if (!this.byHost.has(url.host)) this.byHost.set(url.host, new Map());
      this.byHost.get(url.host).set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
  }
}

/// Follows redirects from `url`, filling the federation's login form;
/// stops at a 200 page, or at a URL starting with `stopAt` (returned).
async function browse(jar, url, { method = 'GET', body, stopAt } = {}) {
  for (let hops = 0; hops < 20; hops += 1) {
    if (stopAt && url.href.startsWith(stopAt)) return url;
    const headers = { cookie: jar.header(url), 'accept-encoding': 'gzip' };
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method, body, headers, redirect: 'manual' });
    jar.store(url, res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location'), url);
      if (res.status !== 307 && res.status !== 308) { method = 'GET'; body = undefined; }
      await res.arrayBuffer();
      url = next;
      continue;
    }
    const text = await res.text();
    const form = text.match(/<form method="post" action="([^"]*\/interaction\/[^"]*\/login)"/);
    if (res.status === 200 && form) {
      url = new URL(form[1], url);
      method = 'POST';
      body = new URLSearchParams({ login: args.login, password: 'x', action: 'login' }).toString();
      continue;
    }
    if (res.status !== 200) throw new Error(`${res.status} at ${url.href}: ${text.slice(0, 300)}`);
    return url;
  }
  throw new Error(`too many redirects from ${url}`);
}

async function upstreamLogin() {
  const end = await browse(new Jar(), new URL(args.start), { method: args.method, stopAt: args['stop-at'] });
  if (args['stop-at'] && !end.href.startsWith(args['stop-at'])) throw new Error(`login ended at ${end.href}`);
}

const b64u = (buf) => buf.toString('base64url');

async function demarcheLogin() {
  const verifier = b64u(randomBytes(32));
  const authorize = new URL('/oidc/authorize', args.portal);
  const params = {
    client_id: args['client-id'], redirect_uri: args['redirect-uri'], response_type: 'code',
    scope: 'openid profile email', state: b64u(randomBytes(16)), nonce: b64u(randomBytes(16)),
    code_challenge: b64u(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256', idp_hint: 'franceconnect',
  };
  for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
  const back = await browse(new Jar(), authorize, { stopAt: args['redirect-uri'] });
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${back.href}`);
  const res = await fetch(new URL('/oidc/token', args.portal), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${args['client-id']}:${args.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: args['redirect-uri'], code_verifier: verifier,
    }).toString(),
  });
  const json = await res.json();
  if (!json.id_token) throw new Error(`token endpoint: ${JSON.stringify(json)}`);
  return json.id_token;
}

async function newSession() {
  const res = await fetch(args.start, { method: args.method, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.headers.getSetCookie().length === 0) throw new Error(`no cookie from ${args.start}`);
}

async function repeat(task, count, concurrency) {
  let next = 0;
  let last;
  const worker = async () => {
    while (next < count) { next += 1; last = await task(); }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return last;
}

async function measured(task) {
  const pid = Number(args.pid);
  await repeat(task, Number(args.warmup), 1);
  const before = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  const last = await repeat(task, N, Number(args.concurrency));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(pid) - before;
  const alg = typeof last === 'string'
    ? JSON.parse(Buffer.from(last.split('.')[0], 'base64url')).alg : undefined;
  return { n: N, cpu_s: cpu, cpu_ms_per_login: (cpu * 1000) / N, wall_s: wall, alg };
}

/// Starts the command 5 times; the time until `url` first answers 200
/// (median and best, the machine being shared) and the RSS 0.3 s later.
async function ready() {
  const sep = process.argv.indexOf('--');
  const [cmd, ...rest] = process.argv.slice(sep + 1);
  // Load fetch's machinery first: its first call costs tens of ms.
  await fetch(args.url).catch(() => {});
  const times = [];
  let rss;
  for (let i = 0; i < 5; i += 1) {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, rest, { stdio: ['ignore', 'ignore', 'ignore'] });
    for (;;) {
      try {
        const res = await fetch(args.url);
        if (res.status === 200) break;
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 1));
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await new Promise((r) => setTimeout(r, 300));
    rss = Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  times.sort((a, b) => a - b);
  return { ready_ms: times[2], ready_best_ms: times[0], idle_rss_kb: rss };
}

let result;
if (mode === 'upstream') result = await measured(upstreamLogin);
else if (mode === 'demarche') result = await measured(demarcheLogin);
else if (mode === 'sessions') {
  const t0 = process.hrtime.bigint();
  await repeat(newSession, N, Number(args.concurrency));
  result = { sessions: N, wall_s: Number(process.hrtime.bigint() - t0) / 1e9 };
} else if (mode === 'ready') result = await ready();
else throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify(result));
