import { createHash } from 'node:crypto';
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { WithRouteInterceptors } from './route-interceptors.js';

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
    WithRouteInterceptors(),
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
