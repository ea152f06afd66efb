import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ETAG_ROUTE, LOCATION_ROUTE, PUBLIC_ROUTE, ROUTE_POLICY, STEP_UP_ROUTE, type RoutePolicy } from '#libs/common';

/**
 * The OpenAPI document as a contract a client can be generated from. SwaggerModule describes what
 * each controller declares; this pass adds what every route answers by construction, read from the
 * same route metadata the guards and interceptors read (so it cannot disagree with them):
 * - a `Problem` (RFC 9457, application/problem+json) on every 4xx/5xx a route can answer: 401/403
 *   from its policy, 400 from a body or query, 404 from path parameters, 413/415 from a body, 429
 *   where a limit applies, 500 and 503 (a dependency outage, maintenance) everywhere;
 * - response headers: `X-Request-Id` on all, `Retry-After` on 429/503, `ETag`, `Location`,
 *   `X-Content-SHA256`, `RateLimit` / `RateLimit-Policy`, `WWW-Authenticate`;
 * - operationIds such as `listModels`, schema names without `Dto`, named enums, integers and uuids;
 * - examples on the main requests, and `security: []` on public routes.
 */

type Json = Record<string, unknown>;
type Operation = {
  operationId: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Json; example?: unknown; examples?: Json }> };
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
  tags?: string[];
};
type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Json;
  example?: unknown;
};
type Response = { description: string; content?: Record<string, { schema?: Json }>; headers?: Json };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** What the guards and interceptors of one handler read. */
interface RouteFacts {
  isPublic: boolean;
  policy?: RoutePolicy;
  stepUp: boolean;
  etag: boolean;
  location: boolean;
}

type Handler = (...args: unknown[]) => unknown;

/** `Controller_method` (SwaggerModule's default operationId) → the metadata of that handler. */
function collectRouteFacts(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[key];
        if (key === 'constructor' || typeof handler !== 'function') continue;
        const read = <T>(metadataKey: string): T | undefined =>
          (Reflect.getMetadata(metadataKey, handler as Handler) as T | undefined) ??
          (Reflect.getMetadata(metadataKey, controller) as T | undefined);
        facts.set(`${controller.name}_${key}`, {
          isPublic: read<boolean>(PUBLIC_ROUTE) === true,
          policy: read<RoutePolicy>(ROUTE_POLICY),
          stepUp: read<boolean>(STEP_UP_ROUTE) === true,
          etag: read<boolean>(ETAG_ROUTE) === true,
          location: read<string>(LOCATION_ROUTE) !== undefined,
        });
      }
    }
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------
// operationIds

/** Resource nouns of controllers whose handlers are named list/get/create/update/delete/... */
const NOUNS: Record<string, [singular: string, plural: string]> = {
  ApiKeysController: ['ApiKey', 'ApiKeys'],
  JobsController: ['Job', 'Jobs'],
  MembersController: ['Member', 'Members'],
  ModelGrantsController: ['ModelGrant', 'ModelGrants'],
  ModelVersionsController: ['ModelVersion', 'ModelVersions'],
  ModelsController: ['Model', 'Models'],
  OrganizationInvitationsController: ['Invitation', 'Invitations'],
  OrganizationsController: ['Organization', 'Organizations'],
  PoliciesController: ['Policy', 'Policies'],
  ProjectsController: ['Project', 'Projects'],
  RolesController: ['Role', 'Roles'],
  SessionsController: ['Session', 'Sessions'],
  SsoProvidersController: ['SsoProvider', 'SsoProviders'],
  UsersController: ['User', 'Users'],
};
const VERBS = new Set(['add', 'cancel', 'create', 'delete', 'get', 'remove', 'resend', 'revoke', 'update']);

