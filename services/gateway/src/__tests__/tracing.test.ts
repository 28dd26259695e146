// OpenTelemetry tracing, through the real gateway with an in-memory exporter: an operation is a span named by
// its type and name, with the request id; the SQL statements it sends are its children (the tenant prelude,
// the SELECT, COMMIT), values never recorded; a caller's traceparent continues its trace; the operation's log
// lines carry the trace id; a failed operation is an ERROR span with its code; graphql-ws operations are
// traced too. Off (the default), no span is made.
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

const exporter = new InMemorySpanExporter();
let t: TestApp;
let a: TestTenant;

beforeAll(async () => {
  t = await startTestApp({ LOG_LEVEL: 'debug' }, { spanProcessor: new SimpleSpanProcessor(exporter) });
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'HOSPITAL');
});

afterAll(async () => {
  await t?.close();
});

const spans = () => exporter.getFinishedSpans();
const childrenOf = (parent: ReadableSpan) => spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

describe('tracing', () => {
  it('an operation is a span with its name, type and request id; its SQL statements are its children, without values', async () => {
    exporter.reset();
    const res = await t.gql('query TenantName { tenant { name } }', undefined, { token: a.adminToken, headers: { 'x-request-id': 'trace-test-0001' } });
    expect(res.data.tenant.name).toBeTruthy();
    const op = spans().find((s) => s.name === 'query TenantName');
    expect(
      op,
      spans()
        .map((s) => s.name)
        .join(', '),
    ).toBeDefined();
    expect(op!.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'TenantName',
      'jiedai.request_id': 'trace-test-0001',
      'jiedai.tenant_id': a.id,
      'jiedai.credential': 'user',
    });
    const sql = childrenOf(op!);
    const texts = sql.map((s) => String(s.attributes['db.query.text']));
    expect(texts.some((text) => text.startsWith('BEGIN ISOLATION LEVEL'))).toBe(true);
    expect(texts.some((text) => /^SELECT .*"tenants"/s.test(text))).toBe(true);
    expect(texts.at(-1)).toBe('COMMIT');
    for (const s of sql) expect(s.attributes['db.system.name']).toBe('postgresql');
    // The tenant prelude's literals are the scope's ids (the statement text as sent); bind values are never recorded.
    expect(JSON.stringify(sql.map((s) => s.attributes))).not.toContain(a.adminEmail);
    // The operation's log lines carry its trace id.
    const traceId = op!.spanContext().traceId;
    expect(t.logs.some((line) => line.includes(traceId) && line.includes('trace-test-0001'))).toBe(true);
  });

  it("continues a caller's trace (traceparent); a failure is an ERROR span with its code", async () => {
    exporter.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await t.gql('query Mine { tenant { name } }', undefined, { token: a.adminToken, headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const op = spans().find((s) => s.name === 'query Mine');
    expect(op!.spanContext().traceId).toBe(traceId);
    expect(op!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');

    exporter.reset();
    const refused = await t.gql('query Refused { auditLog(first: 1) { totalCount } }', undefined, { token: (await a.member(['STAFF'])).token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const failed = spans().find((s) => s.name === 'query Refused');
    expect(failed!.status).toMatchObject({ code: 2, message: 'FORBIDDEN' });
    expect(failed!.attributes['graphql.error.code']).toBe('FORBIDDEN');
  });

  it('traces graphql-ws operations with their SQL', async () => {
    await t.listen();
    exporter.reset();
    const ws = t.wsClient({ Authorization: `Bearer ${a.adminToken}` });
    try {
      for await (const r of ws.iterate({ query: 'query OverSocket { tenant { slug } }' })) expect(r).toMatchObject({ data: { tenant: { slug: a.slug } } });
    } finally {
      await ws.dispose();
    }
    const op = spans().find((s) => s.name === 'query OverSocket');
    expect(op).toBeDefined();
    expect(childrenOf(op!).map((s) => s.name)).toContain('COMMIT');
    // Its log lines carry its trace id too.
    const traceId = op!.spanContext().traceId;
    expect(t.logs.filter((line) => line.includes(traceId)).length).toBeGreaterThan(0);
  });
});

describe('tracing off', () => {
  it('makes no spans by default', async () => {
    const off = await startTestApp();
    try {
      expect(off.app.tracing).toBeUndefined();
      exporter.reset();
      expect((await off.gql('{ __typename }')).data.__typename).toBe('Query');
      expect(spans()).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
