import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
} from '@opentelemetry/api';

/**
 * OpenTelemetry tracing, off unless an OTLP endpoint is configured: then HTTP (server and client,
 * `traceparent` accepted), PostgreSQL and Redis calls become spans exported as OTLP/HTTP JSON to
 * `<endpoint>/v1/traces`. Called before the application's modules load, so the instrumented
 * libraries are patched when first required. Returns the exporter's flush-and-stop.
 */
export async function startTracing(serviceName: string, endpoint: string | undefined): Promise<() => Promise<void>> {
  if (!endpoint) return async () => undefined;
  const [{ NodeSDK }, { OTLPTraceExporter }, { BatchSpanProcessor }, { HttpInstrumentation }, pg, ioredis] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-pg'),
      import('@opentelemetry/instrumentation-ioredis'),
    ]);
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }), {
        scheduledDelayMillis: 1_000,
      }),
    ],
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => /^\/(health\/|metrics)/.test(request.url ?? ''),
      }),
      // Queries and Redis commands outside a traced request or job (queue polling, schedulers) are not spans.
      new pg.PgInstrumentation({ requireParentSpan: true }),
      new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}

/** The active trace context as W3C headers (`traceparent`), to carry in a queue payload; empty when none. */
export function traceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/**
 * Runs `fn` in a consumer span whose parent is the context carried by a queue payload (so one
 * trace spans API → queue → worker → database). A no-op wrapper when tracing is off.
 */
export async function inConsumerSpan<T>(
  name: string,
  carrier: Record<string, string> | undefined,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  return trace
    .getTracer('fusiongate')
    .startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        return await fn();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
}

/** Trace and span ids of the active span, for log lines (empty when tracing is off). */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
