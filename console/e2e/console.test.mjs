// End-to-end: Debian's Chromium (driven by playwright-core) uses the operator
// console served by a real parley-server (temp data dir, free port), seeded
// over REST with Basic auth. Every page is checked with axe-core (serious or
// critical violations fail) and photographed into test-output/console/.
// What the console does is checked over REST where it matters: a role's
// permission enforced on a user's access token, a rotated auth token, a
// deleted message, CSRF refusals, the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.PARLEY_SERVER_BIN || path.resolve(here, '../../target/debug/parley-server');
const OUT = path.resolve(here, '../../test-output/console');
const CHROMIUM = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
const IDLE_TIMEOUT = 60; // the server's smallest allowed console idle timeout

const servers = [];
let browser;
let main; // { base, sid, token, dataDir }
let ctx;
let page;
let service; // IS… of the seeded service
let channel; // the seeded channel
let userPassword;
const problems = []; // CSP violations and page errors seen on the console page

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * With PARLEY_TEST_POSTGRES (tests/support/with-postgres), each server gets
 * a fresh PostgreSQL database of its own on that cluster; else SQLite in its
 * data dir.
 */
function databaseEnv() {
  const admin = process.env.PARLEY_TEST_POSTGRES;
  if (!admin) return {};
  const name = 'console_' + crypto.randomBytes(6).toString('hex');
  execFileSync('psql', ['-q', admin, '-c', `CREATE DATABASE ${name}`]);
  const url = new URL(admin);
  url.pathname = '/' + name;
  return { PARLEY_DATABASE_URL: url.toString() };
}

async function startServer(extraEnv = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-console-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const sid = 'AC' + crypto.randomBytes(16).toString('hex');
  const token = crypto.randomBytes(16).toString('hex');
  const proc = spawn(BIN, ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, ...databaseEnv(), PARLEY_ACCOUNT_SID: sid, PARLEY_AUTH_TOKEN: token, PARLEY_LOG: 'warn', ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  servers.push({ proc, dataDir });
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { base, sid, token, dataDir };
}

/** A REST call with Basic auth (the account's current token) or an access token. */
async function rest(method, url, form, { auth = 'basic', token } = {}) {
  const headers = {};
  if (auth === 'basic') headers.Authorization = 'Basic ' + Buffer.from(`${main.sid}:${token ?? main.token}`).toString('base64');
  if (auth === 'access') headers['X-Twilio-Token'] = token;
  let body;
  if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(main.base + url, { method, headers, body });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = text; }
  return { status: res.status, json };
}

async function ok(method, url, form) {
  const r = await rest(method, url, form);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${url} answered ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json;
}

