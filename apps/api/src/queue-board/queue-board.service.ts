import { createHash, randomBytes } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { AuditService } from '#libs/audit';
import { PrincipalCache } from '#libs/auth';
import { RequestContext, sendProblem, UnauthorizedError } from '#libs/common';
import { AppConfig } from '#libs/config';
import { REDIS } from '#libs/database';
import { FUSION_QUEUE } from '#libs/jobs';

/** Where the board lives; its cookie is scoped to this path. */
export const QUEUE_BOARD_PATH = '/admin/queues';
export const QUEUE_BOARD_COOKIE = 'fg_queue_board';
/** Lifetime of a board cookie: a browser page load cannot send a bearer token, so the cookie stands in for it briefly. */
export const QUEUE_BOARD_TTL_SECONDS = 15 * 60;

const key = (token: string) => `queue-board:${createHash('sha256').update(token).digest('hex')}`;

interface BoardGrant {
  sessionId: string;
  userId: string;
}

/**
 * Bull Board for platform administrators. Browsers cannot put a bearer token on a page load, so
 * an administrator first POSTs (with their bearer token) to open a board session: a random token,
 * stored hashed in Redis for 15 minutes, set as an HttpOnly, SameSite=Strict cookie scoped to
 * `/admin/queues`. Every board request (page, assets, API) then needs that cookie, and the sign-in
 * session behind it must still be live and its user still an active platform administrator. The
 * board is read-only: the job rows in PostgreSQL are the truth, so entries are not retried or
 * removed from here.
 */
@Injectable()
export class QueueBoard {
  constructor(
    @InjectQueue(FUSION_QUEUE) private readonly queue: Queue,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly principals: PrincipalCache,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** Opens a board session for the (platform administrator) caller; returns the cookie to set. */
  async open(ctx: RequestContext, secure: boolean): Promise<{ cookie: string; expiresAt: string; url: string }> {
    if (!ctx.sessionId || ctx.actor.type !== 'user') {
      throw new UnauthorizedError({
        code: 'session_required',
        detail: 'Sign in with a user session to open the board.',
      });
    }
    const token = randomBytes(32).toString('base64url');
    const grant: BoardGrant = { sessionId: ctx.sessionId, userId: ctx.actor.id };
    await this.redis.set(key(token), JSON.stringify(grant), 'EX', QUEUE_BOARD_TTL_SECONDS);
    await this.audit.record(ctx, { action: 'queue_board.opened', resourceType: 'queue', resourceId: FUSION_QUEUE });
    const attributes = [
      `${QUEUE_BOARD_COOKIE}=${token}`,
      `Path=${QUEUE_BOARD_PATH}`,
      `Max-Age=${QUEUE_BOARD_TTL_SECONDS}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(secure ? ['Secure'] : []),
    ];
    return {
      cookie: attributes.join('; '),
      expiresAt: new Date(Date.now() + QUEUE_BOARD_TTL_SECONDS * 1000).toISOString(),
      url: `${QUEUE_BOARD_PATH}/`,
    };
  }

  /** Whether a board request carries a live grant of an active platform administrator. */
  async allows(request: FastifyRequest): Promise<boolean> {
    const token = readCookie(request.headers.cookie, QUEUE_BOARD_COOKIE);
    if (!token) return false;
    const stored = await this.redis.get(key(token));
    if (!stored) return false;
    const grant = JSON.parse(stored) as BoardGrant;
    const principal = await this.principals.get(grant.sessionId);
    const now = Date.now();
    return (
      principal !== undefined &&
      principal.userId === grant.userId &&
      principal.isPlatformAdmin &&
      principal.status === 'active' &&
      !principal.sessionRevoked &&
      principal.sessionExpiresAt > now &&
      (principal.userExpiresAt === null || principal.userExpiresAt > now)
    );
  }

  /** Mounts the board under `/admin/queues`, every route behind {@link allows}. */
  mount(fastify: FastifyInstance): void {
    const adapter = new FastifyAdapter();
    adapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: [new BullAdapter(this.queue, { readOnlyMode: true })],
      // @bull-board/fastify pins its own copy of @bull-board/api; the adapter contract is the same.
      serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    });
    // Registered, not awaited: Fastify loads it with the application's other plugins.
    void fastify.register(
      async (scope) => {
        scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
          if (await this.allows(request).catch(() => false)) return;
          sendProblem(
            reply,
            request,
            new UnauthorizedError({
              code: 'queue_board_session_required',
              detail: `Open a board session first: POST /api/v1/admin/queue-board/session as a platform administrator.`,
            }),
          );
          return reply;
        });
        await scope.register(adapter.registerPlugin());
      },
      { prefix: QUEUE_BOARD_PATH },
    );
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
