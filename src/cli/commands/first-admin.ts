import { FirstAdminService } from '../../../libs/auth/src/index.js';
import { RequestContext } from '../../../libs/common/src/index.js';
import type { AppConfig } from '../../../libs/config/src/index.js';
import { withIdentity } from './identity-context.js';

/**
 * On an empty installation, creates the first platform administrator and prints its credentials
 * once (stdout, not the log stream). Later starts find the marker and do nothing.
 */
export async function ensureFirstAdmin(config: AppConfig): Promise<void> {
  const admin = await withIdentity(
    (app) => app.get(FirstAdminService).ensure(RequestContext.system('first-start')),
    config,
  );
  if (!admin?.generatedPassword) return;
  process.stdout.write(
    [
      '',
      '  First platform administrator created (shown once):',
      `    email:    ${admin.email}`,
      `    password: ${admin.generatedPassword}`,
      '  Sign in at POST /api/v1/auth/login and change the password (POST /api/v1/auth/password).',
      '',
      '',
    ].join('\n'),
  );
}