/** Handlers whose names do not follow verb + noun. */
const OPERATION_IDS: Record<string, string> = {
  AccountSetupController_create: 'createUser',
  AuditController_alertsList: 'listAlerts',
  AuditController_export: 'exportAuditEvents',
  AuditController_list: 'listAuditEvents',
  AuditController_verify: 'verifyAuditChain',
  AuthController_changePassword: 'changePassword',
  AuthController_login: 'login',
  AuthController_logout: 'logout',
  AuthController_me: 'getCurrentPrincipal',
  AuthController_mfaDisable: 'disableMfa',
  AuthController_mfaEnable: 'enableMfa',
  AuthController_mfaSetup: 'setUpMfa',
  AuthController_mfaSetupQrCode: 'getMfaSetupQrCode',
  AuthController_refresh: 'refreshTokens',
  AuthController_regenerateRecoveryCodes: 'regenerateRecoveryCodes',
  AuthController_stepUp: 'stepUp',
  AuthzController_check: 'checkAuthorization',
  AuthzController_explain: 'explainAuthorization',
  HealthController_live: 'getLiveness',
  HealthController_ready: 'getReadiness',
  InvitationsController_accept: 'acceptInvitation',
  InvitationsController_register: 'registerWithInvitation',
  JobsController_fuse: 'submitFusion',
  JobsController_result: 'downloadJobResult',
  JobsController_stream: 'streamJobEvents',
  JwksController_jwks: 'getJwks',
  ModelVersionsController_changeStage: 'changeModelVersionStage',
  ModelVersionsController_export: 'downloadModelVersionArtifact',
  ModelVersionsController_upload: 'uploadModelVersion',
  PasswordResetController_forgot: 'requestPasswordReset',
  PasswordResetController_reset: 'resetPassword',
  ProjectsController_members: 'listProjectMembers',
  ProjectsController_removeMember: 'removeProjectMember',
  ProjectsController_setMember: 'setProjectMember',
  QueueBoardController_open: 'openQueueBoardSession',
  SessionsController_revokeAll: 'revokeAllSessions',
  SsoController_authorize: 'startSsoLogin',
  SsoController_callback: 'completeSsoLogin',
  SsoController_exchange: 'exchangeSsoCode',
  UsersController_erase: 'eraseUser',
  UsersController_resetMfa: 'resetUserMfa',
  UsersController_revokeSessions: 'revokeUserSessions',
  WatermarkController_detect: 'detectWatermark',
};

/** `ModelsController_list` → `listModels`, `ModelVersionsController_get` → `getModelVersion`. */
export function operationIdOf(handlerKey: string): string {
  const named = OPERATION_IDS[handlerKey];
  if (named) return named;
  const [controller, method] = handlerKey.split('_');
  const noun = NOUNS[controller];
  if (noun && method === 'list') return `list${noun[1]}`;
  if (noun && VERBS.has(method)) return `${method}${noun[0]}`;
  // A handler not named here (a new controller): method + controller, e.g. `echoSample`. The
  // contract test holds the committed document to the rules, so name it above when it lands.
  return `${method}${controller.replace(/Controller$/, '')}`;
}

// ---------------------------------------------------------------------------------------------
// Errors and headers

const HEADERS: Record<string, Json> = {
  XRequestId: {
    description: 'The request id (yours from `X-Request-Id` when it is well-formed, else a new one); quote it.',
    schema: { type: 'string' },
  },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
  RateLimitPolicy: {
    description: 'The quota that applies, e.g. `"model-export";q=3;w=3600` (draft-ietf-httpapi-ratelimit-headers).',
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'What is left of it, e.g. `"model-export";r=2;t=1800`.',
    schema: { type: 'string' },
  },
  ETag: {
    description: 'The representation’s entity tag: send it back as `If-None-Match` (GET) or `If-Match` (writes).',
    schema: { type: 'string' },
  },
  Location: { description: 'Path of the created resource.', schema: { type: 'string' } },
  XContentSha256: {
    description: 'Lower-case hex SHA-256 of the body; check it after downloading.',
    schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
  WWWAuthenticate: {
    description: '`Bearer realm="fusiongate"`, with `error="invalid_token"` when a sent token was refused.',
    schema: { type: 'string' },
  },
};
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });

