import {
  BadRequestError,
  ConflictError,
  InternalError,
  PayloadTooLargeError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from '#libs/common';

/**
 * Error codes raised by the inference engine. They are stable: clients and the worker map them to
 * job failure reasons.
 */
export const InferenceErrorCode = {
  /** The image's header declares more pixels than allowed (decompression-bomb guard). */
  ImageTooLarge: 'image_too_large',
  /** The bytes are not JPEG, PNG or WebP. */
  ImageUnsupported: 'image_unsupported',
  /** The declared media type disagrees with the bytes. */
  ImageMislabelled: 'image_mislabelled',
  /** The file ends before the image data does. */
  ImageTruncated: 'image_truncated',
  /** Header or data is corrupt and cannot be decoded. */
  ImageInvalid: 'image_invalid',
  /** The image is too small for the operation (e.g. watermarking). */
  ImageTooSmall: 'image_too_small',
  /** No face was found in the source image. */
  NoSourceFace: 'no_source_face',
  /** No face was found in the target image (when the request requires one). */
  NoTargetFace: 'no_target_face',
  /** The caller cancelled the run (or its time ran out); it stopped at a stage boundary. */
  Cancelled: 'fusion_cancelled',
  /** The model file cannot be read. */
  ModelUnreadable: 'model_unreadable',
  /** The model file's SHA-256 differs from the registered digest. */
  ModelDigestMismatch: 'model_digest_mismatch',
  /** The file is not a loadable ONNX model. */
  ModelInvalid: 'model_invalid',
  /** The model loads but its inputs/outputs do not match its declared family. */
  ModelIncompatible: 'model_incompatible',
  /** The run's models together exceed one pipeline thread's share of the memory budget. */
  ModelMemoryBudgetExceeded: 'model_memory_budget_exceeded',
  /** A request field is invalid (missing model, bad option). */
  RequestInvalid: 'inference_request_invalid',
  /** The engine was closed or a worker crashed. */
  EngineUnavailable: 'inference_engine_unavailable',
} as const;

export type InferenceErrorCodeValue = (typeof InferenceErrorCode)[keyof typeof InferenceErrorCode];

type ErrorClass =
  | typeof BadRequestError
  | typeof ConflictError
  | typeof InternalError
  | typeof PayloadTooLargeError
  | typeof UnprocessableError
  | typeof UnsupportedMediaTypeError;

const CLASS_BY_CODE: Record<InferenceErrorCodeValue, ErrorClass> = {
  image_too_large: PayloadTooLargeError,
  image_unsupported: UnsupportedMediaTypeError,
  image_mislabelled: UnsupportedMediaTypeError,
  image_truncated: UnprocessableError,
  image_invalid: UnprocessableError,
  image_too_small: UnprocessableError,
  no_source_face: UnprocessableError,
  no_target_face: UnprocessableError,
  fusion_cancelled: ConflictError,
  model_unreadable: UnprocessableError,
  model_digest_mismatch: UnprocessableError,
  model_invalid: UnprocessableError,
  model_incompatible: UnprocessableError,
  model_memory_budget_exceeded: UnprocessableError,
  inference_request_invalid: BadRequestError,
  inference_engine_unavailable: InternalError,
};

/** Builds the domain error for an inference error code. */
export function inferenceError(
  code: InferenceErrorCodeValue,
  detail: string,
  extensions?: Record<string, unknown>,
): InstanceType<ErrorClass> {
  const ErrorType = CLASS_BY_CODE[code];
  return new ErrorType({ code, detail, extensions });
}

/** Shape in which errors cross the worker-thread boundary (class identity does not survive cloning). */
export interface SerializedInferenceError {
  code: string;
  detail: string;
  extensions?: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedInferenceError {
  if (
    error &&
    typeof error === 'object' &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code in CLASS_BY_CODE
  ) {
    const e = error as { code: string; message: string; extensions?: Record<string, unknown> };
    return { code: e.code, detail: e.message, extensions: e.extensions };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'inference_failed', detail: message };
}

export function deserializeError(error: SerializedInferenceError): Error {
  if (error.code in CLASS_BY_CODE) {
    return inferenceError(error.code as InferenceErrorCodeValue, error.detail, error.extensions);
  }
  return new InternalError({ code: 'inference_failed', detail: error.detail });
}
