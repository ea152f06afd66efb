#!/usr/bin/env node
// Fetches the real-model and photo fixtures the inference tests use into .fixtures/ (git-ignored):
// UltraFace + embedding ONNX models from faceplugin-face-recognition-js and sample group photos from
// @vladmandic/face-api, both with `npm pack` from the registry. Idempotent: files already present
// with the right SHA-256 are not fetched again. Exits non-zero with a clear message on failure.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES_DIR = join(root, '.fixtures');

const PACKAGES = [
  {
    spec: 'faceplugin-face-recognition-js@0.0.1',
    files: [
      [
        'package/model/fr_detect.onnx',
        'models/ultraface-rfb-320.onnx',
        '6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854',
      ],
      [
        'package/model/fr_feature.onnx',
        'models/face-embedding-112.onnx',
        '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
      ],
    ],
  },
  {
    spec: '@vladmandic/face-api@1.7.15',
    files: [
      [
        'package/demo/sample1.jpg',
        'photos/sample1.jpg',
        '8ecae4b267b2d3169e06e00c7dee97097aa2a94635d45216f7732a5f4943cb51',
      ],
      [
        'package/demo/sample2.jpg',
        'photos/sample2.jpg',
        '7d2b60ae6f13bf30f422e04df87451081a02c83de469056f25afb44b7000c691',
      ],
      [
        'package/demo/sample3.jpg',
        'photos/sample3.jpg',
        '8eb081c9efb14370fa94d9feab9e5fbeafd19a627491853a80c2bf67f7ffa936',
      ],
      [
        'package/demo/sample6.jpg',
        'photos/sample6.jpg',
        '9baad80f9d5e306fb9b8c0913d44445f1e95848df317530efb03d0934c57ba87',
      ],
    ],
  },
];

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const present = ([, dest, digest]) =>
  existsSync(join(FIXTURES_DIR, dest)) && sha256(join(FIXTURES_DIR, dest)) === digest;

function fetchPackage({ spec, files }) {
  const work = mkdtempSync(join(tmpdir(), 'fusiongate-fixtures-'));
  try {
    let tarball;
    try {
      const out = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', work], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
      tarball = join(work, out.trim().split('\n').pop());
    } catch (error) {
      throw new Error(
        `npm pack ${spec} failed (is the npm registry reachable?): ${String(error.stderr || error.message).trim()}`,
        { cause: error },
      );
    }
    execFileSync('tar', ['-xzf', tarball, '-C', work, ...files.map(([from]) => from)]);
    for (const [from, dest, digest] of files) {
      const actual = sha256(join(work, from));
      if (actual !== digest) throw new Error(`${spec}:${from} has SHA-256 ${actual}, expected ${digest}`);
      mkdirSync(dirname(join(FIXTURES_DIR, dest)), { recursive: true });
      copyFileSync(join(work, from), join(FIXTURES_DIR, dest));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function fetchFixtures({ quiet = false } = {}) {
  for (const pkg of PACKAGES) {
    if (pkg.files.every(present)) continue;
    if (!quiet) process.stderr.write(`fetch-fixtures: fetching ${pkg.spec}\n`);
    fetchPackage(pkg);
  }
  return FIXTURES_DIR;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    fetchFixtures();
    console.log(`fetch-fixtures: fixtures ready in ${FIXTURES_DIR}`);
  } catch (error) {
    console.error(`fetch-fixtures: ${error.message}`);
    process.exit(1);
  }
}
