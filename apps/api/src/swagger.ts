import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppConfig } from '#libs/config';
import { refineContract } from './openapi-contract.js';
import { apiDescription } from './swagger-description.js';

export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('fusiongate API')
    .setDescription(apiDescription(app.get(AppConfig)))
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, API_KEY_SCHEME)
    .build();
  return refineContract(app, declarePathParameters(SwaggerModule.createDocument(app, config)));
}

type Operation = { parameters?: Record<string, unknown>[] };

/**
 * Tenant routes take `:orgId` (and other ids) through the request context rather than `@Param()`,
 * so Swagger would not know them. Every `{placeholder}` of a path becomes a required path
 * parameter here, so Swagger UI can fill it in: `version` is an integer, every other one a uuid.
 */
function declarePathParameters(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const operation = item[method] as Operation | undefined;
      if (!operation) continue;
      operation.parameters ??= [];
      for (const name of names) {
        if (operation.parameters.some((p) => p.in === 'path' && p.name === name)) continue;
        operation.parameters.unshift({
          name,
          in: 'path',
          required: true,
          schema: name === 'version' ? { type: 'integer', minimum: 1 } : { type: 'string', format: 'uuid' },
        });
      }
    }
  }
  return document;
}

/** Swagger UI at `/docs`, the OpenAPI document at `/docs-json`. */
export function setupSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
