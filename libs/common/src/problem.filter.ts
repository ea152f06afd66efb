import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dependencyUnavailable } from './dependency-errors.js';
import { DomainError, ServiceUnavailableError, TooManyRequestsError } from './errors.js';
import { setRateLimitHeaders } from './rate-limit.js';
import type { ContextRequest } from './route-metadata.js';
import { PROBLEM_CONTENT_TYPE, problemFromDomainError, problemType, type ProblemDocument } from './problem.js';

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

/** Fastify's own errors (body parsing, limits) carry a code and a status. */
interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body_invalid',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body_invalid',
  FST_ERR_CTP_MALFORMED_JSON_BODY: 'body_invalid',
  FST_ERR_BAD_URL: 'url_invalid',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/**
 * PostgreSQL errors caused by what a request carried (SQLSTATE → status and code). They are a
 * backstop: validation should refuse such input first, so they are logged as warnings.
 */
const DATABASE_INPUT_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  '23505': { status: 409, code: 'already_exists', detail: 'Something with the same unique value already exists.' },
  '23503': {
    status: 409,
    code: 'reference_conflict',
    detail: 'The request refers to something that does not exist, or something else still refers to it.',
  },
  '23502': { status: 400, code: 'validation_failed', detail: 'A required value is missing.' },
  '23514': { status: 400, code: 'validation_failed', detail: 'A value is outside what is allowed.' },
  '22001': { status: 400, code: 'validation_failed', detail: 'A value is too long.' },
  '22003': { status: 400, code: 'validation_failed', detail: 'A number is out of range.' },
  '22007': { status: 400, code: 'validation_failed', detail: 'A date or time is not valid.' },
  '22008': { status: 400, code: 'validation_failed', detail: 'A date or time is out of range.' },
  '22021': { status: 400, code: 'validation_failed', detail: 'A text value is not valid UTF-8.' },
  '22P02': { status: 400, code: 'validation_failed', detail: 'A value does not have the expected form.' },
  '22P05': {
    status: 400,
    code: 'validation_failed',
    detail: 'A text value contains a character that cannot be stored.',
  },
};

/** TypeORM's QueryFailedError (matched by shape: this library does not depend on TypeORM). */
function databaseInputError(error: unknown): (typeof DATABASE_INPUT_ERRORS)[string] | undefined {
  if (!(error instanceof Error) || error.name !== 'QueryFailedError') return undefined;
  const failed = error as Error & { code?: unknown; driverError?: { code?: unknown } };
  const sqlState = failed.driverError?.code ?? failed.code;
  return typeof sqlState === 'string' ? DATABASE_INPUT_ERRORS[sqlState] : undefined;
}

function statusTitle(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    413: 'Payload Too Large',
    414: 'URI Too Long',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Content',
    429: 'Too Many Requests',
    503: 'Service Unavailable',
  };
  return titles[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

/** Maps any thrown value to a problem document; unknown errors become an opaque 500. */
export function toProblem(error: unknown, request?: { method?: string; url?: string }): ProblemDocument {
  if (error instanceof DomainError) return problemFromDomainError(error);
  const unavailable = dependencyUnavailable(error);
  if (unavailable) return problemFromDomainError(unavailable);

  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const fromBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    let code = typeof fromBody.code === 'string' ? fromBody.code : (HTTP_CODES[status] ?? 'error');
    let detail = typeof fromBody.message === 'string' ? fromBody.message : error.message;
    if (status === 404 && !fromBody.code && request) {
      code = 'route_not_found';
      detail = `No route matches ${request.method ?? ''} ${(request.url ?? '').split('?')[0]}.`.replace('  ', ' ');
    }
    if (Array.isArray(fromBody.message)) detail = fromBody.message.join('; ');
    if (status === 400 && !fromBody.code && /JSON/.test(detail)) code = 'body_invalid';
    return { type: problemType(code), title: statusTitle(status), status, detail, code };
  }

  const database = databaseInputError(error);
  if (database) {
    const { status, code, detail } = database;
    return { type: problemType(code), title: statusTitle(status), status, detail, code };
  }

  const fastifyError = error as FastifyLikeError;
  if (
    fastifyError &&
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const status = fastifyError.statusCode;
    const code = FASTIFY_CODES[fastifyError.code ?? ''] ?? HTTP_CODES[status] ?? 'bad_request';
    const detail =
      code === 'body_invalid'
        ? `The request body is not valid JSON: ${fastifyError.message}`
        : (fastifyError.message ?? '');
    return { type: problemType(code), title: statusTitle(status), status, detail, code };
  }

  return {
    type: problemType('internal_error'),
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
    code: 'internal_error',
  };
}

/** Sends a problem document on a Fastify reply, with Retry-After where it applies. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, thrown: unknown): void {
  const error = dependencyUnavailable(thrown) ?? thrown;
  const problem = { ...toProblem(error, request), requestId: String(request.id) };
  (request as ContextRequest).problem = {
    status: problem.status,
    code: problem.code,
    refusal: error instanceof DomainError ? error.refusal : undefined,
  };
  if (
    (error instanceof TooManyRequestsError || error instanceof ServiceUnavailableError) &&
    error.retryAfterSeconds !== undefined
  ) {
    void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  }
  if (error instanceof TooManyRequestsError && error.rateLimit) setRateLimitHeaders(reply, error.rateLimit);
  if (problem.status === 401) void reply.header('www-authenticate', wwwAuthenticate(request, problem));
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}

/** 401 codes that mean the bearer token itself was refused (not, say, a wrong password). */
const REFUSED_TOKEN_CODES = new Set(['token_invalid', 'token_expired', 'account_disabled']);

/**
 * RFC 6750's challenge on every 401: `Bearer realm="fusiongate"`, with `error="invalid_token"` when
 * a bearer token was sent and refused (expired, revoked, malformed), so a client knows to refresh.
 */
function wwwAuthenticate(request: FastifyRequest, problem: ProblemDocument): string {
  const sentBearer = /^bearer\s/i.test(request.headers?.authorization ?? '');
  if (!sentBearer || !REFUSED_TOKEN_CODES.has(problem.code)) return 'Bearer realm="fusiongate"';
  return `Bearer realm="fusiongate", error="invalid_token", error_description="${problem.code}"`;
}

/** The one global filter: every error leaves the API as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(error, request);
    if (problem.status === 503 && dependencyUnavailable(error)) {
      // A dependency outage: one line per request, not a stack trace each.
      this.logger.warn({ reqId: request.id, code: problem.code }, `Answered 503: ${(error as Error).message}`);
    } else if (problem.status >= 500) {
      this.logger.error({ err: error, reqId: request.id }, 'Request failed');
    } else if (databaseInputError(error)) {
      this.logger.warn({ err: error, reqId: request.id }, 'Input refused by the database, not by validation');
    }
    if (reply.sent) return;
    sendProblem(reply, request, error);
  }
}
