import { Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { ServiceUnavailableError } from '#libs/common';
import { AppConfig } from '#libs/config';

/** A provider's client as openid-client needs it. */
export interface ClientSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Changes whenever the settings do (slug + update time), so an edited provider is rediscovered. */
  cacheKey: string;
}

/** Discovered metadata and keys are kept this long before being fetched again. */
const CACHE_MS = 3600_000;
const DISCOVERY_TIMEOUT_SECONDS = 10;

/**
 * openid-client configurations, one per provider: discovery (`/.well-known/openid-configuration`)
 * runs once and is cached, with the JWKS openid-client keeps inside the configuration.
 */
@Injectable()
export class OidcClients {
  private readonly logger = new Logger('OidcClients');
  private readonly cache = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  constructor(private readonly appConfig: AppConfig) {}

  /** The configuration of a provider, discovering it when needed; 503 `sso_provider_unavailable` when that fails. */
  async configuration(settings: ClientSettings): Promise<oidc.Configuration> {
    const hit = this.cache.get(settings.cacheKey);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.config;
    // Entries of edited or removed providers are dropped once stale, so the map stays small.
    for (const [key, entry] of this.cache) if (Date.now() - entry.at >= CACHE_MS) this.cache.delete(key);
    const config = this.discover(settings);
    this.cache.set(settings.cacheKey, { at: Date.now(), config });
    config.catch(() => this.cache.delete(settings.cacheKey));
    return config;
  }

  /** Whether an issuer URL may be used at all: https, or http where `OIDC_ALLOW_HTTP` allows it. */
  issuerAllowed(issuer: string): boolean {
    try {
      const { protocol } = new URL(issuer);
      return protocol === 'https:' || (protocol === 'http:' && this.appConfig.oidc.allowHttp);
    } catch {
      return false;
    }
  }

  private async discover(settings: ClientSettings): Promise<oidc.Configuration> {
    try {
      return await oidc.discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
        {
          timeout: DISCOVERY_TIMEOUT_SECONDS,
          execute: this.appConfig.oidc.allowHttp ? [oidc.allowInsecureRequests] : [],
        },
      );
    } catch (error) {
      this.logger.warn({ issuer: settings.issuer, error: (error as Error).message }, 'OIDC discovery failed');
      throw new ServiceUnavailableError({
        code: 'sso_provider_unavailable',
        detail: 'The identity provider could not be reached or did not describe itself; try again later.',
        retryAfterSeconds: 30,
      });
    }
  }
}
