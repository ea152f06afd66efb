import { Command } from 'commander';
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

  return program;
}
