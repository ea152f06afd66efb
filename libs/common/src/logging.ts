import { createRequire } from 'node:module';
import { Logger, type LoggerService } from '@nestjs/common';
import { activeTraceIds } from './tracing.js';
import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';

export type LogFormat = 'auto' | 'json' | 'pretty';

/** Header and body paths that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Whether this process writes human-readable lines: `pretty` asks for them, `auto` gives them on a
 * terminal only; JSON otherwise, and always when pino-pretty (a development dependency) is absent.
 */
export function usePrettyLogs(format: LogFormat): boolean {
  if (format === 'json' || (format === 'auto' && !process.stdout.isTTY)) return false;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * pino options shared by every fusiongate process, so each line has the same shape
 * (`level`, `time`, `pid`, `hostname`, `name`, `context`, `msg`) whichever process wrote it.
 */
export function pinoOptions(name: string, level: string, format: LogFormat): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // With tracing on, each line written inside a span names its trace (logs and traces join up).
    mixin: activeTraceIds,
    transport: usePrettyLogs(format)
      ? { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname' } }
      : undefined,
  };
}

/** Nest's LoggerService over a pino logger, for code that logs before (or without) an application. */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?).
    const context = rest.length > 0 ? rest[rest.length - 1] : undefined;
    const stack = rest.length > 1 ? rest[0] : undefined;
    this.write('error', message, context === undefined ? [] : [context], typeof stack === 'string' ? stack : undefined);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[], stack?: string): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.err = { stack };
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}

/**
 * Makes every `new Logger(...)` of this process write through one pino logger (JSON lines, or
 * pretty ones on a terminal). Called first thing by the launcher, the API and the worker, so lines
 * written before an application exists have the same shape as the application's.
 */
export function useProcessLogger(
  name: string,
  level: string,
  format: LogFormat,
  destination?: DestinationStream,
): PinoLogger {
  const logger = destination ? pino(pinoOptions(name, level, 'json'), destination) : stdoutLogger(name, level, format);
  Logger.overrideLogger(new PinoNestLogger(logger));
  current = logger;
  return logger;
}

let current: PinoLogger | undefined;

/**
 * JSON lines go to stdout with a synchronous write each, as Node writes to a pipe or file on Linux
 * anyway. pino's default destination writes through libuv's thread pool: a thread hand-off per line,
 * which cost a model-list request at one connection about 14 % of its CPU. Pretty lines go through
 * their transport.
 */
function stdoutLogger(name: string, level: string, format: LogFormat): PinoLogger {
  const options = pinoOptions(name, level, format);
  return options.transport
    ? pino(options)
    : pino(options, pino.destination({ dest: process.stdout.fd ?? 1, sync: true }));
}

/**
 * The process's pino logger: the one `useProcessLogger` made, or (an application built without
 * it, as in tests) one made now with these settings.
 */
export function processLogger(name: string, level: string, format: LogFormat): PinoLogger {
  return current ?? useProcessLogger(name, level, format);
}
