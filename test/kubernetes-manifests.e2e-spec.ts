import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { environmentVariableNames, loadConfig, SECRET_VARIABLES } from '../src/config/app-config.js';
import { PROBE_ROUTES } from '../src/monitoring/http-metrics.js';
import { eventually } from './support/eventually.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DIR = join(import.meta.dirname, '..', 'deploy', 'kubernetes');

interface Manifest {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  // Only the fields the tests read are typed; the rest of a manifest is whatever the YAML says.
  [field: string]: any;
}

const files = readdirSync(DIR).filter((name) => name.endsWith('.yaml'));
const manifests: Manifest[] = files
  .filter((name) => name !== 'kustomization.yaml')
  .flatMap((name) =>
    parseAllDocuments(readFileSync(join(DIR, name), 'utf8')).map((document) => {
      expect(document.errors).toEqual([]);
      return document.toJS() as Manifest;
    }),
  );
const only = (kind: string): Manifest => {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

const configMap = only('ConfigMap');
const secret = only('Secret');
const deployment = only('Deployment');
const pod = deployment.spec.template;
const container = pod.spec.containers[0];
const configured: Record<string, string> = configMap.data;
const secrets: Record<string, string> = secret.stringData;

describe('deploy/kubernetes', () => {
  it('is a kustomize base listing every manifest, with each kind the app needs once', () => {
    const kustomization = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0].toJS();
    expect([...kustomization.resources].sort()).toEqual(files.filter((name) => name !== 'kustomization.yaml').sort());
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service'].sort(),
    );
  });

  it('configures exactly the variables the app reads, secrets only in the Secret, and the app accepts the values', () => {
    const names = [...Object.keys(configured), ...Object.keys(secrets)];
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    expect([...names].sort()).toEqual([...environmentVariableNames()].sort());
    for (const name of SECRET_VARIABLES) expect(Object.keys(secrets)).toContain(name);
    for (const name of ['DATABASE_URL', 'REDIS_URL']) expect(Object.keys(secrets)).toContain(name);

    const config = loadConfig({ ...configured, ...secrets });
    expect(config.env).toBe('production');
    expect(config.http.port).toBe(3000);

    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }, { secretRef: { name: secret.metadata.name } }]);
    expect(container.env).toBeUndefined();
  });

  it('serves on PORT through the named port the probes, the Service and the scrape annotation use', () => {
    const port = Number(configured.PORT);
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(container[probe].httpGet.port).toBe('http');
    expect(pod.metadata.annotations['prometheus.io/port']).toBe(String(port));
    const service = only('Service');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
  });

  it('probes liveness on /health and readiness on /health/ready, the app’s probe routes', () => {
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.startupProbe.httpGet.path).toBe('/health');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(PROBE_ROUTES).toEqual(new Set(['/health', '/health/ready']));
  });

  it('lets a drain run its full SHUTDOWN_GRACE_MS after the preStop delay before Kubernetes kills the pod', () => {
    const [command, seconds, ...rest] = container.lifecycle.preStop.exec.command;
    expect([command, rest]).toEqual(['sleep', []]);
    const preStopMs = Number(seconds) * 1000;
    expect(preStopMs).toBeGreaterThan(0);
    const graceMs = pod.spec.terminationGracePeriodSeconds * 1000;
    const shutdownGraceMs = Number(configured.SHUTDOWN_GRACE_MS);
    expect(graceMs).toBeGreaterThan(preStopMs + shutdownGraceMs);
    expect(graceMs).toBeLessThanOrEqual(preStopMs + shutdownGraceMs + 10_000);
  });

  it('selects the same pods from the Deployment, Service and PodDisruptionBudget, and scales the Deployment', () => {
    const labels = pod.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(only('Service').spec.selector).toEqual(labels);
    expect(only('PodDisruptionBudget').spec.selector.matchLabels).toEqual(labels);
    const hpa = only('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThan(only('PodDisruptionBudget').spec.minAvailable);
  });

  it('requests no more memory than its limit', () => {
    const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)![1]);
    const { requests, limits } = container.resources;
    expect(mebibytes(requests.memory)).toBeLessThanOrEqual(mebibytes(limits.memory));
  });

  describe('against the running app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t?.close());

    it('answers 200 on every probe path (readiness once Postgres and Redis answer, as Kubernetes retries it)', async () => {
      for (const probe of ['startupProbe', 'livenessProbe']) {
        expect((await t.http.get(container[probe].httpGet.path)).status).toBe(200);
      }
      // Ready means the dependencies answer within their bound; right after start-up, or on a loaded
      // machine, a first check may not: Kubernetes probes again every periodSeconds.
      await eventually(
        'the readiness probe to answer 200',
        async () => (await t.http.get(container.readinessProbe.httpGet.path)).status === 200,
      );
    });
  });
});
