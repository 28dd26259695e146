// The SSRF guard and the payload, alone: which addresses count as inside, how a URL's form is judged, that every
// resolved address is checked (one private answer among public ones refuses), the allow-list, the backoff.
import { describe, expect, it } from 'vitest';
import { checkTarget, checkUrlForm, DEFAULT_WEBHOOK_SETTINGS, isPrivateAddress, TargetRefused, type Resolve } from '../webhook.guard.ts';
import { retryDelayMs } from '../webhook.service.ts';
import { publicEventType, WEBHOOK_EVENT_TYPES, webhookPayload } from '../webhook.events.ts';

const TENANT = '0b5f3a4e-7d2c-4c1e-9a55-3f1d2e6b7a90';
const strict = DEFAULT_WEBHOOK_SETTINGS;
const dev = { ...strict, allowHttp: true };
const resolver =
  (answers: Record<string, string[]>): Resolve =>
  async (host) =>
    (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('webhook SSRF guard', () => {
  it('knows private, loopback, link-local, CGNAT, multicast and reserved addresses, v4 and v6 (and v4-mapped v6)', () => {
    for (const inside of [
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '127.8.8.8',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc12::3',
      '::ffff:10.0.0.1',
      '::ffff:127.0.0.1',
      'ff02::1',
      'not-an-ip',
    ]) {
      expect(isPrivateAddress(inside), inside).toBe(true);
    }
    for (const outside of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(outside), outside).toBe(false);
    }
  });

  it('https only in production; http only to localhost where allowed; no credentials, fragments or other schemes', () => {
    expect(checkUrlForm('https://hooks.example.com/x', strict)).toHaveProperty('url');
    expect(checkUrlForm('http://localhost:3000/x', strict)).toEqual({ refused: 'must use https' });
    expect(checkUrlForm('http://localhost:3000/x', dev)).toHaveProperty('url');
    expect(checkUrlForm('http://127.0.0.1:3000/x', dev)).toHaveProperty('url');
    expect(checkUrlForm('http://hooks.example.com/x', dev)).toMatchObject({ refused: expect.stringMatching(/only to localhost/) });
    expect(checkUrlForm('gopher://hooks.example.com/', dev)).toEqual({ refused: 'must use https' });
    expect(checkUrlForm('https://u:p@hooks.example.com/', strict)).toEqual({ refused: 'must not carry credentials' });
    expect(checkUrlForm('https://hooks.example.com/#x', strict)).toEqual({ refused: 'must not have a fragment' });
    expect(checkUrlForm('/relative', strict)).toEqual({ refused: 'is not an absolute URL' });
  });

  it('checks every address a name resolves to; the allow-list lets a tenant reach private targets', async () => {
    const resolve = resolver({ 'public.example': ['93.184.216.34'], 'mixed.example': ['93.184.216.34', '10.0.0.7'], 'nothing.example': [] });
    await expect(checkTarget('https://public.example/h', TENANT, strict, resolve)).resolves.toBeInstanceOf(URL);
    await expect(checkTarget('https://mixed.example/h', TENANT, strict, resolve)).rejects.toThrow(/10\.0\.0\.7/);
    await expect(checkTarget('https://nothing.example/h', TENANT, strict, resolve)).rejects.toBeInstanceOf(TargetRefused);
    await expect(checkTarget('https://[fd00::5]/h', TENANT, strict, resolve)).rejects.toThrow(/fd00::5/);
    await expect(checkTarget('https://mixed.example/h', TENANT, { ...strict, allowPrivateTargets: [TENANT] }, resolve)).resolves.toBeInstanceOf(URL);
    await expect(checkTarget('https://mixed.example/h', TENANT, { ...strict, allowPrivateTargets: ['another'] }, resolve)).rejects.toThrow();
    await expect(checkTarget('https://mixed.example/h', TENANT, { ...strict, allowPrivateTargets: '*' }, resolve)).resolves.toBeInstanceOf(URL);
  });

  it('backs off exponentially with jitter, capped', () => {
    const s = { ...strict, retryBaseMs: 1_000, retryMaxMs: 60_000 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, s, () => 0.5))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelayMs(30, s, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(1, s, () => 0)).toBe(800);
    expect(retryDelayMs(1, s, () => 1)).toBe(1_200);
  });
});

describe('webhook event types and payload', () => {
  it('maps log events to stable public names; internal events (access changes) are never sent', () => {
    expect(publicEventType('task', 'STATUS_CHANGED')?.name).toBe('task.changed');
    expect(publicEventType('visit', 'visit.status_changed')?.name).toBe('visit.status_changed');
    expect(publicEventType('hotel', 'READINESS_CHANGED')?.name).toBe('hotel_event.readiness_changed');
    expect(publicEventType('access', 'member.removed')).toBeUndefined();
    expect(publicEventType('visit', 'visit.something_new')).toBeUndefined();
    expect(new Set(WEBHOOK_EVENT_TYPES.map((t) => t.name)).size).toBe(WEBHOOK_EVENT_TYPES.length);
  });

  it('builds { type, timestamp, data: { id, seq, tenantId, … } } with global ids', () => {
    const def = publicEventType('task', 'CREATED')!;
    const visitId = '11111111-2222-4333-8444-555555555555';
    const taskId = '66666666-7777-4888-9999-000000000000';
    const body = JSON.parse(
      webhookPayload(
        {
          tenantId: TENANT,
          seq: 42n,
          topic: 'task',
          type: 'CREATED',
          subjectId: visitId,
          actorUserId: null,
          payload: { task: { id: taskId, visitId, title: '接站', assigneeMembershipId: null } },
          createdAt: new Date('2026-12-03T08:00:00Z'),
        },
        def,
      ),
    );
    const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
    expect(body).toEqual({
      type: 'task.changed',
      timestamp: '2026-12-03T08:00:00.000Z',
      data: {
        id: `evt_${TENANT.replaceAll('-', '')}_42`,
        seq: '42',
        tenantId: gid('Tenant', TENANT),
        change: 'CREATED',
        subjectId: gid('Visit', visitId),
        actorId: null,
        task: { id: gid('Task', taskId), visitId: gid('Visit', visitId), title: '接站', assigneeMembershipId: null },
      },
    });
  });
});
