import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { envSchema } from '#libs/config';

const root = new URL('../../', import.meta.url).pathname;

interface ComposeService {
  image?: string;
  build?: { context: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  stop_grace_period?: string;
}

/**
 * compose.yaml, checked without a Docker engine: the platform it describes is the one the images
 * test runs (the same targets, an explicit migration step, Redis that never evicts queue keys),
 * and it configures fusiongate only with variables fusiongate reads.
 */
describe('compose.yaml', () => {
  const compose = parse(readFileSync(`${root}compose.yaml`, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  const stages = [...readFileSync(`${root}Dockerfile`, 'utf8').matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
  const fusiongate = ['migrate', 'api', 'worker'];

  it('runs PostgreSQL, Redis (noeviction), MinIO with its bucket, migrate, api and worker', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'migrate', 'minio', 'minio-bucket', 'postgres', 'redis', 'worker'].sort(),
    );
    expect(services.redis.command?.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(services.migrate.command).toEqual(['fusiongate', 'migrate']);
    expect(services.api.command).toBeUndefined(); // the image's own: never migrates
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(services[name].depends_on?.['minio-bucket']).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('builds the Dockerfile targets and runs them hardened, with a stop timeout above the grace period', () => {
    expect(services.api.build?.target).toBe('api');
    expect(services.migrate.build?.target).toBe('api');
    expect(services.worker.build?.target).toBe('worker');
    for (const name of fusiongate) {
      const service = services[name];
      expect(stages).toContain(service.build?.target);
      expect(service).toMatchObject({ read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'] });
      const grace = Number(service.environment?.SHUTDOWN_GRACE_MS);
      expect(Number(service.stop_grace_period?.replace(/s$/, '')) * 1000).toBeGreaterThan(grace);
    }
  });

  it('configures fusiongate with known, valid variables: S3 blobs and one shared SECRETS_KEY', () => {
    const env = services.api.environment!;
    for (const name of Object.keys(env))
      expect({ name, known: name in envSchema.shape }).toEqual({ name, known: true });
    expect(services.worker.environment).toEqual(env);
    expect(services.migrate.environment).toEqual(env);
    expect(env.SECRETS_KEY).toMatch(/^\$\{SECRETS_KEY:\?/); // required: compose refuses to start without it
    // With the interpolations compose would make from a .env holding only SECRETS_KEY:
    const interpolated = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [
        k,
        v.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, name: string, fallback?: string) =>
          name === 'SECRETS_KEY' ? Buffer.alloc(32, 1).toString('base64') : (fallback ?? ''),
        ),
      ]),
    );
    const parsed = envSchema.safeParse(interpolated);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toMatchObject({
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'fusiongate',
    });
  });
});