async function axe(name, p = page) {
  const result = await new AxeBuilder({ page: p }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) {
    console.log(`axe ${name}: [${v.impact}] ${v.id}: ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) console.log(`    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`);
  }
  assert.deepEqual(bad.map((v) => v.id), [], `${name}: serious or critical accessibility violations`);
}

async function shot(name, p = page) {
  await p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

function watch(p) {
  p.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  p.on('pageerror', (e) => problems.push('page error: ' + e.message));
}

async function status(text) {
  await page.locator('#status').getByText(text, { exact: false }).waitFor();
}

/** The server's own rendering of a template (what the console's preview must show). */
async function preview(type, template) {
  const q = new URLSearchParams({ Type: type });
  if (template !== undefined) q.set('Template', template);
  return ok('GET', `/admin/Services/${service}/PushPreview?${q}`);
}

/** Waits until the element with `testid` shows exactly `text`. */
async function waitText(testid, text) {
  try {
    await page.waitForFunction(([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === want, [testid, text], { timeout: 10_000 });
  } catch (e) {
    const have = await page.getByTestId(testid).textContent().catch(() => null);
    assert.fail(`${testid}: wanted ${JSON.stringify(text)}, have ${JSON.stringify(have)}`);
  }
}

async function open(section, id) {
  await page.evaluate(([s, i]) => { location.hash = '#/' + s + (i ? '/' + i : ''); }, [section, id]);
  await page.locator('main h1').first().waitFor();
}

async function signIn(p, base, sid, secret) {
  await p.goto(base + '/console/');
  await p.getByLabel('Account SID').fill(sid);
  await p.getByLabel('Auth token').fill(secret);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

let idle; // the second server, with a short console idle timeout
let idlePage;
let idleSignedInAt;

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  main = await startServer();
  const index = await fetch(main.base + '/console/');
  assert.equal(index.status, 200, `GET /console/ answered ${index.status}: build the console (npm --prefix console run build) before parley-server, or the server cannot serve it`);
  assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);

  // Seed: a service with users, a channel and some messages.
  const svc = await ok('POST', '/v2/Services', { FriendlyName: 'Acme Support' });
  service = svc.sid;
  for (const [identity, name] of [['alice', 'Alice Liddell'], ['bob', 'Bob Builder']]) {
    await ok('POST', `/v2/Services/${service}/Users`, { Identity: identity, FriendlyName: name });
  }
  channel = await ok('POST', `/v2/Services/${service}/Channels`, { UniqueName: 'general', FriendlyName: 'General' });
  await ok('POST', `/v2/Services/${service}/Channels/general/Members`, { Identity: 'alice' });
  await ok('POST', `/v2/Services/${service}/Channels/general/Members`, { Identity: 'bob' });
  for (const body of ['hello <b>world</b>', 'second message', 'moderate me']) {
    await ok('POST', `/v2/Services/${service}/Channels/general/Messages`, { From: 'alice', Body: body });
  }
  await ok('POST', `/v2/Services/${service}/Channels/general/Webhooks`, { Type: 'webhook', 'Configuration.Url': 'http://127.0.0.1:9/hook', 'Configuration.Filters': 'onMessageSent' });
  // A message that fires the channel's webhook (to a port nobody listens on): a delivery to list.
  const fired = await fetch(`${main.base}/v2/Services/${service}/Channels/general/Messages`, {
    method: 'POST',
    headers: {
      Authorization: 'Basic ' + Buffer.from(`${main.sid}:${main.token}`).toString('base64'),
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Webhook-Enabled': 'true',
    },
    body: new URLSearchParams({ From: 'bob', Body: 'with a webhook' }).toString(),
  });
  assert.equal(fired.status, 201);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  watch(page);

  // The idle-timeout server: signed in now, looked at again at the end.
  idle = await startServer({ PARLEY_CONSOLE_IDLE_TIMEOUT: String(IDLE_TIMEOUT) });
  const idleCtx = await browser.newContext({ locale: 'en-US' });
  idlePage = await idleCtx.newPage();
  idlePage.setDefaultTimeout(15_000);
  await signIn(idlePage, idle.base, idle.sid, idle.token);
  await idlePage.locator('nav[aria-label="Sections"]').waitFor();
  idleSignedInAt = Date.now();
});

after(async () => {
  await browser?.close();
  for (const s of servers) {
    s.proc.kill();
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  }
});

test('a wrong auth token is refused with a visible sentence', async () => {
  await signIn(page, main.base, main.sid, 'not-the-token-0000');
  const error = page.getByTestId('signin-error');
  await error.waitFor();
  const text = await error.textContent();
  assert.match(text, /\w+ \w+.*\(error 20003\)/, `a sentence with the code, got ${JSON.stringify(text)}`);
  assert.equal(await page.locator('nav[aria-label="Sections"]').count(), 0, 'still signed out');
  await axe('sign-in');
  await shot('signin');
});

test('signing in with the account SID and auth token opens the dashboard', async () => {
  await page.getByLabel('Auth token').fill(main.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('nav[aria-label="Sections"]').waitFor();
  await page.getByTestId('account-sid').getByText(main.sid).waitFor();
  const labels = await page.locator('nav[aria-label="Sections"] a').allTextContents();
  assert.deepEqual(labels, ['Dashboard', 'Usage', 'Services', 'Users', 'Roles', 'Channels', 'Push', 'Webhooks', 'Audit log', 'Health']);
  await page.reload();
  await page.getByTestId('account-sid').waitFor();
  const csrf = await page.evaluate(async () => (await (await fetch('/admin/Session')).json()).csrf_token);
  assert.ok(csrf, 'a reloaded page finds its session and CSRF token');
});

test('every section opens, shows the seeded data and passes axe', async () => {
  const checks = {
    dashboard: async () => {
      await page.locator('table').getByText('Acme Support').first().waitFor();
      await page.getByTestId('glance').waitFor();
    },
    usage: async () => {
      await page.locator('[data-testid=usage-chart] canvas').first().waitFor();
      await page.getByRole('link', { name: 'Download CSV' }).waitFor();
    },
    services: async () => {
      await page.getByTestId('service-form').waitFor();
      assert.equal(await page.getByLabel('Friendly name', { exact: true }).inputValue(), 'Acme Support');
    },
    users: async () => {
      await page.getByRole('link', { name: 'alice' }).waitFor();
      await page.getByText('Bob Builder').waitFor();
    },
    roles: async () => {
      await page.getByTestId('matrix-deployment').getByText('service user').waitFor();
      await page.getByTestId('matrix-channel').getByText('channel admin').waitFor();
    },
    channels: async () => {
      await page.getByRole('link', { name: 'General' }).waitFor();
    },
    push: async () => {
      await page.getByText('New message', { exact: true }).waitFor();
      await page.getByText('No credentials.').waitFor();
      // The saved (here: Twilio's default) template, rendered by the server on first render.
      const first = await preview('NewMessage');
      await waitText('preview-NewMessage', first.body);
      await page.getByTestId('test-push-note').getByRole('link', { name: 'Go to Users' }).waitFor();
    },
    webhooks: async () => {
      await page.getByText('http://127.0.0.1:9/hook').first().waitFor();
      await page.locator('td', { hasText: 'onMessageSent' }).last().waitFor();
      for (let i = 0; i < 50 && (await page.locator('.outcome').count()) === 0; i++) {
        await page.waitForTimeout(200); // the delivery is a queued job: it appears once attempted
        await page.getByLabel('Kind').selectOption('webhook');
        await page.getByLabel('Kind').selectOption('');
      }
      await page.locator('.outcome').first().waitFor();
    },
    audit: async () => {
      await page.locator('td.action').getByText('create service').first().waitFor();
    },
    health: async () => {
      const kind = process.env.PARLEY_TEST_POSTGRES ? 'postgres' : 'sqlite';
      await page.getByTestId('health').getByText(kind).waitFor();
    },
  };
  for (const [section, check] of Object.entries(checks)) {
    await open(section);
    await check();
    await axe(section);
    await shot(section);
  }
  await open('channels', channel.sid);
  await page.getByText('moderate me').waitFor();
  assert.equal(await page.locator('main b').count(), 0, 'message text is shown as text, never as markup');
  await page.getByText('hello <b>world</b>').waitFor();
  await axe('channel detail');
  await shot('channel-detail');
  assert.deepEqual(problems, [], 'no CSP violations or page errors');
});

test('a service setting the API refuses shows its sentence next to that field', async () => {
  await open('services');
  const timeout = page.getByLabel('Typing indicator timeout (seconds)');
  await timeout.fill('0');
  await page.getByTestId('service-form').getByRole('button', { name: 'Save' }).click();
  const id = await timeout.getAttribute('id');
  const error = page.locator(`#${id}-err`);
  await error.getByText('TypingIndicatorTimeout must be between 1 and 3600 seconds').waitFor();
  assert.equal(await timeout.getAttribute('aria-invalid'), 'true');
  await axe('service field error');
  await shot('services-field-error');
  await timeout.fill('9');
  await page.getByTestId('service-form').getByRole('button', { name: 'Save' }).click();
  await status('Saved.');
  assert.equal((await ok('GET', `/v2/Services/${service}`)).typing_indicator_timeout, 9);
});

test('an API key created on the dashboard works until it is revoked', async () => {
  await open('dashboard');
  await page.getByTestId('key-name').fill('ci key');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = await page.getByTestId('secret-value').inputValue();
  const label = await page.getByRole('dialog').locator('p').first().textContent();
  const keySid = label.match(/SK[0-9a-f]{32}/)[0];
  await page.getByTestId('secret-close').click();
  const auth = 'Basic ' + Buffer.from(`${keySid}:${secret}`).toString('base64');
  assert.equal((await fetch(main.base + '/v2/Services', { headers: { Authorization: auth } })).status, 200, 'the new key authenticates');
  await page.getByRole('button', { name: `Revoke key ${keySid}` }).click();
  await page.getByTestId('confirm-input').fill(keySid);
  await page.getByTestId('confirm-ok').click();
  await status('The key was revoked.');
  assert.equal((await fetch(main.base + '/v2/Services', { headers: { Authorization: auth } })).status, 401, 'a revoked key is refused');
});

test('a user created with a password signs in with POST /auth/token', async () => {
  userPassword = 'correct horse ' + crypto.randomBytes(4).toString('hex');
  await open('users');
  await page.getByTestId('new-identity').fill('dave');
  await page.getByTestId('new-friendly-name').fill('Dave Console');
  await page.getByTestId('new-password').fill(userPassword);
  await page.getByRole('button', { name: 'Create user' }).click();
  await status('The user dave was created.');
  await page.getByRole('link', { name: 'dave' }).waitFor();
  const res = await fetch(main.base + '/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: 'dave', password: userPassword, service_sid: service }).toString(),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.identity, 'dave');
  assert.ok(body.access_token);
  await page.getByRole('link', { name: 'dave' }).click();
  await page.getByRole('heading', { name: 'dave' }).waitFor();
  await axe('user detail');
  await shot('user-detail');
});

async function daveToken() {
  const res = await fetch(main.base + '/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: 'dave', password: userPassword, service_sid: service }).toString(),
  });
  assert.equal(res.status, 200);
  return (await res.json()).access_token;
}

test('a permission removed in the role matrix is enforced on the user’s access token', async () => {
  const token = await daveToken();
  const before = await rest('POST', `/v2/Services/${service}/Channels`, { FriendlyName: 'dave before' }, { auth: 'access', token });
  assert.equal(before.status, 201, `service users may create channels at first: ${JSON.stringify(before.json)}`);
  await open('roles');
  const box = page.getByLabel('createChannel for service user', { exact: true });
  assert.equal(await box.isChecked(), true);
  await box.uncheck();
  await page.getByRole('button', { name: 'Save service user' }).click();
  await status('The role was saved.');
  const roles = (await ok('GET', `/v2/Services/${service}/Roles`)).roles;
  assert.ok(!roles.find((r) => r.friendly_name === 'service user').permissions.includes('createChannel'), 'the role lost createChannel');
  const after = await rest('POST', `/v2/Services/${service}/Channels`, { FriendlyName: 'dave after' }, { auth: 'access', token });
  assert.equal(after.status, 403, `refused without createChannel: ${JSON.stringify(after.json)}`);
  assert.equal(after.json.code, 50107);
});

test('the channel search finds a private channel among every channel, on the server', async () => {
  await ok('POST', `/v2/Services/${service}/Channels`, { UniqueName: 'board-room', FriendlyName: '董事會 Board', Type: 'private' });
  await open('channels');
  await page.getByRole('link', { name: 'General' }).waitFor();
  await page.getByTestId('channel-search').fill('董事');
  await page.getByRole('link', { name: 'General' }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: '董事會 Board' }).waitFor();
  assert.deepEqual(await page.locator('main tbody a').allTextContents(), ['董事會 Board']);
  await page.getByTestId('channel-search').fill('');
  await page.getByRole('link', { name: 'General' }).waitFor();
});

