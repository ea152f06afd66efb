import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getMetadataArgsStorage } from 'typeorm';
import * as policies from './index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
/** Tables and the one library that owns each; any other code reaches them through the owner's services. */
const OWNERS: Record<string, string[]> = {
  'libs/policies': ['model_grant', 'abac_policy'],
  'libs/organizations': ['organization', 'role', 'membership', 'project', 'project_member', 'invitation'],
  'libs/auth': ['api_key', 'user_account'],
};
const sqlOn = (tables: string[]) =>
  new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|DELETE\\s+FROM|TABLE)\\s+"?(${tables.join('|')})"?(\\s|$|\\)|,|;)`);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec|images-spec)\.ts$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((path) => !path.startsWith('libs/database/src/migrations/'));
}

/**
 * The policy engine's tables belong to it alone, and it reads no other library's table: SQL that
 * names a table outside its owning library fails here, and the engine's entry point hands out no
 * entity class another library could get a repository for.
 */
describe('table ownership', () => {
  const files = ['apps', 'libs', 'src'].flatMap(sources);

  it('no code outside the policy engine writes SQL on its tables', () => {
    const pattern = sqlOn(OWNERS['libs/policies']);
    const offenders = files.filter(
      (f) => !f.startsWith('libs/policies/') && pattern.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('the policy engine names no table but its own', () => {
    const foreign = Object.entries(OWNERS)
      .filter(([owner]) => owner !== 'libs/policies')
      .flatMap(([, tables]) => tables);
    const pattern = sqlOn(foreign);
    const offenders = files.filter(
      (f) => f.startsWith('libs/policies/') && pattern.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it("the policy engine's entry point exports no entity class", () => {
    const entities = new Set(getMetadataArgsStorage().tables.map((t) => t.target));
    expect(entities.size).toBeGreaterThan(0);
    const exported = Object.entries(policies).filter(([, value]) => entities.has(value as never));
    expect(exported.map(([name]) => name)).toEqual([]);
  });
});
