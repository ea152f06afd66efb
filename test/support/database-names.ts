import { createHash } from 'node:crypto';
import { migrations } from '#libs/database';

/** The server test databases live on (the machine's PostgreSQL by default). */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A template per migration set, keyed on each migration's name and source: adding a migration or
 * editing one makes the next run build a fresh template.
 */
export function templateName(): string {
  const digest = createHash('sha256')
    .update(migrations.map((m) => `${m.name}\n${m.toString()}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `fg_template_${digest}`;
}
