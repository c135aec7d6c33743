import { describe, expect, it } from '@jest/globals';
import type { DistributedLock, ExclusiveRun } from '../redis/distributed-lock.js';
import { type RedisConnection, SharedRedis } from '../redis/redis-connection.js';
import { RequestContext } from '../common/context/request-context.js';
import type { JobRun } from './entities/job-run.entity.js';
import { Registry } from 'prom-client';
import { JobMetrics } from './job-metrics.js';
import { JobRunner } from './job-runner.js';
import type { JobRunsRepository } from './job-runs.repository.js';

/** A lock that is free, or held by another instance. */
function lock(heldElsewhere = false): DistributedLock {
  return {
    runExclusive: async <T>(_name: string, _lease: number, work: () => Promise<T>): Promise<ExclusiveRun<T>> =>
      heldElsewhere ? { ran: false, reason: 'held-elsewhere' } : { ran: true, result: await work() },
  } as DistributedLock;
}

function repository(scheduledSince = false) {
  const runs: Partial<JobRun>[] = [];
  const fake = {
    runs,
    scheduledRunSince: async () => scheduledSince,
    start: async (job: string, instance: string, trigger: JobRun['trigger'], started_at: Date) => {
      const run = { id: String(runs.length + 1), job, instance, trigger, started_at, outcome: 'running' as const };
      runs.push(run);
      return run as JobRun;
    },
    finish: async (id: string, outcome: JobRun['outcome'], finished_at: Date, duration_ms: number, detail: Record<string, unknown>) => {
      const run = runs.find((candidate) => candidate.id === id)!;
      Object.assign(run, { outcome, finished_at, duration_ms, detail });
      return run as JobRun;
    },
  };
  return fake;
}

const redis = new SharedRedis({ instanceId: 'instance-a' } as unknown as RedisConnection);

/** tiffin_job_runs_total of one job and outcome, as /metrics would render it. */
async function runsCounted(registry: Registry, job: string, outcome: string): Promise<number | undefined> {
  const metric = await registry.getSingleMetric('tiffin_job_runs_total')!.get();
  return metric.values.find((sample) => sample.labels.job_name === job && sample.labels.outcome === outcome)?.value;
}

describe('JobRunner', () => {
  it('records a run with its outcome and detail, inside the job’s request context', async () => {
    const runs = repository();
    const registry = new Registry();
    const runner = new JobRunner(lock(), runs as unknown as JobRunsRepository, redis, new JobMetrics(registry));
    expect(await runsCounted(registry, 'cleanup', 'succeeded')).toBe(0);
    const result = await runner.runExclusive('cleanup', 'manual', async () => ({ cause: RequestContext.cause() }));
    expect(result).toMatchObject({ ran: true, run: { job: 'cleanup', instance: 'instance-a', trigger: 'manual', outcome: 'succeeded' } });
    expect(runs.runs[0].detail).toEqual({ cause: 'job:cleanup' });
    expect(await runsCounted(registry, 'cleanup', 'succeeded')).toBe(1);
    expect(await runsCounted(registry, 'cleanup', 'failed')).toBe(0);
  });

  it('records a failing task as failed with its message, without throwing', async () => {
    const runs = repository();
    const registry = new Registry();
    const runner = new JobRunner(lock(), runs as unknown as JobRunsRepository, redis, new JobMetrics(registry));
    const result = await runner.runExclusive('cleanup', 'schedule', async () => {
      throw new Error('database gone');
    });
    expect(result).toMatchObject({ ran: true, run: { outcome: 'failed', detail: { error: 'database gone' } } });
    expect(await runsCounted(registry, 'cleanup', 'failed')).toBe(1);
    expect(await runsCounted(registry, 'cleanup', 'succeeded')).toBe(0);
    expect(runner.isRunningHere('cleanup')).toBe(false);
  });

  it('skips a tick another instance already ran, and one whose lock is held elsewhere', async () => {
    const ranElsewhere = repository(true);
    const runner = new JobRunner(lock(), ranElsewhere as unknown as JobRunsRepository, redis, new JobMetrics(new Registry()));
    expect(await runner.runExclusive('cleanup', 'schedule', async () => ({}), new Date())).toEqual({ ran: false, reason: 'ran-elsewhere' });
    expect(ranElsewhere.runs).toEqual([]);

    const held = repository();
    const blocked = new JobRunner(lock(true), held as unknown as JobRunsRepository, redis, new JobMetrics(new Registry()));
    expect(await blocked.runExclusive('cleanup', 'manual', async () => ({}))).toEqual({ ran: false, reason: 'held-elsewhere' });
    expect(held.runs).toEqual([]);
  });

  it('names itself after the Redis instance, or the process without Redis', () => {
    expect(new JobRunner(lock(), repository() as unknown as JobRunsRepository, redis, new JobMetrics(new Registry())).instanceId).toBe(
      'instance-a',
    );
    expect(
      new JobRunner(lock(), repository() as unknown as JobRunsRepository, new SharedRedis(undefined), new JobMetrics(new Registry()))
        .instanceId,
    ).toMatch(/^process-[0-9a-f-]{36}$/);
  });
});
