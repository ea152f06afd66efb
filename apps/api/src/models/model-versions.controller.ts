import { Readable } from 'node:stream';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ETagged,
  parseEntityTags,
  BadRequestError,
  CreatedLocation,
  Ctx,
  RequestContext,
  setRateLimitHeaders,
  UnsupportedMediaTypeError,
  PageQueryDto,
  Idempotent,
} from '#libs/common';
import { ModelVersionService } from '#libs/model-registry';
import {
  ChangeStageDto,
  ModelVersionListDto,
  ModelVersionResponseDto,
  toModelVersionResponse,
  UploadVersionQueryDto,
} from './models.dto.js';
import { Allow } from '../auth/allow.decorator.js';

const SHA256_HEADER = 'x-content-sha256';

/** What an upload received, from its answer: a replay of the same key must stream the same bytes. */
const uploadedArtifact = (answer: unknown) => {
  const version = answer as ModelVersionResponseDto;
  return { sha256: version.sha256, bytes: version.sizeBytes };
};

@ApiTags('models')
@ApiNotFoundResponse({ description: '`model_not_found` or `model_version_not_found`.' })
@Controller('orgs/:orgId/models/:modelId/versions')
export class ModelVersionsController {
  constructor(private readonly versions: ModelVersionService) {}

  @Post()
  @Idempotent({ streamed: uploadedArtifact })
  @CreatedLocation('versions/:version')
  @Allow({ permission: 'model:edit' })
  @ApiOperation({
    summary: 'Upload a version: the raw ONNX file as the request body (application/octet-stream), streamed.',
    description:
      'The artifact is hashed while it streams, validated (ONNX structure, no external data, standard ' +
      'operator domains, the I/O signature of the model family) and stored once per content. A refused ' +
      'artifact still takes a version number, recorded as `rejected` with its reason.',
  })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiHeader({
    name: 'X-Content-SHA256',
    required: false,
    description:
      'Expected lower-case hex SHA-256. Required when MODEL_UPLOAD_REQUIRE_SHA256 is set or the organization ' +
      'has `requireUploadDigest` (428 `content_digest_required` without it).',
  })
  @ApiCreatedResponse({ type: ModelVersionResponseDto })
  @ApiPayloadTooLargeResponse({ description: '`artifact_too_large` (limit: MODEL_UPLOAD_MAX_BYTES).' })
  @ApiResponse({ status: 428, description: '`content_digest_required`: X-Content-SHA256 is required here.' })
  @ApiTooManyRequestsResponse({
    description:
      '`upload_concurrency_limited`: too many uploads in progress for this user or organization; Retry-After.',
  })
  @ApiServiceUnavailableResponse({
    description: '`validation_busy`: every validation thread and queue slot is taken; nothing stored; Retry-After.',
  })
  @ApiUnprocessableEntityResponse({
    description:
      '`artifact_digest_mismatch`, `artifact_empty`, `artifact_pickle`, `artifact_zip`, `onnx_truncated`, ' +
      '`onnx_invalid`, `onnx_external_data`, `onnx_custom_operator`, `onnx_signature_mismatch`, ' +
      '`onnx_tensor_inconsistent`, `onnx_runtime_refused`, `onnx_validation_timeout`, `onnx_validation_resources`.',
  })
  async upload(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Query() query: UploadVersionQueryDto,
    @Req() request: FastifyRequest,
  ): Promise<ModelVersionResponseDto> {
    if (!(request.body instanceof Readable)) {
      throw new UnsupportedMediaTypeError({
        code: 'unsupported_media_type',
        detail: 'Send the ONNX file as the request body with Content-Type: application/octet-stream.',
      });
    }
    const expected = request.headers[SHA256_HEADER];
    if (expected !== undefined && (typeof expected !== 'string' || !/^[0-9a-fA-F]{64}$/.test(expected))) {
      throw new BadRequestError({ code: 'sha256_header_invalid', detail: 'X-Content-SHA256 must be 64 hex digits.' });
    }
    const length = Number(request.headers['content-length']);
    const version = await this.versions.upload(ctx, modelId, {
      body: request.body,
      declaredLength: Number.isFinite(length) ? length : undefined,
      expectedSha256: expected,
      notes: query.notes,
    });
    return toModelVersionResponse(version);
  }

