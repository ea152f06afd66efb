import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import sharp from 'sharp';
import { createWorkerApp } from '../../apps/worker/src/bootstrap.js';
import { freePort } from '#libs/database';
import { FaceFusionEngine } from '#libs/inference';
import { createTestEnvironment, type TestEnvironment } from '../support/app.js';
import { buildArcFaceModel, buildInswapperModel, buildScrfdModel } from '../fixtures/onnx/face-models.js';
import { writeModel } from '../fixtures/onnx/write-model.js';

async function png(width: number, height: number, rgb: [number, number, number]): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
      .png()
      .toBuffer(),
  );
}

/** The worker process boots its face-fusion engine from configuration and releases it on shutdown. */
describe('worker inference engine', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let dir: string;
  let metricsPort: number;

  beforeAll(async () => {
    env = await createTestEnvironment();
    dir = mkdtempSync(join(tmpdir(), 'fusiongate-worker-models-'));
    metricsPort = await freePort();
    app = await createWorkerApp(
      env.config({ INFERENCE_WORKERS: '1', INFERENCE_MAX_PIXELS: '2000000', WORKER_METRICS_PORT: String(metricsPort) }),
    );
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
    await env.close();
  });

  it('runs a swap with the configured engine and enforces its pixel limit', async () => {
    const engine = app.get(FaceFusionEngine);
    const models = {
      detector: writeModel(dir, 'scrfd', buildScrfdModel([{ box: [100, 60, 260, 250] }]), 'scrfd', 'face_detector'),
      recognizer: writeModel(dir, 'arcface', buildArcFaceModel(0.03), 'arcface', 'face_recognizer'),
      swapper: writeModel(
        dir,
        'inswapper',
        buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }),
        'inswapper',
        'face_swapper',
      ),
    };
    const result = await engine.run({
      source: await png(256, 256, [150, 140, 130]),
      target: await png(1280, 720, [90, 90, 90]),
      models,
      watermark: { payload: '00000000000000ff' },
    });
    expect(result.format).toBe('png');
    expect(result.executionProvider).toBe('cpu');
    expect(result.faces).toHaveLength(1);
    const { info } = await sharp(result.image).toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([1280, 720]);

    // 2000×1200 = 2.4 MP, over the 2 MP configured for this worker: refused from the header.
    await expect(
      engine.run({ source: await png(256, 256, [150, 140, 130]), target: await png(2000, 1200, [0, 0, 0]), models }),
    ).rejects.toMatchObject({ code: 'image_too_large' });
  });

  it('serves only health and metrics on its optional listener', async () => {
    const live = await fetch(`http://127.0.0.1:${metricsPort}/health/live`);
    expect(live.status).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('process_cpu_user_seconds_total');
    const other = await fetch(`http://127.0.0.1:${metricsPort}/api/v1/auth/login`, { method: 'POST' });
    expect(other.status).toBe(404);
  });
});
