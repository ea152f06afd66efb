import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import {
  AuthEvents,
  isUserUsable,
  randomToken,
  safeEqual,
  SecretBox,
  SessionService,
  sha256Hex,
  UserEntity,
  UserService,
  type AuthMethod,
  type TokenPair,
} from '#libs/auth';
import {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  hasInvisibleCharacters,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  type RequestContext,
} from '#libs/common';
import { AppConfig, type OidcProviderSettings } from '#libs/config';
import { REDIS, Transactions } from '#libs/database';
import { isUniqueViolation, MembershipService, OrganizationService } from '#libs/organizations';
import { claimValues, domainAllowed, emailVerified, mappedRole, providerDidMfa, type Claims } from './directory.js';
import { OidcClients, type ClientSettings } from './oidc-clients.js';
import { OidcProviderEntity, type RoleMapping } from './oidc-provider.entity.js';
import { CLIENT_SECRET_PURPOSE } from './sso-provider.service.js';
import { UserIdentityEntity } from './user-identity.entity.js';

/** A sign-in started at `authorize` must come back within this many seconds. */
export const SSO_FLOW_TTL_SECONDS = 600;
/** The front-end must exchange its login code within this many seconds. */
export const SSO_LOGIN_CODE_TTL_SECONDS = 60;

const FLOW_PURPOSE = 'sso-flow';
const CODE_PURPOSE = 'sso-login-code';
const flowKey = (state: string) => `sso:flow:${sha256Hex(state)}`;
const codeKey = (code: string) => `sso:code:${sha256Hex(code)}`;

/** What the server remembers of a sign-in between `authorize` and the callback (sealed in Redis). */
interface Flow {
  provider: string;
  verifier: string;
  nonce: string;
  /** SHA-256 of the browser-binding cookie set at `authorize`. */
  binding: string;
  /** The front-end's own PKCE challenge (S256) for the login code, when it sent one. */
  challenge?: string;
}

interface PendingLogin {
  userId: string;
  amr: AuthMethod[];
  /** Whether the sign-in counts as a fresh proof for step-up (see `signIn`). */
  stepUpFresh: boolean;
  provider: string;
  challenge?: string;
}

/** A provider as the sign-in needs it: the platform's (`OIDC_*`) or an organization's. */
export interface ResolvedProvider {
  slug: string;
  providerId: string | null;
  organizationId: string | null;
  settings: OidcProviderSettings;
  client: ClientSettings;
  roleMappings: RoleMapping[];
  defaultRole: string | null;
  /** The platform provider's mappings into organizations named by slug (`OIDC_ROLE_MAPPINGS`). */
  platformRoleMappings: (RoleMapping & { organization: string })[];
}

/** The callback's result: where to send the browser, or (without a front-end URL) the login code itself. */
export interface CallbackOutcome {
  location?: string;
  loginCode?: string;
  expiresIn: number;
}

const stateInvalid = () =>
  new BadRequestError({
    code: 'sso_state_invalid',
    detail: 'This sign-in was not started here, was already used or has expired; start again.',
  });
const loginCodeInvalid = () =>
  new UnauthorizedError({ code: 'sso_code_invalid', detail: 'The login code is unknown, used or expired.' });

/**
 * Single sign-on with OpenID Connect, authorization code flow with PKCE (openid-client):
 *
 * 1. `authorize` stores state, nonce and PKCE verifier server-side (Redis, sealed, single use,
 *    10 minutes) under the state's hash, binds them to the browser with a cookie, and sends the
 *    browser to the provider.
 * 2. `callback` takes the state once, checks the cookie, lets openid-client check the answer
 *    (issuer, state, code exchange with the verifier, ID token signature, audience, expiry, nonce),
 *    finds or creates the account (verified emails only), applies the organization's role mapping,
 *    and hands the browser a login code (single use, 60 s), never a token.
 * 3. `exchange` turns the login code into the usual token pair.
 */
@Injectable()
export class SsoLoginService {
  private readonly logger = new Logger('SsoLoginService');