test('a message deleted in the console is gone over REST', async () => {
  const { messages } = await ok('GET', `/v2/Services/${service}/Channels/general/Messages`);
  const target = messages.find((m) => m.body === 'moderate me');
  await open('channels', channel.sid);
  await page.getByTestId(`delete-message-${target.index}`).click();
  await page.getByRole('dialog').getByText('will be deleted').waitFor();
  await axe('delete message dialog');
  await page.getByTestId('confirm-ok').click();
  await status('The message was deleted.');
  const gone = await rest('GET', `/v2/Services/${service}/Channels/general/Messages/${target.sid}`);
  assert.equal(gone.status, 404, 'the message is deleted on the server');
  // The list redraws after the status line: wait for the row to go.
  await page.getByText('moderate me').waitFor({ state: 'detached', timeout: 5000 });
  assert.equal(await page.getByText('moderate me').count(), 0, 'and no longer listed');
});

test('Export JSON downloads every message of the channel', async () => {
  await open('channels', channel.sid);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const file = await (await download).path();
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  const { messages } = await ok('GET', `/v2/Services/${service}/Channels/general/Messages?PageSize=100`);
  assert.deepEqual(exported.messages.map((m) => m.sid), messages.map((m) => m.sid));
  assert.equal(exported.channel.sid, channel.sid);
});

