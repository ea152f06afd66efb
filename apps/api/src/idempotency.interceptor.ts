import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { catchError, concatMap, from, switchMap, type Observable } from 'rxjs';
import { SecretBox } from '#libs/auth';
import {
  contextOf,
  ConflictError,
  IDEMPOTENCY_TTL_SECONDS,
  IDEMPOTENT_ROUTE,
  jsonFingerprint,
  readIdempotencyKey,
  UnprocessableError,
  type ContextRequest,
  type IdempotentOptions,
  type StreamedBodyDigest,
} from '#libs/common';
import { REDIS } from '#libs/database';

/**
 * How long a running request holds its key. A request cut off by a crash frees its key after this;
 * one that outlives it (a very slow upload) is simply not remembered.
 */
const PENDING_TTL_MS = 10 * 60_000;
/** Answer headers replayed as they were first sent. */
const REPLAYED_HEADERS = ['location', 'content-type', 'cache-control', 'pragma', 'etag'] as const;
const SEAL_PURPOSE = 'idempotent-replay';

/** Replaces the pending marker with the outcome, only if this request still holds the key. */
const COMPLETE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end return 0`;
/** Frees the key of a request that failed, only if it still holds it. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface Pending {
  state: 'pending';
  fingerprint: string;
  token: string;
}

interface Done {
  state: 'done';
  fingerprint: string;
  /** The answer, encrypted with the secrets key: a create may answer a secret once (a new API key). */
  sealed: string;
}

interface Answer {
  status: number;
  headers: Partial<Record<(typeof REPLAYED_HEADERS)[number], string>>;
  body: unknown;
  streamed?: StreamedBodyDigest;
}

/**
 * The global interceptor behind `@Idempotent()`. Keys are scoped to the caller (user or API key),
 * the method and the path, and kept in Redis for 24 h, so every API instance sees them. Only
 * successful answers are remembered: after a failure the same key may be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly box: SecretBox,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options =
      context.getType() === 'http'
        ? this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_ROUTE, context.getHandler())
        : undefined;
    if (!options) return next.handle();
    const request = context.switchToHttp().getRequest<ContextRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = readIdempotencyKey(request.headers['idempotency-key']);
    if (key === undefined) return next.handle();

    const actor = contextOf(request).actor;
    const slot = `http:idempotency:${createHash('sha256')
      .update([actor.type, actor.id, request.method, request.url.split('?')[0], key].join('\n'))
      .digest('base64url')}`;
    const streamedBody = request.body instanceof Readable ? request.body : undefined;
    // A streamed body cannot be read before the request runs: its headers stand in for it here, and a
    // replay checks the bytes themselves against what the first request stored.
    const fingerprint = jsonFingerprint({
      query: request.query ?? null,
      body: streamedBody
        ? {
            type: request.headers['content-type'] ?? null,
            length: request.headers['content-length'] ?? null,
            sha256: request.headers['x-content-sha256'] ?? null,
          }
        : (request.body ?? null),
    });
    const pending = JSON.stringify({ state: 'pending', fingerprint, token: randomUUID() } satisfies Pending);

    return from(this.claim(slot, pending, fingerprint)).pipe(
      catchError((error: unknown) => {
        // Refused before the upload was read: drain it, as refused uploads are.
        streamedBody?.resume();
        throw error;
      }),
      switchMap((earlier) => {
        if (earlier) return from(this.replay(reply, earlier, streamedBody));
        return next.handle().pipe(
          concatMap(async (body: unknown) => {
            await this.complete(slot, pending, fingerprint, reply, body, options);
            return body;
          }),
          catchError((error: unknown) => {
            void this.redis.eval(RELEASE_SCRIPT, 1, slot, pending).catch(() => undefined);
            throw error;
          }),
        );
      }),
    );
  }

  /** Takes the key for this request (undefined), or returns the answer of the request that took it. */
  private async claim(slot: string, pending: string, fingerprint: string): Promise<Answer | undefined> {
    // A key freed between the two commands (a failed first request) is simply taken on the next turn.
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await this.redis.set(slot, pending, 'PX', PENDING_TTL_MS, 'NX')) === 'OK') return undefined;
      const stored = await this.redis.get(slot);
      if (stored === null) continue;
      const record = JSON.parse(stored) as Pending | Done;
      if (record.fingerprint !== fingerprint) throw reused();
      if (record.state === 'pending') {
        throw new ConflictError({
          code: 'idempotency_key_in_progress',
          detail: 'A request with this Idempotency-Key is still running; retry in a moment to get its answer.',
        });
      }
      try {
        return JSON.parse(this.box.decrypt(record.sealed, SEAL_PURPOSE)) as Answer;
      } catch {
        // Sealed under a secrets key since rotated: forgotten, like an expired key.
        await this.redis.del(slot);
      }
    }
    throw new ConflictError({
      code: 'idempotency_key_in_progress',
      detail: 'Requests with this Idempotency-Key keep arriving at once; retry in a moment.',
    });
  }

  private async complete(
    slot: string,
    pending: string,
    fingerprint: string,
    reply: FastifyReply,
    body: unknown,
    options: IdempotentOptions,
  ): Promise<void> {
    const headers: Answer['headers'] = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const answer: Answer = { status: reply.statusCode, headers, body, streamed: options.streamed?.(body) };
    const done: Done = { state: 'done', fingerprint, sealed: this.box.encrypt(JSON.stringify(answer), SEAL_PURPOSE) };
    await this.redis.eval(COMPLETE_SCRIPT, 1, slot, pending, JSON.stringify(done), IDEMPOTENCY_TTL_SECONDS);
  }

  private async replay(reply: FastifyReply, answer: Answer, streamedBody: Readable | undefined): Promise<unknown> {
    if (streamedBody && answer.streamed) {
      if (!(await streamMatches(streamedBody, answer.streamed))) throw reused();
    } else {
      streamedBody?.resume();
    }
    void reply.status(answer.status).header('idempotent-replayed', 'true');
    for (const [name, value] of Object.entries(answer.headers)) void reply.header(name, value);
    return answer.body;
  }
}

const reused = () =>
  new UnprocessableError({
    code: 'idempotency_key_reused',
    detail: 'This Idempotency-Key was used for a different request; use a new key for a new request.',
  });

/** Hashes a streamed body as it arrives (never holding it) and compares it with what was first sent. */
function streamMatches(body: Readable, expected: StreamedBodyDigest): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    let longer = false;
    body.on('data', (chunk: Buffer) => {
      if (longer) return;
      bytes += chunk.length;
      // Longer than the original already: the answer is known, the rest is drained unread.
      if (bytes > expected.bytes) {
        longer = true;
        resolve(false);
        return;
      }
      hash.update(chunk);
    });
    body.once('end', () => resolve(!longer && bytes === expected.bytes && hash.digest('hex') === expected.sha256));
    body.once('error', reject);
  });
}
