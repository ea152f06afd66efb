/**
 * fusiongate from TypeScript: sign in (with a TOTP code when the account has MFA), create an
 * organization, register face models and upload their versions, submit a fusion, wait for it and
 * download the watermarked result, checking its SHA-256.
 *
 *   FUSIONGATE_URL=http://localhost:3000 FUSIONGATE_EMAIL=admin@studio.example \
 *   FUSIONGATE_PASSWORD=… FUSIONGATE_TOTP=123456 \
 *   node clients/typescript/dist/examples/quickstart.js detector.onnx recognizer.onnx swapper.onnx source.jpg target.jpg
 */
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { bearer, createFusiongateClient, formData, octetStream, unwrap, type components } from '../src/index.js';

type ModelKind = components['schemas']['ModelKind'];
type ModelFamily = components['schemas']['ModelFamily'];
type Job = components['schemas']['JobResponse'];

export interface QuickstartInput {
  baseUrl: string;
  email: string;
  password: string;
  /** The current code of the authenticator app, asked for only when the account has MFA. */
  totp?: () => string | Promise<string>;
  organization: { name: string; slug: string };
  /** ONNX files: a face detector, a face recognizer and a face swapper. */
  models: { detector: Uint8Array; recognizer: Uint8Array; swapper: Uint8Array };
  /** JPEG images: the face to use, and the picture to put it on. */
  source: Uint8Array;
  target: Uint8Array;
  log?: (line: string) => void;
}

export interface QuickstartResult {
  organizationId: string;
  swapperId: string;
  job: Job;
  image: Uint8Array;
  sha256: string;
}

export async function quickstart(input: QuickstartInput): Promise<QuickstartResult> {
  const log = input.log ?? ((line: string) => console.log(line));
  const client = createFusiongateClient(input.baseUrl);

  // 1. Sign in. Errors are Problems: `error.code` says what to do next.
  const credentials = { email: input.email, password: input.password };
  let signIn = await client.POST('/api/v1/auth/login', { body: credentials });
  if (signIn.error?.code === 'mfa_required' && input.totp) {
    signIn = await client.POST('/api/v1/auth/login', { body: { ...credentials, totp: await input.totp() } });
  }
  if (signIn.error) throw new Error(`Sign-in refused: ${signIn.error.code} (${signIn.error.detail})`);
  const { accessToken, expiresIn } = signIn.data;
  client.use(bearer(accessToken));
  log(`signed in; the access token lasts ${expiresIn} s`);

  // 2. An organization (platform administrators create them; the creator becomes its admin).
  const organization = await unwrap(client.POST('/api/v1/orgs', { body: input.organization }));
  const orgId = organization.id;
  log(`organization ${organization.slug} (${orgId})`);

  // 3. Models: register each, upload its ONNX file as version 1 and promote it to production.
  async function registerModel(kind: ModelKind, family: ModelFamily, onnx: Uint8Array): Promise<string> {
    const slug = `${family}-${kind}`.replace(/_/g, '-');
    const model = await unwrap(
      client.POST('/api/v1/orgs/{orgId}/models', {
        params: { path: { orgId } },
        body: { name: slug, slug, kind, family },
      }),
    );
    const modelId = model.id;
    const version = await unwrap(
      client.POST('/api/v1/orgs/{orgId}/models/{modelId}/versions', {
        params: { path: { orgId, modelId }, query: { notes: 'uploaded by the quickstart' } },
        ...octetStream(onnx),
      }),
    );
    for (const stage of ['staging', 'production'] as const) {
      await unwrap(
        client.PATCH('/api/v1/orgs/{orgId}/models/{modelId}/versions/{version}', {
          params: { path: { orgId, modelId, version: version.version } },
          body: { stage },
        }),
      );
    }
    log(`model ${slug}: version ${version.version} (${version.sizeBytes} bytes) in production`);
    return modelId;
  }
  await registerModel('face_detector', 'ultraface', input.models.detector);
  await registerModel('face_recognizer', 'arcface', input.models.recognizer);
  const swapperId = await registerModel('face_swapper', 'inswapper', input.models.swapper);

  // 4. A fusion: multipart with the source face(s), the target and options; 202 with the queued job.
  const submitted = await unwrap(
    client.POST('/api/v1/orgs/{orgId}/models/{modelId}/fuse', {
      params: { path: { orgId, modelId: swapperId } },
      body: {
        source: [new Blob([input.source], { type: 'image/jpeg' })],
        target: new Blob([input.target], { type: 'image/jpeg' }),
        options: JSON.stringify({ faceSelector: 'largest', outputFormat: 'jpeg' }),
      },
      bodySerializer: (body) => formData(body),
    }),
  );
  log(`job ${submitted.id} ${submitted.status}`);

  // 5. Wait for it (or follow `links.events`, Server-Sent Events), then download the result.
  let job = submitted;
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 250));
    job = await unwrap(client.GET('/api/v1/orgs/{orgId}/jobs/{jobId}', { params: { path: { orgId, jobId: job.id } } }));
  }
  if (job.status !== 'completed') throw new Error(`job ${job.id} ${job.status}: ${job.error?.code ?? ''}`);
  const download = await client.GET('/api/v1/orgs/{orgId}/jobs/{jobId}/result', {
    params: { path: { orgId, jobId: job.id } },
    parseAs: 'arrayBuffer',
  });
  if (download.error) throw new Error(`download refused: ${download.error.code}`);
  const image = new Uint8Array(download.data);
  const digest = Buffer.from(await crypto.subtle.digest('SHA-256', image)).toString('hex');
  const announced = download.response.headers.get('x-content-sha256');
  if (digest !== announced) throw new Error(`result corrupted: SHA-256 ${digest}, announced ${announced}`);
  log(`result: ${image.byteLength} bytes of ${job.result?.format}, SHA-256 ${digest}`);
  return { organizationId: orgId, swapperId, job, image, sha256: digest };
}

// Run as a program: environment for the account, files on the command line, result.jpg written.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [detector, recognizer, swapper, source, target] = await Promise.all(
    process.argv.slice(2, 7).map((path) => readFile(path)),
  );
  const env = (name: string) => process.env[name] ?? '';
  const slug = `quickstart-${Date.now().toString(36)}`;
  const result = await quickstart({
    baseUrl: env('FUSIONGATE_URL') || 'http://localhost:3000',
    email: env('FUSIONGATE_EMAIL'),
    password: env('FUSIONGATE_PASSWORD'),
    totp: () => env('FUSIONGATE_TOTP'),
    organization: { name: slug, slug },
    models: { detector, recognizer, swapper },
    source,
    target,
  });
  await writeFile('result.jpg', result.image);
  console.log('result.jpg written');
}
