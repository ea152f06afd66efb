import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { FirstAdminService } from '#libs/auth';
import { RequestContext } from '#libs/common';
import type { AppConfig } from '#libs/config';
import { withIdentity } from './identity-context.js';

/** Where the first administrator's credentials go when no terminal can show them. */
export const FIRST_ADMIN_FILE = 'first-admin-password.txt';

/** What a new administrator does first, in Swagger UI on this API. */
export function signInHint(config: AppConfig): string {
  return (
    `Open Swagger UI at ${config.apiBaseUrl()}/docs: POST /api/v1/auth/login (Try it out), Authorize with the ` +
    'access token, change the password (POST /api/v1/auth/password) and enrol two factors (POST /api/v1/auth/mfa/setup).'
  );
}

/**
 * On an empty installation, creates the first platform administrator. Its password never enters
 * the log stream: it is shown on the terminal (stderr) when there is one, otherwise written to a
 * file readable by this user only (0600) under DATA_DIR, whose path is logged. Later starts find
 * the marker and do nothing.
 */
export async function ensureFirstAdmin(config: AppConfig): Promise<void> {
  const admin = await withIdentity(
    (app) => app.get(FirstAdminService).ensure(RequestContext.system('first-start')),
    config,
  );
  if (!admin?.generatedPassword) return;
  const logger = new Logger('Launcher');
  const docs = `${config.apiBaseUrl()}/docs`;
  const signIn = signInHint(config);
  if (process.stderr.isTTY) {
    process.stderr.write(
      [
        '',
        '  First platform administrator created (shown once, on this terminal only):',
        `    email:    ${admin.email}`,
        `    password: ${admin.generatedPassword}`,
        `  ${signIn}`,
        '',
        '',
      ].join('\n'),
    );
    logger.log(
      `First platform administrator created; its one-time password was shown on the terminal. Swagger UI: ${docs}`,
    );
    return;
  }
  const file = join(config.dataDir, FIRST_ADMIN_FILE);
  await unlink(file).catch(() => undefined);
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(
      `email: ${admin.email}\npassword: ${admin.generatedPassword}\n${signIn} Then delete this file.\n`,
    );
  } finally {
    await handle.close();
  }
  logger.warn(
    `First platform administrator created; its email and one-time password are in ${file} (mode 0600): ` +
      `sign in at ${docs} (Swagger UI), change the password, delete the file`,
  );
}