const PROBLEM_SCHEMAS: Record<string, Json> = {
  Problem: {
    type: 'object',
    description: 'An error (RFC 9457). `code` is stable and machine-readable; `detail` is for people and may change.',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: {
        type: 'string',
        description: '`urn:fusiongate:problem:<code>`.',
        example: 'urn:fusiongate:problem:validation_failed',
      },
      title: { type: 'string', description: 'The HTTP status in words.', example: 'Bad Request' },
      status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
      detail: { type: 'string', example: 'name must be shorter than or equal to 120 characters' },
      code: {
        type: 'string',
        description: 'Stable machine-readable code, e.g. `model_not_found` or the missing permission `model:export`.',
        example: 'validation_failed',
      },
      requestId: { type: 'string', description: 'The `X-Request-Id` of the request; quote it when reporting.' },
      errors: {
        type: 'array',
        description: 'With `validation_failed`: one entry per invalid field.',
        items: { $ref: '#/components/schemas/FieldError' },
      },
      retryAfter: {
        type: 'integer',
        description: 'With 429 and 503: seconds to wait (also sent as `Retry-After`).',
      },
    },
    additionalProperties: true,
  },
  FieldError: {
    type: 'object',
    required: ['field', 'message'],
    properties: {
      field: {
        type: 'string',
        description: 'Dotted path of the field, e.g. `ioSignature.inputs.0.name`.',
        example: 'name',
      },
      message: { type: 'string', example: 'name must be shorter than or equal to 120 characters' },
    },
  },
};

const DEFAULT_DESCRIPTIONS: Record<string, string> = {
  '400': '`validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`.',
  '401': '`token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`.',
  '403': 'Not allowed: `code` names the missing permission, or a policy denies the request.',
  '404': '`not_found`: absent, in another organization, or not visible to you.',
  '413': '`payload_too_large`: the body is larger than allowed.',
  '415': '`unsupported_media_type`: send the body as the content type documented here.',
  '429': 'A limit applies (`code` says which); wait for `Retry-After`.',
  '500': '`internal_error`: something failed on our side; quote the `requestId`.',
  '503':
    '`database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`.',
};

/** The 4xx/5xx statuses a route answers by construction (besides those its decorators declare). */
function inferredErrorStatuses(operation: Operation, path: string, facts: RouteFacts, secured: boolean): Set<string> {
  const statuses = new Set(['500', '503']);
  const query = (operation.parameters ?? []).some((p) => p.in === 'query');
  if (operation.requestBody || query) statuses.add('400');
  if (operation.requestBody) statuses.add('413').add('415');
  if (path.includes('{')) statuses.add('404');
  if (RATE_LIMITED.has(operation.operationId)) statuses.add('429');
  if (secured) {
    statuses.add('401');
    const policy = facts.policy;
    const forbiddable =
      policy?.kind === 'permission' ||
      policy?.kind === 'platform-admin' ||
      (policy?.kind === 'authenticated' && (!policy.allowApiKey || path.includes('{orgId}'))) ||
      facts.stepUp;
    if (forbiddable) statuses.add('403');
  }
  return statuses;
}

function forbiddenDescription(facts: RouteFacts): string {
  const policy = facts.policy;
  const reasons: string[] = [];
  if (policy?.kind === 'permission')
    reasons.push(`\`${policy.permission}\`: you lack this permission here, or a policy denies the request.`);
  if (policy?.kind === 'platform-admin') reasons.push('`platform_admin_required`: platform administrators only.');
  if (policy?.kind === 'authenticated' && !policy.allowApiKey) reasons.push('`api_key_not_allowed`.');
  if (facts.stepUp) reasons.push('`step_up_unavailable`: API keys cannot step up.');
  return reasons.join(' ') || DEFAULT_DESCRIPTIONS['403'];
}

