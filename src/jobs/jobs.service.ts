import { ConflictException, Injectable } from '@nestjs/common';
import { BackgroundTasks } from './background-tasks.js';
import { type JobRunResponse, type JobStatusResponse, toJobRunResponse, toJobStatusResponse } from './dto/job.dto.js';
import { JobRunner, type NotRunReason } from './job-runner.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { JOB_DESCRIPTIONS, JOB_NAMES, type JobName, JobSchedule } from './job-schedule.js';
import { JobScheduler } from './job-scheduler.js';

const BUSY: Record<Exclude<NotRunReason, 'ran-elsewhere'>, string> = {
  'running-here': 'on this instance',
  'held-elsewhere': 'on another instance',
};

@Injectable()
export class JobsService {
  constructor(
    private readonly schedule: JobSchedule,
    private readonly scheduler: JobScheduler,
    private readonly runner: JobRunner,
    private readonly tasks: BackgroundTasks,
    private readonly runs: JobRunsRepository,
  ) {}

  async list(): Promise<JobStatusResponse[]> {
    const latest = await this.runs.latestRuns();
    return JOB_NAMES.map((name) =>
      toJobStatusResponse(
        {
          name,
          description: JOB_DESCRIPTIONS[name],
          interval_ms: this.schedule.intervalMs(name),
          next_run_at: this.scheduler.nextRunAt(name),
          running_here: this.runner.isRunningHere(name),
        },
        latest.get(name),
        this.scheduler.localStats(name),
      ),
    );
  }

  /** Runs the job now, under its lock; 409 while a run of it is in progress on any instance. */
  async runNow(name: JobName): Promise<JobRunResponse> {
    const result = await this.runner.runExclusive(name, 'manual', this.tasks.taskFor(name));
    if (!result.ran) {
      throw new ConflictException(
        `Job ${name} is already running ${BUSY[result.reason as keyof typeof BUSY]}; try again when it has finished`,
      );
    }
    return toJobRunResponse(result.run);
  }
}
