import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ModelRegistryModule } from '#libs/model-registry';
import { ModelVersionsController } from './model-versions.controller.js';
import { ModelsController } from './models.controller.js';

/** Models and versions (upload, stages, export) under /orgs/:orgId/models. */
@Module({
  imports: [ModelRegistryModule],
  controllers: [ModelsController, ModelVersionsController],
})
export class ModelsApiModule implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    // Binary bodies reach the handler as the raw request stream, unread: uploads are hashed and
    // written to disk as they arrive (with their own size limit), never buffered in memory.
    if (!fastify.hasContentTypeParser('application/octet-stream')) {
      fastify.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    }
  }
}