test('selected users get a new role, then are deleted after typing their count', async () => {
  for (const identity of ['erin-bulk', 'frank-bulk']) await ok('POST', `/v2/Services/${service}/Users`, { Identity: identity });
  const admin = (await ok('GET', `/v2/Services/${service}/Roles`)).roles.find((r) => r.friendly_name === 'service admin');
  await open('users');
  await page.getByRole('link', { name: 'bob' }).waitFor();
  await page.getByTestId('user-search').fill('bulk');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'bob' }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'frank-bulk' }).waitFor();
  assert.deepEqual(await page.locator('main tbody a').allTextContents(), ['erin-bulk', 'frank-bulk'], 'the search narrowed the list');
  await page.getByLabel('Select erin-bulk').check();
  await page.getByLabel('Select frank-bulk').check();
  await page.getByLabel('New role').selectOption(admin.sid);
  await page.getByTestId('bulk-role').click();
  await status('The roles were changed.');
  for (const identity of ['erin-bulk', 'frank-bulk']) assert.equal((await ok('GET', `/v2/Services/${service}/Users/${identity}`)).role_sid, admin.sid);
  await page.getByLabel('Select erin-bulk').check();
  await page.getByLabel('Select frank-bulk').check();
  await page.getByTestId('bulk-delete').click();
  await page.getByTestId('confirm-input').fill('2');
  await page.getByTestId('confirm-ok').click();
  await status('Deleted.');
  for (const identity of ['erin-bulk', 'frank-bulk']) assert.equal((await rest('GET', `/v2/Services/${service}/Users/${identity}`)).status, 404);
});

