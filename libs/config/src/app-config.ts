import { crossFieldIssue, envSchema, toConfigValues, type ConfigValues } from './config.schema.js';

/** Raised when the environment holds an invalid value; its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

// Declaration merging gives the class every field of ConfigValues, so it can be injected by type.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface AppConfig extends ConfigValues {}

/**
 * The whole configuration, parsed and validated once. Inject it by class; nothing else reads
 * `process.env`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AppConfig {
  constructor(values: ConfigValues) {
    Object.assign(this, values);
  }

  /** Parses an environment (default: the process's) into a config, or throws ConfigError. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): AppConfig {
    const relevant: Record<string, string> = {};
    for (const key of Object.keys(envSchema.shape)) {
      const value = env[key];
      if (value !== undefined && value !== '') relevant[key] = value;
    }
    const result = envSchema.safeParse(relevant);
    if (!result.success) {
      const issue = result.error.issues[0];
      const name = String(issue.path[0] ?? 'environment');
      const given = relevant[name];
      const shown =
        given === undefined ? '' : ` (got ${JSON.stringify(given.length > 60 ? given.slice(0, 60) + '…' : given)})`;
      throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${shown}`);
    }
    const issue = crossFieldIssue(result.data);
    if (issue) throw new ConfigError(`Invalid configuration: ${issue}`);
    return new AppConfig(toConfigValues(result.data, cwd));
  }

  /**
   * Where people reach the API: PUBLIC_URL, or this listener (`localhost` for a wildcard host).
   * Start-up messages point there (Swagger UI at `<url>/docs`).
   */
  apiBaseUrl(): string {
    const { publicUrl, tls, host, port } = this.http;
    if (publicUrl) return publicUrl.replace(/\/+$/, '');
    return `${tls ? 'https' : 'http'}://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  }

  /** A copy with some values replaced (tests, the launcher filling in embedded services). */
  with(patch: Partial<ConfigValues>): AppConfig {
    return new AppConfig({ ...this, ...patch });
  }
}

/**
 * The environment for a child process of the launcher: this process's environment with the
 * resolved service URLs and secrets key filled in, so children use what the launcher started.
 */
export function childProcessEnv(config: AppConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(config.database.url ? { DATABASE_URL: config.database.url } : {}),
    ...(config.redis.url ? { REDIS_URL: config.redis.url } : {}),
    ...(config.secretsKey ? { SECRETS_KEY: config.secretsKey.toString('base64') } : {}),
    ...extra,
  };
}

/**
 * Ends a process that could not start: one line for configuration problems (the operator's to
 * fix), the stack for anything else.
 */
export function exitOnBootFailure(processName: string, error: unknown): never {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `fusiongate ${processName} failed to start: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(1);
}
