import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SessionService } from '#libs/auth';
import { Ctx, isUuid, NotFoundError, RequestContext } from '#libs/common';
import {
  RevokeAllSessionsDto,
  SessionListQueryDto,
  SessionPageDto,
  SessionsRevokedResponseDto,
  toSessionPage,
} from './auth.dto.js';
import { Allow } from './allow.decorator.js';

/** The signed-in user's own sessions: where they are signed in, and signing out elsewhere. */
@ApiTags('auth')
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionService) {}

  @Allow()
  @Get()
  @ApiOperation({ summary: 'My live sessions, newest first: device (user agent), address, created, last used.' })
  @ApiOkResponse({ type: SessionPageDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: SessionListQueryDto): Promise<SessionPageDto> {
    return toSessionPage(ctx, await this.sessions.listOwn(ctx, query));
  }

  @Allow()
  @Post('revoke-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign out everywhere: every session of mine, except this one unless keepCurrent is false.' })
  @ApiOkResponse({ type: SessionsRevokedResponseDto })
  async revokeAll(@Ctx() ctx: RequestContext, @Body() body: RevokeAllSessionsDto): Promise<SessionsRevokedResponseDto> {
    return { revokedSessions: await this.sessions.revokeAllOwn(ctx, body.keepCurrent ?? true) };
  }

  @Allow()
  @Delete(':sessionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out one of my sessions (this one too); its tokens stop working at once.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: '`session_not_found`: unknown, ended, or not mine.' })
  async revoke(@Ctx() ctx: RequestContext, @Param('sessionId') sessionId: string): Promise<void> {
    if (!isUuid(sessionId)) throw new NotFoundError({ code: 'session_not_found', detail: 'No such session.' });
    await this.sessions.revokeOwn(ctx, sessionId);
  }
}
