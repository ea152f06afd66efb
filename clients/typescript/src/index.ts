import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

/** Every error the API answers (application/problem+json, RFC 9457); `code` is stable. */
export type Problem = components['schemas']['Problem'];

/** A typed fusiongate client: `client.GET('/api/v1/orgs/{orgId}/models', { params })`. */
export type FusiongateClient = Client<paths>;

/**
 * A client for the fusiongate API at `baseUrl` (e.g. `https://fusiongate.example`). `token` is an
 * access token, or a function returning the current one (so a refreshed token is picked up);
 * leave it out to sign in first and call `client.use(bearer(token))`.
 *
 * Every call resolves to `{ data, error, response }`: after `if (error)`, `error` is a Problem.
 */
export function createFusiongateClient(baseUrl: string, token?: string | (() => string | undefined)): FusiongateClient {
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, '') });
  if (token) client.use(bearer(token));
  return client;
}

/** Middleware that sends `Authorization: Bearer <token>` on every request. */
export function bearer(token: string | (() => string | undefined)): Middleware {
  return {
    onRequest({ request }) {
      const current = typeof token === 'function' ? token() : token;
      if (current) request.headers.set('authorization', `Bearer ${current}`);
      return request;
    },
  };
}

/** A Problem answered by the API, thrown by `unwrap`. */
export class FusiongateError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.name = 'FusiongateError';
  }
}

/** The data of a call, or its Problem thrown as a FusiongateError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: Problem }>): Promise<T> {
  const { data, error } = await call;
  if (error) throw new FusiongateError(error);
  return data as T;
}

/** Request options for a raw binary body (a model version upload). */
export function octetStream(bytes: Uint8Array | Blob): {
  body: Blob;
  bodySerializer: (body: Blob) => Blob;
  headers: Record<string, string>;
} {
  return {
    body: bytes instanceof Blob ? bytes : new Blob([bytes]),
    bodySerializer: (body: Blob) => body,
    headers: { 'content-type': 'application/octet-stream' },
  };
}

/** Serializes a multipart body (a fusion, a watermark check): Blobs as files, the rest as fields. */
export function formData(body: Record<string, Blob | Blob[] | string | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    for (const part of Array.isArray(value) ? value : [value]) {
      if (part === undefined) continue;
      if (typeof part === 'string') form.append(name, part);
      else form.append(name, part, name);
    }
  }
  return form;
}
