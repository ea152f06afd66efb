import multipart from '@fastify/multipart';
import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { sendProblem, UnsupportedMediaTypeError } from '#libs/common';
import { AppConfig } from '#libs/config';
import { AuthModule } from '#libs/auth';
import { JobsModule } from '#libs/jobs';
import { QueueBoardController } from '../queue-board/queue-board.controller.js';
import { QueueBoard } from '../queue-board/queue-board.service.js';
import { JobsController } from './jobs.controller.js';
import { WatermarkController, WatermarkReader } from './watermark.controller.js';

const MULTIPART_ROUTES = new Set(['/api/v1/orgs/:orgId/models/:modelId/fuse', '/api/v1/orgs/:orgId/watermark/detect']);

/** Fusion jobs (submit, list, cancel, progress events, results) and watermark detection. */
@Module({
  imports: [JobsModule, AuthModule],
  controllers: [JobsController, WatermarkController, QueueBoardController],
  providers: [WatermarkReader, QueueBoard],
})
export class JobsApiModule implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly board: QueueBoard,
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser('multipart/form-data')) return;
    if (this.config.queueBoard.enabled) this.board.mount(fastify);
    // Only the routes that take files read multipart bodies; every other route stays JSON-only.
    fastify.addHook('onRequest', async (request, reply) => {
      const type = request.headers['content-type'];
      if (typeof type !== 'string' || !/^\s*multipart\//i.test(type)) return;
      if (MULTIPART_ROUTES.has(request.routeOptions.url ?? '')) return;
      sendProblem(
        reply,
        request,
        new UnsupportedMediaTypeError({
          code: 'unsupported_media_type',
          detail: 'This route takes application/json bodies.',
        }),
      );
      return reply;
    });
    // Files stream to disk as they arrive (see JobUploads); these limits bound what a form may hold.
    void fastify.register(multipart, {
      throwFileSizeLimit: true,
      limits: {
        fileSize: Math.max(this.config.jobs.maxInputBytes, this.config.jobs.maxVideoBytes),
        files: this.config.jobs.maxSources + 3,
        fields: 4,
        fieldSize: 64 * 1024,
        parts: this.config.jobs.maxSources + 8,
        headerPairs: 50,
      },
    });
  }
}
