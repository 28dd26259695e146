// Shared by the visits.*.test.ts files: a thin client for the visit mutations and queries through the
// real gateway, local times in the tenant's zone (Asia/Shanghai), and a fingerprint of a tenant's visit
// data taken as the database owner (to prove that a refused change changed nothing).
import { expect } from 'vitest';
import { ownerQuery, rawId, unique, type TestApp } from '@jiedai/testing';

/** A wall-clock time in Asia/Shanghai (UTC+8, no DST) as a UTC ISO instant. */
export const L = (local: string) => new Date(`${local}:00+08:00`).toISOString();

export const PAYLOAD = `__typename
  ... on VisitPayload { recordId visit { id version status } }
  ... on Error { code message }
  ... on ValidationError { fieldErrors { path message } }`;

export const SAVE_INPUT = {
  saveVisitGuest: 'SaveVisitGuestInput',
  saveVisitContact: 'SaveVisitContactInput',
  saveTravelLeg: 'SaveTravelLegInput',
  saveVisitHost: 'SaveVisitHostInput',
  saveItineraryItem: 'SaveItineraryItemInput',
  saveLodging: 'SaveLodgingInput',
  saveMeal: 'SaveMealInput',
  saveVehicle: 'SaveVehicleInput',
  saveGift: 'SaveGiftInput',
  saveBudgetLine: 'SaveBudgetLineInput',
} as const;
export type SaveField = keyof typeof SAVE_INPUT;

export interface Payload {
  __typename: 'VisitPayload' | 'VisitError' | 'ValidationError' | 'IdempotencyError';
  recordId?: string | null;
  visit?: { id: string; version: number; status: string };
  code?: string;
  message?: string;
  fieldErrors?: { path: string[]; message: string }[];
}

/** Asserts a successful VisitPayload and returns it. */
export function ok(p: Payload): Required<Pick<Payload, 'visit'>> & Payload {
  expect(p.__typename, JSON.stringify(p)).toBe('VisitPayload');
  return p as never;
}

/** Asserts a refusal with the given VisitError code. */
export function refused(p: Payload, code: string) {
  expect(p, JSON.stringify(p)).toMatchObject({ __typename: 'VisitError', code });
}

export type VisitApi = ReturnType<typeof visitApi>;

