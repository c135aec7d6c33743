import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type JobTrigger = 'schedule' | 'startup' | 'manual';
export type JobOutcome = 'running' | 'succeeded' | 'failed';

/** One run of a background job, on whichever instance won its lock. */
@Entity({ name: 'job_runs' })
@Check('ck_job_runs_trigger', `"trigger" IN ('schedule', 'startup', 'manual')`)
@Check('ck_job_runs_outcome', `"outcome" IN ('running', 'succeeded', 'failed')`)
@Index('ix_job_runs_job_started_at', ['job', 'started_at'])
export class JobRun {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  job: string;

  @Column({ type: 'varchar', length: 100 })
  instance: string;

  @Column({ type: 'varchar', length: 20 })
  trigger: JobTrigger;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  started_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at: Date | null;

  @Column({ type: 'integer', nullable: true })
  duration_ms: number | null;

  @Column({ type: 'varchar', length: 20, default: 'running' })
  outcome: JobOutcome;

  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, unknown> | null;
}
