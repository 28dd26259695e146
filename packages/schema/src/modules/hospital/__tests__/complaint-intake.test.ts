// Public complaint intake through a service point's link (QR code), without an account, through the
// gateway: the form and the submission in the code's tenant, a link used twice (two complaints; the
// same text resent is one), a wrong, forged, foreign or revoked code, the honeypot, the rate limits
// per address and per link (addresses from X-Forwarded-For), and the new complaint on the live board
// (graphql-ws).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, waitFor, wsFeed, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hospital: TestTenant;
let other: TestTenant;
let coordinator: { token: string };
let guideDesk: string;

beforeAll(async () => {
  t = await startTestApp({ TRUST_PROXY: 'true', PUBLIC_LINK_SUBMISSIONS_PER_ADDRESS: '4', PUBLIC_LINK_SUBMISSIONS_PER_LINK: '6' });
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  other = await createTenant(t, platform.token, 'HOSPITAL');
  coordinator = await hospital.member(['COORDINATOR']);
  const points = await t.gql(`{ servicePoints(kind: GUIDE_DESK) { id name } }`, {}, { token: coordinator.token });
  guideDesk = points.data.servicePoints[0].id;
});
afterAll(() => t?.close());

let addressCounter = 0;
/** A fresh client address for each test's submissions (the per-address limit is tested on its own). */
const freshAddress = () => `198.51.100.${++addressCounter}`;

async function newLink(token = coordinator.token, servicePointId = guideDesk): Promise<{ id: string; code: string }> {
  const res = await t.gql(
    `mutation($p: ID!) { createComplaintIntakeLink(input: { servicePointId: $p }) {
      __typename ... on CreateComplaintIntakeLinkPayload { code link { id label servicePoint { name } } } ... on Error { code } } }`,
    { p: servicePointId },
    { token },
  );
  const payload = res.data.createComplaintIntakeLink;
  if (payload.__typename !== 'CreateComplaintIntakeLinkPayload') throw new Error(JSON.stringify(res));
  return { id: payload.link.id, code: payload.code };
}

const SUBMIT = `mutation($input: SubmitPublicComplaintInput!) { submitPublicComplaint(input: $input) {
  __typename ... on SubmitPublicComplaintPayload { reference receivedAt } ... on Error { code message path } } }`;

async function submit(input: Record<string, unknown>, address: string) {
  const res = await t.gql(SUBMIT, { input: { category: 'WAITING_TIME', ...input } }, { headers: { 'x-forwarded-for': address } });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.submitPublicComplaint;
}

const complaintsOfLink = (linkId: string) =>
  ownerQuery<{ summary: string; channel: string; service_point_id: string }>(
    `SELECT summary, channel, service_point_id FROM complaints WHERE intake_link_id = $1 ORDER BY received_at`,
    [rawId(linkId)],
  );

