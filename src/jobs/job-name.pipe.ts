import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';

const JOB_NAME = /^[a-z][a-z-]{0,49}$/;

/** A job name is lower-case words joined by hyphens ("warm-popular"); anything else is a 400, an unknown name a 404. */
@Injectable()
export class ParseJobNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!JOB_NAME.test(value)) {
      throw ValidationFailedException.single('name', 'job_name', 'name must be lower-case letters and hyphens, at most 50 characters');
    }
    return value;
  }
}
