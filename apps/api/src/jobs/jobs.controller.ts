import { Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, Ctx, ETagged, parseEntityTags, RequestContext, readIdempotencyKey } from '#libs/common';
import { AppConfig } from '#libs/config';
import { JobEvents, JobService, JobUploads, TERMINAL_STATUSES, type JobEvent } from '#libs/jobs';
import { readFusionRequest } from './fusion-form.js';
import {
  FuseQueryDto,
  JobListQueryDto,
  JobPageDto,
  JobResponseDto,
  jobLinks,
  parseFusionOptions,
  toJobResponse,
} from './jobs.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** A face swap needs source images; other processors use none, and unused uploads are refused. */
function checkSources(processors: string[], sources: number): void {
  const swaps = processors.includes('face_swapper');
  if (swaps === sources > 0) return;
  const message = swaps
    ? 'source image is required by the face_swapper processor'
    : 'source images are used by the face_swapper processor only; leave them out';
  throw new BadRequestError({
    code: 'validation_failed',
    detail: swaps ? 'Missing source image.' : `${message[0].toUpperCase()}${message.slice(1)}.`,
    extensions: { errors: [{ field: 'source', message }] },
  });
}
const MEDIA_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', mp4: 'video/mp4' } as const;
/** A comment line keeps proxies from closing an idle event stream. */
const HEARTBEAT_MS = 15_000;
/** The row is re-read this often while streaming, in case a published event was missed. */
const RECHECK_MS = 5_000;

@ApiTags('jobs')
@ApiNotFoundResponse({ description: '`job_not_found`, `model_not_found`: absent, elsewhere, or not visible to you.' })
@Controller('orgs/:orgId')
export class JobsController {
  constructor(
    private readonly jobs: JobService,
    private readonly uploads: JobUploads,
    private readonly events: JobEvents,
    private readonly config: AppConfig,
  ) {}