export function visitApi(t: TestApp) {
  /** A query or mutation that must not fail at the GraphQL level. */
  const gql = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await t.gql(query, variables, { token });
    if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  };

  const api = {
    gql,
    visitInput: (overrides: Record<string, unknown> = {}) => ({
      title: unique('接待'),
      purpose: 'WORK_INSPECTION',
      startsAt: L('2030-05-10T09:00'),
      endsAt: L('2030-05-10T17:00'),
      ...overrides,
    }),

    async createVisit(token: string, input: Record<string, unknown>, idempotencyKey?: string): Promise<Payload> {
      const data = await gql(
        `mutation($input: CreateVisitInput!) { createVisit(input: $input) { ${PAYLOAD} } }`,
        { input: { ...input, idempotencyKey } },
        token,
      );
      return data.createVisit;
    },

    /** Creates a visit (defaults: one local day) and returns its global id. */
    async newVisit(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
      return ok(await api.createVisit(token, api.visitInput(overrides))).visit.id;
    },

    async version(token: string, visitId: string): Promise<number> {
      const data = await gql(`query($id: ID!) { node(id: $id) { ... on Visit { version } } }`, { id: visitId }, token);
      return data.node.version;
    },

    /** Reads the visit with the given selection (null when not visible). */
    async read(token: string, visitId: string, selection: string) {
      const data = await gql(`query($id: ID!) { node(id: $id) { ... on Visit { ${selection} } } }`, { id: visitId }, token);
      return data.node;
    },

    async issues(token: string, visitId: string): Promise<{ code: string; severity: string; message: string; recordIds: string[] }[]> {
      return (await api.read(token, visitId, 'planIssues { code severity message recordIds }')).planIssues;
    },

    /** Saves a record; expectedVersion is read first unless given. */
    async save(
      token: string,
      field: SaveField,
      visitId: string,
      input: Record<string, unknown>,
      options: { expectedVersion?: number; key?: string } = {},
    ): Promise<Payload> {
      const expectedVersion = options.expectedVersion ?? (await api.version(token, visitId));
      const data = await gql(
        `mutation($input: ${SAVE_INPUT[field]}!) { ${field}(input: $input) { ${PAYLOAD} } }`,
        { input: { ...input, visitId, expectedVersion, idempotencyKey: options.key } },
        token,
      );
      return data[field];
    },

    /** Saves a record that must be accepted; returns its global id. */
    async add(token: string, field: SaveField, visitId: string, input: Record<string, unknown>): Promise<string> {
      return ok(await api.save(token, field, visitId, input)).recordId!;
    },

    async remove(token: string, visitId: string, recordId: string, expectedVersion?: number): Promise<Payload> {
      const v = expectedVersion ?? (await api.version(token, visitId));
      const data = await gql(
        `mutation($visitId: ID!, $v: Int!, $recordId: ID!) { removeVisitRecord(input: { visitId: $visitId, expectedVersion: $v, recordId: $recordId }) { ${PAYLOAD} } }`,
        { visitId, v, recordId },
        token,
      );
      return data.removeVisitRecord;
    },

    async updateVisit(token: string, visitId: string, input: Record<string, unknown>, expectedVersion?: number): Promise<Payload> {
      const v = expectedVersion ?? (await api.version(token, visitId));
      const data = await gql(
        `mutation($input: UpdateVisitInput!) { updateVisit(input: $input) { ${PAYLOAD} } }`,
        { input: { ...input, id: visitId, expectedVersion: v } },
        token,
      );
      return data.updateVisit;
    },

    async setStatus(token: string, visitId: string, to: string, expectedVersion?: number): Promise<Payload> {
      const v = expectedVersion ?? (await api.version(token, visitId));
      const data = await gql(
        `mutation($id: ID!, $v: Int!, $to: VisitStatus!) { changeVisitStatus(input: { id: $id, expectedVersion: $v, to: $to }) { ${PAYLOAD} } }`,
        { id: visitId, v, to },
        token,
      );
      return data.changeVisitStatus;
    },

    async submit(token: string, visitId: string, expectedVersion?: number): Promise<Payload> {
      const v = expectedVersion ?? (await api.version(token, visitId));
      const data = await gql(
        `mutation($id: ID!, $v: Int!) { submitVisitForApproval(input: { id: $id, expectedVersion: $v }) { ${PAYLOAD} } }`,
        { id: visitId, v },
        token,
      );
      return data.submitVisitForApproval;
    },

    /** decideVisitPlan, returning the whole response (a caller without APPROVER gets a top-level error). */
    async decide(token: string, visitId: string, approve: boolean, comment?: string | null, expectedVersion?: number) {
      const v = expectedVersion ?? (await api.version(token, visitId));
      return t.gql(
        `mutation($id: ID!, $v: Int!, $approve: Boolean!, $comment: String) {
           decideVisitPlan(input: { id: $id, expectedVersion: $v, approve: $approve, comment: $comment }) { ${PAYLOAD} } }`,
        { id: visitId, v, approve, comment },
        { token },
      );
    },

    /** updateTravelProgress: live tracking of a journey (no version check). */
    async travelProgress(token: string, legId: string, progress: { actualDepartureAt?: string | null; expectedArrivalAt?: string | null }): Promise<Payload> {
      const data = await gql(
        `mutation($id: ID!, $departed: DateTime, $expected: DateTime) {
           updateTravelProgress(input: { legId: $id, actualDepartureAt: $departed, expectedArrivalAt: $expected }) { ${PAYLOAD} } }`,
        { id: legId, departed: progress.actualDepartureAt, expected: progress.expectedArrivalAt },
        token,
      );
      return data.updateTravelProgress;
    },

    async escalate(token: string, visitId: string, note: string, expectedVersion?: number): Promise<Payload> {
      const v = expectedVersion ?? (await api.version(token, visitId));
      const data = await gql(
        `mutation($id: ID!, $v: Int!, $note: String!) { recordVisitEscalation(input: { id: $id, expectedVersion: $v, note: $note }) { ${PAYLOAD} } }`,
        { id: visitId, v, note },
        token,
      );
      return data.recordVisitEscalation;
    },

    async followUp(token: string, visitId: string, input: Record<string, unknown>, expectedVersion?: number): Promise<Payload> {
      const v = expectedVersion ?? (await api.version(token, visitId));
      const data = await gql(
        `mutation($input: RecordVisitFollowUpInput!) { recordVisitFollowUp(input: $input) { ${PAYLOAD} } }`,
        { input: { ...input, id: visitId, expectedVersion: v } },
        token,
      );
      return data.recordVisitFollowUp;
    },
  };
  return api;
}

/** The rank ids of the tenant's ladder by level (1 = highest). */
export async function rankIdsByLevel(t: TestApp, adminToken: string): Promise<Map<number, string>> {
  const res = await t.gql(`{ rankLadder { id level } }`, {}, { token: adminToken });
  return new Map(res.data.rankLadder.map((r: { id: string; level: number }) => [r.level, r.id]));
}

