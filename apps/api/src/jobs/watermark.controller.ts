import { readFile } from 'node:fs/promises';
import { Controller, HttpCode, Injectable, Optional, Post, Req, type OnApplicationShutdown } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '#libs/audit';
import { BadRequestError, Ctx, RequestContext, RequirePermission } from '#libs/common';
import { AppConfig } from '#libs/config';
import { FaceFusionEngine } from '#libs/inference';
import { detectVideoWatermark, JobService, JobUploads } from '#libs/jobs';
import { resolveMediaBinaries, type MediaBinaries } from '#libs/media';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../swagger.js';
import { readFusionForm } from './fusion-form.js';
import { WatermarkDetectionDto } from './jobs.dto.js';

/** One pipeline thread in the API process for watermark reading, started on first use. */
@Injectable()
export class WatermarkReader implements OnApplicationShutdown {
  private engine?: Promise<FaceFusionEngine>;

  constructor(private readonly config: AppConfig) {}

  async detect(image: Uint8Array) {
    this.engine ??= FaceFusionEngine.create({
      workers: 1,
      maxPixels: this.config.inference.maxPixels,
      codec: this.config.inference.codec,
      memoryBudgetBytes: 64 * 1024 * 1024,
    });
    return (await this.engine).detectWatermark(image);
  }

  async onApplicationShutdown(): Promise<void> {
    await (await this.engine)?.close();
  }
}

@ApiTags('jobs')
@ApiBearerAuth(BEARER_SCHEME)
@ApiSecurity(API_KEY_SCHEME)
@Controller('orgs/:orgId/watermark')
export class WatermarkController {
  constructor(
    private readonly jobs: JobService,
    private readonly uploads: JobUploads,
    private readonly reader: WatermarkReader,
    config: AppConfig,
    @Optional() private readonly audit?: AuditService,
  ) {
    this.binaries = resolveMediaBinaries(config.media);
  }

  private readonly binaries: MediaBinaries;

  @Post('detect')
  @HttpCode(200)
  @RequirePermission('job:read')
  @ApiOperation({
    summary: 'Whether an image carries a fusiongate watermark and, for this organization’s jobs, which job made it.',
    description:
      'multipart/form-data with one `image`: a JPEG, PNG or WebP image, or an MP4, MOV, WebM or Matroska video (five frames spread over it are read; the payload most of them carry is the answer). Audited as `watermark.detected`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['image'], properties: { image: { type: 'string', format: 'binary' } } },
  })
  @ApiOkResponse({ type: WatermarkDetectionDto })
  async detect(@Ctx() ctx: RequestContext, @Req() request: FastifyRequest): Promise<WatermarkDetectionDto> {
    const { files } = await readFusionForm(request, this.uploads, 1, { files: ['image'] });
    const [image] = files.get('image')!;
    if (!image) {
      throw new BadRequestError({
        code: 'validation_failed',
        detail: 'Missing image.',
        extensions: { errors: [{ field: 'image', message: 'image is required' }] },
      });
    }
    try {
      const video = image.video
        ? await detectVideoWatermark(image.path, image.video, (frame) => this.reader.detect(frame), {
            binaries: this.binaries,
          })
        : undefined;
      const found = video ? video.found : await this.reader.detect(new Uint8Array(await readFile(image.path)));
      // The detector answers only for a pilot match whose payload passes its CRC-32 (calibrated for
      // no false positives); `confidence` is informative, not a second threshold.
      const marked = !!found;
      const job = found ? await this.jobs.findByWatermark(ctx, found.payload) : null;
      await this.audit?.record(ctx, {
        action: 'watermark.detected',
        resourceType: job ? 'job' : undefined,
        resourceId: job?.id,
        details: {
          imageSha256: image.sha256,
          watermarked: marked,
          confidence: found?.confidence ?? null,
          ...(video
            ? { mediaType: image.mediaType, framesChecked: video.framesChecked, framesMarked: video.framesMarked }
            : {}),
          ...(job ? { jobId: job.id } : {}),
        },
      });
      return {
        watermarked: marked,
        confidence: found ? Math.round(found.confidence * 1000) / 1000 : null,
        job: job
          ? {
              jobId: job.id,
              userId: job.ownerId,
              modelId: job.modelId,
              modelVersion: Object.values(job.models).find((m) => m?.modelId === job.modelId)?.version ?? 0,
              createdAt: job.createdAt.toISOString(),
              finishedAt: job.finishedAt?.toISOString() ?? null,
            }
          : null,
        ...(video ? { video: { framesChecked: video.framesChecked, framesMarked: video.framesMarked } } : {}),
      };
    } finally {
      await this.uploads.discard([image]);
    }
  }
}
