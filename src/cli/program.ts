import { Command } from 'commander';
import { auditCheckpointCommand, auditRetentionCommand, auditVerifyCommand } from './commands/audit.command.js';
import { migrateCommand } from './commands/migrate.command.js';
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
    .command('audit:verify')
    .description('recompute audit hash chains and report the first broken or missing sequence (exit 2 if any)')
    .option('--org <id>', 'one organization id, or "platform" (default: every chain)')
    .option('--json', 'print JSON')
    .action((options: { org?: string; json?: boolean }) => auditVerifyCommand(options));

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

  return program;
}
