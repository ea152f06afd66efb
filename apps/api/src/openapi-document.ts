import type { OpenAPIObject } from '@nestjs/swagger';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '#libs/config';
import { AppModule } from './app.module.js';
import { API_PREFIX, UNPREFIXED_ROUTES } from './bootstrap.js';
import { buildOpenApiDocument } from './swagger.js';

/**
 * The OpenAPI document the API serves at `/docs-json`, built without PostgreSQL, Redis or a
 * socket: Nest's preview mode reads the modules and controllers but instantiates nothing.
 * `npm run openapi` writes it to openapi.json; the contract test compares the two.
 */
export async function createOpenApiDocument(): Promise<OpenAPIObject> {
  const config = AppConfig.fromEnv({ NODE_ENV: 'production' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_ROUTES });
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