  constructor(
    private readonly config: AppConfig,
    private readonly clients: OidcClients,
    private readonly transactions: Transactions,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly memberships: MembershipService,
    private readonly organizations: OrganizationService,
    private readonly events: AuthEvents,
    private readonly box: SecretBox,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /**
   * Starts a sign-in: the provider's authorization URL and the value of the browser-binding cookie
   * (`Secure` when the callback is served over https).
   */
  async authorize(
    ctx: RequestContext,
    slug: string,
    input: { challenge?: string; reauth?: boolean } = {},
  ): Promise<{ url: string; browserBinding: string; secureCookie: boolean }> {
    await this.limitStarts(ctx);
    const provider = await this.resolveProvider(slug);
    const redirectUri = this.redirectUri();
    const configuration = await this.clients.configuration(provider.client);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const browserBinding = randomToken(32);
    const flow: Flow = {
      provider: provider.slug,
      verifier,
      nonce,
      binding: sha256Hex(browserBinding),
      challenge: input.challenge,
    };
    await this.redis.set(
      flowKey(state),
      this.box.encrypt(JSON.stringify(flow), FLOW_PURPOSE),
      'EX',
      SSO_FLOW_TTL_SECONDS,
    );
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: provider.settings.scopes.join(' '),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      // Step-up: the person must authenticate again at the provider, not ride its session.
      ...(input.reauth ? { prompt: 'login' } : {}),
    });
    return { url: url.href, browserBinding, secureCookie: redirectUri.startsWith('https:') };
  }

  /**
   * Completes a sign-in from the provider's redirect (`query`: the callback's query string).
   * An unknown, used or foreign state answers 400 `sso_state_invalid`; once the state is known,
   * every refusal is audited and, with a front-end URL, sent there as `#error=<code>`.
   */
  async callback(ctx: RequestContext, query: string, browserBinding: string | undefined): Promise<CallbackOutcome> {
    const state = new URLSearchParams(query).get('state');
    if (!state) throw stateInvalid();
    const sealed = await this.redis.getdel(flowKey(state));
    if (!sealed) throw stateInvalid();
    const flow = JSON.parse(this.box.decrypt(sealed, FLOW_PURPOSE)) as Flow;
    if (!browserBinding || !safeEqual(sha256Hex(browserBinding), flow.binding)) throw stateInvalid();
    try {
      const provider = await this.resolveProvider(flow.provider);
      const currentUrl = new URL(this.redirectUri());
      currentUrl.search = query;
      const signedIn = await this.signIn(ctx, provider, currentUrl, flow);
      const loginCode = randomToken(32);
      const pending: PendingLogin = { ...signedIn, provider: provider.slug, challenge: flow.challenge };
      await this.redis.set(
        codeKey(loginCode),
        this.box.encrypt(JSON.stringify(pending), CODE_PURPOSE),
        'EX',
        SSO_LOGIN_CODE_TTL_SECONDS,
      );
      const frontend = this.config.oidc.frontendUrl;
      if (!frontend) return { loginCode, expiresIn: SSO_LOGIN_CODE_TTL_SECONDS };
      return { location: withFragment(frontend, { code: loginCode }), expiresIn: SSO_LOGIN_CODE_TTL_SECONDS };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.events.record(ctx, {
        action: 'auth.login.failed',
        details: { method: 'oidc', provider: flow.provider, reason: error.code },
      });
      const frontend = this.config.oidc.frontendUrl;
      if (!frontend) throw error;
      return { location: withFragment(frontend, { error: error.code }), expiresIn: 0 };
    }
  }

  /** Turns a login code into a token pair (once). With a front-end challenge, `verifier` must match it. */
  async exchange(ctx: RequestContext, code: string, verifier?: string): Promise<TokenPair> {
    const sealed = await this.redis.getdel(codeKey(code));
    if (!sealed) throw loginCodeInvalid();
    const pending = JSON.parse(this.box.decrypt(sealed, CODE_PURPOSE)) as PendingLogin;
    if (pending.challenge !== undefined) {
      const computed = verifier ? createHash('sha256').update(verifier).digest('base64url') : '';
      if (!safeEqual(computed, pending.challenge)) throw loginCodeInvalid();
    }
    const user = await this.users.findById(ctx, pending.userId);
    if (!user || !isUserUsable(user, new Date())) {
      throw new UnauthorizedError({ code: 'account_disabled', detail: 'This account is disabled or has expired.' });
    }
    await this.transactions.manager(ctx).getRepository(UserEntity).update({ id: user.id }, { lastLoginAt: new Date() });
    const pair = await this.sessions.start(ctx, user, pending.amr, { stepUpFresh: pending.stepUpFresh });
    await this.events.record(ctx, {
      action: 'auth.login.succeeded',
      subjectId: user.id,
      details: { method: 'oidc', provider: pending.provider, sessionId: pair.sessionId, amr: pending.amr },
    });
    return pair;
  }

  /**
   * The platform's provider or an enabled organization provider named `slug`; 404
   * `sso_provider_not_found` otherwise (the same for a disabled one).
   */
  async resolveProvider(slug: string): Promise<ResolvedProvider> {
    const platform = this.config.oidc.platform;
    if (platform && platform.slug === slug) {
      return {
        slug,
        providerId: null,
        organizationId: null,
        settings: platform,
        client: {
          issuer: platform.issuer,
          clientId: platform.clientId,
          clientSecret: platform.clientSecret,
          cacheKey: `platform:${slug}`,
        },
        roleMappings: [],
        defaultRole: null,
        platformRoleMappings: platform.roleMappings,
      };
    }
    const row = /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)
      ? await this.transactions
          .manager()
          .getRepository(OidcProviderEntity)
          .createQueryBuilder('p')
          .addSelect('p.clientSecretEnc')
          .where('p.slug = :slug AND p.enabled', { slug })
          .getOne()
      : null;
    if (!row) throw new NotFoundError({ code: 'sso_provider_not_found', detail: 'No such identity provider.' });
    return {
      slug: row.slug,
      providerId: row.id,
      organizationId: row.organizationId,
      settings: row,
      client: {
        issuer: row.issuer,
        clientId: row.clientId,
        clientSecret: row.clientSecretEnc ? this.box.decrypt(row.clientSecretEnc, CLIENT_SECRET_PURPOSE) : undefined,
        cacheKey: `org:${row.id}:${row.updatedAt.getTime()}`,
      },
      roleMappings: row.roleMappings,
      defaultRole: row.defaultRole,
      platformRoleMappings: [],
    };
  }

  /**
   * The password sign-in rule: a member of an organization that requires SSO, who has an identity
   * for it (through its own provider or the platform's), must sign in through that provider.
   */
  async assertPasswordAllowed(ctx: RequestContext, userId: string): Promise<void> {
    const rows = (await this.transactions.manager(ctx).query(
      `SELECT DISTINCT p.slug AS provider FROM membership m
         JOIN organization o ON o.id = m.organization_id AND o.sso_required
         JOIN user_identity i ON i.user_id = m.user_id
         LEFT JOIN oidc_provider p ON p.id = i.provider_id
        WHERE m.user_id = $1 AND (m.expires_at IS NULL OR m.expires_at > now())
          AND (i.provider_id IS NULL OR p.organization_id = o.id)`,
      [userId],
    )) as { provider: string | null }[];
    if (rows.length === 0) return;
    const providers = [...new Set(rows.map((r) => r.provider ?? this.config.oidc.platform?.slug ?? 'sso'))];
    throw new ForbiddenError({
      code: 'sso_required',
      detail: `Your organization requires single sign-on: sign in with ${providers.join(' or ')}.`,
      extensions: { providers },
    });
  }

  /** Exchanges the code, validates the answer, finds the account and applies the directory. */
  private async signIn(
    ctx: RequestContext,
    provider: ResolvedProvider,
    currentUrl: URL,
    flow: Flow,
  ): Promise<{ userId: string; amr: AuthMethod[]; stepUpFresh: boolean }> {
    const configuration = await this.clients.configuration(provider.client);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedNonce: flow.nonce,
        expectedState: new URLSearchParams(currentUrl.search).get('state')!,
        idTokenExpected: true,
      });
    } catch (error) {
      throw this.refusal(provider, error);
    }
    const idToken = tokens.claims()! as Claims & { iss: string; sub: string };
    let claims: Claims = idToken;
    if (configuration.serverMetadata().userinfo_endpoint && tokens.access_token) {
      try {
        const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
        // The ID token's own claims (issuer, subject, amr, acr) win over userinfo's.
        claims = { ...userinfo, ...idToken };
      } catch (error) {
        throw this.refusal(provider, error);
      }
    }
    const systemCtx = ctx.with({
      actor: { type: 'system', id: `sso:${provider.slug}`, label: `sso:${provider.slug}` },
    });
    const user = await this.findOrCreateUser(systemCtx, provider, idToken.iss, idToken.sub, claims);
    if (!isUserUsable(user, new Date())) {
      throw new UnauthorizedError({ code: 'account_disabled', detail: 'This account is disabled or has expired.' });
    }
    if (provider.organizationId) {
      const role = mappedRole(claims, provider.roleMappings, provider.settings.groupsClaim, provider.defaultRole);
      const outcome = await this.applyRole(systemCtx, provider.organizationId, user.id, role);
      if (role === null && outcome !== 'kept') {
        throw new ForbiddenError({
          code: 'sso_no_role',
          detail: 'Your identity provider gives you no role in this organization.',
        });
      }
    }
    // The platform's provider manages memberships only in the organizations its mappings name.
    const platformMappings = new Map<string, RoleMapping[]>();
    for (const m of provider.platformRoleMappings) {
      platformMappings.set(m.organization, [...(platformMappings.get(m.organization) ?? []), m]);
    }
    for (const [slug, mappings] of platformMappings) {
      const organizationId = await this.organizations.idBySlug(slug);
      if (!organizationId) {
        this.logger.warn({ organization: slug }, 'OIDC_ROLE_MAPPINGS names an organization that does not exist');
        continue;
      }
      const role = mappedRole(claims, mappings, provider.settings.groupsClaim, null);
      await this.applyRole(systemCtx, organizationId, user.id, role);
    }
    const mfa = providerDidMfa(idToken, provider.settings.mfaAmrValues, provider.settings.mfaAcrValues);
    // Fresh for sensitive actions only when the person authenticated at the provider within the
    // step-up window (`auth_time`), with MFA there if the account has a second factor here.
    const authTime = typeof idToken.auth_time === 'number' ? idToken.auth_time * 1000 : Date.now();
    const recent = Date.now() - authTime <= this.config.auth.stepUpSeconds * 1000;
    return {
      userId: user.id,
      amr: mfa ? ['fed', 'mfa'] : ['fed'],
      stepUpFresh: recent && (mfa || !user.mfaEnabled),
    };
  }

  /** Applies a directory role; a mapping to a role that was deleted is 409 `sso_role_missing`. */
  private async applyRole(
    ctx: RequestContext,
    organizationId: string,
    userId: string,
    role: string | null,
  ): Promise<Awaited<ReturnType<MembershipService['applyDirectoryRole']>>> {
    return this.memberships.applyDirectoryRole(ctx, organizationId, userId, role).catch((error: unknown) => {
      if (error instanceof NotFoundError) {
        throw new ConflictError({
          code: 'sso_role_missing',
          detail: 'The identity provider maps you to a role that no longer exists; tell your administrator.',
        });
      }
      throw error;
    });
  }

  /**
   * The account of an identity: the one already linked, else (verified email only) the account
   * with that email, linked now, else a new account. Two first sign-ins racing end on one account.
   */
  private async findOrCreateUser(
    ctx: RequestContext,
    provider: ResolvedProvider,
    issuer: string,
    subject: string,
    claims: Claims,
  ): Promise<UserEntity> {
    const email = claimValues(claims, provider.settings.emailClaim)[0]?.trim();
    if (email && !domainAllowed(email, provider.settings.allowedDomains)) {
      throw new ForbiddenError({
        code: 'sso_domain_not_allowed',
        detail: 'Accounts of this email domain cannot sign in through this identity provider.',
      });
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transactions.run(ctx, (ctx, manager) =>
          this.linkOrCreate(ctx, manager, provider, issuer, subject, email, claims),
        );
      } catch (error) {
        const raced = isUniqueViolation(error) || (error instanceof ConflictError && error.code === 'email_taken');
        if (!raced || attempt > 0) throw error;
      }
    }
  }

  private async linkOrCreate(
    ctx: RequestContext,
    manager: import('typeorm').EntityManager,
    provider: ResolvedProvider,
    issuer: string,
    subject: string,
    email: string | undefined,
    claims: Claims,
  ): Promise<UserEntity> {
    const identities = manager.getRepository(UserIdentityEntity);
    const known = await identities.findOneBy({ issuer, subject });
    if (known) {
      await identities.update({ id: known.id }, { lastLoginAt: new Date() });
      return manager.getRepository(UserEntity).findOneByOrFail({ id: known.userId });
    }
    if (!email) {
      throw new ForbiddenError({
        code: 'sso_email_missing',
        detail: `The identity provider sent no email (claim "${provider.settings.emailClaim}").`,
      });
    }
    if (!emailVerified(claims)) {
      throw new ForbiddenError({
        code: 'sso_email_unverified',
        detail: 'The identity provider does not vouch for this email address (email_verified is not true).',
      });
    }
    let user = await this.users.findByEmail(ctx, email);
    const created = !user;
    if (user) {
      if (provider.organizationId) await this.assertLinkable(manager, provider.organizationId, user);
    } else {
      user = await this.users.create(ctx, { email, displayName: displayNameOf(claims, provider, email) });
    }
    await identities.insert({
      userId: user.id,
      providerId: provider.providerId,
      issuer,
      subject,
      lastLoginAt: new Date(),
    });
    await this.events.record(
      ctx,
      {
        action: 'auth.sso.linked',
        subjectId: user.id,
        organizationId: provider.organizationId ?? undefined,
        details: { provider: provider.slug, issuer, created },
      },
      manager,
    );
    return user;
  }

  /**
   * An organization's provider is trusted with that organization only: it may link an existing
   * account only when that account belongs to no other organization and is not a platform admin.
   */
  private async assertLinkable(
    manager: import('typeorm').EntityManager,
    organizationId: string,
    user: UserEntity,
  ): Promise<void> {
    const [elsewhere] = (await manager.query(
      `SELECT 1 FROM membership WHERE user_id = $1 AND organization_id <> $2 LIMIT 1`,
      [user.id, organizationId],
    )) as unknown[];
    if (user.isPlatformAdmin || elsewhere) {
      throw new ConflictError({
        code: 'sso_link_refused',
        detail:
          'An account with this email already exists outside this organization; it cannot be taken over by the organization’s identity provider.',
      });
    }
  }

  /** Maps openid-client failures to problem codes; details go to the log, never to the caller. */
  private refusal(provider: ResolvedProvider, error: unknown): DomainError {
    if (error instanceof DomainError) return error;
    const reason = (error as Error)?.message;
    this.logger.warn({ provider: provider.slug, reason }, 'OIDC sign-in refused');
    if (error instanceof oidc.AuthorizationResponseError) {
      return new UnauthorizedError({
        code: 'sso_denied',
        detail: `The identity provider refused the sign-in (${error.error}).`,
      });
    }
    if (error instanceof oidc.ResponseBodyError) {
      return new UnauthorizedError({
        code: 'sso_grant_invalid',
        detail: `The identity provider refused the authorization code (${error.error}); it may have been used already.`,
      });
    }
    if (error instanceof TypeError || (error as { code?: string })?.code === 'OAUTH_TIMEOUT') {
      return new ServiceUnavailableError({
        code: 'sso_provider_unavailable',
        detail: 'The identity provider could not be reached; try again later.',
        retryAfterSeconds: 30,
      });
    }
    return new UnauthorizedError({
      code: 'sso_token_invalid',
      detail: 'The identity provider’s answer did not pass validation (issuer, audience, signature, expiry or nonce).',
    });
  }

  private redirectUri(): string {
    const uri = this.config.oidc.redirectUri;
    if (!uri) {
      throw new ServiceUnavailableError({
        code: 'sso_not_configured',
        detail: 'Single sign-on needs OIDC_REDIRECT_URI or PUBLIC_URL on the server.',
      });
    }
    return uri;
  }

  /** At most `OIDC_AUTHORIZE_PER_MINUTE` starts per address and minute (429 `too_many_attempts`). */
  private async limitStarts(ctx: RequestContext): Promise<void> {
    const key = `sso:starts:${ctx.ip ?? 'unknown'}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 60, 'NX').exec()) as [[Error | null, number]];
    if (count > this.config.oidc.authorizePerMinute) {
      throw new TooManyRequestsError({
        code: 'too_many_attempts',
        detail: 'Too many sign-ins started from this address; wait a minute.',
        retryAfterSeconds: 60,
      });
    }
  }
}

function withFragment(base: string, values: Record<string, string>): string {
  const url = new URL(base);
  url.hash = new URLSearchParams(values).toString();
  return url.href;
}

/** The provider's name claim when it is printable text, else the email's local part. */
function displayNameOf(claims: Claims, provider: ResolvedProvider, email: string): string {
  const name = claimValues(claims, provider.settings.nameClaim)[0]?.trim().slice(0, 200);
  return name && !hasInvisibleCharacters(name) ? name : email.split('@')[0];
}