function documentErrors(operation: Operation, path: string, method: string, facts: RouteFacts): void {
  const secured = !facts.isPublic;
  const statuses = new Set([
    ...Object.keys(operation.responses).filter((s) => Number(s) >= 400),
    ...inferredErrorStatuses(operation, path, facts, secured),
  ]);
  for (const status of statuses) {
    const existing = operation.responses[status];
    let description = existing?.description || DEFAULT_DESCRIPTIONS[status] || 'Error.';
    if (!existing && status === '403') description = forbiddenDescription(facts);
    // Hand-written texts name route-specific codes; the codes every route shares are added to them.
    if (existing?.description && status === '401' && secured && !/token_missing/.test(existing.description))
      description = `${existing.description} ${DEFAULT_DESCRIPTIONS['401']}`;
    if (existing?.description && status === '503' && !/database_unavailable/.test(existing.description))
      description = `${existing.description} ${DEFAULT_DESCRIPTIONS['503']}`;
    const headers: Json = { 'X-Request-Id': header('XRequestId') };
    if (status === '429' || status === '503') headers['Retry-After'] = header('RetryAfter');
    if (status === '401') headers['WWW-Authenticate'] = header('WWWAuthenticate');
    if (
      (status === '429' && RATE_LIMITED.has(operation.operationId)) ||
      (status === '401' && CHECKS_SECRETS.has(operation.operationId))
    )
      Object.assign(headers, { 'RateLimit-Policy': header('RateLimitPolicy'), RateLimit: header('RateLimit') });
    operation.responses[status] = {
      description,
      headers,
      content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  const isWrite = method !== 'get' && method !== 'head';
  // `@ETagged()` declares 304 on the whole path; only a read answers it.
  if (method !== 'get') delete operation.responses['304'];
  for (const [status, response] of Object.entries(operation.responses)) {
    if (Number(status) >= 400) continue;
    response.description ||=
      status === '201' ? 'Created.' : status === '202' ? 'Accepted.' : status === '204' ? 'Done; no content.' : 'OK.';
    const headers: Json = { 'X-Request-Id': header('XRequestId'), ...(response.headers ?? {}) };
    if (facts.etag && (status === '200' || status === '304') && (method === 'get' || (isWrite && status === '200')))
      headers.ETag = header('ETag');
    if ((facts.location || SETS_LOCATION.has(operation.operationId)) && (status === '201' || status === '202'))
      headers.Location = header('Location');
    if (status === '304' && DOWNLOADS[operation.operationId]) headers.ETag = header('ETag');
    if (status !== '304' && RATE_LIMITED.has(operation.operationId))
      Object.assign(headers, { 'RateLimit-Policy': header('RateLimitPolicy'), RateLimit: header('RateLimit') });
    if (status === '302')
      headers.Location = { description: 'Where the browser goes next.', schema: { type: 'string' } };
    response.headers = headers;
  }
}

/**
 * Throttled routes (the policies of README's RateLimit table, counted in their services): every
 * answer carries `RateLimit` / `RateLimit-Policy`, and they may answer 429.
 */
/** Throttled routes whose 401 is a wrong password or code, counted against the limit. */
const CHECKS_SECRETS = new Set([
  'changePassword',
  'disableMfa',
  'enableMfa',
  'login',
  'regenerateRecoveryCodes',
  'stepUp',
]);
const RATE_LIMITED = new Set([
  'acceptInvitation',
  'changePassword',
  'disableMfa',
  'downloadModelVersionArtifact',
  'enableMfa',
  'login',
  'registerWithInvitation',
  'regenerateRecoveryCodes',
  'requestPasswordReset',
  'resetPassword',
  'stepUp',
  'submitFusion',
]);
/** Creates that set `Location` themselves rather than through `@CreatedLocation()`. */
const SETS_LOCATION = new Set(['submitFusion']);

// ---------------------------------------------------------------------------------------------
// Downloads

/** Streamed downloads: their media types, digest and quota headers. */
const DOWNLOADS: Record<string, { content: Record<string, Json>; headers: Json }> = {
  downloadModelVersionArtifact: {
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    headers: {
      ETag: header('ETag'),
      'X-Content-SHA256': header('XContentSha256'),
      'RateLimit-Policy': header('RateLimitPolicy'),
      RateLimit: header('RateLimit'),
    },
  },
  downloadJobResult: {
    content: {
      'image/jpeg': { schema: { type: 'string', format: 'binary' } },
      'image/png': { schema: { type: 'string', format: 'binary' } },
      'image/webp': { schema: { type: 'string', format: 'binary' } },
    },
    headers: { ETag: header('ETag'), 'X-Content-SHA256': header('XContentSha256') },
  },
};

// ---------------------------------------------------------------------------------------------
// Examples on the main requests

const EXAMPLES: Record<string, Record<string, unknown>> = {
  createOrganization: { name: 'Northlight Studio', slug: 'northlight' },
  submitFusion: {
    source: '(binary: one or more face images)',
    target: '(binary: the image to put the face on)',
    options: '{"faceSelector":"largest","outputFormat":"jpeg","outputQuality":90}',
  },
};

/** Sign-in, first without two factors (what Swagger UI fills in), then with a TOTP code. */
const LOGIN_EXAMPLES = {
  password: {
    summary: 'Email and password (two-factor off)',
    value: { email: 'ada@studio.example', password: 'correct horse battery staple' },
  },
  totp: {
    summary: 'With a TOTP code (two-factor on)',
    value: { email: 'ada@studio.example', password: 'correct horse battery staple', totp: '123456' },
  },
};

function addExamples(operation: Operation): void {
  if (operation.operationId === 'login' && operation.requestBody)
    operation.requestBody.content['application/json'].examples = LOGIN_EXAMPLES;
  const example = EXAMPLES[operation.operationId];
  if (example && operation.requestBody) {
    const [mediaType] = Object.keys(operation.requestBody.content);
    if (mediaType === 'multipart/form-data') {
      const schema = operation.requestBody.content[mediaType].schema as
        { properties?: Record<string, Json> } | undefined;
      const options = schema?.properties?.options;
      if (options) options.example = example.options;
    } else operation.requestBody.content[mediaType].example = example;
  }
  if (operation.operationId === 'uploadModelVersion') {
    // The digest gets a pattern, not an example: Swagger UI fills parameters in with their example
    // and would send it with every upload (422 `artifact_digest_mismatch`).
    for (const parameter of operation.parameters ?? []) {
      if (parameter.name === 'X-Content-SHA256') parameter.schema = { ...parameter.schema, pattern: '^[0-9a-f]{64}$' };
    }
    const body = operation.requestBody?.content['application/octet-stream'];
    if (body)
      body.schema = { ...body.schema, description: 'The ONNX file, e.g. `curl --data-binary @inswapper_128.onnx`.' };
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas

/** Every value of the document, depth first, with the key that holds it. */
function visit(node: unknown, fn: (value: Json, key: string) => void, key = ''): void {
  if (Array.isArray(node)) node.forEach((item) => visit(item, fn, key));
  else if (node && typeof node === 'object') {
    fn(node as Json, key);
    for (const [k, v] of Object.entries(node)) visit(v, fn, k);
  }
}

/** `CreateModelDto` → `CreateModel`, with every `$ref` rewritten. */
function renameSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const renamed = new Map<string, string>();
  for (const name of Object.keys(schemas)) {
    const to = name.replace(/Dto$/, '');
    if (to !== name && (schemas[to] || [...renamed.values()].includes(to)))
      throw new Error(`Schema ${name} would be renamed to ${to}, which exists: rename the class.`);
    renamed.set(name, to);
  }
  document.components!.schemas = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [renamed.get(name) ?? name, schema]),
  );
  visit(document, (node) => {
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      node.$ref = `#/components/schemas/${renamed.get(name) ?? name}`;
    }
  });
}