test('a role still held by a user is not deleted, with a sentence saying why', async () => {
  await open('roles');
  await page.getByTestId('role-name').fill('moderator');
  await page.getByTestId('role-type').selectOption('deployment');
  await page.getByLabel('deleteAnyMessage', { exact: true }).check();
  await page.getByRole('button', { name: 'Create role' }).click();
  await status('The role was created.');
  const role = (await ok('GET', `/v2/Services/${service}/Roles`)).roles.find((r) => r.friendly_name === 'moderator');
  assert.deepEqual(role.permissions, ['deleteAnyMessage']);
  await ok('POST', `/v2/Services/${service}/Users/bob`, { RoleSid: role.sid });
  await page.getByRole('button', { name: 'Delete moderator' }).click();
  // No pre-check in the console: the typed confirmation, then the server decides.
  await page.getByTestId('confirm-input').fill('moderator');
  await page.getByTestId('confirm-ok').click();
  await page.locator('#status .status-error').waitFor();
  const shown = await page.locator('#status').textContent();
  const refused = await rest('DELETE', `/v2/Services/${service}/Roles/${role.sid}`);
  assert.ok(refused.status === 400 || refused.status === 409, `the server refuses too: ${refused.status}`);
  assert.ok(shown.includes(refused.json.message), `the status shows the server's sentence ${JSON.stringify(refused.json.message)}, got ${JSON.stringify(shown)}`);
  assert.match(shown, new RegExp(`\\(error ${refused.json.code}\\)`));
  assert.match(refused.json.message, /held by 1 user and cannot be deleted/, 'the sentence says what holds it');
  assert.equal((await rest('GET', `/v2/Services/${service}/Roles/${role.sid}`)).status, 200, 'the role is still there');
  await page.getByTestId(`delete-role-${role.sid}`).waitFor();
  await axe('role delete refused');
});

