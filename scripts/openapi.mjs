// npm run openapi: writes openapi.json and the TypeScript client's schema.d.ts from the code.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderContractFiles } from './openapi-files.mjs';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [join(root, 'scripts/ensure-build.mjs')], { stdio: 'inherit' });
const { createOpenApiDocument } = await import(join(root, 'dist/apps/api/src/openapi-document.js'));
const { sortedDocument } = await import(join(root, 'dist/apps/api/src/openapi-contract.js'));
const files = await renderContractFiles(await createOpenApiDocument(), sortedDocument, root);
for (const [path, content] of Object.entries(files)) {
  writeFileSync(join(root, path), content);
  process.stdout.write(`wrote ${path}\n`);
}