export async function assignRank(t: TestApp, adminToken: string, membershipId: string, rankId: string) {
  const res = await t.gql(
    `mutation($m: ID!, $r: ID) { assignRank(input: { membershipId: $m, rankId: $r }) { __typename ... on AssignRankPayload { membership { rank { level } } } } }`,
    { m: membershipId, r: rankId },
    { token: adminToken },
  );
  expect(res.data?.assignRank?.__typename, JSON.stringify(res)).toBe('AssignRankPayload');
}

export const VISIT_TABLES = [
  'visits',
  'visit_guests',
  'dietary_restrictions',
  'visit_contacts',
  'travel_legs',
  'visit_hosts',
  'itinerary_items',
  'lodgings',
  'lodging_rooms',
  'room_guests',
  'meals',
  'meal_guests',
  'dishes',
  'vehicles',
  'vehicle_guests',
  'gifts',
  'gift_recipients',
  'budget_lines',
  'visit_plan_versions',
  'idempotency_keys',
  'event_log',
  'audit_log',
] as const;

/** Row count and a digest of every row of each visit table (plus audit and event log) of one tenant. */
export async function fingerprint(tenantId: string): Promise<Record<string, string>> {
  const parts = VISIT_TABLES.map(
    (table) => `(SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') FROM ${table} r WHERE r.tenant_id = $1) AS ${table}`,
  );
  const rows = await ownerQuery<Record<string, string>>(`SELECT ${parts.join(', ')}`, [tenantId]);
  return rows[0]!;
}

/** Audit entries written for one visit, oldest first. */
export async function auditActions(visitGlobalId: string): Promise<string[]> {
  const rows = await ownerQuery<{ action: string }>(`SELECT action FROM audit_log WHERE target_type = 'Visit' AND target_id = $1 ORDER BY created_at, id`, [
    rawId(visitGlobalId),
  ]);
  return rows.map((r) => r.action);
}

