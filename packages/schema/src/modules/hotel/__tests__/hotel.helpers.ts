// Shared by the hotel tests: a thin client for the hotel's mutations and queries through the real gateway.
import { expect } from 'vitest';
import type { TestApp } from '@jiedai/testing';

export const GATE = `gate { status reasons { code message department hazard subjectIds } }`;

export function hotelApi(t: TestApp) {
  const gql = async (query: string, variables: Record<string, unknown>, token: string, language = 'en') => {
    const res = await t.gql(query, variables, { token, headers: { 'accept-language': language } });
    if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  };
  /** A mutation with one input; returns its result (asserting the expected __typename when given). */
  const mutate = async (field: string, input: Record<string, unknown>, selection: string, token: string, expected?: string) => {
    const Name = `${field[0]!.toUpperCase()}${field.slice(1)}`;
    const data = await gql(
      `mutation($input: ${Name}Input!) { ${field}(input: $input) { __typename ... on Error { code message } ... on ValidationError { fieldErrors { path message } } ${selection} } }`,
      { input },
      token,
    );
    const result = data[field];
    if (expected) expect(result.__typename, JSON.stringify(result)).toBe(expected);
    return result;
  };

  const api = {
    gql,
    mutate,
    async createEvent(token: string, input: Record<string, unknown> = {}) {
      const r = await mutate(
        'createHotelEvent',
        { title: '全市人代会', kind: 'CONFERENCE', startsAt: '2030-05-10T01:00:00Z', endsAt: '2030-05-12T09:00:00Z', ...input },
        '... on HotelEventPayload { hotelEvent { id version } }',
        token,
        'HotelEventPayload',
      );
      return r.hotelEvent.id as string;
    },
    async gate(
      token: string,
      eventId: string,
    ): Promise<{ status: string; reasons: { code: string; message: string; department: string | null; hazard: string | null; subjectIds: string[] }[] }> {
      const data = await gql(`query($id: ID!) { node(id: $id) { ... on HotelEvent { ${GATE} } } }`, { id: eventId }, token);
      return data.node.gate;
    },
    async addItem(token: string, eventId: string, department: string, title: string, ownerMembershipId?: string) {
      const r = await mutate(
        'addHotelReadinessItem',
        { eventId, department, title, ownerMembershipId },
        '... on HotelReadinessItemPayload { item { id version } }',
        token,
        'HotelReadinessItemPayload',
      );
      return r.item.id as string;
    },
    report(token: string, itemId: string, status: string, extra: Record<string, unknown> = {}) {
      return mutate(
        'reportHotelReadiness',
        { itemId, status, ...extra },
        '... on HotelReadinessItemPayload { item { id status evidence reportedAt version } }',
        token,
      );
    },
    async areaIds(token: string): Promise<Record<string, string>> {
      const data = await gql(`{ hotelAreas { id name } }`, {}, token);
      return Object.fromEntries(data.hotelAreas.map((a: { id: string; name: string }) => [a.name, a.id]));
    },
    async addArea(token: string, eventId: string, hotelAreaId: string) {
      const r = await mutate(
        'addHotelEventArea',
        { eventId, hotelAreaId },
        '... on HotelEventAreaPayload { eventArea { id } }',
        token,
        'HotelEventAreaPayload',
      );
      return r.eventArea.id as string;
    },
    async criteria(token: string, kind: 'INSPECTION' | 'DRILL'): Promise<{ key: string; title: string; scaleKind: string; scaleMax: number }[]> {
      const data = await gql(
        `query($kind: AssessmentKind) { assessmentTemplates(kind: $kind) { name versions { number criteria { key title scaleKind scaleMax } } } }`,
        { kind },
        token,
        'zh-Hans', // the criteria by their Chinese titles, the source's (in English they read translated)
      );
      const template = data.assessmentTemplates[0];
      return template.versions.at(-1).criteria;
    },
    /** Scores every criterion at its best, except the titles given, which fail. */
    scores(criteria: { key: string; title: string; scaleKind: string; scaleMax: number }[], failing: string[] = []) {
      return criteria.map((c) => ({
        criterionKey: c.key,
        value: failing.includes(c.title) ? 0 : c.scaleKind === 'PASS_FAIL' ? 1 : c.scaleMax,
        comment: failing.includes(c.title) ? '不合格' : null,
      }));
    },
  };
  return api;
}
