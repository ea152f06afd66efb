import { Logger } from '@nestjs/common';

/**
 * Graceful shutdown for a process: on SIGTERM or SIGINT, run `close` once (stop accepting, finish
 * in-flight work, close pools), then exit 0; exit 1 if it takes longer than `graceMs`. A process
 * forked by the launcher also shuts down when the launcher's channel closes (the launcher died), so
 * no API or worker outlives it.
 */
export function exitGracefullyOnSignals(label: string, graceMs: number, close: () => Promise<void>): void {
  const logger = new Logger(label);
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing in-flight work`);
    const force = setTimeout(() => {
      logger.error(`Still busy after ${graceMs} ms; exiting`);
      process.exit(1);
    }, graceMs).unref();
    void close()
      .catch((error: unknown) => logger.error(`Shutdown failed: ${(error as Error).message}`))
      .finally(() => {
        clearTimeout(force);
        process.exit(0);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  if (process.send) {
    process.once('disconnect', () => shutdown('SIGHUP'));
    // The launcher may have died while this process was still starting, before anyone listened.
    if (!process.connected) shutdown('SIGHUP');
  }
}