/** The whole plan of the demo scenario, recorded through the API; returns every record's global id. */
export async function recordFullPlan(api: VisitApi, token: string, people: { hostLeaderId: string; accompanyingId: string }) {
  let changes = 0;
  const add = async (field: SaveField, visitId: string, input: Record<string, unknown>) => {
    const id = await api.add(token, field, visitId, input);
    changes++;
    return id;
  };
  const title = unique('省发改委调研');
  const visitId = await api.newVisit(token, {
    title,
    purpose: 'LEADER_VISIT',
    receptionLevel: '厅局级',
    visitingOrganization: '省发展和改革委员会',
    startsAt: L('2030-05-10T09:00'),
    endsAt: L('2030-05-11T17:00'),
    notes: '首次来访',
  });
  changes++;
  const wang = await add('saveVisitGuest', visitId, {
    name: '王主任',
    gender: 'MALE',
    ethnicity: '回族',
    title: '主任',
    rankLevel: 5,
    organization: '省发改委',
    principalOrder: 1,
    dietaryRestrictions: [{ category: 'RELIGIOUS', restricted: 'Pork', note: '清真' }],
  });
  const li = await add('saveVisitGuest', visitId, {
    name: '李处长',
    gender: 'FEMALE',
    title: '处长',
    rankLevel: 7,
    organization: '省发改委',
    principalOrder: 2,
    dietaryRestrictions: [
      { category: 'PERSONAL', restricted: 'seafood' },
      { category: 'REGIONAL', restricted: 'spicy', note: '不吃辣' },
    ],
  });
  const zhao = await add('saveVisitGuest', visitId, { name: '赵秘书', gender: 'MALE', title: '秘书', rankLevel: 9 });
  const contactA = await add('saveVisitContact', visitId, { name: '陈联络员', phone: '+86 138-0000-0001', role: '联络员' });
  const contactB = await add('saveVisitContact', visitId, { name: '刘干事', phone: '13900000002' });
  const inbound = await add('saveTravelLeg', visitId, {
    direction: 'INBOUND',
    mode: 'CAR',
    origin: '合肥',
    destination: '南京',
    departureAt: L('2030-05-10T06:30'),
    arrivalAt: L('2030-05-10T08:45'),
    vehicleType: 'SUV',
    plate: '皖A12345',
    driverCount: 1,
  });
  const outbound = await add('saveTravelLeg', visitId, {
    direction: 'OUTBOUND',
    mode: 'TRAIN',
    origin: '南京南',
    destination: '合肥南',
    departureAt: L('2030-05-11T17:30'),
    arrivalAt: L('2030-05-11T18:30'),
  });
  const hostLeader = await add('saveVisitHost', visitId, { membershipId: people.hostLeaderId, role: 'HOST_LEADER' });
  const accompanying = await add('saveVisitHost', visitId, { membershipId: people.accompanyingId, role: 'ACCOMPANYING' });
  const item = (kind: string, title: string, from: string, to: string, place: string, extra: Record<string, unknown> = {}) =>
    add('saveItineraryItem', visitId, { kind, title, startsAt: L(from), endsAt: L(to), place, ...extra });
  const checkIn = await item('LODGING_CHECK_IN', '入住', '2030-05-10T09:00', '2030-05-10T09:30', '金陵饭店');
  const meeting = await item('MEETING', '工作座谈会', '2030-05-10T10:00', '2030-05-10T11:30', '市政府3号会议室', {
    responsibleMembershipId: people.accompanyingId,
    route: '饭店—市政府',
  });
  const lunchItem = await item('MEAL', '工作午餐', '2030-05-10T12:00', '2030-05-10T13:00', '金陵饭店');
  const siteVisit = await item('SITE_VISIT', '园区考察', '2030-05-10T14:00', '2030-05-10T16:30', '江北新区');
  const exchange = await item('MEETING', '交流会', '2030-05-11T08:30', '2030-05-11T10:00', '市政府3号会议室');
  const farewell = await item('FAREWELL', '送别', '2030-05-11T16:00', '2030-05-11T16:30', '南京南站');
  const lodging = await add('saveLodging', visitId, {
    hotelName: '金陵饭店',
    address: '汉中路2号',
    checkIn: '2030-05-10',
    checkOut: '2030-05-11',
    rooms: [
      { floor: 12, number: '1201', roomType: '套房', guestIds: [wang], inspected: true },
      { floor: 12, number: '1202', roomType: '大床房', guestIds: [li], inspected: true },
      { floor: 12, number: '1203', roomType: '大床房', guestIds: [zhao], inspected: true },
      { floor: 12, number: '1205', roomType: '大床房', isSpare: true, inspected: true },
    ],
  });
  const lunch = await add('saveMeal', visitId, {
    kind: 'LUNCH',
    startsAt: L('2030-05-10T12:00'),
    place: '金陵饭店',
    alcoholServed: false,
    dishes: [
      { name: '清蒸鲈鱼', tags: ['fish'] },
      { name: '盐水鸭', tags: ['duck'] },
      { name: '宫保鸡丁', tags: ['chicken', 'Peanut'] },
    ],
  });
  const banquet = await add('saveMeal', visitId, {
    kind: 'BANQUET',
    startsAt: L('2030-05-10T18:30'),
    place: '金陵饭店',
    alcoholServed: true,
    guestIds: [wang, li],
    dishes: [{ name: '红烧牛肉', tags: ['beef'] }],
  });
  const breakfast = await add('saveMeal', visitId, {
    kind: 'BREAKFAST',
    startsAt: L('2030-05-11T07:30'),
    place: '金陵饭店',
    dishes: [{ name: '素包子', tags: ['vegetable'] }],
  });
  const vehicle = await add('saveVehicle', visitId, {
    kind: 'MINIBUS',
    seats: 7,
    plate: '苏AD1234',
    driverName: '周师傅',
    driverPhone: '13700000003',
    driverBriefed: true,
    checked: true,
    guestIds: [wang, li, zhao],
  });
  const gift = await add('saveGift', visitId, { item: '云锦书签', value: '88.00', tags: ['silk'], recipientGuestIds: [wang] });
  const budget = {
    lodging: await add('saveBudgetLine', visitId, { category: 'LODGING', description: '住宿', planned: '1200.10', actual: '1200.20' }),
    mealsA: await add('saveBudgetLine', visitId, { category: 'MEALS', description: '午餐', planned: '0.10', actual: '0.25' }),
    mealsB: await add('saveBudgetLine', visitId, { category: 'MEALS', description: '早餐', planned: '0.20', actual: '0.05' }),
    vehicles: await add('saveBudgetLine', visitId, { category: 'VEHICLES', planned: '800' }),
    allowance: await add('saveBudgetLine', visitId, {
      category: 'MEAL_ALLOWANCE',
      description: '误餐费',
      planned: '150.00',
      actual: '150.00',
      payableAt: L('2030-05-10T09:30'),
    }),
  };
  return {
    visitId,
    title,
    changes,
    guests: { wang, li, zhao },
    contacts: { contactA, contactB },
    travel: { inbound, outbound },
    hosts: { hostLeader, accompanying },
    itinerary: { checkIn, meeting, lunchItem, siteVisit, exchange, farewell },
    lodging,
    meals: { lunch, banquet, breakfast },
    vehicle,
    gift,
    budget,
  };
}