test('push templates preview as the server renders them, cut to 110 characters', async () => {
  await open('push');
  const template = page.getByTestId('template-NewMessage');
  await template.fill('${USER}: ${MESSAGE}');
  const long = await preview('NewMessage', '${USER}: ${MESSAGE}');
  assert.equal(long.truncated, true, `the server's sample message is long enough to be cut: ${JSON.stringify(long)}`);
  await waitText('preview-NewMessage', long.body);
  const body = await page.getByTestId('preview-NewMessage').textContent();
  assert.ok(body.endsWith('…'), `cut with an ellipsis: ${JSON.stringify(body)}`);
  assert.equal([...body].length, 110, 'cut to 110 characters');
  assert.ok(!body.includes('${'), 'the variables are filled in');
  assert.equal(await page.getByTestId('preview-title-NewMessage').textContent(), long.title);
  assert.equal(await page.getByTestId('preview-count-NewMessage').textContent(), '110 of 110 characters');
  const cut = page.getByTestId('preview-cut-NewMessage');
  assert.equal(await cut.isVisible(), true);
  assert.equal(await cut.textContent(), 'Cut to 110 characters');
  await axe('push preview cut');
  await shot('push-preview');
});

test('a zh-TW template previews with the sample user, in the zh-TW console', async () => {
  await open('push');
  await page.getByTestId('language').selectOption('zh-TW');
  await page.locator('nav a', { hasText: '推播' }).waitFor();
  await page.getByTestId('template-AddedToChannel').waitFor();
  const tpl = '${USER} 把你加入了 ${CHANNEL}';
  await page.getByTestId('template-AddedToChannel').fill(tpl);
  const want = await preview('AddedToChannel', tpl);
  const user = (await preview('AddedToChannel', '${USER}')).body;
  const chan = (await preview('AddedToChannel', '${CHANNEL}')).body;
  assert.equal(want.body, `${user} 把你加入了 ${chan}`);
  await waitText('preview-AddedToChannel', want.body);
  assert.equal(await page.getByTestId('preview-cut-AddedToChannel').isVisible(), false, 'not cut');
  assert.equal(await page.getByTestId('preview-count-AddedToChannel').textContent(), `${[...want.body].length} / 110 個字元`);
  await axe('push zh-TW');
  await shot('push-zh-TW');
  await page.getByTestId('language').selectOption('en');
  await page.locator('nav a', { hasText: 'Push' }).waitFor();
});

test('push templates save; webhook filters save', async () => {
  await open('push');
  const template = page.getByTestId('template-NewMessage');
  await template.fill('New in ${CHANNEL} from ${USER}: ${MESSAGE}');
  await waitText('preview-NewMessage', (await preview('NewMessage', 'New in ${CHANNEL} from ${USER}: ${MESSAGE}')).body);
  await page.getByLabel('Enabled').first().check();
  await page.getByRole('button', { name: 'Save' }).first().click();
  await status('Saved.');
  const nm = (await ok('GET', `/v2/Services/${service}`)).notifications.new_message;
  assert.equal(nm.template, 'New in ${CHANNEL} from ${USER}: ${MESSAGE}');
  assert.equal(nm.enabled, true);
  await open('webhooks');
  await page.getByLabel('Post-event webhook URL').fill('http://127.0.0.1:9/post');
  await page.getByLabel('onMessageSent', { exact: true }).first().check();
  await page.getByLabel('onChannelDestroyed', { exact: true }).first().check();
  await page.getByRole('button', { name: 'Save' }).first().click();
  await status('Saved.');
  const svc = await ok('GET', `/v2/Services/${service}`);
  assert.equal(svc.post_webhook_url, 'http://127.0.0.1:9/post');
  assert.deepEqual([...svc.webhook_filters].sort(), ['onChannelDestroyed', 'onMessageSent']);
});

