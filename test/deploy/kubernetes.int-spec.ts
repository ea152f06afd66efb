import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { envSchema } from '#libs/config';
import { FUSION_QUEUE } from '#libs/jobs';

const root = new URL('../../', import.meta.url).pathname;

/** Built-in kinds, checked against the Kubernetes OpenAPI schemas shipped by kubernetes-models. */
const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};
/** Custom resources of KEDA and the Prometheus Operator: their fields are checked below. */
const CUSTOM = [
  'keda.sh/v1alpha1/ScaledObject',
  'keda.sh/v1alpha1/TriggerAuthentication',
  'monitoring.coreos.com/v1/ServiceMonitor',
];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // Rendered YAML, read field by field below after the schema check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

function kustomize(overlay: string): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', `${root}deploy/kubernetes/overlays/${overlay}`], {
    encoding: 'utf8',
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'kubectl is not installed: the Kubernetes manifests are rendered with `kubectl kustomize`. ' +
        'Install it (apt-get install kubernetes-client, or any kubectl ≥ 1.21); .ci/run does.',
    );
  }
  if (result.status !== 0) {
    const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.trim();
    throw new Error(
      `kubectl kustomize ${overlay} failed (the manifests need kubectl 1.24+ with kustomize v4+; found ${version}):\n${result.stderr}`,
    );
  }
  expect(result.stderr).toBe(''); // no deprecation warnings either
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
}

