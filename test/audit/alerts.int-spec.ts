import { randomUUID } from 'node:crypto';
import { AlertService, AuditService } from '#libs/audit';
import { createAuditHarness, userContext, type AuditHarness } from './support.js';

describe('off-hours alert', () => {
  let h: AuditHarness;
  const hour = new Date().getUTCHours();

  beforeAll(async () => {
    // Usual hours are the two hours after this one, so now is outside them.
    h = await createAuditHarness({
      AUDIT_USUAL_HOURS: `${(hour + 1) % 24}-${(hour + 3) % 24}`,
      AUDIT_USUAL_TIMEZONE: 'UTC',
    });
  });
  afterAll(() => h.close());

  it('fires once per actor and day for access outside the usual hours, never for the platform', async () => {
    const org = randomUUID();
    const audit = h.app.get(AuditService);
    const alerts = h.app.get(AlertService);
    await audit.record(userContext(org, 'night-owl'), { action: 'model.created' });
    await audit.record(userContext(org, 'night-owl'), { action: 'model.updated' });
    await audit.record(userContext(undefined, 'night-owl'), { action: 'auth.login.succeeded' });
    await alerts.idle();
    const page = await alerts.list(org, {});
    expect(page.items).toEqual([
      expect.objectContaining({ rule: 'off_hours_access', severity: 'low', actorId: 'night-owl', organizationId: org }),
    ]);
    expect(page.items[0].details).toMatchObject({ hour, timezone: 'UTC', action: 'model.created' });
  });
});
