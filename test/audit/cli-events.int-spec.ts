import { jest } from '@jest/globals';
import { bootstrapAdminCommand } from '../../src/cli/commands/bootstrap-admin.command.js';
import { createTestEnvironment, type TestEnvironment } from '../support/app.js';

/** What the operator CLI changes is audited like any API change, with the system actor `cli`. */
describe('CLI events in the audit trail', () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment();
  });
  afterAll(() => env.close());

  it('records a platform administrator created by bootstrap-admin, without the password', async () => {
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    await bootstrapAdminCommand(
      { email: 'ops@example.test' },
      env.config({ AUTH_ARGON2_MEMORY_KIB: '1024', AUTH_ARGON2_TIME_COST: '1' }),
    ).finally(() => write.mockRestore());
    const password = /One-time password[^:]*: (\S+)/.exec(printed.join(''))?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const { rows: users } = await env.db.query(`SELECT id FROM user_account WHERE email = 'ops@example.test'`);
    const { rows } = await env.db.query(
      `SELECT organization_id, action, outcome, actor_type, actor_id, resource_type, resource_id, request_id, details
         FROM audit_event WHERE action = 'user.created'`,
    );
    expect(rows).toEqual([
      {
        organization_id: null,
        action: 'user.created',
        outcome: 'allowed',
        actor_type: 'system',
        actor_id: 'cli',
        resource_type: 'user',
        resource_id: users[0].id,
        request_id: 'cli-bootstrap-admin',
        details: { platformAdmin: true },
      },
    ]);
    const all = JSON.stringify((await env.db.query(`SELECT * FROM audit_event`)).rows);
    expect(all).not.toContain(password);
  });
});
