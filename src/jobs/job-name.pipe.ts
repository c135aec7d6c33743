import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { isJobName, JOB_NAMES, type JobName } from './job-schedule.js';

/** A job name is one of the documented jobs; any other value is a 400, like every enum path parameter. */
@Injectable()
export class ParseJobNamePipe implements PipeTransform<string, JobName> {
  transform(value: string): JobName {
    if (!isJobName(value)) throw ValidationFailedException.single('name', 'isIn', `name must be one of the jobs: ${JOB_NAMES.join(', ')}`);
    return value;
  }
}
