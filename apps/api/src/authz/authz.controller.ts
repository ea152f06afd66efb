import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, ReadSafe, RequestContext } from '#libs/common';
import { AuthzService } from '#libs/policies';
import {
  AuthzCheckDto,
  AuthzCheckResponseDto,
  AuthzExplainDto,
  AuthzExplainResponseDto,
  toExplainResponse,
} from './authz.dto.js';
import { Allow } from '../auth/allow.decorator.js';

@ApiTags('authorization')
@ApiNotFoundResponse({ description: '`organization_not_found`.' })
@Controller('orgs/:orgId/authz')
export class AuthzController {
  constructor(private readonly authz: AuthzService) {}

  @Post('check')
  @HttpCode(200)
  @ReadSafe()
  @Allow({ apiKey: true })
  @ApiOperation({ summary: 'May I? A batch of {action, resource}, each answered allowed or not.' })
  @ApiOkResponse({ type: AuthzCheckResponseDto })
  async check(@Ctx() ctx: RequestContext, @Body() body: AuthzCheckDto): Promise<AuthzCheckResponseDto> {
    const allowed = await this.authz.check(ctx, body.checks);
    return { results: body.checks.map((c, i) => ({ action: c.action, resource: c.resource, allowed: allowed[i] })) };
  }

  @Post('explain')
  @HttpCode(200)
  @ReadSafe()
  @Allow({ apiKey: true, forbidden: '`policy:manage` to explain for another member or other facts.' })
  @ApiOperation({ summary: 'Why: the rules (role, grant or policy ids) that allow or deny one decision.' })
  @ApiOkResponse({ type: AuthzExplainResponseDto })
  async explain(@Ctx() ctx: RequestContext, @Body() body: AuthzExplainDto): Promise<AuthzExplainResponseDto> {
    return toExplainResponse(await this.authz.explain(ctx, body));
  }
}
