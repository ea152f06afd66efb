import { createHash } from 'node:crypto';
import {
  applyDecorators,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defer, finalize, from, map, switchMap, type Observable } from 'rxjs';
import { PreconditionFailedError } from './errors.js';

export const ETAG_ROUTE = 'fusiongate:etag';

/**
 * Conditional requests on a single resource. On the GET: an `ETag` (a hash of the JSON
 * representation), `Cache-Control: private, no-cache`, and `If-None-Match` answered with 304. On
 * the PATCH/PUT/DELETE of the same path: `If-Match` is compared with the ETag the GET would give
 * now, and a stale one is refused with 412 `precondition_failed`; a PATCH/PUT answers the new ETag.
 */
export const ETagged = (): MethodDecorator =>
  applyDecorators(
    SetMetadata(ETAG_ROUTE, true),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'GET: the ETag you hold; 304 when it is still current.',
    }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'Writes: the ETag you read; 412 `precondition_failed` when someone changed it since.',
    }),
    ApiResponse({ status: 304, description: 'Not modified (GET with a current `If-None-Match`).' }),
    ApiResponse({ status: 412, description: '`precondition_failed`: `If-Match` is stale.' }),
  );

/** A strong entity tag of a JSON representation. */
export function etagOf(body: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 32)}"`;
}

/** The entity tags of an `If-Match` / `If-None-Match` header (`*` kept as is). */
export function parseEntityTags(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** Weak comparison (RFC 9110 §8.8.3.2), for `If-None-Match`. */
export function weakMatch(tags: string[], etag: string): boolean {
  const opaque = etag.replace(/^W\//, '');
  return tags.some((tag) => tag === '*' || tag.replace(/^W\//, '') === opaque);
}

/** Strong comparison, for `If-Match`: weak tags never match. */
export function strongMatch(tags: string[], etag: string): boolean {
  return tags.some((tag) => tag === '*' || (!tag.startsWith('W/') && tag === etag));
}

const WRITE_METHODS = new Set(['PATCH', 'PUT', 'DELETE']);

/** The global interceptor behind `@ETagged()`. */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  /** Conditional writes to one path run one at a time, so two writers holding one ETag cannot both win. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly reflector: Reflector) {}

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

  private async lock(key: string): Promise<() => void> {
    for (;;) {
      const held = this.writing.get(key);
      if (!held) break;
      await held;
    }
    let unlock!: () => void;
    const done = new Promise<void>((resolve) => (unlock = resolve));
    this.writing.set(key, done);
    return () => {
      if (this.writing.get(key) === done) this.writing.delete(key);
      unlock();
    };
  }
}
