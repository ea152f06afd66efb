import { DomainError } from './errors.js';

/** RFC 9457 problem document as fusiongate serves it. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** A stable URI per code; the catalogue of codes is documented in Swagger. */
export function problemType(code: string): string {
  return `urn:fusiongate:problem:${code}`;
}

export function problemFromDomainError(error: DomainError): ProblemDocument {
  return {
    ...error.extensions,
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
  };
}
