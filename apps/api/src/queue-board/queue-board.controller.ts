import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Ctx, PlatformAdmin, RequestContext } from '#libs/common';
import { BEARER_SCHEME } from '../swagger.js';
import { QueueBoard } from './queue-board.service.js';

export class QueueBoardSessionDto {
  @ApiProperty({ example: '/admin/queues/', description: 'Open this address in the same browser.' })
  url!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

@ApiTags('operations')
@ApiBearerAuth(BEARER_SCHEME)
@Controller('admin/queue-board')
export class QueueBoardController {
  constructor(private readonly board: QueueBoard) {}

  @Post('session')
  @HttpCode(200)
  @PlatformAdmin()
  @ApiOperation({
    summary:
      'Open the queue board (platform administrators): sets a 15-minute HttpOnly, SameSite=Strict cookie scoped to /admin/queues.',
  })
  @ApiOkResponse({ type: QueueBoardSessionDto })
  @ApiUnauthorizedResponse({ description: '`token_missing`, `session_required` (API keys cannot open it).' })
  @ApiForbiddenResponse({ description: '`platform_admin_required`.' })
  async open(
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<QueueBoardSessionDto> {
    const { cookie, ...session } = await this.board.open(ctx, reply.request.protocol === 'https');
    void reply.header('set-cookie', cookie);
    return session;
  }
}
