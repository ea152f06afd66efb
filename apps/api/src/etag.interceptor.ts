import { createHash, randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { defer, finalize, from, map, switchMap, type Observable } from 'rxjs';
import {
  ETAG_ROUTE,
  etagOf,
  parseEntityTags,
  PreconditionFailedError,
  ServiceUnavailableError,
  strongMatch,
  weakMatch,
} from '#libs/common';
import { REDIS } from '#libs/database';

const WRITE_METHODS = new Set(['PATCH', 'PUT', 'DELETE']);

/** How long one conditional write may hold its resource, and how long another waits for it. */
const LOCK_TTL_MS = 30_000;
const LOCK_WAIT_MS = 10_000;
const LOCK_RETRY_MS = 20;
/** Deletes the lock only if this writer still holds it. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The global interceptor behind `@ETagged()`. */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.reflector.get<boolean>(ETAG_ROUTE, context.getHandler())) {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (request.method === 'GET' || request.method === 'HEAD') return this.read(request, reply, next);
    if (!WRITE_METHODS.has(request.method)) return next.handle();
    const tagged = (body: unknown): unknown => {
      if (request.method !== 'DELETE' && body !== undefined && reply.statusCode === 200) {
        void reply.header('etag', etagOf(body));
      }
      return body;
    };
    const ifMatch = parseEntityTags(request.headers['if-match']);
    if (ifMatch.length === 0) return next.handle().pipe(map(tagged));
    const path = request.url.split('?')[0];
    let release = (): void => undefined;
    return from(this.lock(path)).pipe(
      switchMap((unlock) => {
        release = unlock;
        return defer(() => this.assertCurrent(request, path, ifMatch));
      }),
      switchMap(() => next.handle()),
      map(tagged),
      finalize(() => release()),
    );
  }

  private read(request: FastifyRequest, reply: FastifyReply, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body) => {
        if (body === undefined || reply.statusCode !== 200) return body;
        const etag = etagOf(body);
        void reply.header('etag', etag).header('cache-control', 'private, no-cache');
        if (weakMatch(parseEntityTags(request.headers['if-none-match']), etag)) {
          void reply.status(304);
          return undefined;
        }
        return body;
      }),
    );
  }

  /**
   * Reads the resource as its GET would, with the caller's own credentials, and compares. When the
   * GET cannot answer (gone, not visible) the write goes on and answers for itself (404, 403).
   */
  private async assertCurrent(request: FastifyRequest, path: string, ifMatch: string[]): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'x-api-key']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const current = await request.server.inject({ method: 'GET', url: path, headers });
    if (current.statusCode !== 200) return;
    const etag = current.headers.etag;
    if (typeof etag === 'string' && strongMatch(ifMatch, etag)) return;
    throw new PreconditionFailedError({
      code: 'precondition_failed',
      detail: 'The resource changed since you read it (If-Match is stale): read it again, then retry.',
      extensions: typeof etag === 'string' ? { currentEtag: etag } : undefined,
    });
  }

  /**
   * Conditional writes to one path run one at a time across every API instance (a Redis lock), so
   * two writers holding the same ETag cannot both pass the check before either has written.
   */
  private async lock(path: string): Promise<() => void> {
    const key = `http:if-match:${createHash('sha256').update(path).digest('base64url')}`;
    const token = randomUUID();
    const deadline = Date.now() + LOCK_WAIT_MS;
    while ((await this.redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) {
        throw new ServiceUnavailableError({
          code: 'write_contended',
          detail: 'Other conditional writes to this resource are in progress; retry.',
          retryAfterSeconds: 1,
        });
      }
      await setTimeout(LOCK_RETRY_MS);
    }
    return () => void this.redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => undefined);
  }
}
