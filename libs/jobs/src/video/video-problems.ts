import { PayloadTooLargeError, UnprocessableError, UnsupportedMediaTypeError, type DomainError } from '#libs/common';
import type { VideoError } from '#libs/media';

/**
 * A video input problem as the API answers it: 415 `not_a_video`; 422 `video_unreadable`,
 * `video_no_stream`, `video_frame_rate_too_high`; 413 `video_too_long`,
 * `video_resolution_too_high`, `video_too_many_frames` (the organization's limits, in
 * `extensions.limit`). `field` names the form field.
 */
export function videoProblem(error: VideoError, field = 'target'): DomainError {
  const init = { code: error.code, detail: `${field}: ${error.message}`, extensions: { field, ...error.details } };
  switch (error.code) {
    case 'not_a_video':
      return new UnsupportedMediaTypeError(init);
    case 'video_too_long':
    case 'video_resolution_too_high':
    case 'video_too_many_frames':
      return new PayloadTooLargeError(init);
    default:
      return new UnprocessableError(init);
  }
}
