import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { JobRun, type JobOutcome, type JobTrigger } from './entities/job-run.entity.js';

/** Every query on job_runs: the run history all instances share. */
@Injectable()
export class JobRunsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get runs() {
    return this.dataSource.getRepository(JobRun);
  }

  async start(job: string, instance: string, trigger: JobTrigger, startedAt: Date): Promise<JobRun> {
    const inserted = await this.runs.insert({ job, instance, trigger, started_at: startedAt, outcome: 'running' });
    return this.runs.findOneByOrFail({ id: String(inserted.identifiers[0].id) });
  }

  async finish(id: string, outcome: JobOutcome, finishedAt: Date, durationMs: number, detail: object): Promise<JobRun> {
    await this.dataSource
      .createQueryBuilder()
      .update(JobRun)
      .set({ outcome, finished_at: finishedAt, duration_ms: durationMs, detail: () => ':detail::jsonb' })
      .setParameters({ detail: JSON.stringify(detail) })
      .where('id = :id', { id })
      .execute();
    return this.runs.findOneByOrFail({ id });
  }

  /** Whether a scheduled run of the job started at or after `since` (on any instance). */
  scheduledRunSince(job: string, since: Date): Promise<boolean> {
    return this.dataSource
      .createQueryBuilder(JobRun, 'run')
      .where('run.job = :job AND run.trigger = :trigger AND run.started_at >= :since', { job, trigger: 'schedule', since })
      .getExists();
  }

  /** The latest run of each job, whichever instance ran it. */
  async latestRuns(): Promise<Map<string, JobRun>> {
    const rows = await this.dataSource
      .createQueryBuilder(JobRun, 'run')
      .distinctOn(['run.job'])
      .orderBy('run.job')
      .addOrderBy('run.started_at', 'DESC')
      .addOrderBy('run.id', 'DESC')
      .getMany();
    return new Map(rows.map((run) => [run.job, run]));
  }

  async deleteOlderThan(days: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(JobRun)
      .where(`started_at < now() - make_interval(days => :days)`, { days })
      .execute();
    return result.affected ?? 0;
  }
}
