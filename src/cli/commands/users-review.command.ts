import { UserLifecycleService } from '#libs/auth';
import { RequestContext } from '#libs/common';
import { withIdentity } from './identity-context.js';

/** Disables expired accounts and prints the accounts inactive for `days` (default AUTH_INACTIVE_DAYS). */
export async function usersReviewCommand(options: { days?: string; json?: boolean }): Promise<void> {
  const days = options.days === undefined ? undefined : Number(options.days);
  if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new Error('--days must be a positive integer');
  const { expired, inactive, threshold } = await withIdentity(async (app) => {
    const lifecycle = app.get(UserLifecycleService);
    const ctx = RequestContext.system('cli-users-review');
    return {
      expired: await lifecycle.disableExpired(ctx),
      inactive: await lifecycle.listInactive(ctx, days),
      threshold: days ?? lifecycle.defaultInactiveDays,
    };
  });
  if (options.json) {
    process.stdout.write(
      JSON.stringify({ disabledExpired: expired, inactive, inactiveDays: threshold }, null, 2) + '\n',
    );
    return;
  }
  if (expired.length) process.stdout.write(`Disabled ${expired.length} account(s) past their expiry.\n`);
  if (inactive.length === 0) {
    process.stdout.write(`No active account has been idle for ${threshold} days or more.\n`);
    return;
  }
  process.stdout.write(`${inactive.length} active account(s) idle for ${threshold}+ days:\n`);
  for (const u of inactive) {
    const last = u.lastLoginAt ? new Date(u.lastLoginAt).toISOString() : 'never';
    process.stdout.write(`  ${u.email}  (${u.displayName}, last login ${last}, id ${u.id})\n`);
  }
}
