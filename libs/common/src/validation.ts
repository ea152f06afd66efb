import {
  applyDecorators,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError as ClassValidatorError,
} from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsDate, ValidateBy } from 'class-validator';
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

function validationFailed(fieldErrors: FieldError[]): BadRequestError {
  return new BadRequestError({
    code: 'validation_failed',
    detail: fieldErrors.map((e) => e.message).join('; ') || 'The request is not valid.',
    extensions: { errors: fieldErrors },
  });
}

/** Metadata keys @nestjs/swagger writes for `@ApiProperty()` (its constants are not exported). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
const API_MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';

type Constructor = new (...args: never[]) => unknown;
interface ApiPropertyMetadata {
  nullable?: boolean;
  type?: unknown;
}

/**
 * `null` sent for a field the OpenAPI schema does not mark `nullable`. class-validator's
 * `@IsOptional()` lets `null` through like a missing field, and a service would then write it to
 * a NOT NULL column; the documented schema is the contract, so the pipe holds requests to it.
 */
function unexpectedNulls(value: unknown, metatype: Constructor, parent = '', depth = 0): FieldError[] {
  if (depth > 8 || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const errors: FieldError[] = [];
  for (const [key, fieldValue] of Object.entries(value)) {
    const meta = Reflect.getMetadata(API_MODEL_PROPERTIES, metatype.prototype as object, key) as
      ApiPropertyMetadata | undefined;
    if (!meta) continue;
    const field = parent ? `${parent}.${key}` : key;
    if (fieldValue === null) {
      if (!meta.nullable) errors.push({ field, message: `${field} must not be null` });
      continue;
    }
    const nested = [meta.type].flat()[0];
    if (typeof nested !== 'function' || !Reflect.getMetadata(API_MODEL_PROPERTIES_ARRAY, nested.prototype)) continue;
    const items = Array.isArray(fieldValue) ? fieldValue : [fieldValue];
    items.forEach((item, i) =>
      errors.push(
        ...unexpectedNulls(item, nested as Constructor, Array.isArray(fieldValue) ? `${field}.${i}` : field, depth + 1),
      ),
    );
  }
  return errors;
}

/**
 * The global ValidationPipe: unknown fields are refused, each failure names its field, a body must
 * be a JSON object (a literal `null` is not an empty body), and `null` is accepted only where the
 * schema says `nullable`.
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as Constructor | undefined;
    if (metadata.type === 'body' && metatype && this.toValidate(metadata)) {
      if (value === null) throw validationFailed([{ field: 'body', message: 'The body must be a JSON object' }]);
      const nulls = unexpectedNulls(value, metatype);
      if (nulls.length > 0) throw validationFailed(nulls);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe();
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date-time string, handed to the handler as a `Date`. Unlike `@Type(() => Date)`,
 * numbers and booleans are refused instead of becoming instants in 1970.
 */
export function IsDateTime(): PropertyDecorator {
  return applyDecorators(
    Transform(
      ({ value }: { value: unknown }) => {
        if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) return value;
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? value : date;
      },
      { toClassOnly: true },
    ),
    IsDate({ message: ({ property }) => `${property} must be an ISO 8601 date-time` }),
  );
}

/**
 * Control, format (bidirectional overrides and isolates, zero-width spaces and joiners, BOM, soft
 * hyphen) and line/paragraph separator characters. In a name they hide or reorder what people
 * read (`admin\u202Egnp.exe`, two names that look the same), so names refuse them.
 */
export const INVISIBLE_OR_BIDI_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** True when `text` holds a character of INVISIBLE_OR_BIDI_CHARACTERS. */
export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE_OR_BIDI_CHARACTERS.test(text);
}

/**
 * A human-readable name (display, organization, project, model, policy, API key names): no
 * control, zero-width or bidirectional formatting characters. A field error otherwise.
 */
export function IsVisibleText(): PropertyDecorator {
  return ValidateBy({
    name: 'isVisibleText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !hasInvisibleCharacters(value),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must not contain control, zero-width or bidirectional formatting characters`,
    },
  });
}
