import { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit';
import { RequestContext } from '#libs/common';
import { readMaintenance, writeMaintenance } from '#libs/database';
import { withIdentity } from './identity-context.js';

/**
 * Switches maintenance mode for every API replica (they read it from the database within a few
 * seconds): writes answer 503 `read_only` with Retry-After, reads keep working. Recorded in the
 * platform audit chain, in the same transaction as the switch.
 */
export async function maintenanceCommand(enabled: boolean, options: { message?: string }): Promise<void> {
  const message = options.message?.trim().slice(0, 200) || undefined;
  await withIdentity(async (app) => {
    const dataSource = app.get(DataSource);
    const audit = app.get(AuditService);
    await dataSource.transaction(async (manager) => {
      const ctx = RequestContext.system('cli').withManager(manager);
      await writeMaintenance(manager, enabled, message);
      await audit.record(ctx, {
        action: enabled ? 'platform.maintenance_on' : 'platform.maintenance_off',
        organizationId: null,
        ...(message ? { details: { message } } : {}),
      });
    });
  });
  process.stdout.write(
    enabled
      ? 'Maintenance mode on: every API replica answers writes with 503 read_only within a few seconds; reads keep working.\n'
      : 'Maintenance mode off: writes are accepted again within a few seconds.\n',
  );
}

/** Prints whether maintenance mode is on. */
export async function maintenanceStatusCommand(options: { json?: boolean }): Promise<void> {
  const state = await withIdentity((app) => readMaintenance(app.get(DataSource)));
  process.stdout.write(
    options.json
      ? JSON.stringify(state) + '\n'
      : state.enabled
        ? `Maintenance mode on since ${state.since ?? 'an unknown time'}${state.message ? `: ${state.message}` : ''}.\n`
        : 'Maintenance mode off.\n',
  );
}
