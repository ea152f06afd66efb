import { ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { BadRequestError } from './errors.js';

export interface FieldError {
  field: string;
  message: string;
}

function flatten(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The global ValidationPipe: unknown fields are refused, and each failure names its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new BadRequestError({
        code: 'validation_failed',
        detail: fieldErrors.map((e) => e.message).join('; ') || 'The request is not valid.',
        extensions: { errors: fieldErrors },
      });
    },
  });
}
