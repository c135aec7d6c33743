import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import type { JobOutcome } from './entities/job-run.entity.js';
import { JOB_NAMES, type JobName } from './job-schedule.js';

type FinishedOutcome = Exclude<JobOutcome, 'running'>;

const FINISHED_OUTCOMES: readonly FinishedOutcome[] = ['succeeded', 'failed'];

/**
 * `tiffin_job_runs_total{job_name, outcome}`: runs this instance finished since it started (not
 * `job`, which Prometheus sets to the scrape job and would rename ours to `exported_job`). Every job
 * and outcome starts at 0, so a rate or a "failed > 0" rule has a series before the first failure.
 * The job_runs table holds every instance's runs; this counts only this process's, as Prometheus
 * expects of a counter (sum over instances for the cluster).
 */
@Injectable()
export class JobMetrics {
  private readonly runs: Counter<'job_name' | 'outcome'>;

  constructor(registry: Registry) {
    this.runs = new Counter({
      name: 'tiffin_job_runs_total',
      help: 'Job runs finished by this instance, by job and outcome (succeeded, failed)',
      labelNames: ['job_name', 'outcome'],
      registers: [registry],
    });
    for (const job of JOB_NAMES) for (const outcome of FINISHED_OUTCOMES) this.runs.inc({ job_name: job, outcome }, 0);
  }

  finished(job: JobName, outcome: FinishedOutcome): void {
    this.runs.inc({ job_name: job, outcome });
  }
}