test('Send test push on a binding reports Queued, then the failed delivery in words', async () => {
  const token = await daveToken();
  const dave = await ok('GET', `/v2/Services/${service}/Users/dave`);
  const made = await rest('POST', `/v2/Services/${service}/Users/${dave.sid}/Bindings`, { BindingType: 'fcm', Address: 'tok-1', Endpoint: 'tok-1' }, { auth: 'access', token });
  assert.equal(made.status, 201, `the binding is made with dave's token: ${JSON.stringify(made.json)}`);
  const binding = made.json.sid;
  await open('users', dave.sid);
  const send = page.getByTestId(`test-push-${binding}`);
  await send.waitFor();
  assert.equal(await send.textContent(), 'Send test push');
  assert.equal(await page.getByRole('button', { name: `Send test push to ${binding}` }).count(), 1);
  await send.click();
  const result = page.getByTestId(`test-push-result-${binding}`);
  await result.getByText('Queued').waitFor();
  await status('Queued');
  await result.getByText('The test push failed.', { exact: false }).waitFor({ timeout: 15_000 });
  const said = await result.textContent();
  assert.match(said, /^The test push failed\. Reason: no fcm credential to push with/, said);
  assert.ok((await page.locator('#status').textContent()).includes(said), 'reported in the status region as well');
  const { deliveries } = await ok('GET', `/admin/Services/${service}/Deliveries?Kind=push`);
  const logged = deliveries.find((d) => d.target.includes(binding));
  assert.equal(logged?.outcome, 'failed', JSON.stringify(logged));
  await axe('user test push');
  await shot('user-test-push');
});

test('rotating the auth token refuses the old one over REST and the new one works', async () => {
  await open('dashboard');
  await page.getByTestId('rotate-token').click();
  const ok2 = page.getByTestId('confirm-ok');
  assert.equal(await ok2.isDisabled(), true, 'disabled until the SID is typed');
  await page.getByTestId('confirm-input').fill(main.sid.slice(0, 10));
  assert.equal(await ok2.isDisabled(), true);
  await page.getByTestId('confirm-input').fill(main.sid);
  await axe('rotate dialog');
  await shot('rotate-confirm');
  await ok2.click();
  const secret = page.getByTestId('secret-value');
  await secret.waitFor();
  const fresh = await secret.inputValue();
  assert.ok(fresh && fresh !== main.token, 'a new token is shown once');
  await page.getByTestId('secret-close').click();
  const old = await rest('GET', '/v2/Services', null, { token: main.token });
  assert.equal(old.status, 401, 'the old token is refused at once');
  const now = await rest('GET', '/v2/Services', null, { token: fresh });
  assert.equal(now.status, 200, 'the new one works');
  main.token = fresh;
  await page.getByTestId('reveal-token').click();
  await page.getByTestId('auth-token').getByText(fresh).waitFor();
});

test('the usage chart draws after messages are sent', async () => {
  for (let i = 0; i < 5; i++) await ok('POST', `/v2/Services/${service}/Channels/general/Messages`, { From: 'bob', Body: `usage ${i}` });
  await open('usage');
  await page.locator('[data-testid=usage-chart] canvas').first().waitFor();
  const today = new Date().toISOString().slice(0, 10);
  const row = page.locator('tr', { has: page.locator(`time[datetime="${today}"]`) });
  const messages = Number((await row.locator('td').nth(1).textContent()).replace(/\D/g, ''));
  assert.ok(messages >= 5, `today's messages counted: ${messages}`);
  const csv = await page.getByTestId('usage-csv').getAttribute('href');
  const res = await page.evaluate(async (href) => { const r = await fetch(href); return { status: r.status, text: await r.text() }; }, csv);
  assert.equal(res.status, 200);
  assert.match(res.text, new RegExp(today));
  await axe('usage after messages');
  await shot('usage');
});

