import type { RateLimitState } from './rate-limit.js';

/**
 * Domain errors: the small, closed set of failures services raise. One global filter maps
 * them to RFC 9457 problem+json, so a service never thinks about HTTP beyond a status.
 */
export interface ProblemFields {
  /** Stable machine-readable code, e.g. `model_not_found`, `credentials_invalid`, `model:export`. */
  code: string;
  /** Human-readable explanation specific to this occurrence. */
  detail: string;
  /** Extra members added to the problem document (e.g. `errors`, `retryAfter`). */
  extensions?: Record<string, unknown>;
}

/**
 * How the audit trail records a refused request, when whoever refused it knows more than the
 * answer says (which permission, which resource). The HTTP edge records every refusal, once:
 * this description when the error carries one, a generic denial otherwise.
 */
export interface RefusalAudit {
  action: string;
  resourceType?: string;
  resourceId?: string;
  details?: Record<string, unknown>;
  /** Written before the answer leaves (alert rules watch it), not with the next buffered flush. */
  immediate?: boolean;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly code: string;
  readonly extensions?: Record<string, unknown>;
  /** Set with {@link describeRefusal}. */
  refusal?: RefusalAudit;

  constructor({ code, detail, extensions }: ProblemFields) {
    super(detail);
    this.name = new.target.name;
    this.code = code;
    this.extensions = extensions;
  }
}

/** 400: the request is malformed or a field is invalid. */
export class BadRequestError extends DomainError {
  readonly status = 400;
  readonly title = 'Bad Request';
}

/** 401: no or invalid credentials. `code` is one of the documented token/credential codes. */
export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly title = 'Unauthorized';
}

/** 403: authenticated but not allowed; `code` names the missing permission. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly title = 'Forbidden';
}

/** 404: the resource does not exist, or the caller may not know that it does. */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly title = 'Not Found';
}

/** 405: the path exists, but not with this method (the answer lists the allowed ones in `Allow`). */
export class MethodNotAllowedError extends DomainError {
  readonly status = 405;
  readonly title = 'Method Not Allowed';
}

/** 409: the request conflicts with the current state (duplicate slug, last admin, ...). */
export class ConflictError extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
}

/** 410: the thing existed but is no longer usable (an expired, used or revoked single-use token). */
export class GoneError extends DomainError {
  readonly status = 410;
  readonly title = 'Gone';
}

/** 413: the body is larger than allowed. */
export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly title = 'Payload Too Large';
}

/** 415: the body's media type is not accepted. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly title = 'Unsupported Media Type';
}

/** 422: well-formed but semantically unacceptable content (bad ONNX, digest mismatch, ...). */
export class UnprocessableError extends DomainError {
  readonly status = 422;
  readonly title = 'Unprocessable Content';
}

/** 429: a rate limit or quota was hit. `retryAfterSeconds` becomes a `Retry-After` header. */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  readonly title = 'Too Many Requests';
  readonly retryAfterSeconds?: number;
  /** The quota that refused, sent as `RateLimit` / `RateLimit-Policy` headers. */
  readonly rateLimit?: RateLimitState;

  constructor(fields: ProblemFields & { retryAfterSeconds?: number; rateLimit?: RateLimitState }) {
    super({ ...fields, extensions: { ...fields.extensions, retryAfter: fields.retryAfterSeconds } });
    this.rateLimit = fields.rateLimit;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }
}

/** 412: a conditional write (`If-Match`) was made against a representation that has since changed. */
export class PreconditionFailedError extends DomainError {
  readonly status = 412;
  readonly title = 'Precondition Failed';
}

/** 428: the request must carry a precondition header (e.g. a content digest) and does not. */
export class PreconditionRequiredError extends DomainError {
  readonly status = 428;
  readonly title = 'Precondition Required';
}

/**
 * 503: a dependency is unavailable, or the service is at capacity. `retryAfterSeconds` becomes a
 * `Retry-After` header.
 */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  readonly title = 'Service Unavailable';
  readonly retryAfterSeconds?: number;

  constructor(fields: ProblemFields & { retryAfterSeconds?: number }) {
    super({ ...fields, extensions: { ...fields.extensions, retryAfter: fields.retryAfterSeconds } });
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }
}

/** 500 for failures the caller cannot fix; `detail` must not leak internals. */
export class InternalError extends DomainError {
  readonly status = 500;
  readonly title = 'Internal Server Error';
}

/** Attaches the audit description of a refusal to the error that answers it (see RefusalAudit). */
export function describeRefusal<E extends DomainError>(error: E, refusal: RefusalAudit): E {
  error.refusal = refusal;
  return error;
}
