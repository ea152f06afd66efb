import { Test, type TestingModule } from '@nestjs/testing';
import {
  AuthModule,
  FirstAdminService,
  PasswordHasher,
  UserLifecycleScheduler,
  UserLifecycleService,
  UserService,
} from '#libs/auth';
import { AuditModule } from '#libs/audit';
import { RequestContext } from '#libs/common';
import { AppConfig, ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { AuthLifecycleModule } from '#libs/auth';
import { createTestEnvironment, type TestEnvironment } from '../support/app.js';

describe('identity services (PostgreSQL + Redis)', () => {
  let env: TestEnvironment;
  let module: TestingModule;
  const ctx = RequestContext.system('test');

  beforeAll(async () => {
    env = await createTestEnvironment();
    module = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(env.config({ AUTH_ARGON2_MEMORY_KIB: '1024', AUTH_ARGON2_TIME_COST: '1' })),
        DatabaseModule.forRoot({ applicationName: 'identity-int' }),
        // Account administration erases audit labels, so identity needs the audit trail.
        AuditModule,
        AuthModule,
        AuthLifecycleModule,
      ],
    }).compile();
    await module.init();
  });
  afterAll(async () => {
    await module.close();
    await env.close();
  });

  it('hashes with argon2id at m=19 MiB, t=2, p=1 by default, and refuses less in production', async () => {
    const hasher = new PasswordHasher(env.config());
    const hash = await hasher.hash('a long enough passphrase');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    await expect(hasher.verify(hash, 'a long enough passphrase')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'another passphrase')).resolves.toBe(false);
    expect(() => new PasswordHasher(env.config({ NODE_ENV: 'production', AUTH_ARGON2_MEMORY_KIB: '4096' }))).toThrow(
      /below the minimum/,
    );
  });

  it('refuses short, common and duplicate (any case) registrations', async () => {
    const users = module.get(UserService);
    await expect(users.create(ctx, { email: 'a@example.test', password: 'short' })).rejects.toMatchObject({
      code: 'password_weak',
    });
    await expect(users.create(ctx, { email: 'a@example.test', password: 'qwerty123456!' })).rejects.toMatchObject({
      code: 'password_weak',
    });
    await users.create(ctx, { email: 'Dup@Example.test', password: 'mauve velvet tractor' });
    await expect(
      users.create(ctx, { email: 'dup@example.TEST', password: 'mauve velvet tractor' }),
    ).rejects.toMatchObject({
      code: 'email_taken',
    });
    await expect(users.findByEmail(ctx, 'DUP@example.test')).resolves.toMatchObject({ email: 'Dup@Example.test' });
  });

  it('creates the first administrator once, even when two starts race', async () => {
    const admins = module.get(FirstAdminService);
    const { rows } = await env.db.query(`SELECT count(*)::int AS n FROM user_account`);
    // Accounts already exist from the test above: a first start must not add an admin then.
    expect(rows[0].n).toBeGreaterThan(0);
    await expect(admins.ensure(ctx)).resolves.toBeNull();

    await env.db.query(`DELETE FROM user_account`);
    await env.db.query(`DELETE FROM platform_setting WHERE key = 'identity.first_admin'`);
    const results = await Promise.all([admins.ensure(ctx), admins.ensure(ctx), admins.ensure(ctx)]);
    const created = results.filter((r) => r !== null);
    expect(created).toHaveLength(1);
    expect(created[0]!.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const after = await env.db.query(`SELECT email, is_platform_admin, password_hash FROM user_account`);
    expect(after.rows).toEqual([expect.objectContaining({ email: 'admin@fusiongate.local', is_platform_admin: true })]);
    expect(after.rows[0].password_hash).not.toContain(created[0]!.generatedPassword);
    await expect(admins.ensure(ctx)).resolves.toBeNull();
  });

  it('disables expired accounts and lists inactive ones', async () => {
    const users = module.get(UserService);
    const lifecycle = module.get(UserLifecycleService);
    const expired = await users.create(ctx, { email: 'intern@example.test', expiresAt: new Date(Date.now() - 60_000) });
    const idle = await users.create(ctx, { email: 'idle@example.test' });
    const active = await users.create(ctx, { email: 'busy@example.test' });
    await env.db.query(`UPDATE user_account SET created_at = now() - interval '200 days' WHERE id = $1`, [idle.id]);
    await env.db.query(
      `UPDATE user_account SET created_at = now() - interval '200 days', last_login_at = now() WHERE id = $1`,
      [active.id],
    );

    await expect(lifecycle.disableExpired(ctx)).resolves.toEqual([expired.id]);
    await expect(users.getById(ctx, expired.id)).resolves.toMatchObject({
      status: 'disabled',
      disabledReason: 'expired',
    });
    const inactive = (await lifecycle.listInactive(ctx, 90)).map((u) => u.email);
    expect(inactive).toContain('idle@example.test');
    expect(inactive).not.toContain('busy@example.test');
    expect(inactive).not.toContain('intern@example.test');
  });

  it('runs the scheduled review on one instance per interval', async () => {
    const scheduler = module.get(UserLifecycleScheduler);
    await expect(scheduler.tick(60)).resolves.toBe(true);
    await expect(scheduler.tick(60)).resolves.toBe(false);
  });

  it('the config default for inactivity is 90 days', () => {
    expect(module.get(AppConfig).auth.inactiveDays).toBe(90);
  });
});