describe('a service point’s public complaint link', () => {
  it('shows the form to anyone with the code, and only with it', async () => {
    const { code } = await newLink();
    const FORM = `query($c: String!) { complaintIntake(code: $c) { __typename ... on ComplaintIntakeForm { organizationName servicePointName categories } ... on Error { code } } }`;
    const form = await t.gql(FORM, { c: code });
    expect(form.data.complaintIntake).toMatchObject({ __typename: 'ComplaintIntakeForm', servicePointName: '门诊导医台' });
    expect(form.data.complaintIntake.categories).toContain('WAITING_TIME');
    expect((await t.gql(FORM, { c: 'jdc_nonsense' })).data.complaintIntake).toEqual({ __typename: 'ComplaintError', code: 'INVALID_CODE' });
    // The right tenant, a forged secret: the same refusal.
    const forged = `${code.slice(0, code.lastIndexOf('_'))}_${randomBytes(24).toString('base64url')}`;
    expect((await t.gql(FORM, { c: forged })).data.complaintIntake.code).toBe('INVALID_CODE');
    // Anything else in the same operation: no tenant is set, the code finds nothing.
    const mixed = await t.gql(`query($c: String!) { complaintIntake(code: $c) { __typename ... on Error { code } } viewer { id } }`, { c: code });
    expect(mixed.data.complaintIntake).toEqual({ __typename: 'ComplaintError', code: 'INVALID_CODE' });
    // Nor does a survey link's field lend its tenant to a complaint code.
    const surveyMixed = await t.gql(`query($c: String!) { complaintIntake(code: $c) { __typename } surveyInvitation(token: $c) { __typename } }`, { c: code });
    expect(surveyMixed.data.complaintIntake.__typename).toBe('ComplaintError');
  });

  it('used twice, takes two complaints into the service point’s department; the same text resent is one', async () => {
    const link = await newLink();
    const address = freshAddress();
    const first = await submit({ code: link.code, summary: '导医台无人值守，等了二十分钟', complainantContact: '13700000000' }, address);
    expect(first).toMatchObject({ __typename: 'SubmitPublicComplaintPayload', reference: expect.stringMatching(/^TS-[0-9A-F]{8}$/) });
    const second = await submit({ code: link.code, summary: '导医指引错误，走错楼层', category: 'COMMUNICATION' }, freshAddress());
    expect(second.reference).not.toBe(first.reference);
    const again = await submit({ code: link.code, summary: '导医台无人值守，等了二十分钟' }, address);
    expect(again.reference).toBe(first.reference);
    const stored = await complaintsOfLink(link.id);
    expect(stored.map((c) => c.summary)).toEqual(['导医台无人值守，等了二十分钟', '导医指引错误，走错楼层']);
    expect(stored.every((c) => c.channel === 'PUBLIC_LINK' && c.service_point_id === rawId(guideDesk))).toBe(true);
    // Staff see them with the channel and the service point.
    const list = await t.gql(`{ complaints(filter: { status: [NEW] }) { nodes { channel servicePoint { name } summary } } }`, {}, { token: coordinator.token });
    expect(list.data.complaints.nodes).toContainEqual({ channel: 'PUBLIC_LINK', servicePoint: { name: '门诊导医台' }, summary: '导医指引错误，走错楼层' });
  });

  it('refuses a wrong code, another hospital’s code for a link it does not have, and a revoked link; bad input stores nothing', async () => {
    const link = await newLink();
    const address = freshAddress();
    expect(await submit({ code: 'not-a-code', summary: '无效的码提交' }, address)).toMatchObject({ code: 'INVALID_CODE' });
    // A code of the other hospital's format, with this link's secret: found in neither.
    const theirs = await newLink(other.adminToken, (await t.gql(`{ servicePoints { id } }`, {}, { token: other.adminToken })).data.servicePoints[0].id);
    const swapped = `${theirs.code.slice(0, theirs.code.lastIndexOf('_'))}${link.code.slice(link.code.lastIndexOf('_'))}`;
    expect(await submit({ code: swapped, summary: '串用的码提交' }, address)).toMatchObject({ code: 'INVALID_CODE' });
    expect(await submit({ code: link.code, summary: '短' }, address)).toMatchObject({ code: 'BAD_USER_INPUT', path: ['input', 'summary'] });
    const revoke = await t.gql(
      `mutation($id: ID!) { revokeComplaintIntakeLink(input: { id: $id }) { ... on ComplaintIntakeLinkPayload { link { revokedAt } } } }`,
      { id: link.id },
      { token: coordinator.token },
    );
    expect(revoke.data.revokeComplaintIntakeLink.link.revokedAt).toBeTruthy();
    expect(await submit({ code: link.code, summary: '撤销后的提交内容' }, freshAddress())).toMatchObject({ code: 'INVALID_CODE' });
    expect(await complaintsOfLink(link.id)).toEqual([]);
    expect(await complaintsOfLink(theirs.id)).toEqual([]);
  });

  it('answers a bot that fills in the hidden field like anyone, and keeps nothing', async () => {
    const link = await newLink();
    const res = await submit({ code: link.code, summary: 'Buy cheap pills at example.test', website: 'http://spam.test' }, freshAddress());
    expect(res.__typename).toBe('SubmitPublicComplaintPayload');
    expect(await complaintsOfLink(link.id)).toEqual([]);
  });

  it('limits submissions per client address (wrong codes count too), and per link', async () => {
    const link = await newLink();
    const address = freshAddress();
    expect((await submit({ code: 'jdc_wrong', summary: '错误码提交一次' }, address)).code).toBe('INVALID_CODE');
    for (let i = 1; i <= 3; i++)
      expect((await submit({ code: link.code, summary: `第${i}条意见：候诊太久` }, address)).__typename).toBe('SubmitPublicComplaintPayload');
    expect(await submit({ code: link.code, summary: '第4条意见：候诊太久' }, address)).toMatchObject({ __typename: 'ComplaintError', code: 'RATE_LIMITED' });
    expect(await complaintsOfLink(link.id)).toHaveLength(3);
    // The link itself: 6 an hour here; 3 used above, 3 more from other addresses, then refused from anywhere.
    for (let i = 4; i <= 6; i++)
      expect((await submit({ code: link.code, summary: `第${i}条意见：挂号难` }, freshAddress())).__typename).toBe('SubmitPublicComplaintPayload');
    expect((await submit({ code: link.code, summary: '第7条意见：挂号难' }, freshAddress())).code).toBe('RATE_LIMITED');
    expect(await complaintsOfLink(link.id)).toHaveLength(6);
  });

  it('puts the new complaint on the live board: graphql-ws subscribers of complaintChanged receive it (no actor)', async () => {
    const link = await newLink();
    await t.listen();
    const client = t.wsClient({ Authorization: `Bearer ${coordinator.token}` });
    const [row] = await ownerQuery<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [hospital.id]);
    const feed = wsFeed<{ kind: string; actor: { id: string } | null; complaint: { channel: string; summary: string } | null }>(client, {
      query: `subscription($after: String) { complaintChanged(after: $after) { kind actor { id } complaint { channel summary } } }`,
      variables: { after: row?.seq ?? '0' },
      field: 'complaintChanged',
    });
    try {
      await submit({ code: link.code, summary: '饮水机没有热水', category: 'ENVIRONMENT' }, freshAddress());
      await waitFor(() => feed.events.length > 0 || feed.ended !== null, 10_000, 'the public complaint on the board');
      expect(feed.errors).toEqual([]);
      expect(feed.events[0]).toEqual({ kind: 'CREATED', actor: null, complaint: { channel: 'PUBLIC_LINK', summary: '饮水机没有热水' } });
    } finally {
      feed.stop();
      await client.dispose();
    }
  });
});