  @Get()
  @Allow({ permission: 'model:read' })
  @ApiOperation({ summary: 'Versions of a model, newest first.' })
  @ApiOkResponse({ type: ModelVersionListDto })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Query() query: PageQueryDto,
  ): Promise<ModelVersionListDto> {
    const page = await this.versions.list(ctx, modelId, query);
    return { items: page.items.map(toModelVersionResponse), nextCursor: page.nextCursor };
  }

  @Get(':version')
  @ETagged()
  @Allow({ permission: 'model:read' })
  @ApiOperation({ summary: 'One version, with its I/O signature, opset, size and digest.' })
  @ApiOkResponse({ type: ModelVersionResponseDto })
  async get(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Param('version') version: string,
  ): Promise<ModelVersionResponseDto> {
    return toModelVersionResponse(await this.versions.get(ctx, modelId, Number(version)));
  }

  @Patch(':version')
  @ETagged()
  @Allow({ permission: 'model:edit' })
  @ApiOperation({
    summary: 'Change the stage (draft → staging → production → archived); promoting archives the current production.',
  })
  @ApiOkResponse({ type: ModelVersionResponseDto })
  @ApiConflictResponse({ description: '`model_stage_transition_invalid`, `model_version_rejected`.' })
  async changeStage(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Param('version') version: string,
    @Body() body: ChangeStageDto,
  ): Promise<ModelVersionResponseDto> {
    return toModelVersionResponse(await this.versions.changeStage(ctx, modelId, Number(version), body.stage));
  }

  @Delete(':version')
  @ETagged()
  @HttpCode(204)
  @Allow({ permission: 'model:delete', stepUp: true })
  @ApiOperation({ summary: 'Delete a version (not the production one).' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`model_version_in_production`.' })
  async delete(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Param('version') version: string,
  ): Promise<void> {
    await this.versions.delete(ctx, modelId, Number(version));
  }

  @Get(':version/artifact')
  @Allow({
    permission: 'model:export',
    stepUp: true,
    forbidden: '`model:export`, `model:test`, `model_licence_forbids_export`.',
  })
  @ApiOperation({
    summary: 'Export (download) the weights, streamed, with their SHA-256 in X-Content-SHA256 and Repr-Digest.',
    description:
      'Needs model:export on the model (and model:test for staging), a licence allowing it or an ' +
      "administrator's override, and stays within the per-user export rate limit. Audited.",
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({
    status: 304,
    description: 'Not modified: `If-None-Match` holds this ETag (the quoted SHA-256); not counted as an export.',
  })
  @ApiTooManyRequestsResponse({ description: '`model_export_rate_limited`, with Retry-After.' })
  async export(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Param('version') version: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const download = await this.versions.export(ctx, modelId, Number(version), {
      ifNoneMatch: parseEntityTags(request.headers['if-none-match']),
    });
    const { sha256, sizeBytes } = download.version;
    const b64 = Buffer.from(sha256, 'hex').toString('base64');
    if (!download.stream) {
      await reply.status(304).header('etag', `"${sha256}"`).header('cache-control', 'private, no-store').send();
      return;
    }
    if (download.rateLimit) setRateLimitHeaders(reply, download.rateLimit);
    await reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(sizeBytes))
      .header('content-disposition', `attachment; filename="${download.filename}"`)
      .header('x-content-sha256', sha256)
      .header('repr-digest', `sha-256=:${b64}:`)
      .header('digest', `sha-256=${b64}`)
      .header('etag', `"${sha256}"`)
      .header('cache-control', 'private, no-store')
      .send(download.stream);
  }
}
