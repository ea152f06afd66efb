import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayContains,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsVisibleText } from '#libs/common';
import type { OidcProviderEntity } from '#libs/sso';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const CLAIM = /^[A-Za-z0-9_:./-]{1,200}$/;
/** RFC 7636 code verifier / S256 challenge alphabet and lengths. */
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export class AuthorizeQueryDto {
  @ApiPropertyOptional({
    description:
      "The front-end's own PKCE challenge, base64url(SHA-256(verifier)): the login code it receives then only works with that verifier.",
  })
  @IsOptional()
  @Matches(PKCE_CHALLENGE, { message: 'challenge must be base64url(SHA-256(verifier)), 43 characters' })
  challenge?: string;

  @ApiPropertyOptional({
    description:
      'true: the provider must authenticate the person again (prompt=login), e.g. to step up before a sensitive action.',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  reauth?: 'true' | 'false';
}

export class ExchangeDto {
  @ApiProperty({ description: 'The single-use login code the callback put in the front-end URL (`#code=`).' })
  @IsString()
  @Length(1, 128)
  code: string;

  @ApiPropertyOptional({ description: 'The PKCE verifier, when `authorize` was given a `challenge`.' })
  @IsOptional()
  @Matches(PKCE_VERIFIER, { message: 'verifier must be 43-128 characters of A-Z a-z 0-9 . _ ~ -' })
  verifier?: string;
}

export class LoginCodeResponseDto {
  @ApiProperty({ description: 'Single-use code for `POST /auth/oidc/exchange`.' })
  loginCode: string;

  @ApiProperty({ description: 'Seconds the code stays valid.', example: 60 })
  expiresIn: number;
}

export class RoleMappingDto {
  @ApiPropertyOptional({
    description:
      "Claim to read (dots reach nested claims, e.g. `realm_access.roles`). Default: the provider's groupsClaim.",
    example: 'groups',
  })
  @IsOptional()
  @Matches(CLAIM, { message: 'claim must be a claim name' })
  claim?: string;

  @ApiProperty({ example: '/vfx-leads', description: 'Value (e.g. a group) the claim must hold.' })
  @IsString()
  @Length(1, 500)
  value: string;

  @ApiProperty({ example: 'admin', description: 'Role name in the organization.' })
  @IsString()
  @Length(1, 100)
  role: string;
}

class ProviderFieldsDto {
  @ApiPropertyOptional({ example: 'Northlight Keycloak' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name?: string;

  @ApiPropertyOptional({ example: 'https://id.northlight.example/realms/northlight' })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2000)
  issuer?: string;

  @ApiPropertyOptional({ example: 'fusiongate' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  clientId?: string;

  @ApiPropertyOptional({
    nullable: true,
    format: 'password',
    description: 'Write-only: stored encrypted and never returned. null: a public client.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  clientSecret?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['openid', 'email', 'profile'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayContains(['openid'], { message: 'scopes must include openid' })
  @Matches(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/, { each: true, message: 'each scope must be a scope token' })
  scopes?: string[];

  @ApiPropertyOptional({ example: 'email' })
  @IsOptional()
  @Matches(CLAIM, { message: 'emailClaim must be a claim name' })
  emailClaim?: string;

  @ApiPropertyOptional({ example: 'name' })
  @IsOptional()
  @Matches(CLAIM, { message: 'nameClaim must be a claim name' })
  nameClaim?: string;

  @ApiPropertyOptional({ example: 'groups' })
  @IsOptional()
  @Matches(CLAIM, { message: 'groupsClaim must be a claim name' })
  groupsClaim?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['northlight.example'],
    description: 'Email domains this provider may create or link accounts for (at least one).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(DOMAIN, { each: true, message: 'each allowed domain must be a domain name' })
  allowedDomains?: string[];

  @ApiPropertyOptional({
    type: [RoleMappingDto],
    description: 'Applied at every sign-in, first match wins; then defaultRole; no role ends the membership.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RoleMappingDto)
  roleMappings?: RoleMappingDto[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'guest',
    description: 'Role when no mapping matches (null: none).',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  defaultRole?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['mfa'], description: '`amr` values meaning the provider did MFA.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  mfaAmrValues?: string[];

  @ApiPropertyOptional({ type: [String], example: [], description: '`acr` values meaning the provider did MFA.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  mfaAcrValues?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateSsoProviderDto extends ProviderFieldsDto {
  @ApiProperty({ example: 'northlight', description: 'Unique; the {provider} of /auth/oidc/{provider}/authorize.' })
  @Matches(SLUG, { message: 'slug must be lower-case letters, digits and "-" (max 63)' })
  declare slug: string;

  @ApiProperty({ example: 'Northlight Keycloak' })
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  declare name: string;

  @ApiProperty({ example: 'https://id.northlight.example/realms/northlight' })
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2000)
  declare issuer: string;

  @ApiProperty({ example: 'fusiongate' })
  @IsString()
  @Length(1, 500)
  declare clientId: string;

  @ApiProperty({ type: [String], example: ['northlight.example'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(DOMAIN, { each: true, message: 'each allowed domain must be a domain name' })
  declare allowedDomains: string[];
}

export class UpdateSsoProviderDto extends ProviderFieldsDto {
  @ApiPropertyOptional({ example: 'northlight' })
  @IsOptional()
  @Matches(SLUG, { message: 'slug must be lower-case letters, digits and "-" (max 63)' })
  slug?: string;
}

export class SsoProviderResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty() issuer: string;
  @ApiProperty() clientId: string;
  @ApiProperty({ description: 'Whether a client secret is stored (it is never returned).' }) clientSecretSet: boolean;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty() emailClaim: string;
  @ApiProperty() nameClaim: string;
  @ApiProperty() groupsClaim: string;
  @ApiProperty({ type: [String] }) allowedDomains: string[];
  @ApiProperty({ type: [RoleMappingDto] }) roleMappings: RoleMappingDto[];
  @ApiProperty({ nullable: true, type: String }) defaultRole: string | null;
  @ApiProperty({ type: [String] }) mfaAmrValues: string[];
  @ApiProperty({ type: [String] }) mfaAcrValues: string[];
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'Where a browser starts signing in with this provider.' }) authorizePath: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class SsoProviderListDto {
  @ApiProperty({ type: [SsoProviderResponseDto] }) items: SsoProviderResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

export function toSsoProviderResponse(p: OidcProviderEntity): SsoProviderResponseDto {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecretSet: Boolean(p.clientSecretEnc),
    scopes: p.scopes,
    emailClaim: p.emailClaim,
    nameClaim: p.nameClaim,
    groupsClaim: p.groupsClaim,
    allowedDomains: p.allowedDomains,
    roleMappings: p.roleMappings,
    defaultRole: p.defaultRole,
    mfaAmrValues: p.mfaAmrValues,
    mfaAcrValues: p.mfaAcrValues,
    enabled: p.enabled,
    authorizePath: `/api/v1/auth/oidc/${p.slug}/authorize`,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
