import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { PinoNestLogger, processLogger } from '#libs/common';
import type { AppConfig } from '#libs/config';
import { WorkerModule } from './worker.module.js';

/** Builds the worker's application context (used by main and by tests). */
export async function createWorkerApp(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(new PinoNestLogger(processLogger('worker', config.log.level, config.log.format)));
  app.flushLogs();
  return app;
}
