import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';

/** platform_setting key of maintenance mode, switched by `npm run cli -- maintenance:on|off`. */
export const MAINTENANCE_SETTING = 'maintenance';

/** How often each process re-reads maintenance mode and whether the database accepts writes. */
export const MAINTENANCE_POLL_MS = 2_000;

export interface ReadOnlyState {
  readOnly: boolean;
  /** Why: FUSIONGATE_READ_ONLY, maintenance mode switched on by an operator, or a read-only database. */
  reason?: 'configured' | 'maintenance' | 'database';
  /** The operator's note, when maintenance mode carries one. */
  message?: string;
}

export interface MaintenanceSetting {
  enabled: boolean;
  message?: string;
  since?: string;
}

/** A DataSource, or an EntityManager inside a transaction. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Reads maintenance mode as stored in the database (off when never set). */
export async function readMaintenance(dataSource: Queryable): Promise<MaintenanceSetting> {
  const rows = (await dataSource.query(`SELECT value FROM platform_setting WHERE key = $1`, [MAINTENANCE_SETTING])) as {
    value: MaintenanceSetting;
  }[];
  return rows[0]?.value ?? { enabled: false };
}

/** Switches maintenance mode for every process sharing the database (seen within MAINTENANCE_POLL_MS). */
export async function writeMaintenance(
  dataSource: Queryable,
  enabled: boolean,
  message?: string,
): Promise<MaintenanceSetting> {
  const value: MaintenanceSetting = enabled
    ? { enabled, ...(message ? { message } : {}), since: new Date().toISOString() }
    : { enabled };
  await dataSource.query(
    `INSERT INTO platform_setting (key, value, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [MAINTENANCE_SETTING, JSON.stringify(value)],
  );
  return value;
}

/**
 * Whether this process must refuse writes: FUSIONGATE_READ_ONLY, maintenance mode stored in the
 * database (so every replica follows one switch), or a database that accepts no writes (a hot
 * standby after failover, `default_transaction_read_only`). Polled in the background so a request
 * never waits on it; while PostgreSQL cannot be reached the last answer stands.
 */
@Injectable()
export class MaintenanceMode implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Maintenance');
  private state: ReadOnlyState;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.state = config.availability.readOnly ? { readOnly: true, reason: 'configured' } : { readOnly: false };
  }

  current(): ReadOnlyState {
    return this.state;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), MAINTENANCE_POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<ReadOnlyState> {
    if (this.config.availability.readOnly) return this.state;
    try {
      const [maintenance, database] = await Promise.all([
        readMaintenance(this.dataSource),
        this.dataSource.query(
          `SELECT pg_is_in_recovery() OR current_setting('default_transaction_read_only') = 'on' AS read_only`,
        ) as Promise<{ read_only: boolean }[]>,
      ]);
      const next: ReadOnlyState = maintenance.enabled
        ? { readOnly: true, reason: 'maintenance', message: maintenance.message }
        : database[0]?.read_only
          ? { readOnly: true, reason: 'database' }
          : { readOnly: false };
      if (next.readOnly !== this.state.readOnly || next.reason !== this.state.reason) {
        this.logger.log(next.readOnly ? `Read-only (${next.reason}): writes answer 503` : 'Writes accepted again');
      }
      this.state = next;
    } catch {
      // PostgreSQL unreachable: requests already answer 503 database_unavailable; keep the last state.
    }
    return this.state;
  }
}
