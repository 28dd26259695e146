// Fuzzing the main mutations through the real gateway (fast-check, fixed seed, bounded runs): hostile
// variables (every input field given well-formed, wrong-typed, huge, NUL, lone-surrogate, nested … values) and
// mangled documents. Whatever comes in: never a 5xx, never a stack trace or SQL text in the answer, and
// nothing stored when the mutation was refused (the tenant's rows, audit log and event log unchanged).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildSchema, getNamedType, GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, type GraphQLInputType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

const SEED = 20261217;
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

let t: TestApp;
let a: TestTenant;
let visitId: string;
let visitVersion: number;
let taskId: string;

const schema = buildSchema(readFileSync(new URL('../../../../packages/schema/schemas/government.graphql', import.meta.url), 'utf8'));

/** What an answer must never contain: a stack frame, a source path, SQL or the database's own words. */
const FORBIDDEN = [
  /\n\s+at [\w.<>]+ \(/,
  /\bat (async )?[\w.]+ \(?\/?[\w/.-]+\.(ts|js|mjs):\d+/,
  /node_modules|\/work\/|\.ts:\d+/,
  /\b(SELECT|INSERT INTO|DELETE FROM)\b .*\b(FROM|VALUES|WHERE)\b/i,
  /\bUPDATE\b \S+ \bSET\b/i,
  /violates (foreign key|check|unique|not-null)|syntax error at or near|relation "[\w_]+"|column "[\w_]+"|duplicate key value/i,
  /PrismaClient|prisma\.\w+\.\w+\(|Invalid `|P20\d\d/,
];

/** The tenant's rows a refused mutation must not have touched. */
async function footprint(): Promise<string> {
  const [row] = await ownerQuery<{ f: string }>(
    `SELECT concat_ws(',', (SELECT count(*) FROM visits WHERE tenant_id = $1), (SELECT max(version) FROM visits WHERE tenant_id = $1),
        (SELECT count(*) FROM visit_guests WHERE tenant_id = $1), (SELECT count(*) FROM tasks WHERE tenant_id = $1),
        (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY id), '')) FROM tasks t WHERE tenant_id = $1),
        (SELECT count(*) FROM departments WHERE tenant_id = $1), (SELECT count(*) FROM audit_log WHERE tenant_id = $1),
        (SELECT count(*) FROM event_log WHERE tenant_id = $1)) AS f`,
    [a.id],
  );
  return row!.f;
}

/** Hostile values of any JSON shape. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '', ' ', '%s%n', "'; DROP TABLE visits; --", '$' + '{7*7}', '<script>', '9'.repeat(400)),
  fc.constantFrom('0000-00-00T00:00:00Z', '2026-02-30T10:00:00Z', '99999-01-01T00:00:00Z', '1899-12-31T23:59:59Z', 'yesterday', '2026-12-01'),
  fc.integer(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, -0, 1e308),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('VmlzaXQ6bm90LWEtdXVpZA==', 'VmlzaXQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw', 'bm9jb2xvbg==', 'not base64 !'),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

/** A well-formed value of a GraphQL input type (so that fuzzing reaches the resolvers, not only coercion). */
function wellFormed(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return wellFormed(type.ofType, depth);
  if (type instanceof GraphQLList) return fc.array(wellFormed(type.ofType, depth + 1), { maxLength: 3 });
  if (type instanceof GraphQLEnumType) return fc.constantFrom(...type.getValues().map((v) => v.value));
  if (type instanceof GraphQLInputObjectType) return depth > 3 ? fc.constant({}) : inputOf(type, depth + 1);
  switch (getNamedType(type).name) {
    case 'String':
      return fc.string({ unit: 'grapheme', maxLength: 30 });
    case 'Int':
      return fc.integer({ min: -5, max: 5000 });
    case 'Float':
      return fc.double({ noNaN: true, min: -10, max: 10 });
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'Decimal':
      return fc.constantFrom('0', '12.50', '-1', '1e3', '99999999999999999999.99');
    case 'ID':
      return fc
        .constantFrom(
          () => visitId,
          () => taskId,
        )
        .map((f) => f());
    default:
      return hostile;
  }
}

/** An input object: each field well-formed, hostile, or left out (required ones too, sometimes). */
function inputOf(type: GraphQLInputObjectType, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.values(type.getFields());
  return fc.record(
    // Mostly well-formed, so that most calls get past coercion into the services' own checks.
    Object.fromEntries(fields.map((f) => [f.name, fc.oneof({ weight: 12, arbitrary: wellFormed(f.type, depth) }, { weight: 1, arbitrary: hostile })])),
    {
      requiredKeys: fields
        .filter(() => depth === 0)
        .map((f) => f.name)
        .filter((n) => type.getFields()[n]!.type instanceof GraphQLNonNull),
    },
  ) as fc.Arbitrary<Record<string, unknown>>;
}

interface Target {
  field: string;
  input: string;
  /** The payload's typename when it succeeded. */
  ok: string[];
  token: () => string | undefined;
}

const TARGETS: Target[] = [
  { field: 'createVisit', input: 'CreateVisitInput', ok: ['VisitPayload'], token: () => a.adminToken },
  { field: 'createTask', input: 'CreateTaskInput', ok: ['TaskPayload'], token: () => a.adminToken },
  { field: 'updateTask', input: 'UpdateTaskInput', ok: ['TaskPayload'], token: () => a.adminToken },
  { field: 'createDepartment', input: 'CreateDepartmentInput', ok: ['DepartmentPayload'], token: () => a.adminToken },
  { field: 'saveVisitGuest', input: 'SaveVisitGuestInput', ok: ['VisitGuestPayload', 'VisitPayload'], token: () => a.adminToken },
  { field: 'signIn', input: 'SignInInput', ok: ['SignInSuccess'], token: () => undefined },
];

const documentOf = (target: Target) =>
  `mutation Fuzz($input: ${target.input}!) { ${target.field}(input: $input) { __typename ... on Error { code message } } }`;

async function send(document: unknown, variables: unknown, token: string | undefined) {
  const res = await t.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: document, variables }),
  });
  return { status: res.status, text: await res.text() };
}

function judge(what: string, answer: { status: number; text: string }) {
  expect(answer.status, `${what}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  for (const pattern of FORBIDDEN) expect(answer.text, `${what}: ${pattern}`).not.toMatch(pattern);
  // Masked unexpected errors are 500s already; an INTERNAL_SERVER_ERROR with another status would be a bug too.
  expect(answer.text, what).not.toContain('INTERNAL_SERVER_ERROR');
}

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_ENABLED: 'false' });
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  const visit = await t.gql(
    `mutation { createVisit(input: { title: "fuzz", purpose: WORK_INSPECTION, startsAt: "2027-03-01T01:00:00Z", endsAt: "2027-03-02T09:00:00Z" }) {
       ... on VisitPayload { visit { id version } } } }`,
    {},
    { token: a.adminToken },
  );
  visitId = visit.data.createVisit.visit.id;
  visitVersion = visit.data.createVisit.visit.version;
  const task = await t.gql(
    `mutation { createTask(input: { phase: PREPARATION, title: "fuzz" }) { ... on TaskPayload { task { id } } } }`,
    {},
    { token: a.adminToken },
  );
  taskId = task.data.createTask.task.id;
  void visitVersion;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('fuzzing the main mutations (fast-check, fixed seed)', () => {
  it.each(TARGETS)(
    '$field: hostile variables never give a 5xx, a stack or SQL, and nothing is stored when refused',
    async (target) => {
      const input = schema.getType(target.input) as GraphQLInputObjectType;
      let refused = 0;
      let typed = 0;
      let stored = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: inputOf(input) }, { weight: 1, arbitrary: hostile }), async (value) => {
          const before = await footprint();
          const answer = await send(documentOf(target), { input: value }, target.token());
          judge(`${target.field} ${JSON.stringify(value).slice(0, 200)}`, answer);
          const body = JSON.parse(answer.text);
          const typename = body.data?.[target.field]?.__typename;
          if (target.ok.includes(typename)) stored++;
          else {
            refused++;
            if (typename) typed++;
            expect(await footprint(), `${target.field} refused (${typename ?? body.errors?.[0]?.extensions?.code}) but stored something`).toBe(before);
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
      console.log(
        `[fuzz] ${target.field}: ${RUNS} runs, refused ${refused} (${typed} by the service as a typed error, the rest before it), accepted ${stored}`,
      );
      expect(refused).toBeGreaterThan(0);
      // Not only coercion: some calls reached the service.
      expect(typed + stored).toBeGreaterThan(0);
    },
    600_000,
  );

  it('mangled documents (characters cut, repeated, replaced) never give a 5xx, a stack or SQL, and store nothing', async () => {
    const documents = TARGETS.map(documentOf);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...documents.keys()),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 4 }),
        async (which, edits) => {
          let document = documents[which]!;
          for (const [at, cut, insert] of edits) {
            const i = at % (document.length + 1);
            document = document.slice(0, i) + insert + document.slice(i + cut);
          }
          const before = await footprint();
          const answer = await send(document, { input: {} }, a.adminToken);
          judge(`document ${JSON.stringify(document)}`, answer);
          const body = JSON.parse(answer.text);
          const ok = Object.values(body.data ?? {}).some((v: any) => TARGETS.some((target) => target.ok.includes(v?.__typename)));
          if (!ok) expect(await footprint()).toBe(before);
        },
      ),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  }, 600_000);
});
