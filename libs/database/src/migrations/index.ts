import { PlatformSettings1764400000000 } from './1764400000000-platform-settings.js';

/**
 * Every migration, in order. A new migration is added here (timestamp-named, raw SQL that runs on
 * PostgreSQL 15+ and on PGlite).
 */
export const migrations = [PlatformSettings1764400000000];
