// OpenTelemetry tracing, off by default (TRACING_ENABLED): a span per GraphQL operation (HTTP, SSE and
// graphql-ws alike) with a child span per SQL statement it sends, the request id on every span and the
// trace id in the operation's log lines. A W3C `traceparent` header continues the caller's trace. Spans go
// over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT) in batches; tests hand in their own span processor (an
// in-memory exporter). Off, nothing is registered: no context manager, no statement tracer, no plugin.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { setStatementTracer } from '@jiedai/db';
import type { GatewayConfig } from './config.ts';
import { requestStateOf } from './request-state.ts';

export const TRACER_NAME = 'jiedai-gateway';
/** SQL text kept on a span (statements are the code's own; values are never recorded). */
const MAX_SQL = 2_000;

export interface Tracing {
  tracer: Tracer;
  /** Flushes what is buffered and stops (app.close()). */
  shutdown(): Promise<void>;
}

/** Starts tracing when configured (or when a test gives its span processor); undefined when off. */
export function startTracing(config: GatewayConfig['tracing'], options: { spanProcessor?: SpanProcessor } = {}): Tracing | undefined {
  if (!config.enabled && !options.spanProcessor) return undefined;
  const processor =
    options.spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter(config.endpoint ? { url: `${config.endpoint.replace(/\/$/, '')}/v1/traces` } : {}));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [processor],
  });
  // The OpenTelemetry API is process-wide: one context manager and propagator, set once.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracer = provider.getTracer(TRACER_NAME);
  setStatementTracer((sql) => {
    // Only statements of a traced operation (the job runner's and the pool's own are left out).
    if (!trace.getSpan(context.active())?.isRecording()) return undefined;
    const span = tracer.startSpan(sqlSpanName(sql), {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': sql.length > MAX_SQL ? `${sql.slice(0, MAX_SQL)}…` : sql },
    });
    return (error) => {
      if (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
      span.end();
    };
  });
  return {
    tracer,
    async shutdown() {
      setStatementTracer(undefined);
      await provider.shutdown();
      context.disable();
      propagation.disable();
      contextManager.disable();
    },
  };
}

/** `SELECT`, `INSERT tasks` …: the statement's verb (and table where plain to see), short enough for a span name. */
export function sqlSpanName(sql: string): string {
  const text = sql.trimStart();
  const verb = /^[A-Za-z]+/.exec(text)?.[0]?.toUpperCase() ?? 'SQL';
  const table = /^(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?:public"?\."?)?([a-z_][a-z0-9_]*)/i.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb;
}

const OPERATION_SPAN = Symbol('jiedai.operationSpan');

interface Traced {
  [OPERATION_SPAN]?: Span;
}

function startOperationSpan(tracer: Tracer, ctx: object, headers?: Headers): { span: Span; active: ReturnType<typeof context.active> } {
  const state = requestStateOf(ctx);
  const parent = headers ? propagation.extract(context.active(), Object.fromEntries(headers)) : context.active();
  const span = tracer.startSpan(
    'graphql.operation',
    {
      kind: SpanKind.SERVER,
      attributes: {
        ...(state ? { 'jiedai.request_id': state.requestId } : {}),
        ...(state?.auth.credential.type === 'apiKey' || state?.auth.credential.type === 'user'
          ? state.auth.credential.tenantId
            ? { 'jiedai.tenant_id': state.auth.credential.tenantId }
            : {}
          : {}),
        ...(state ? { 'jiedai.credential': state.auth.credential.type } : {}),
      },
    },
    parent,
  );
  (ctx as Traced)[OPERATION_SPAN] = span;
  return { span, active: trace.setSpan(parent, span) };
}

/** Names the operation's span (type and name once known) and marks it failed on errors. */
function describe(span: Span, args: { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null | undefined }) {
  const op = getOperationAST(args.document, args.operationName);
  const type = op?.operation ?? 'unknown';
  const name = args.operationName ?? op?.name?.value;
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
}

function endWith(span: Span, result: unknown) {
  const errors = (result as ExecutionResult | null)?.errors;
  if (errors?.length) {
    const code = errors[0]!.extensions?.code;
    span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : errors[0]!.message });
    span.setAttribute('graphql.errors', errors.length);
    if (typeof code === 'string') span.setAttribute('graphql.error.code', code);
  }
}

/**
 * The operation span: over HTTP and SSE around the whole operation (params, parse, validate, context,
 * execute), so the context's logger carries the trace id; over graphql-ws (no HTTP request) around execute
 * and subscribe. SQL statements sent meanwhile become its children (the statement tracer above).
 */
export function useTracing(tracer: Tracer): Plugin {
  return {
    instrumentation: {
      operation({ context: ctx, request }, wrapped) {
        const { span, active } = startOperationSpan(tracer, ctx, request.headers);
        return context.with(active, () => {
          try {
            const result = wrapped();
            if (result && typeof (result as Promise<void>).then === 'function') {
              return (result as Promise<void>).finally(() => span.end());
            }
            span.end();
            return result;
          } catch (error) {
            span.end();
            throw error;
          }
        });
      },
      execute({ context: ctx }, wrapped) {
        if ((ctx as Traced)[OPERATION_SPAN]) return wrapped();
        return traceSocketOperation(tracer, ctx, wrapped);
      },
      subscribe({ context: ctx }, wrapped) {
        if ((ctx as Traced)[OPERATION_SPAN]) return wrapped();
        return traceSocketOperation(tracer, ctx, wrapped);
      },
    },
    onExecute({ args }) {
      const span = (args.contextValue as Traced)[OPERATION_SPAN];
      if (!span) return undefined;
      describe(span, args);
      return {
        onExecuteDone({ result }) {
          endWith(span, result);
        },
      };
    },
    onSubscribe({ args }) {
      const span = (args.contextValue as Traced)[OPERATION_SPAN];
      if (span) describe(span, args);
    },
  };
}

/** A graphql-ws operation: its span covers execute (or starting the subscription), the SQL inside included. */
function traceSocketOperation(tracer: Tracer, ctx: object, wrapped: () => unknown) {
  const { span, active } = startOperationSpan(tracer, ctx);
  return context.with(active, () => {
    try {
      const result = wrapped();
      if (result && typeof (result as Promise<void>).then === 'function') return (result as Promise<void>).finally(() => span.end());
      span.end();
      return result as never;
    } catch (error) {
      span.end();
      throw error;
    }
  });
}

/** The trace id to put on an operation's log lines: its context's operation span, else the active span (none when not traced). */
export function traceIdOf(operationContext?: object): string | undefined {
  const span = (operationContext as Traced | undefined)?.[OPERATION_SPAN] ?? trace.getSpan(context.active());
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}
