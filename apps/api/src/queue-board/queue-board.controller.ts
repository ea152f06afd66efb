import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Ctx, RequestContext } from '#libs/common';
import { QueueBoard } from './queue-board.service.js';
import { Allow } from '../auth/allow.decorator.js';

export class QueueBoardSessionDto {
  @ApiProperty({ example: '/admin/queues/', description: 'Open this address in the same browser.' })
  url!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

@ApiTags('operations')
@Controller('admin/queue-board')
export class QueueBoardController {
  constructor(private readonly board: QueueBoard) {}

  @Post('session')
  @HttpCode(200)
  @Allow({
    admin: true,
    unauthorized: '`token_missing`, `session_required` (API keys cannot open it).',
    forbidden: '`platform_admin_required`.',
  })
  @ApiOperation({
    summary:
      'Open the queue board (platform administrators): sets a 15-minute HttpOnly, SameSite=Strict cookie scoped to /admin/queues.',
  })
  @ApiOkResponse({ type: QueueBoardSessionDto })
  async open(
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<QueueBoardSessionDto> {
    const { cookie, ...session } = await this.board.open(ctx, reply.request.protocol === 'https');
    void reply.header('set-cookie', cookie);
    return session;
  }
}