const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(`${kind}/${name} missing from ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};

describe.each(['gpu', 'cpu-only'])('kubernetes overlay %s', (overlay) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = kustomize(overlay);
  });

  it('renders only valid objects, every one namespaced and labelled as fusiongate', () => {
    expect(objects.length).toBeGreaterThanOrEqual(15);
    for (const object of objects) {
      const type = `${object.apiVersion}/${object.kind}`;
      if (CUSTOM.includes(type)) continue;
      const Model = MODELS[type];
      if (!Model) throw new Error(`unexpected kind ${type}`);
      expect(() => new Model(object as never).validate()).not.toThrow();
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe('fusiongate');
      expect(object.metadata.labels?.['app.kubernetes.io/part-of']).toBe('fusiongate');
    }
    expect(objects.filter((o) => CUSTOM.includes(`${o.apiVersion}/${o.kind}`)).length).toBe(CUSTOM.length);
  });

  it('configures only variables fusiongate knows, and every pod runs unprivileged on a read-only root', () => {
    const config = find(objects, 'ConfigMap', 'fusiongate-config');
    const known = new Set([...Object.keys(envSchema.shape), 'METRICS_PORT']);
    for (const name of Object.keys(config.data))
      expect({ name, known: known.has(name) }).toEqual({ name, known: true });
    expect(envSchema.safeParse(config.data).success).toBe(true);

    const pods = objects
      .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
      .map((o) => ({ name: o.metadata.name, spec: o.spec.template.spec }));
    expect(pods.map((p) => p.name).sort()).toEqual(['fusiongate-api', 'fusiongate-migrate', 'fusiongate-worker']);
    for (const { name, spec } of pods) {
      expect({ name, nonRoot: spec.securityContext.runAsNonRoot, uid: spec.securityContext.runAsUser }).toEqual({
        name,
        nonRoot: true,
        uid: 10001,
      });
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const container of spec.containers) {
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.image).toMatch(/^registry\.example\.com\/fusiongate\/[a-z-]+:\d+\.\d+\.\d+$/);
        expect(container.envFrom).toEqual([
          { configMapRef: { name: 'fusiongate-config' } },
          { secretRef: { name: 'fusiongate-secrets' } },
        ]);
        // Writable paths are volumes: /tmp everywhere, DATA_DIR for the long-running processes.
        const mounts = container.volumeMounts.map((m: { mountPath: string }) => m.mountPath);
        expect(mounts).toContain('/tmp');
        if (name !== 'fusiongate-migrate') expect(mounts).toContain('/data');
      }
    }
    // Migrations run only in the Job, as an explicit command.
    expect(find(objects, 'Job', 'fusiongate-migrate').spec.template.spec.containers[0].command).toEqual([
      'fusiongate',
      'migrate',
    ]);
  });

  it('gives the API probes, a disruption budget, an autoscaler and a drain longer than its grace period', () => {
    const api = find(objects, 'Deployment', 'fusiongate-api');
    const pod = api.spec.template.spec;
    const container = pod.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    const grace = Number(find(objects, 'ConfigMap', 'fusiongate-config').data.SHUTDOWN_GRACE_MS);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(grace + 5_000);

    const selector = api.spec.selector.matchLabels;
    const matches = (labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => selector[k] === v);
    expect(matches(find(objects, 'Service', 'fusiongate-api').spec.selector)).toBe(true);
    expect(matches(find(objects, 'PodDisruptionBudget', 'fusiongate-api').spec.selector.matchLabels)).toBe(true);
    expect(find(objects, 'HorizontalPodAutoscaler', 'fusiongate-api').spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'fusiongate-api',
    });
    expect(find(objects, 'ServiceMonitor', 'fusiongate').spec.endpoints).toEqual([
      expect.objectContaining({ port: 'metrics', path: '/metrics' }),
    ]);
  });

  it('scales workers on the fusion queue depth with KEDA', () => {
    const scaled = find(objects, 'ScaledObject', 'fusiongate-worker');
    expect(scaled.spec.scaleTargetRef).toEqual({ name: 'fusiongate-worker' });
    expect(find(objects, 'Deployment', scaled.spec.scaleTargetRef.name)).toBeDefined();
    const [trigger] = scaled.spec.triggers;
    expect(trigger.type).toBe('redis');
    // Bull's wait list of the fusion queue, under the configured key prefix.
    const prefix = find(objects, 'ConfigMap', 'fusiongate-config').data.REDIS_KEY_PREFIX;
    expect(trigger.metadata.listName).toBe(`${prefix}:bull:${FUSION_QUEUE}:wait`);
    expect(Number(trigger.metadata.listLength)).toBeGreaterThan(0);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled.spec.maxReplicaCount).toBeGreaterThan(scaled.spec.minReplicaCount);
    const auth = find(objects, 'TriggerAuthentication', trigger.authenticationRef.name);
    expect(auth.spec.secretTargetRef.map((r: { parameter: string; name: string }) => [r.parameter, r.name])).toEqual([
      ['address', 'fusiongate-secrets'],
      ['password', 'fusiongate-secrets'],
    ]);
  });

  it(`runs the workers ${overlay === 'gpu' ? 'on GPU nodes with the CUDA provider' : 'on any node with the CPU provider'}`, () => {
    const worker = find(objects, 'Deployment', 'fusiongate-worker');
    const pod = worker.spec.template.spec;
    const container = pod.containers[0];
    const provider = container.env.find((e: { name: string }) => e.name === 'INFERENCE_EXECUTION_PROVIDER').value;
    if (overlay === 'gpu') {
      expect(provider).toBe('cuda');
      expect(container.image).toContain('/worker-cuda:');
      expect(container.resources.limits['nvidia.com/gpu']).toBe(1);
      expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
      expect(pod.tolerations).toEqual([expect.objectContaining({ key: 'nvidia.com/gpu', effect: 'NoSchedule' })]);
    } else {
      expect(provider).toBe('cpu');
      expect(container.image).toMatch(/\/worker:/);
      expect(container.resources.limits['nvidia.com/gpu']).toBeUndefined();
      expect(pod.nodeSelector).toBeUndefined();
      expect(pod.tolerations).toBeUndefined();
    }
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'metrics' });
    const grace = Number(container.env.find((e: { name: string }) => e.name === 'SHUTDOWN_GRACE_MS').value);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(grace);
  });
});
