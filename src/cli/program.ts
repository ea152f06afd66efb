import { Command } from 'commander';
import { bootstrapAdminCommand } from './commands/bootstrap-admin.command.js';
import { keysRotateCommand } from './commands/keys-rotate.command.js';
import { auditCheckpointCommand, auditRetentionCommand, auditVerifyCommand } from './commands/audit.command.js';
import { maintenanceCommand, maintenanceStatusCommand } from './commands/maintenance.command.js';
import { migrateCommand } from './commands/migrate.command.js';
import { usersReviewCommand } from './commands/users-review.command.js';
import { startCommand, type StartTarget } from './commands/start.command.js';

/** The operator CLI. Each command reads the same configuration as the apps. */
export function buildProgram(): Command {
  const program = new Command('fusiongate')
    .description('Operate a fusiongate installation.')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() => migrateCommand());

  program
    .command('start')
    .description('start the API and the worker (embedded PostgreSQL and Redis when their URLs are unset)')
    .argument('[target]', 'all, api or worker', 'all')
    .action((target: string) => {
      if (!['all', 'api', 'worker'].includes(target)) {
        throw new Error(`Unknown start target "${target}": use all, api or worker.`);
      }
      return startCommand(target as StartTarget);
    });

  program
    .command('bootstrap-admin')
    .description('create a platform administrator (prints a one-time password unless --password-stdin)')
    .requiredOption('--email <email>', 'email of the administrator')
    .option('--password-stdin', 'read the password from standard input')
    .action((options: { email: string; passwordStdin?: boolean }) => bootstrapAdminCommand(options));

  program
    .command('keys:rotate')
    .description('sign access tokens with a new key; old keys verify until their tokens expire')
    .action(() => keysRotateCommand());

  program
    .command('users:review')
    .description('disable expired accounts and list accounts inactive for N days')
    .option('--days <n>', 'inactivity threshold in days (default AUTH_INACTIVE_DAYS)')
    .option('--json', 'print JSON')
    .action((options: { days?: string; json?: boolean }) => usersReviewCommand(options));

  program
    .command('audit:verify')
    .description('recompute audit hash chains and report the first broken or missing sequence (exit 2 if any)')
    .option('--org <id>', 'one organization id, or "platform" (default: every chain)')
    .option('--anchor <file>', 'also check against the checkpoints published to this anchor file (JSONL)')
    .option('--json', 'print JSON')
    .action((options: { org?: string; json?: boolean; anchor?: string }) => auditVerifyCommand(options));

  program
    .command('audit:checkpoint')
    .description('sign a checkpoint of the audit chains now')
    .option('--org <id>', 'one organization id, or "platform" (default: every chain)')
    .action((options: { org?: string }) => auditCheckpointCommand(options));

  program
    .command('audit:retention')
    .description("delete audit events past each organization's retention (recording a signed checkpoint)")
    .option('--org <id>', 'one organization id, or "platform" (default: every chain)')
    .option('--days <n>', "retention in days (default: the organization's setting)")
    .action((options: { org?: string; days?: string }) => auditRetentionCommand(options));

  program
    .command('maintenance:on')
    .description('read-only mode on every API replica: writes answer 503 read_only, reads keep working')
    .option('--message <text>', 'shown to clients in the 503 answer (e.g. "back at 14:00 UTC")')
    .action((options: { message?: string }) => maintenanceCommand(true, options));

  program
    .command('maintenance:off')
    .description('accept writes again')
    .action(() => maintenanceCommand(false, {}));

  program
    .command('maintenance:status')
    .description('whether maintenance (read-only) mode is on')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => maintenanceStatusCommand(options));

  return program;
}