/**
 * Named enums: each set of values becomes one component, named after where it is first declared
 * (`Schema.property` or `operationId.parameter`); the same set elsewhere refers to it.
 */
const ENUM_ANCHORS: Record<string, string> = {
  AccountStatus: 'MeResponse.status',
  ActorType: 'AuditActor.type',
  AddMemberStatus: 'AddMemberResponse.status',
  AlertRule: 'AlertResponse.rule',
  AlertSeverity: 'AlertResponse.severity',
  AuditChainProblem: 'VerifyResponse.problem',
  AuditExportFormat: 'exportAuditEvents.format',
  AuditOutcome: 'AuditEventResponse.outcome',
  AuthzAction: 'AuthzQuery.action',
  AuthzSubjectType: 'AuthzResource.type',
  ErasureStatus: 'ErasureResponse.status',
  ExecutionProvider: 'JobResponse.executionProvider',
  GrantAction: 'GrantResponse.permissions',
  ImageFormat: 'JobResult.format',
  InvitationDelivery: 'AccountSetupLink.delivery',
  InvitationStatus: 'PendingInvitation.status',
  JobInputRole: 'JobInput.role',
  JobStatus: 'JobResponse.status',
  ModelFamily: 'ModelResponse.family',
  ModelKind: 'ModelResponse.kind',
  ModelStage: 'ModelVersionResponse.stage',
  ModelVersionStatus: 'ModelVersionResponse.status',
  PasswordTokenPurpose: 'ResetPasswordResponse.purpose',
  Permission: 'RoleResponse.permissions',
  PolicyEffect: 'PolicyResponse.effect',
  PrincipalType: 'MeResponse.type',
  GrantPrincipalType: 'GrantResponse.principalType',
  RequiredAction: 'RegistrationResponse.requiredActions',
  RuleSourceKind: 'RuleSource.kind',
  StepUpFactor: 'StepUpResponse.factor',
  UserStatus: 'UserResponse.status',
  WatermarkState: 'JobResult.watermark',
};

