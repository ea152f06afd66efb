import { FirstAdminService } from '#libs/auth';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { signInHint } from './first-admin.js';
import { withIdentity } from './identity-context.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Creates a platform administrator. The password is read from stdin with `--password-stdin`;
 * otherwise one is generated and printed once.
 */
export async function bootstrapAdminCommand(
  options: { email: string; passwordStdin?: boolean },
  config: AppConfig = AppConfig.fromEnv(),
): Promise<void> {
  const password = options.passwordStdin ? await readStdin() : undefined;
  // Audited as the system actor `cli`; the request id names the command.
  const ctx = RequestContext.system('cli', 'cli-bootstrap-admin');
  const admin = await withIdentity((app) => app.get(FirstAdminService).create(ctx, options.email, password), config);
  process.stdout.write(`Created platform administrator ${admin.email} (${admin.id}).\n`);
  if (admin.generatedPassword) {
    process.stdout.write(`One-time password (shown once, change it after signing in): ${admin.generatedPassword}\n`);
  }
  process.stdout.write(`${signInHint(config)}\n`);
}
