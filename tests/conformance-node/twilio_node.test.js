// Conformance: Twilio's official `twilio` npm package drives parley-server
// (a real server on 127.0.0.1 with a temp data dir) as an app would.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const twilio = require('twilio');

const BIN = process.env.PARLEY_SERVER_BIN || path.resolve(__dirname, '../../target/debug/parley-server');
const sid = 'AC' + crypto.randomBytes(16).toString('hex');
const token = crypto.randomBytes(16).toString('hex');
let server, base, client, dataDir;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-node-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, PARLEY_ACCOUNT_SID: sid, PARLEY_AUTH_TOKEN: token, PARLEY_LOG: 'warn' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch (_) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  client = twilio(sid, token);
  client.chat.baseUrl = base;
});

after(() => {
  server.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('services, channels and messages round-trip with parsed dates', async () => {
  const svc = await client.chat.v2.services.create({ friendlyName: 'node' });
  assert.match(svc.sid, /^IS[0-9a-f]{32}$/);
  assert.ok(svc.dateCreated instanceof Date && !isNaN(svc.dateCreated), 'dates parse strictly');
  const updated = await client.chat.v2.services(svc.sid).update({
    typingIndicatorTimeout: 7,
    'notifications.newMessage.enabled': true,
    'notifications.newMessage.template': 'From ${USER}: ${MESSAGE}',
    'limits.channelMembers': 300,
  });
  assert.equal(updated.typingIndicatorTimeout, 7);
  assert.equal(updated.limits.channel_members, 300);
  assert.equal(updated.notifications.new_message.template, 'From ${USER}: ${MESSAGE}');

  const channels = client.chat.v2.services(svc.sid).channels;
  const ch = await channels.create({ uniqueName: 'node-room', friendlyName: 'Node room' });
  assert.equal((await channels('node-room').fetch()).sid, ch.sid);
  await channels(ch.sid).members.create({ identity: 'nina' });
  for (let i = 0; i < 7; i++) {
    const m = await channels(ch.sid).messages.create({ body: `m${i}`, from: 'nina' });
    assert.equal(m.index, i);
  }
  const all = await channels(ch.sid).messages.list({ pageSize: 3 });
  assert.deepEqual(all.map((m) => m.index), [0, 1, 2, 3, 4, 5, 6], 'list follows next_page_url');
  const newest = await channels(ch.sid).messages.list({ order: 'desc', pageSize: 2, limit: 3 });
  assert.deepEqual(newest.map((m) => m.body), ['m6', 'm5', 'm4']);
  const uc = await client.chat.v2.services(svc.sid).users('nina').userChannels(ch.sid).update({ lastConsumedMessageIndex: 4 });
  assert.equal(uc.unreadMessagesCount, 2);
});

test('errors surface as RestException with Twilio codes', async () => {
  const svc = await client.chat.v2.services.create({ friendlyName: 'node errors' });
  await assert.rejects(client.chat.v2.services(svc.sid).channels('missing').fetch(), (e) => {
    assert.equal(e.status, 404);
    assert.equal(e.code, 50300);
    assert.equal(e.moreInfo, 'https://www.twilio.com/docs/errors/50300');
    return true;
  });
  await client.chat.v2.services(svc.sid).users.create({ identity: 'dup' });
  await assert.rejects(client.chat.v2.services(svc.sid).users.create({ identity: 'dup' }), (e) => e.code === 50201);
});

test('an access token minted by the library acts as its identity', async () => {
  const out = execFileSync(BIN, ['--data-dir', dataDir, 'key', 'create'], { encoding: 'utf8' });
  const keySid = out.match(/(SK[0-9a-f]{32})/)[1];
  const secret = out.match(/secret \(shown once\): (\S+)/)[1];
  const svc = await client.chat.v2.services.create({ friendlyName: 'node tokens' });
  const ch = await client.chat.v2.services(svc.sid).channels.create({ friendlyName: 'room' });
  await client.chat.v2.services(svc.sid).channels(ch.sid).members.create({ identity: 'tom' });
  const at = new twilio.jwt.AccessToken(sid, keySid, secret, { identity: 'tom', ttl: 600 });
  at.addGrant(new twilio.jwt.AccessToken.ChatGrant({ serviceSid: svc.sid }));
  const res = await fetch(`${base}/v2/Services/${svc.sid}/Channels/${ch.sid}/Messages`, {
    method: 'POST',
    headers: { 'X-Twilio-Token': at.toJwt(), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'Body=hello',
  });
  assert.equal(res.status, 201);
  assert.equal((await res.json()).from, 'tom');
});