  @Post('models/:modelId/fuse')
  @HttpCode(202)
  @Allow({ permission: 'job:create', forbidden: '`job:create`, `model:infer`, `model:test`.' })
  @ApiOperation({
    summary:
      'Submit a fusion: put the face of the source image(s) onto the target image with this swapper model, ' +
      'or run this face/frame enhancer on the target alone.',
    description:
      'multipart/form-data with one or more `source` images (their face embeddings are averaged; only with a ' +
      'face_swapper step), one `target` image and optional `options` (JSON: faceSelector all|one|largest|reference, ' +
      'faceSelectorOrder left-right|right-left|top-bottom|bottom-top|small-large|large-small|best-worst|worst-best, ' +
      'referenceFaceIndex, detectorAngles (subset of 0, 90, 180, 270), detector / landmarker / recognizer ' +
      '{modelId, version|stage} — default: the organization’s production model of that kind —, detectorScore, ' +
      'outputFormat jpeg|png|webp, outputQuality (default 80), faceMask {types box|occlusion|region, blur 0–1, ' +
      'padding [top,right,bottom,left] %, regions, occluder / parser {modelId, version|stage}} for the swapper’s ' +
      'paste-back, the path model’s version|stage, and ' +
      '`processors`: an ordered list as FaceFusion’s --processors, each ' +
      '"face_swapper" | "face_enhancer" | "frame_enhancer" or {processor, modelId?, version|stage?, blend? 0–100 ' +
      '(default 80), weight? 0–1 (CodeFormer, default 0.5)}; default: the path model’s processor alone; the ' +
      'gender / age / race filters need a face classifier model and are refused). ' +
      'Needs job:create and model:infer on every model used (model:test for staging versions). Answers 202 with ' +
      'the queued job and its Location; follow `links.events` (Server-Sent Events) and download `links.result`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['target'],
      properties: {
        source: { type: 'array', items: { type: 'string', format: 'binary' } },
        target: { type: 'string', format: 'binary' },
        options: {
          type: 'string',
          example: '{"faceSelector":"all","processors":["face_swapper",{"processor":"face_enhancer","blend":80}]}',
        },
      },
    },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried submission with the same key returns the first job (a different request: 422).',
  })
  @ApiAcceptedResponse({ type: JobResponseDto })
  @ApiTooManyRequestsResponse({ description: '`quota_exceeded` with Retry-After (until the quota day rolls over).' })
  @ApiUnprocessableEntityResponse({
    description:
      '`model_kind_mismatch`, `model_kind_missing`, `model_version_unavailable`, `processor_model_unused`, ' +
      '`idempotency_key_reused`, ' +
      '`image_truncated`, `image_invalid`.',
  })
  async fuse(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Query() query: FuseQueryDto,
    @Headers('idempotency-key') idempotencyKeyHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobResponseDto> {
    // Submissions keep their key on the job row (with a digest of every input), not in the
    // interceptor of other creates: the multipart inputs are only known once spooled.
    const idempotencyKey = readIdempotencyKey(idempotencyKeyHeader);
    const pathProcessor = await this.jobs.precheck(ctx, modelId);
    const form = await readFusionRequest(request, this.uploads, this.config.jobs.maxSources, true);
    try {
      const parsed = parseFusionOptions(form.options);
      const processors = parsed.options.processors?.map((p) => p.processor) ?? [pathProcessor];
      checkSources(processors, form.sources.length);
      const own = parsed.processorModels?.find((p) => p.processor === pathProcessor)?.model;
      if (own && own.modelId !== modelId) {
        throw new BadRequestError({
          code: 'validation_failed',
          detail: `options.processors: the ${pathProcessor} step runs the model in the path; leave out its modelId.`,
          extensions: { errors: [{ field: 'options.processors', message: 'modelId differs from the path' }] },
        });
      }
      const submitted = await this.jobs.submit(ctx, {
        model: {
          modelId,
          version: query.version ?? parsed.swapper.version ?? own?.version,
          stage: query.stage ?? parsed.swapper.stage ?? own?.stage,
        },
        detector: parsed.detector,
        landmarker: parsed.landmarker,
        recognizer: parsed.recognizer,
        processorModels: parsed.processorModels,
        occluder: parsed.occluder,
        parser: parsed.parser,
        options: parsed.options,
        sources: form.sources,
        target: form.target,
        idempotencyKey,
      });
      void reply.header('location', jobLinks(submitted.job).self);
      if (submitted.replayed) void reply.header('idempotent-replayed', 'true');
      return toJobResponse(submitted.job, { position: submitted.position });
    } finally {
      await this.uploads.discard([...form.sources, form.target]);
    }
  }

  @Get('jobs')
  @Allow({ permission: 'job:read' })
  @ApiOperation({
    summary: 'Jobs you may see: your own, your projects’ (project members), or all with job:read-all; newest first.',
  })
  @ApiOkResponse({ type: JobPageDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: JobListQueryDto): Promise<JobPageDto> {
    const page = await this.jobs.list(ctx, query);
    return { items: page.items.map((job) => toJobResponse(job)), nextCursor: page.nextCursor };
  }

  @Get('jobs/:jobId')
  @ETagged()
  @Allow({ permission: 'job:read' })
  @ApiOperation({ summary: 'One job: status, queue position, progress, models, result or error.' })
  @ApiOkResponse({ type: JobResponseDto })
  async get(@Ctx() ctx: RequestContext, @Param('jobId') jobId: string): Promise<JobResponseDto> {
    return this.describe(await this.jobs.get(ctx, jobId));
  }

  @Delete('jobs/:jobId')
  @HttpCode(202)
  @Allow({ permission: 'job:read' })
  @ApiOperation({
    summary: 'Cancel: a queued job never starts; a running one stops at its next stage boundary.',
    description: 'Your own jobs (job:create), or any with job:read-all. The answer shows `cancelRequested`.',
  })
  @ApiAcceptedResponse({ type: JobResponseDto })
  @ApiConflictResponse({ description: '`job_finished`.' })
  async cancel(@Ctx() ctx: RequestContext, @Param('jobId') jobId: string): Promise<JobResponseDto> {
    return toJobResponse(await this.jobs.cancel(ctx, jobId));
  }

  @Get('jobs/:jobId/result')
  @Allow({ permission: 'job:read' })
  @ApiOperation({ summary: 'Download the watermarked result image, streamed, with its SHA-256 in X-Content-SHA256.' })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({
    status: 304,
    description: 'Not modified: `If-None-Match` holds this ETag (the quoted SHA-256 of the result).',
  })
  @ApiConflictResponse({ description: '`job_result_unavailable` (not completed).' })
  async result(
    @Ctx() ctx: RequestContext,
    @Param('jobId') jobId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { job, stream } = await this.jobs.openResult(ctx, jobId, {
      ifNoneMatch: parseEntityTags(request.headers['if-none-match']),
    });
    if (!stream) {
      await reply
        .status(304)
        .header('etag', `"${job.resultSha256}"`)
        .header('cache-control', 'private, no-store')
        .send();
      return;
    }
    const format = job.resultFormat ?? 'png';
    const b64 = Buffer.from(job.resultSha256!, 'hex').toString('base64');
    await reply
      .header('content-type', MEDIA_TYPES[format])
      .header('content-length', String(job.resultSize))
      .header('content-disposition', `attachment; filename="fusion-${job.id}.${format === 'jpeg' ? 'jpg' : format}"`)
      .header('x-content-sha256', job.resultSha256!)
      .header('repr-digest', `sha-256=:${b64}:`)
      .header('etag', `"${job.resultSha256}"`)
      .header('cache-control', 'private, no-store')
      .send(stream);
  }

  @Get('jobs/:jobId/events')
  @Allow({ permission: 'job:read' })
  @ApiOperation({
    summary:
      'Server-Sent Events: `state` (the job) on connect and on each status change, `progress` per stage ' +
      '(stage, percent, face i/n; for a video: frames done/total, fps, etaSeconds); the stream ends after the final state.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ schema: { type: 'string' } })
  async stream(@Ctx() ctx: RequestContext, @Param('jobId') jobId: string, @Res() reply: FastifyReply): Promise<void> {
    await this.jobs.get(ctx, jobId);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': ctx.requestId,
    });
    let closed = false;
    let lastStatus = '';
    const send = (event: string, data: unknown) => {
      if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe: () => void = () => undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      unsubscribe();
      raw.end();
    };
    raw.on('close', close);
    const refresh = async () => {
      try {
        const job = await this.jobs.get(ctx, jobId);
        if (job.status !== lastStatus) {
          lastStatus = job.status;
          send('state', await this.describe(job));
        }
        if (TERMINAL_STATUSES.includes(job.status)) close();
      } catch {
        close();
      }
    };
    unsubscribe = await this.events.subscribe(jobId, (event: JobEvent) => {
      if (event.type === 'progress') send('progress', progressOf(event));
      else void refresh();
    });
    await refresh();
    if (closed) return;
    const last = await this.events.lastProgress(jobId);
    if (last?.type === 'progress' && lastStatus === 'running') {
      send('progress', progressOf(last));
    }
    timers.push(setInterval(() => !closed && raw.write(': keep-alive\n\n'), HEARTBEAT_MS).unref());
    timers.push(setInterval(() => void refresh(), RECHECK_MS).unref());
  }

  private async describe(job: Awaited<ReturnType<JobService['get']>>): Promise<JobResponseDto> {
    const [position, last] = await Promise.all([
      this.jobs.position(job),
      job.status === 'running' ? this.events.lastProgress(job.id) : null,
    ]);
    const progress = last?.type === 'progress' ? { stage: last.stage, percent: last.percent } : null;
    return toJobResponse(job, { position, progress });
  }
}

/** What a progress event tells the client: stage and share; faces of an image; frames, fps and time left of a video. */
function progressOf(event: Extract<JobEvent, { type: 'progress' }>) {
  return {
    stage: event.stage,
    percent: event.percent,
    face: event.face,
    frames: event.frames,
    fps: event.fps,
    etaSeconds: event.etaSeconds,
  };
}
