import type { FastifyRequest } from 'fastify';
import { BadRequestError, DomainError, PayloadTooLargeError, UnsupportedMediaTypeError } from '#libs/common';
import type { JobUploads, ReceivedImage } from '#libs/jobs';

/** What a fusion form carries once read: input files on disk (hashed, checked) and the options text. */
export interface FusionForm {
  sources: ReceivedImage[];
  target: ReceivedImage;
  options?: string;
}

const OPTIONS_MAX_BYTES = 64 * 1024;

/**
 * Reads a `multipart/form-data` fusion request part by part: `source` (1..maxSources files),
 * `target` (one file), `options` (JSON, as a field or a file). Files stream to disk as they
 * arrive; anything else, too many files or a missing one is a 400 naming the field, and files
 * already received are deleted.
 */
export async function readFusionForm(
  request: FastifyRequest,
  uploads: JobUploads,
  maxSources: number,
  fileField: { files: string[] } = { files: ['source', 'target'] },
): Promise<{ files: Map<string, ReceivedImage[]>; options?: string }> {
  if (!request.isMultipart()) {
    throw new UnsupportedMediaTypeError({
      code: 'unsupported_media_type',
      detail: 'Send the request as multipart/form-data.',
    });
  }
  const files = new Map<string, ReceivedImage[]>(fileField.files.map((f) => [f, []]));
  let options: string | undefined;
  try {
    for await (const part of request.parts()) {
      const name = part.fieldname;
      if (name === 'options') {
        if (options !== undefined) throw fieldError('options', 'options may be given once');
        options = part.type === 'file' ? (await part.toBuffer()).toString('utf8') : String(part.value ?? '');
        if (Buffer.byteLength(options) > OPTIONS_MAX_BYTES) throw fieldError('options', 'options is too long');
        continue;
      }
      const list = files.get(name);
      if (!list) {
        if (part.type === 'file') part.file.resume();
        throw fieldError(name, `unknown field "${name}"; expected ${[...files.keys(), 'options'].join(', ')}`);
      }
      if (part.type !== 'file') throw fieldError(name, `${name} must be a file`);
      const limit = name === 'source' ? maxSources : 1;
      if (list.length >= limit) {
        part.file.resume();
        throw new BadRequestError({
          code: name === 'source' ? 'too_many_sources' : 'too_many_files',
          detail:
            name === 'source' ? `At most ${maxSources} source images may be sent.` : `Send exactly one ${name} file.`,
          extensions: { errors: [{ field: name, message: `at most ${limit} file(s)` }] },
        });
      }
      list.push(await uploads.receive(part.file, name, part.mimetype));
    }
  } catch (error) {
    await uploads.discard([...files.values()].flat());
    throw translate(error);
  }
  return { files, options };
}

/**
 * Reads the fusion form proper: exactly one target and, unless `sourceOptional` (a job without a
 * face swap may have none), at least one source.
 */
export async function readFusionRequest(
  request: FastifyRequest,
  uploads: JobUploads,
  maxSources: number,
  sourceOptional = false,
): Promise<FusionForm> {
  const { files, options } = await readFusionForm(request, uploads, maxSources);
  const sources = files.get('source')!;
  const [target] = files.get('target')!;
  const missing = [...(sources.length || sourceOptional ? [] : ['source']), ...(target ? [] : ['target'])];
  if (missing.length) {
    await uploads.discard([...sources, ...(target ? [target] : [])]);
    throw new BadRequestError({
      code: 'validation_failed',
      detail: `Missing ${missing.join(' and ')} image.`,
      extensions: { errors: missing.map((field) => ({ field, message: `${field} image is required` })) },
    });
  }
  return { sources, target, options };
}

function fieldError(field: string, message: string): BadRequestError {
  return new BadRequestError({
    code: 'validation_failed',
    detail: message,
    extensions: { errors: [{ field, message }] },
  });
}

/** Multipart parser errors (limits, malformed bodies) as problem documents. */
function translate(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new PayloadTooLargeError({ code: 'input_too_large', detail: 'A file is larger than allowed.' });
  }
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new BadRequestError({ code: 'too_many_parts', detail: 'The form has too many parts.' });
  }
  if (code.startsWith('FST_') || /multipart|boundary|Unexpected end/i.test((error as Error)?.message ?? '')) {
    return new BadRequestError({ code: 'multipart_invalid', detail: 'The multipart body could not be read.' });
  }
  return error;
}
