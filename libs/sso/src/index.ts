/**
 * Single sign-on with OpenID Connect.
 *
 * - {@link SsoLoginService}: authorize → callback → exchange (authorization code + PKCE, state and
 *   nonce kept server-side, single-use login code for the front-end), account linking and
 *   just-in-time creation for verified emails, role mapping at every sign-in, MFA from `amr`/`acr`.
 * - {@link SsoProviderService}: an organization's own providers (`org:manage`), secrets sealed.
 */
export * from './directory.js';
export * from './oidc-clients.js';
export * from './oidc-provider.entity.js';
export * from './sso-login.service.js';
export * from './sso-provider.service.js';
export * from './sso.module.js';
export * from './user-identity.entity.js';