test('the audit log lists each of those actions', async () => {
  await open('audit');
  await page.getByTestId('audit-table').waitFor();
  const actions = await page.locator('td.action').allTextContents();
  for (const a of ['console sign-in', 'create user', 'set user password', 'update role', 'delete message', 'rotate auth token']) {
    assert.ok(actions.includes(a), `audit entry "${a}" (have: ${[...new Set(actions)].join(', ')})`);
  }
  const rotate = page.locator('tr', { has: page.locator('td.action', { hasText: 'rotate auth token' }) }).first();
  assert.equal(await rotate.locator('td').nth(2).textContent(), 'console', 'made through the console');
  await rotate.getByRole('button', { name: /Details/ }).click();
  await page.locator('tr.details:not([hidden]) pre').first().waitFor();
  const shown = await page.locator('tr.details:not([hidden])').textContent();
  assert.ok(!shown.includes(main.token), 'the new token is not in the audit log');
  await page.getByTestId('audit-search').fill('delete message');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('td.action').getByText('delete message').first().waitFor();
  await axe('audit details');
  await shot('audit');
});

test('the zh-TW switch changes the navigation labels', async () => {
  await open('dashboard');
  await page.getByTestId('language').selectOption('zh-TW');
  await page.locator('nav a', { hasText: '儀表板' }).waitFor();
  const labels = await page.locator('nav[aria-label] a').allTextContents();
  assert.deepEqual(labels, ['儀表板', '用量', '服務', '使用者', '角色', '頻道', '推播', 'Webhook', '稽核紀錄', '健康狀態']);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-TW');
  await page.reload();
  await page.locator('nav a', { hasText: '儀表板' }).waitFor();
  await axe('dashboard zh-TW');
  await shot('dashboard-zh-TW');
  await page.getByTestId('language').selectOption('en');
  await page.locator('nav a', { hasText: 'Dashboard' }).waitFor();
});

test('CSRF: a cross-site form post and a change without X-Parley-Csrf are refused', async () => {
  const evilPort = await freePort();
  const evil = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><title>evil</title><form id="f" method="POST" action="${main.base}/v2/Services">
      <input name="FriendlyName" value="Evil Corp"></form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise((r) => evil.listen(evilPort, '127.0.0.1', r));
  try {
    const other = await ctx.newPage(); // same browser context: it carries the console's cookie
    const answer = other.waitForResponse((r) => r.url() === `${main.base}/v2/Services` && r.request().method() === 'POST');
    await other.goto(`http://127.0.0.1:${evilPort}/`);
    const res = await answer;
    assert.equal(res.status(), 403, 'the cross-site post is refused');
    await other.close();
  } finally {
    evil.close();
  }
  const direct = await page.evaluate(async () => {
    const r = await fetch('/v2/Services', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'FriendlyName=No+Csrf' });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(direct.status, 403, `no X-Parley-Csrf header: ${JSON.stringify(direct.body)}`);
  assert.equal(direct.body.code, 20403);
  const names = (await ok('GET', '/v2/Services')).services.map((s) => s.friendly_name);
  assert.ok(!names.includes('Evil Corp') && !names.includes('No Csrf'), `no service was created: ${names.join(', ')}`);
});

test('signing out returns to the sign-in form, also after a reload', async () => {
  await open('dashboard');
  await page.getByTestId('sign-out').click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal(await page.locator('nav[aria-label="Sections"]').count(), 0);
  const after = await page.evaluate(async () => (await fetch('/admin/Session')).status);
  assert.equal(after, 401, 'the session is gone on the server');
});

test('an idle session ends: the next request shows the sign-in form again', async () => {
  const wait = idleSignedInAt + (IDLE_TIMEOUT + 3) * 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  await idlePage.locator('nav a', { hasText: 'Health' }).click();
  await idlePage.getByRole('button', { name: 'Sign in' }).waitFor();
  await idlePage.getByText('Your session ended. Sign in again.').waitFor();
  await axe('session ended', idlePage);
  await shot('session-ended', idlePage);
});
