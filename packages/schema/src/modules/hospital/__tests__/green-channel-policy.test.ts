// The green channel's paperwork deadlines as a tenant setting: the defaults (2 h, 6 h, 48 h after arrival),
// a tenant admin changes them (kinds not given keep theirs), new cases' paperwork tasks follow, open cases
// keep theirs; refusals change nothing; another hospital keeps the defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hospital: TestTenant;
let other: TestTenant;
let nurse: { token: string };
let coordinator: { token: string };

const POLICY = `{ greenChannelPaperworkPolicy { kind hours } }`;
const SET = `mutation($input: SetGreenChannelPaperworkDeadlinesInput!) { setGreenChannelPaperworkDeadlines(input: $input) {
  __typename ... on GreenChannelPaperworkPolicyPayload { policy { kind hours } } ... on Error { code message path } } }`;
const OPEN = `mutation($input: OpenGreenChannelCaseInput!) { openGreenChannelCase(input: $input) {
  __typename ... on GreenChannelCasePayload { case { id arrivedAt paperwork { kind dueAt task { dueAt } } } } ... on Error { code } } }`;

const hoursAfterArrival = (c: { arrivedAt: string; paperwork: { kind: string; dueAt: string; task: { dueAt: string } }[] }) =>
  Object.fromEntries(
    c.paperwork.map((p) => {
      expect(p.task.dueAt).toBe(p.dueAt);
      return [p.kind, (Date.parse(p.dueAt) - Date.parse(c.arrivedAt)) / 3_600_000];
    }),
  );
async function open(token: string) {
  const res = await t.gql(OPEN, { input: { arrivalMode: 'AMBULANCE', triageLevel: 2 } }, { token });
  expect(res.data.openGreenChannelCase.__typename).toBe('GreenChannelCasePayload');
  return res.data.openGreenChannelCase.case;
}
const stored = async (tenantId: string) =>
  (
    await ownerQuery<{ kind: string; hours: number }>('SELECT kind::text, hours FROM green_channel_paperwork_deadlines WHERE tenant_id = $1 ORDER BY kind', [
      tenantId,
    ])
  ).map((r) => `${r.kind}=${r.hours}`);

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  other = await createTenant(t, platform.token, 'HOSPITAL');
  nurse = await hospital.member(['STAFF']);
  coordinator = await hospital.member(['COORDINATOR']);
});
afterAll(() => t?.close());

describe('green-channel paperwork deadlines (a tenant setting)', () => {
  it('defaults to 2, 6 and 48 hours after arrival, as cases are opened', async () => {
    expect((await t.gql(POLICY, {}, { token: nurse.token })).data.greenChannelPaperworkPolicy).toEqual([
      { kind: 'REGISTRATION', hours: 2 },
      { kind: 'CONSENT', hours: 6 },
      { kind: 'PAYMENT', hours: 48 },
    ]);
    expect(hoursAfterArrival(await open(nurse.token))).toEqual({ REGISTRATION: 2, CONSENT: 6, PAYMENT: 48 });
  });

  it('a tenant admin sets them; new cases follow, an open case keeps its own, another hospital keeps the defaults', async () => {
    const before = await open(nurse.token);
    const set = await t.gql(SET, { input: { registrationHours: 1, paymentHours: 72 } }, { token: hospital.adminToken });
    expect(set.data.setGreenChannelPaperworkDeadlines).toEqual({
      __typename: 'GreenChannelPaperworkPolicyPayload',
      policy: [
        { kind: 'REGISTRATION', hours: 1 },
        { kind: 'CONSENT', hours: 6 },
        { kind: 'PAYMENT', hours: 72 },
      ],
    });
    expect(hoursAfterArrival(await open(nurse.token))).toEqual({ REGISTRATION: 1, CONSENT: 6, PAYMENT: 72 });
    // The case opened before keeps its deadlines (its tasks too).
    const reread = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on GreenChannelCase { arrivedAt paperwork { kind dueAt task { dueAt } } } } }`,
      { id: before.id },
      { token: nurse.token },
    );
    expect(hoursAfterArrival(reread.data.node)).toEqual({ REGISTRATION: 2, CONSENT: 6, PAYMENT: 48 });
    // Only the consent given now changes; the others stay.
    const consent = await t.gql(SET, { input: { consentHours: 4 } }, { token: hospital.adminToken });
    expect(consent.data.setGreenChannelPaperworkDeadlines.policy).toEqual([
      { kind: 'REGISTRATION', hours: 1 },
      { kind: 'CONSENT', hours: 4 },
      { kind: 'PAYMENT', hours: 72 },
    ]);
    // The other hospital: untouched.
    expect((await t.gql(POLICY, {}, { token: other.adminToken })).data.greenChannelPaperworkPolicy.map((p: { hours: number }) => p.hours)).toEqual([2, 6, 48]);
    expect(hoursAfterArrival(await open(other.adminToken))).toEqual({ REGISTRATION: 2, CONSENT: 6, PAYMENT: 48 });
    expect(await stored(other.id)).toEqual([]);
  });

  it('refuses a coordinator (admins only), no value, and hours outside 1–720; nothing changes', async () => {
    const before = await stored(hospital.id);
    expect((await t.gql(SET, { input: { registrationHours: 3 } }, { token: coordinator.token })).data.setGreenChannelPaperworkDeadlines.code).toBe('FORBIDDEN');
    expect((await t.gql(SET, { input: {} }, { token: hospital.adminToken })).data.setGreenChannelPaperworkDeadlines).toMatchObject({
      code: 'BAD_USER_INPUT',
      path: ['input', 'registrationHours'],
    });
    expect(
      (await t.gql(SET, { input: { registrationHours: 3, paymentHours: 721 } }, { token: hospital.adminToken })).data.setGreenChannelPaperworkDeadlines,
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      path: ['input', 'paymentHours'],
    });
    expect((await t.gql(SET, { input: { consentHours: 0 } }, { token: hospital.adminToken })).data.setGreenChannelPaperworkDeadlines.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(await stored(hospital.id)).toEqual(before);
  });
});