const enumKey = (values: unknown[]) => JSON.stringify(values.map(String).sort());

/** The inline enum of a property or parameter schema (arrays: of its items). */
function inlineEnum(schema: Json | undefined): Json | undefined {
  if (!schema) return undefined;
  if (Array.isArray(schema.enum)) return schema;
  const items = schema.items as Json | undefined;
  return items && Array.isArray(items.enum) ? items : undefined;
}

function nameEnums(document: OpenAPIObject): void {
  const schemas = document.components!.schemas as Record<string, Json>;
  const anchors = new Map(Object.entries(ENUM_ANCHORS).map(([name, anchor]) => [anchor, name]));
  // Every inline enum, with the place it is declared.
  const places: { place: string; holder: Json }[] = [];
  for (const [name, schema] of Object.entries(schemas)) {
    for (const [property, value] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
      const holder = inlineEnum(value);
      if (holder) places.push({ place: `${name}.${property}`, holder });
    }
  }
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      for (const parameter of operation?.parameters ?? []) {
        const holder = inlineEnum(parameter.schema);
        if (holder) places.push({ place: `${operation!.operationId}.${parameter.name}`, holder });
      }
    }
  }
  const byValues = new Map<string, string>();
  for (const { place, holder } of places) {
    const name = anchors.get(place);
    if (name) byValues.set(enumKey(holder.enum as unknown[]), name);
  }
  for (const { holder } of places) {
    // A schema object shared by two places is replaced once.
    if (!Array.isArray(holder.enum)) continue;
    const values = holder.enum as unknown[];
    const name = byValues.get(enumKey(values));
    // Not named here (a new enum): it stays inline, and the contract test asks for a name.
    if (!name) continue;
    schemas[name] ??= { type: 'string', enum: values };
    const { nullable, description, default: fallback } = holder;
    for (const key of Object.keys(holder)) delete holder[key];
    if (nullable)
      Object.assign(holder, { type: 'string', nullable: true, allOf: [{ $ref: `#/components/schemas/${name}` }] });
    else if (description || fallback !== undefined)
      Object.assign(holder, { allOf: [{ $ref: `#/components/schemas/${name}` }] });
    else holder.$ref = `#/components/schemas/${name}`;
    if (description) holder.description = description;
    if (fallback !== undefined) holder.default = fallback;
  }
}

