import type { AppConfig } from '#libs/config';

/** "15 minutes", "1 hour", "14 days": a lifetime in seconds as people say it. */
export function describeDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${name}${count === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

/**
 * The text at the top of Swagger UI: how an administrator gets a token there (sign in, two factors,
 * Authorize), how long it lasts with this configuration, refresh and API keys.
 */
export function apiDescription(config: AppConfig): string {
  const { auth } = config;
  const access = describeDuration(auth.accessTokenTtlSeconds);
  return [
    'Share face-fusion ONNX models across a studio safely: identity, organizations, permissions, versioned ' +
      'model registry with export control, fusion jobs, and a tamper-evident audit trail. Errors are ' +
      'application/problem+json (RFC 9457) with a stable `code`.',
    '',
    '## Getting a token in this page',
    '1. Open **auth → `POST /api/v1/auth/login`**, click **Try it out**, enter `email` and `password` (drop ' +
      '`totp` and `recoveryCode` until two-factor is on) and **Execute**. The first start of a new installation ' +
      'creates `admin@fusiongate.local` and shows its one-time password once.',
    '2. Copy `accessToken` from the response, click **Authorize** (top right), paste it into **bearer** ' +
      '(without the word `Bearer`) and click **Authorize**. Every **Try it out** now sends it.',
    '3. **Two factors.** Organization admins (and every role an organization lists in `mfaRequiredRoles`) need ' +
      'a token signed in with a TOTP code (`403 mfa_required` otherwise). Once per account: ' +
      '`POST /api/v1/auth/mfa/setup`, then `GET /api/v1/auth/mfa/setup/qr.png` shows the QR code to scan with an ' +
      'authenticator app; confirm a code with `POST /api/v1/auth/mfa/enable` and keep the ten recovery codes. ' +
      'Then sign in again with `totp` (a code works once: wait for the next one) and **Authorize** with the new token.',
    '',
    '## How long it lasts',
    `- Access tokens last **${access}** (\`expiresIn\`, in seconds; AUTH_ACCESS_TOKEN_TTL_SECONDS). ` +
      'After that, calls answer `401 token_expired`.',
    `- \`POST /api/v1/auth/refresh\` with \`refreshToken\` answers a new pair; each refresh token works once and ` +
      `for ${describeDuration(auth.refreshTokenTtlSeconds)} (AUTH_REFRESH_TOKEN_TTL_SECONDS); a session ends after ` +
      `${describeDuration(auth.sessionMaxAgeSeconds)} at the latest (AUTH_SESSION_MAX_AGE_SECONDS). ` +
      'Authorize again with the new access token.',
    `- Sensitive actions need a sign-in or \`POST /api/v1/auth/step-up\` within the last ` +
      `${describeDuration(auth.stepUpSeconds)} (\`401 step_up_required\`).`,
    '',
    '## API keys',
    'Scripts and services use an organization API key instead of a person’s token: an organization admin creates ' +
      'one with `POST /api/v1/orgs/{orgId}/api-keys` (the key is shown once) with a subset of permissions. Send it ' +
      'as `X-API-Key: fgk_…` (here: **Authorize → api-key**). Routes marked with the api-key lock accept it.',
  ].join('\n');
}
