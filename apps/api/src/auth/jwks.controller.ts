import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SigningKeyService } from '#libs/auth';
import { Public } from '#libs/common';

@ApiTags('auth')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Public keys that verify access tokens (RFC 7517), retired keys included until their tokens expire.',
  })
  @ApiOkResponse({ description: 'A JWK set of Ed25519 keys.' })
  jwks() {
    return this.keys.jwks();
  }
}