/**
 * Numbers: the API counts things (bytes, seconds, sessions, sequence numbers, quotas), so a
 * `number` without a format is an integer; fractions declare `format: 'double'`. Properties named
 * `…At` are instants, sent as ISO 8601 date-times.
 */
function typeNumbersAndInstants(document: OpenAPIObject): void {
  visit(document, (node, key) => {
    if (node.type === 'number' && node.format === undefined) node.type = 'integer';
    if (key !== 'properties') return;
    for (const [name, property] of Object.entries(node as Record<string, Json>)) {
      if (/At$/.test(name) && property.type === 'string' && property.format === undefined)
        property.format = 'date-time';
    }
  });
}

/** Path parameters: `version` is an integer, `provider` a slug, every other one a uuid. */
function typePathParameters(operation: Operation): void {
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in !== 'path') continue;
    if (parameter.name === 'version') parameter.schema = { type: 'integer', minimum: 1 };
    else if (parameter.name === 'provider') parameter.schema = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' };
    else parameter.schema = { type: 'string', format: 'uuid' };
  }
}

// ---------------------------------------------------------------------------------------------

/** Turns SwaggerModule's document into the published contract (see the top of this file). */
export function refineContract(app: INestApplication, generated: OpenAPIObject): OpenAPIObject {
  // SwaggerModule shares schema objects with its decorator metadata: work on a copy, so that a
  // second document (each /docs-json request builds one) starts from the same input.
  const document = structuredClone(generated);
  const facts = collectRouteFacts(app);
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (!operation) continue;
      const handlerKey = operation.operationId;
      const routeFacts = facts.get(handlerKey);
      if (!routeFacts) throw new Error(`No route metadata for ${handlerKey}`); // every operation is a handler
      // Two handlers the rule gives the same name keep SwaggerModule's (the contract test refuses it).
      const operationId = operationIdOf(handlerKey);
      operation.operationId = operationIds.has(operationId) ? handlerKey : operationId;
      operationIds.add(operation.operationId);
      operation.summary ||= operation.description?.split('. ')[0];
      if (routeFacts.isPublic) operation.security = [];
      // Response headers are documented on responses, not as request parameters; a read sends
      // If-None-Match, a write If-Match.
      const unused = method === 'get' ? 'If-Match' : 'If-None-Match';
      operation.parameters = (operation.parameters ?? []).filter(
        (p) => !(p.in === 'header' && (p.name === 'Location' || p.name === unused)),
      );
      typePathParameters(operation);
      const download = DOWNLOADS[operation.operationId];
      if (download && operation.responses['200'])
        Object.assign(operation.responses['200'], { content: download.content, headers: download.headers });
      documentErrors(operation, path, method, routeFacts);
      addExamples(operation);
    }
  }
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, ...PROBLEM_SCHEMAS };
  (document.components as Json).headers = HEADERS;
  // Paths already start with /api/v1: the server is wherever the document was fetched from.
  document.servers = [{ url: '/', description: 'This fusiongate instance' }];
  renameSchemas(document);
  nameEnums(document);
  typeNumbersAndInstants(document);
  return document;
}

/**
 * The document with object keys sorted (paths, schemas, statuses…) so that it diffs well, except
 * the order of a schema's properties (as declared) and examples (as written).
 */
export function sortedDocument(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => sortedDocument(item));
  if (!value || typeof value !== 'object' || key === 'example' || key === 'examples') return value;
  const entries = Object.entries(value).map(([k, v]) => [k, sortedDocument(v, key === 'properties' ? '' : k)] as const);
  if (key !== 'properties') entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}
