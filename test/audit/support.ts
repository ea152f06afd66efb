import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { RequestContext } from '#libs/common';
import { ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { AuditModule } from '#libs/audit';
import { createTestEnvironment, type TestEnvironment } from '../support/app.js';

export interface AuditHarness {
  env: TestEnvironment;
  app: INestApplicationContext;
  close(): Promise<void>;
}

/** AuditModule on its own database and Redis prefix, schedulers effectively off unless asked. */
export async function createAuditHarness(vars: Record<string, string> = {}): Promise<AuditHarness> {
  const env = await createTestEnvironment();
  const config = env.config({
    AUDIT_FLUSH_INTERVAL_MS: '600000',
    AUDIT_CHECKPOINT_INTERVAL_MS: '0',
    AUDIT_RETENTION_INTERVAL_MS: '0',
    ...vars,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot({ applicationName: 'audit-test' }), AuditModule],
  }).compile();
  const app = await moduleRef.init();
  return {
    env,
    app,
    async close() {
      await app.close();
      await env.close();
    },
  };
}

/** A user acting in an organization, as the guards would build it. */
export function userContext(
  organizationId: string | undefined,
  userId = 'u-1',
  extra: Partial<ConstructorParameters<typeof RequestContext>[0]> = {},
): RequestContext {
  return new RequestContext({
    requestId: `req-${Math.random().toString(36).slice(2)}`,
    actor: { type: 'user', id: userId, userId, label: `${userId}@example.test` },
    organizationId,
    ip: '203.0.113.7',
    userAgent: 'jest',
    ...extra,
  });
}
