import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Ctx, NoStore, Public, RequestContext } from '#libs/common';
import { SSO_FLOW_TTL_SECONDS, SsoLoginService } from '#libs/sso';
import { TokenResponseDto, toTokenResponse } from '../auth/auth.dto.js';
import { AuthorizeQueryDto, ExchangeDto, LoginCodeResponseDto } from './sso.dto.js';

/** The browser-binding cookie: the callback only completes in the browser that started the sign-in. */
const BINDING_COOKIE = 'fg_sso';
const COOKIE_PATH = '/api/v1/auth/oidc';

/**
 * Browser flow of single sign-on. `authorize` and `callback` answer redirects; `exchange` is
 * called by the front-end with the login code it found in its URL fragment.
 */
@ApiTags('auth')
@Controller('auth/oidc')
export class SsoController {
  constructor(private readonly sso: SsoLoginService) {}

  @Public()
  @Get(':provider/authorize')
  @ApiOperation({
    summary:
      'Start signing in with an identity provider: 302 to the provider (state, nonce and PKCE kept server-side).',
  })
  @ApiFoundResponse({ description: 'Location: the provider. Sets the `fg_sso` browser-binding cookie.' })
  @ApiNotFoundResponse({ description: '`sso_provider_not_found`.' })
  @ApiTooManyRequestsResponse({ description: '`too_many_attempts`.' })
  @ApiServiceUnavailableResponse({ description: '`sso_provider_unavailable`, `sso_not_configured`.' })
  async authorize(
    @Ctx() ctx: RequestContext,
    @Param('provider') provider: string,
    @Query() query: AuthorizeQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { url, browserBinding, secureCookie } = await this.sso.authorize(ctx, provider, {
      challenge: query.challenge,
      reauth: query.reauth === 'true',
    });
    await reply
      .code(302)
      .header('set-cookie', bindingCookie(browserBinding, SSO_FLOW_TTL_SECONDS, secureCookie))
      .header('cache-control', 'no-store')
      .header('location', url)
      .send();
  }

  @Public()
  @Get('callback')
  @ApiOperation({
    summary:
      "Where the provider sends the browser back. Redirects to OIDC_FRONTEND_URL with '#code=<login code>' (or '#error=<code>').",
    description: 'Without OIDC_FRONTEND_URL, answers the login code as JSON instead. Never puts a token in a URL.',
  })
  @ApiFoundResponse({ description: 'Location: the front-end, with the login code or an error code in the fragment.' })
  @ApiOkResponse({ type: LoginCodeResponseDto })
  @ApiBadRequestResponse({ description: '`sso_state_invalid`: unknown, used or expired state, or another browser.' })
  @ApiUnauthorizedResponse({
    description:
      '`sso_denied`, `sso_grant_invalid`, `sso_token_invalid`, `account_disabled` (without a front-end URL).',
  })
  async callback(
    @Ctx() ctx: RequestContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const outcome = await this.sso.callback(ctx, query, readCookie(request.headers.cookie, BINDING_COOKIE));
    reply.header('set-cookie', bindingCookie('', 0, false)).header('cache-control', 'no-store');
    if (outcome.location) await reply.code(302).header('location', outcome.location).send();
    else await reply.code(200).send({ loginCode: outcome.loginCode, expiresIn: outcome.expiresIn });
  }

  @Public()
  @NoStore()
  @Post('exchange')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange the single-use login code from the callback for the usual token pair.' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    description: '`sso_code_invalid` (unknown, used, expired or wrong verifier), `account_disabled`.',
  })
  async exchange(@Ctx() ctx: RequestContext, @Body() body: ExchangeDto): Promise<TokenResponseDto> {
    return toTokenResponse(await this.sso.exchange(ctx, body.code, body.verifier));
  }
}

/** `Secure` whenever the callback is served over https. */
function bindingCookie(value: string, maxAge: number, secure: boolean): string {
  return `${BINDING_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
