import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { JOB_RUN_MODELS, JOB_RUN_SCHEMA, type JobRunResponse, JobStatusResponse } from './dto/job.dto.js';
import { ParseJobNamePipe } from './job-name.pipe.js';
import { JOB_NAMES, type JobName } from './job-schedule.js';
import { JobsService } from './jobs.service.js';
import { Allow } from '../access/access.decorators.js';
import { tag } from '../common/http/api-tags.js';

@ApiTags(tag('Jobs'))
@ApiExtraModels(...JOB_RUN_MODELS)
@Allow()
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOperation({
    summary: "Every background job: its interval, last run (on any instance), this instance's next tick",
    description: `Jobs in this order: ${JOB_NAMES.join(', ')}.`,
  })
  @ApiOkResponse({ type: [JobStatusResponse] })
  list(): Promise<JobStatusResponse[]> {
    return this.jobs.list();
  }

  @Post(':name/run')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Run a job now and answer its recorded run',
    description: 'Takes the job’s lock like a scheduled run: 409 while it is running on this or another instance.',
  })
  @ApiParam({ name: 'name', enum: JOB_NAMES, example: 'cleanup' })
  @ApiOkResponse({
    schema: JOB_RUN_SCHEMA,
    description: 'The run, finished (outcome succeeded or failed); `job` names the job, and with it the shape of `detail`',
  })
  @ApiErrors(400, 409)
  runNow(@Param('name', ParseJobNamePipe) name: JobName): Promise<JobRunResponse> {
    return this.jobs.runNow(name);
  }
}
