/**
 * Generated from openapi.json by `npm run openapi` (openapi-typescript). Do not edit.
 */

export interface paths {
  '/.well-known/jwks.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Public keys that verify access tokens (RFC 7517), retired keys included until their tokens expire. */
    get: operations['getJwks'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/queue-board/session': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Open the queue board (platform administrators): sets a 15-minute HttpOnly, SameSite=Strict cookie scoped to /admin/queues. */
    post: operations['openQueueBoardSession'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign in with email, password and (when enabled) a TOTP or recovery code. */
    post: operations['login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End the current session (its refresh tokens stop working at once). */
    post: operations['logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who am I: the signed-in user, or the API key in use. */
    get: operations['getCurrentPrincipal'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/mfa/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Turn two-factor off; needs a current TOTP or recovery code and a recent step-up. */
    post: operations['disableMfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/mfa/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Turn two-factor on by confirming a code from the new secret; answers ten recovery codes, shown once.
     * @description The current access token still does not carry the second factor: sign in again with `totp` (`signInAgain` in the answer) and Authorize with the new token before using routes that need it.
     */
    post: operations['enableMfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/mfa/recovery-codes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Replace the recovery codes (a current TOTP code required); the old ones stop working. */
    post: operations['regenerateRecoveryCodes'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/mfa/setup': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start two-factor enrolment: a TOTP secret, its otpauth URL and QR code.
     * @description Scan the QR code with an authenticator app: in Swagger UI, run `GET /api/v1/auth/mfa/setup/qr.png` (`qrCodeUrl`), which shows it as an image; or type `secret` in by hand. Then confirm a code with `POST /api/v1/auth/mfa/enable`. A new setup replaces a pending one.
     */
    post: operations['setUpMfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/mfa/setup/qr.png': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The QR code of my pending two-factor enrolment, as a PNG to scan with an authenticator app.
     * @description Swagger UI shows the image under "Response body". Call `POST /api/v1/auth/mfa/setup` first.
     */
    get: operations['getMfaSetupQrCode'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/{provider}/authorize': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Start signing in with an identity provider: 302 to the provider (state, nonce and PKCE kept server-side). */
    get: operations['startSsoLogin'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Where the provider sends the browser back. Redirects to OIDC_FRONTEND_URL with '#code=<login code>' (or '#error=<code>').
     * @description Without OIDC_FRONTEND_URL, answers the login code as JSON instead. Never puts a token in a URL.
     */
    get: operations['completeSsoLogin'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/exchange': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Exchange the single-use login code from the callback for the usual token pair. */
    post: operations['exchangeSsoCode'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Change the password (current one required); signs out every other session. */
    post: operations['changePassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password/forgot': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mail a single-use reset link; the same answer whether or not the email has an account. */
    post: operations['requestPasswordReset'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password/reset': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Set a new password with an emailed token; signs out every session of the account. */
    post: operations['resetPassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Exchange a refresh token for a new pair; the old one stops working. */
    post: operations['refreshTokens'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** My live sessions, newest first: device (user agent), address, created, last used. */
    get: operations['listSessions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/sessions/{sessionId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Sign out one of my sessions (this one too); its tokens stop working at once. */
    delete: operations['revokeSession'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/sessions/revoke-all': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign out everywhere: every session of mine, except this one unless keepCurrent is false. */
    post: operations['revokeAllSessions'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/step-up': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Prove a factor again so this session may do sensitive actions for AUTH_STEP_UP_MINUTES.
     * @description With two-factor on send `code` (TOTP or recovery code); without it send `password`. Signing in counts as a step-up too. API keys cannot step up.
     */
    post: operations['stepUp'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/invitations/accept': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Accept an invitation sent to my email address. */
    post: operations['acceptInvitation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/invitations/register': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create my account from an invitation (no account yet): account, membership and a session. */
    post: operations['registerWithInvitation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Organizations I belong to. */
    get: operations['listOrganizations'];
    put?: never;
    /** Create an organization (platform administrators); the creator becomes its admin. */
    post: operations['createOrganization'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One organization I belong to. */
    get: operations['getOrganization'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Change the name and settings (IP ranges, MFA-required roles, quotas, retention). */
    patch: operations['updateOrganization'];
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/alerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Security alerts raised for the organization, newest first */
    get: operations['listAlerts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/api-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** API keys of the organization (secrets are never shown again). */
    get: operations['listApiKeys'];
    put?: never;
    /** Create a key with a subset of your own permissions, optionally for one project. */
    post: operations['createApiKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/api-keys/{keyId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke a key; it stops working at once. */
    delete: operations['revokeApiKey'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Audit events of the organization, newest first, filtered and paginated */
    get: operations['listAuditEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/audit/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stream the audit trail as JSON Lines or CSV (oldest first); the export is itself audited */
    get: operations['exportAuditEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/audit/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Recompute the organization’s hash chain and report the first broken or missing event */
    get: operations['verifyAuditChain'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/authz/check': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** May I? A batch of {action, resource}, each answered allowed or not. */
    post: operations['checkAuthorization'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/authz/explain': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Why: the rules (role, grant or policy ids) that allow or deny one decision. */
    post: operations['explainAuthorization'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/invitations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Invitations not yet accepted or revoked (expired ones included), newest first. */
    get: operations['listInvitations'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/invitations/{invitationId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke an invitation; its token stops working at once. */
    delete: operations['revokeInvitation'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/invitations/{invitationId}/resend': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send again with a new token and expiry; the previous token stops working. */
    post: operations['resendInvitation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Jobs you may see: your own, your projects’ (project members), or all with job:read-all; newest first. */
    get: operations['listJobs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/jobs/{jobId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One job: status, queue position, progress, models, result or error. */
    get: operations['getJob'];
    put?: never;
    post?: never;
    /**
     * Cancel: a queued job never starts; a running one stops at its next stage boundary.
     * @description Your own jobs (job:create), or any with job:read-all. The answer shows `cancelRequested`.
     */
    delete: operations['cancelJob'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/jobs/{jobId}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Server-Sent Events: `state` (the job) on connect and on each status change, `progress` per stage (stage, percent, face i/n; for a video: frames done/total, fps, etaSeconds); the stream ends after the final state. */
    get: operations['streamJobEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/jobs/{jobId}/result': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Download the watermarked result image, streamed, with its SHA-256 in X-Content-SHA256. */
    get: operations['downloadJobResult'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/members': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Members of the organization with their roles. */
    get: operations['listMembers'];
    put?: never;
    /** Add an existing user by email, or invite the email (mailed; without mail, the token is shown once). */
    post: operations['addMember'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/members/{userId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove a member (effective on their next request). */
    delete: operations['removeMember'];
    options?: never;
    head?: never;
    /** Change a member's role or expiry (effective on their next request). */
    patch: operations['updateMember'];
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the models you may see (filtered by your roles, grants and policies). */
    get: operations['listModels'];
    put?: never;
    /** Register a model (metadata; upload weights as versions). */
    post: operations['createModel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/models/{modelId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One model. */
    get: operations['getModel'];
    put?: never;
    post?: never;
    /** Delete a model and its versions; with a production version, pass ?confirm=<slug>. */
    delete: operations['deleteModel'];
    options?: never;
    head?: never;
    /** Change metadata; `exportOverride` is for administrators (org:manage). */
    patch: operations['updateModel'];
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/models/{modelId}/fuse': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Submit a fusion: put the face of the source image(s) onto the target image with this swapper model, or run this face/frame enhancer on the target alone.
     * @description multipart/form-data with one or more `source` images (their face embeddings are averaged; only with a face_swapper step), one `target` image and optional `options` (JSON: faceSelector all|one|largest|reference, faceSelectorOrder left-right|right-left|top-bottom|bottom-top|small-large|large-small|best-worst|worst-best, referenceFaceIndex, detectorAngles (subset of 0, 90, 180, 270), detector / landmarker / recognizer {modelId, version|stage} — default: the organization’s production model of that kind —, detectorScore, outputFormat jpeg|png|webp, outputQuality (default 80), faceMask {types box|occlusion|region, blur 0–1, padding [top,right,bottom,left] %, regions, occluder / parser {modelId, version|stage}} for the swapper’s paste-back, the path model’s version|stage, and `processors`: an ordered list as FaceFusion’s --processors, each "face_swapper" | "face_enhancer" | "frame_enhancer" or {processor, modelId?, version|stage?, blend? 0–100 (default 80), weight? 0–1 (CodeFormer, default 0.5)}; default: the path model’s processor alone; the gender / age / race filters need a face classifier model and are refused). Needs job:create and model:infer on every model used (model:test for staging versions). Answers 202 with the queued job and its Location; follow `links.events` (Server-Sent Events) and download `links.result`.
     */
    post: operations['submitFusion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/models/{modelId}/grants': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Per-model grants of this model. */
    get: operations['listModelGrants'];
    put?: never;
    /** Grant a user, role or project some of view/infer/test/edit/export/delete/grant. */
    post: operations['createModelGrant'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/models/{modelId}/grants/{grantId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke a grant. */
    delete: operations['deleteModelGrant'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/models/{modelId}/versions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Versions of a model, newest first. */
    get: operations['listModelVersions'];
    put?: never;
    /**
     * Upload a version: the raw ONNX file as the request body (application/octet-stream), streamed.
     * @description The artifact is hashed while it streams, validated (ONNX structure, no external data, standard operator domains, the I/O signature of the model family) and stored once per content. A refused artifact still takes a version number, recorded as `rejected` with its reason.
     */
    post: operations['uploadModelVersion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/models/{modelId}/versions/{version}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One version, with its I/O signature, opset, size and digest. */
    get: operations['getModelVersion'];
    put?: never;
    post?: never;
    /** Delete a version (not the production one). */
    delete: operations['deleteModelVersion'];
    options?: never;
    head?: never;
    /** Change the stage (draft → staging → production → archived); promoting archives the current production. */
    patch: operations['changeModelVersionStage'];
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/models/{modelId}/versions/{version}/artifact': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Export (download) the weights, streamed, with their SHA-256 in X-Content-SHA256 and Repr-Digest.
     * @description Needs model:export on the model (and model:test for staging), a licence allowing it or an administrator's override, and stays within the per-user export rate limit. Audited.
     */
    get: operations['downloadModelVersionArtifact'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/policies': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** ABAC policies of the organization. */
    get: operations['listPolicies'];
    put?: never;
    /** Add an allow or deny rule (effective on every instance within a second). */
    post: operations['createPolicy'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/policies/{policyId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One policy. */
    get: operations['getPolicy'];
    put?: never;
    post?: never;
    /** Delete a policy. */
    delete: operations['deletePolicy'];
    options?: never;
    head?: never;
    /** Change a policy. */
    patch: operations['updatePolicy'];
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/projects': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Projects I can see (mine; all of them with project:manage). */
    get: operations['listProjects'];
    put?: never;
    /** Create a project. */
    post: operations['createProject'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/projects/{projectId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One project. */
    get: operations['getProject'];
    put?: never;
    post?: never;
    /** Delete a project and its member list. */
    delete: operations['deleteProject'];
    options?: never;
    head?: never;
    /** Rename or describe a project. */
    patch: operations['updateProject'];
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/projects/{projectId}/members': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Members of a project and their project roles. */
    get: operations['listProjectMembers'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/projects/{projectId}/members/{userId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Add an organization member to the project or change their project role. */
    put: operations['setProjectMember'];
    post?: never;
    /** Remove someone from the project. */
    delete: operations['removeProjectMember'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/roles': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Roles of the organization and their permissions. */
    get: operations['listRoles'];
    put?: never;
    /** Create a custom role with any subset of the permissions you hold. */
    post: operations['createRole'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/roles/{roleId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Delete a custom role nobody holds. */
    delete: operations['deleteRole'];
    options?: never;
    head?: never;
    /** Change a role; its members get the change on their next request. */
    patch: operations['updateRole'];
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/sso/providers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's identity providers (client secrets are never returned). */
    get: operations['listSsoProviders'];
    put?: never;
    /** Add an OpenID Connect provider; its issuer must answer discovery. Audited. */
    post: operations['createSsoProvider'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/sso/providers/{providerId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One identity provider. */
    get: operations['getSsoProvider'];
    put?: never;
    post?: never;
    /** Remove a provider; identities linked through it are removed, accounts stay. Audited. */
    delete: operations['removeSsoProvider'];
    options?: never;
    head?: never;
    /** Change a provider (mappings apply at each member’s next sign-in). Audited. */
    patch: operations['updateSsoProvider'];
    trace?: never;
  };
  '/api/v1/orgs/{orgId}/watermark/detect': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Whether an image carries a fusiongate watermark and, for this organization’s jobs, which job made it.
     * @description multipart/form-data with one `image`: a JPEG, PNG or WebP image, or an MP4, MOV, WebM or Matroska video (five frames spread over it are read; the payload most of them carry is the answer). Audited as `watermark.detected`.
     */
    post: operations['detectWatermark'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Accounts, newest first: search email or name, filter by status; last sign-in shown. */
    get: operations['listUsers'];
    put?: never;
    /** Create an account without a password, with a single-use link to set it (mailed, or returned without mail). */
    post: operations['createUser'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{userId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One account. */
    get: operations['getUser'];
    put?: never;
    post?: never;
    /** Erase the person (GDPR art. 17): personal data, sessions, API keys, memberships, invitations; the audit trail keeps a pseudonymous id and stays verifiable. */
    delete: operations['eraseUser'];
    options?: never;
    head?: never;
    /** Disable or enable, set or clear the expiry, grant or withdraw platform admin. */
    patch: operations['updateUser'];
    trace?: never;
  };
  '/api/v1/users/{userId}/mfa/reset': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Turn off the account’s MFA (lost authenticator): its sessions end, the user is notified and enrols again. */
    post: operations['resetUserMfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{userId}/sessions/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End every session of the account: its next request answers 401. */
    post: operations['revokeUserSessions'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process is up (for orchestrators). */
    get: operations['getLiveness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: PostgreSQL and Redis answer (for load balancers). */
    get: operations['getReadiness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    AcceptInvitation: {
      /** @description The token sent with the invitation. */
      token: string;
    };
    AcceptInvitationResponse: {
      /** Format: uuid */
      organizationId: string;
      /** @description `mfa_enrolment_required`: the role requires two factors; nothing else in the organization works until you enrol (`/auth/mfa/setup`, `/auth/mfa/enable`) and sign in with a code. */
      requiredActions: components['schemas']['RequiredAction'][];
      role: components['schemas']['RoleRef'];
    };
    AccountSetupLink: {
      /** @description `email`: the set-up link was mailed; `email_failed`: the SMTP server refused it; `token`: no mail is configured, hand `token` to the person (they choose their password at `POST /auth/password/reset`). */
      delivery: components['schemas']['InvitationDelivery'];
      /** Format: date-time */
      expiresAt: string;
      /** @description Only without mail (`delivery: token`); shown once. */
      token?: string;
    };
    /** @enum {string} */
    AccountStatus: 'active' | 'disabled';
    /** @enum {string} */
    ActorType: 'user' | 'api_key' | 'system' | 'anonymous';
    AddMember: {
      /** @example artist@studio.example */
      email: string;
      /**
       * Format: date-time
       * @description Membership expiry (interns, contractors).
       */
      expiresAt?: string | null;
      /**
       * @description Role name or id.
       * @example developer
       */
      role: string;
    };
    AddMemberResponse: {
      invitation?: components['schemas']['InvitationResponse'];
      member?: components['schemas']['MemberResponse'];
      status: components['schemas']['AddMemberStatus'];
    };
    /** @enum {string} */
    AddMemberStatus: 'added' | 'invited';
    AlertPageResponse: {
      items: components['schemas']['AlertResponse'][];
      nextCursor: string | null;
    };
    AlertResponse: {
      actorId: string | null;
      /** Format: date-time */
      createdAt: string;
      details: {
        [key: string]: unknown;
      };
      /**
       * Format: uuid
       * @description The event that raised the alert.
       */
      eventId: string | null;
      /** Format: uuid */
      id: string;
      rule: components['schemas']['AlertRule'];
      severity: components['schemas']['AlertSeverity'];
      /** @description Actor or IP address the rule counted. */
      subject: string | null;
      summary: string;
    };
    /** @enum {string} */
    AlertRule:
      | 'bulk_export'
      | 'denial_burst'
      | 'login_failures_many_accounts'
      | 'off_hours_access'
      | 'deny_policy_removed'
      | 'audit_checkpoints_missing';
    /** @enum {string} */
    AlertSeverity: 'low' | 'medium' | 'high';
    ApiKeyList: {
      items: components['schemas']['ApiKeyResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    ApiKeyResponse: {
      /** Format: date-time */
      createdAt: string;
      /** Format: uuid */
      createdBy: string | null;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: uuid */
      id: string;
      /** Format: date-time */
      lastUsedAt: string | null;
      name: string;
      permissions: components['schemas']['Permission'][];
      /** @description Public part of the key, to tell keys apart. */
      prefix: string;
      /** Format: uuid */
      projectId: string | null;
      /** Format: date-time */
      revokedAt: string | null;
    };
    AuditActor: {
      id: string;
      label: string | null;
      type: components['schemas']['ActorType'];
      /** Format: uuid */
      userId: string | null;
    };
    /** @enum {string} */
    AuditChainProblem:
      | 'missing'
      | 'hash_mismatch'
      | 'prev_hash_mismatch'
      | 'unexpected_event'
      | 'checkpoint_mismatch'
      | 'checkpoint_signature_invalid'
      | 'head_mismatch'
      | 'checkpoint_missing'
      | 'checkpoint_overdue'
      | 'chain_missing'
      | 'anchor_mismatch';
    AuditEventResponse: {
      /** @example model.update */
      action: string;
      actor: components['schemas']['AuditActor'];
      details: {
        [key: string]: unknown;
      };
      /** @description SHA-256 over this event’s canonical content and prevHash (hex); null until linked. */
      hash: string | null;
      /** Format: uuid */
      id: string;
      ip: string | null;
      /** Format: date-time */
      occurredAt: string;
      outcome: components['schemas']['AuditOutcome'];
      /** @description SHA-256 of the previous event (hex); null until linked. */
      prevHash: string | null;
      requestId: string | null;
      resourceId: string | null;
      resourceType: string | null;
      /** @description Position in the organization’s chain, from 1; null until the event is linked (right after it commits). */
      seq: number | null;
      userAgent: string | null;
    };
    /** @enum {string} */
    AuditExportFormat: 'jsonl' | 'csv';
    /** @enum {string} */
    AuditOutcome: 'allowed' | 'denied' | 'failed';
    AuditPageResponse: {
      items: components['schemas']['AuditEventResponse'][];
      nextCursor: string | null;
    };
    /** @enum {string} */
    AuthzAction:
      'read' | 'create' | 'edit' | 'delete' | 'infer' | 'test' | 'export' | 'grant' | 'cancel' | 'read-all' | 'manage';
    AuthzCheck: {
      checks: components['schemas']['AuthzQuery'][];
    };
    AuthzCheckResponse: {
      results: components['schemas']['AuthzCheckResult'][];
    };
    AuthzCheckResult: {
      action: components['schemas']['AuthzAction'];
      allowed: boolean;
      resource: components['schemas']['AuthzResource'];
    };
    AuthzExplain: {
      action: components['schemas']['AuthzAction'];
      /**
       * Format: date-time
       * @description Pretend it is this instant (needs policy:manage).
       */
      at?: string;
      /** @description Pretend the request came from this address (needs policy:manage). */
      ip?: string;
      /** @description Pretend MFA was (not) used (needs policy:manage). */
      mfa?: boolean;
      resource: components['schemas']['AuthzResource'];
      /**
       * Format: uuid
       * @description Explain for this member (needs policy:manage).
       */
      userId?: string;
    };
    AuthzExplainResponse: {
      allowed: boolean;
      /** @description The highest-priority matching rule. */
      decidedBy: components['schemas']['ExplainedRule'] | null;
      matched: components['schemas']['ExplainedRule'][];
      /** @description Grants and policies whose IP, time or MFA conditions do not hold now. */
      notInForce: components['schemas']['RuleSource'][];
    };
    AuthzQuery: {
      action: components['schemas']['AuthzAction'];
      resource: components['schemas']['AuthzResource'];
    };
    AuthzResource: {
      /** @description A resource id; without it the question is “on some resource of this type”. */
      id?: string;
      type: components['schemas']['AuthzSubjectType'];
    };
    /** @enum {string} */
    AuthzSubjectType:
      | 'Model'
      | 'ModelVersion'
      | 'Job'
      | 'Project'
      | 'Role'
      | 'Member'
      | 'Policy'
      | 'ApiKey'
      | 'AuditEvent'
      | 'Organization';
    ChangePassword: {
      /** Format: password */
      currentPassword: string;
      /**
       * Format: password
       * @description At least 12 characters, not a common password.
       */
      newPassword: string;
    };
    ChangeStage: {
      stage: components['schemas']['ModelStage'];
    };
    CreateAccount: {
      /**
       * @description Defaults to the part of the email before @.
       * @example Ada Lovelace
       */
      displayName?: string;
      /** @example ada@studio.example */
      email: string;
      /**
       * Format: date-time
       * @description Account expiry.
       */
      expiresAt?: string | null;
      /** @default false */
      isPlatformAdmin: boolean;
    };
    CreateApiKey: {
      /** Format: date-time */
      expiresAt?: string | null;
      /** @example compositing pipeline */
      name: string;
      /** @description Never more than you hold yourself. */
      permissions: components['schemas']['Permission'][];
      /**
       * Format: uuid
       * @description Limit the key to one project’s models and jobs.
       */
      projectId?: string | null;
    };
    CreatedAccount: {
      /** Format: date-time */
      createdAt: string;
      displayName: string;
      email: string;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: uuid */
      id: string;
      isPlatformAdmin: boolean;
      setup: components['schemas']['AccountSetupLink'];
    };
    CreatedApiKeyResponse: {
      /** Format: date-time */
      createdAt: string;
      /** Format: uuid */
      createdBy: string | null;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: uuid */
      id: string;
      /** Format: date-time */
      lastUsedAt: string | null;
      name: string;
      permissions: components['schemas']['Permission'][];
      /** @description Public part of the key, to tell keys apart. */
      prefix: string;
      /** Format: uuid */
      projectId: string | null;
      /** Format: date-time */
      revokedAt: string | null;
      /** @description The key itself (send as X-API-Key). Shown once. */
      secret: string;
    };
    CreateGrant: {
      /** @description Conditions: sourceIp (CIDR list), time window, mfa, stages, labels (see the policies docs). */
      conditions?: {
        [key: string]: unknown;
      };
      /** Format: date-time */
      expiresAt?: string | null;
      /**
       * @example [
       *       "view",
       *       "infer"
       *     ]
       */
      permissions: components['schemas']['GrantAction'][];
      /** Format: uuid */
      principalId: string;
      principalType: components['schemas']['GrantPrincipalType'];
    };
    CreateModel: {
      description?: string;
      /** @description How the pipeline uses the model; must fit the kind. */
      family: components['schemas']['ModelFamily'];
      kind: components['schemas']['ModelKind'];
      /**
       * @example [
       *       "swap",
       *       "research"
       *     ]
       */
      labels?: string[];
      /** @example non-commercial research only */
      licence?: string;
      /** @example InSwapper 128 */
      name: string;
      /** Format: uuid */
      projectId?: string | null;
      /** @description Whether the licence lets the weights be exported. Default false. */
      redistributionAllowed?: boolean;
      /**
       * @description Unique in the organization: a-z, 0-9 and "-".
       * @example inswapper-128
       */
      slug: string;
    };
    CreateOrganization: {
      /** @example Northlight VFX */
      name: string;
      /**
       * @description Unique: a-z, 0-9 and "-".
       * @example northlight
       */
      slug: string;
    };
    CreatePolicy: {
      /**
       * @description Permissions, `subject:*` or `*`.
       * @example [
       *       "model:*"
       *     ]
       */
      actions: string[];
      /**
       * @description { sourceIp?: { in?: CIDR[], notIn?: CIDR[] }, time?: { within?: Window[], outside?: Window[] } (Window = { days: 1..7[], from: "HH:MM", to: "HH:MM", timezone: IANA }), mfa?: boolean, modelIds?: uuid[], projectIds?: uuid[], stages?: ("draft"|"staging"|"production"|"archived")[], labels?: string[] }
       * @example {
       *       "sourceIp": {
       *         "notIn": [
       *           "10.0.0.0/8"
       *         ]
       *       }
       *     }
       */
      conditions?: Record<string, never>;
      description?: string;
      /** @description A matching deny always wins over any allow. */
      effect: components['schemas']['PolicyEffect'];
      /** @default true */
      enabled: boolean;
      /** @example ff-pro only from the studio network */
      name: string;
      /**
       * @description { all?: true, roles?: uuid[], users?: uuid[], projects?: uuid[], exceptRoles?: uuid[], exceptUsers?: uuid[] }
       * @example {
       *       "all": true
       *     }
       */
      principals: Record<string, never>;
    };
    CreateProject: {
      description?: string;
      /** @example Feature film: Tidewater */
      name: string;
      /** @example tidewater */
      slug: string;
    };
    CreateRole: {
      description?: string;
      /** @example lookdev */
      name: string;
      permissions: components['schemas']['Permission'][];
    };
    CreateSsoProvider: {
      /**
       * @description Email domains this provider may create or link accounts for (at least one).
       * @example [
       *       "northlight.example"
       *     ]
       */
      allowedDomains?: string[];
      /** @example fusiongate */
      clientId?: string;
      /**
       * Format: password
       * @description Write-only: stored encrypted and never returned. null: a public client.
       */
      clientSecret?: Record<string, never> | null;
      /**
       * @description Role when no mapping matches (null: none).
       * @example guest
       */
      defaultRole?: string | null;
      /** @example email */
      emailClaim?: string;
      /** @default true */
      enabled: boolean;
      /** @example groups */
      groupsClaim?: string;
      /** @example https://id.northlight.example/realms/northlight */
      issuer?: string;
      /**
       * @description `acr` values meaning the provider did MFA.
       * @example []
       */
      mfaAcrValues?: string[];
      /**
       * @description `amr` values meaning the provider did MFA.
       * @example [
       *       "mfa"
       *     ]
       */
      mfaAmrValues?: string[];
      /** @example Northlight Keycloak */
      name?: string;
      /** @example name */
      nameClaim?: string;
      /** @description Applied at every sign-in, first match wins; then defaultRole; no role ends the membership. */
      roleMappings?: components['schemas']['RoleMapping'][];
      /**
       * @example [
       *       "openid",
       *       "email",
       *       "profile"
       *     ]
       */
      scopes?: string[];
      /**
       * @description Unique; the {provider} of /auth/oidc/{provider}/authorize.
       * @example northlight
       */
      slug: string;
    };
    ErasureResponse: {
      apiKeys: number;
      /** @description Actor labels removed from the audit trail. */
      auditLabels: number;
      /** @description Audit events whose personal values were removed. */
      auditPersonalValues: number;
      /** @description Older audit events redacted in place (recorded in their chain). */
      auditRedactedEvents: number;
      /**
       * Format: uuid
       * @description The pseudonymous id that stays in the audit trail.
       */
      id: string;
      /** @description Rows of other tables that belonged to the account (memberships, factors, ...). */
      ownedRows: number;
      sessions: number;
      status: components['schemas']['ErasureStatus'];
    };
    /** @enum {string} */
    ErasureStatus: 'erased';
    Exchange: {
      /** @description The single-use login code the callback put in the front-end URL (`#code=`). */
      code: string;
      /** @description The PKCE verifier, when `authorize` was given a `challenge`. */
      verifier?: string;
    };
    /** @enum {string} */
    ExecutionProvider: 'cpu' | 'cuda';
    ExplainedRule: {
      conditions: Record<string, never> | null;
      effect: components['schemas']['PolicyEffect'];
      source: components['schemas']['RuleSource'];
    };
    FieldError: {
      /**
       * @description Dotted path of the field, e.g. `ioSignature.inputs.0.name`.
       * @example name
       */
      field: string;
      /** @example name must be shorter than or equal to 120 characters */
      message: string;
    };
    ForgotPassword: {
      /** @example ada@studio.example */
      email: string;
    };
    ForgotPasswordResponse: {
      /**
       * @description The same answer whether or not the email has an account.
       * @example If this email has an account, a reset link is on its way.
       */
      detail: string;
    };
    /** @enum {string} */
    GrantAction: 'view' | 'infer' | 'test' | 'edit' | 'export' | 'delete' | 'grant';
    GrantList: {
      items: components['schemas']['GrantResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    /** @enum {string} */
    GrantPrincipalType: 'user' | 'role' | 'project';
    GrantResponse: {
      conditions: {
        [key: string]: unknown;
      };
      /** Format: date-time */
      createdAt: string;
      /** Format: uuid */
      createdBy: string | null;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      modelId: string;
      permissions: components['schemas']['GrantAction'][];
      /** Format: uuid */
      principalId: string;
      principalType: components['schemas']['GrantPrincipalType'];
    };
    /** @enum {string} */
    ImageFormat: 'jpeg' | 'png' | 'webp' | 'mp4';
    /** @enum {string} */
    InvitationDelivery: 'email' | 'email_failed' | 'token';
    InvitationList: {
      items: components['schemas']['PendingInvitation'][];
      nextCursor: string | null;
    };
    InvitationResponse: {
      /** @description `email`: mailed to the invitee; `email_failed`: the SMTP server refused it (resend later); `token`: no mail is configured, hand `token` to the invitee. */
      delivery: components['schemas']['InvitationDelivery'];
      email: string;
      /** Format: date-time */
      expiresAt: string;
      /** Format: uuid */
      id: string;
      role: components['schemas']['RoleRef'];
      /** @description Only without mail (`delivery: token`); shown once. */
      token?: string;
    };
    /** @enum {string} */
    InvitationStatus: 'pending' | 'expired';
    IoSignature: {
      inputs: components['schemas']['TensorSignature'][];
      outputs: components['schemas']['TensorSignature'][];
    };
    JobError: {
      /** @example no_source_face */
      code: string;
      detail: string;
    };
    JobInput: {
      height: number;
      mediaType: string;
      role: components['schemas']['JobInputRole'];
      sha256: string;
      size: number;
      width: number;
    };
    /** @enum {string} */
    JobInputRole: 'source' | 'target';
    JobLinks: {
      events: string;
      result: string;
      self: string;
    };
    JobPage: {
      items: components['schemas']['JobResponse'][];
      nextCursor: string | null;
    };
    JobProgress: {
      /**
       * Format: double
       * @description 0..1
       */
      percent: number;
      stage: string;
    };
    JobResponse: {
      attempt: number;
      cancelRequested: boolean;
      /** Format: date-time */
      createdAt: string;
      error: components['schemas']['JobError'] | null;
      executionProvider: (string & components['schemas']['ExecutionProvider']) | null;
      /** @description Faces found in the target, and whether each was swapped. */
      faces: Record<string, never> | null;
      /** Format: date-time */
      finishedAt: string | null;
      /** Format: uuid */
      id: string;
      /** @description Digests only; the images are deleted when the job ends. */
      inputs: components['schemas']['JobInput'][];
      links: components['schemas']['JobLinks'];
      /** Format: uuid */
      modelId: string;
      /** @description Model version per pipeline role (swapper, detector, recognizer, landmarker, occluder, parser, faceEnhancer, frameEnhancer). */
      models: Record<string, never>;
      options: Record<string, never>;
      /** Format: uuid */
      ownerId: string;
      /** @description 1 + your organization’s queued jobs ahead of this one; 0 once started. */
      position: number;
      progress: components['schemas']['JobProgress'] | null;
      /** Format: uuid */
      projectId: string | null;
      result: components['schemas']['JobResult'] | null;
      /** Format: date-time */
      startedAt: string | null;
      status: components['schemas']['JobStatus'];
      /** @description Milliseconds per stage. */
      timings: Record<string, never> | null;
    };
    JobResult: {
      /** Format: date-time */
      expiresAt: string | null;
      format: components['schemas']['ImageFormat'];
      height: number;
      /** @description True once deleted by the result retention. */
      purged: boolean;
      sha256: string;
      size: number;
      /** @description Whether the image carries the job’s watermark (none below 512 px long side or 288 px short side). */
      watermark: components['schemas']['WatermarkState'];
      /** @description Why the image carries no watermark. */
      watermarkReason: string | null;
      width: number;
    };
    /** @enum {string} */
    JobStatus: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
    Login: {
      /** @example ada@studio.example */
      email: string;
      /**
       * Format: password
       * @description The account password.
       */
      password: string;
      /**
       * @description A recovery code instead of `totp` (each works once), when the authenticator is lost.
       * @example 7k2m-9qfa-x3hd-0bwe
       */
      recoveryCode?: string;
      /**
       * @description Current 6-digit TOTP code; required when two-factor is on.
       * @example 123456
       */
      totp?: string;
    };
    LoginCodeResponse: {
      /**
       * @description Seconds the code stays valid.
       * @example 60
       */
      expiresIn: number;
      /** @description Single-use code for `POST /auth/oidc/exchange`. */
      loginCode: string;
    };
    MemberList: {
      items: components['schemas']['MemberResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    MemberResponse: {
      /** Format: date-time */
      createdAt: string;
      displayName: string;
      email: string;
      /** Format: date-time */
      expiresAt: string | null;
      role: components['schemas']['RoleRef'];
      /** Format: uuid */
      userId: string;
    };
    MeResponse: {
      displayName?: string;
      email?: string;
      /** Format: date-time */
      expiresAt?: string | null;
      /** Format: uuid */
      id: string;
      isPlatformAdmin: boolean;
      /** Format: date-time */
      lastLoginAt?: string | null;
      /** @description This request was authenticated with a second factor. */
      mfa: boolean;
      /** @description Two-factor authentication is on for the account. */
      mfaEnabled: boolean;
      /**
       * Format: uuid
       * @description API keys: the organization the key belongs to.
       */
      organizationId?: string;
      /** @description API keys: the permissions the key is limited to. */
      permissions?: string[];
      /** @description Users with two-factor on: unused recovery codes left. */
      recoveryCodesRemaining?: number;
      status?: components['schemas']['AccountStatus'];
      /**
       * Format: date-time
       * @description Users: until when sensitive actions need no step-up (null: step up first).
       */
      stepUpExpiresAt?: string | null;
      type: components['schemas']['PrincipalType'];
    };
    MfaCode: {
      /**
       * @description Current 6-digit code from the authenticator app.
       * @example 123456
       */
      code: string;
    };
    MfaEnabledResponse: {
      /** @example Two-factor authentication is on. Store the recovery codes, then sign in again (POST /api/v1/auth/login with `totp`) and use the new access token (Swagger UI: Authorize): this one does not carry the second factor. */
      message: string;
      /**
       * @description Ten single-use recovery codes. Shown this once: store them somewhere safe.
       * @example [
       *       "7k2m-9qfa-x3hd-0bwe"
       *     ]
       */
      recoveryCodes: string[];
      /**
       * @description Always true: the token used here does not carry the second factor; sign in again with `totp` to get one that does.
       * @example true
       */
      signInAgain: boolean;
    };
    MfaSetupResponse: {
      /** @example otpauth://totp/fusiongate:ada%40studio.example?secret=...&issuer=fusiongate */
      otpauthUrl: string;
      /** @description QR code of `otpauthUrl` as a PNG data URL. */
      qrCodeDataUrl: string;
      /**
       * @description The same QR code as an image (`GET`, with the same bearer token): Swagger UI displays it.
       * @example /api/v1/auth/mfa/setup/qr.png
       */
      qrCodeUrl: string;
      /** @description Base32 TOTP secret, for manual entry. */
      secret: string;
    };
    /** @enum {string} */
    ModelFamily:
      | 'yoloface'
      | 'scrfd'
      | 'retinaface'
      | 'yunet'
      | 'ultraface'
      | '2dfan4'
      | 'arcface'
      | 'inswapper'
      | 'hyperswap'
      | 'gfpgan'
      | 'gpen_bfr'
      | 'restoreformer'
      | 'codeformer'
      | 'real_esrgan'
      | 'xseg'
      | 'bisenet';
    /** @enum {string} */
    ModelKind:
      | 'face_detector'
      | 'face_landmarker'
      | 'face_recognizer'
      | 'face_swapper'
      | 'face_enhancer'
      | 'frame_enhancer'
      | 'face_occluder'
      | 'face_parser';
    ModelPage: {
      items: components['schemas']['ModelResponse'][];
      nextCursor: string | null;
    };
    ModelResponse: {
      /** Format: date-time */
      createdAt: string;
      description: string;
      exportOverride: boolean;
      family: components['schemas']['ModelFamily'];
      /** Format: uuid */
      id: string;
      kind: components['schemas']['ModelKind'];
      labels: string[];
      licence: string;
      name: string;
      /** Format: uuid */
      organizationId: string;
      /** Format: uuid */
      ownerId: string | null;
      /** Format: uuid */
      projectId: string | null;
      redistributionAllowed: boolean;
      slug: string;
      /** Format: date-time */
      updatedAt: string;
    };
    /** @enum {string} */
    ModelStage: 'draft' | 'staging' | 'production' | 'archived';
    ModelVersionList: {
      items: components['schemas']['ModelVersionResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    ModelVersionResponse: {
      /** Format: date-time */
      createdAt: string;
      /** Format: uuid */
      createdBy: string | null;
      /** Format: uuid */
      id: string;
      ioSignature: components['schemas']['IoSignature'] | null;
      /** Format: uuid */
      modelId: string;
      notes: string;
      opset: number | null;
      /** @example onnx_external_data */
      rejectionCode: string | null;
      rejectionReason: string | null;
      /** @description Lower-case hex SHA-256 of the artifact. */
      sha256: string;
      sizeBytes: number;
      stage: components['schemas']['ModelStage'];
      status: components['schemas']['ModelVersionStatus'];
      /** Format: date-time */
      updatedAt: string;
      /** @example 3 */
      version: number;
    };
    /** @enum {string} */
    ModelVersionStatus: 'ready' | 'rejected';
    OrganizationList: {
      items: components['schemas']['OrganizationResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    OrganizationResponse: {
      allowedIpRanges: string[];
      auditRetentionDays: number;
      concurrentJobLimit: number | null;
      /** Format: date-time */
      createdAt: string;
      dailyInferenceQuota: number | null;
      /** Format: uuid */
      id: string;
      memberDailyInferenceQuota: number | null;
      mfaRequiredRoles: string[];
      name: string;
      requireUploadDigest: boolean;
      resultRetentionDays: number;
      slug: string;
      ssoRequired: boolean;
      timezone: string;
      videoMaxDurationSeconds: number;
      videoMaxFrameCount: number;
      videoMaxFrameRate: number;
      videoMaxLongSide: number;
      videoMaxShortSide: number;
    };
    PasswordChangedResponse: {
      /** @description How many other sessions were signed out. */
      revokedSessions: number;
    };
    /** @enum {string} */
    PasswordTokenPurpose: 'reset' | 'setup';
    PendingInvitation: {
      /** Format: date-time */
      createdAt: string;
      email: string;
      /** Format: date-time */
      expiresAt: string;
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      invitedBy: string | null;
      role: components['schemas']['RoleRef'];
      /**
       * Format: date-time
       * @description Last mailed (null: not mailed).
       */
      sentAt: string | null;
      /** @description Expired invitations can be resent. */
      status: components['schemas']['InvitationStatus'];
    };
    /** @enum {string} */
    Permission:
      | 'model:read'
      | 'model:create'
      | 'model:edit'
      | 'model:delete'
      | 'model:infer'
      | 'model:test'
      | 'model:export'
      | 'model:grant'
      | 'job:create'
      | 'job:read'
      | 'job:read-all'
      | 'user:manage'
      | 'role:manage'
      | 'policy:manage'
      | 'project:manage'
      | 'apikey:manage'
      | 'audit:read'
      | 'audit:export'
      | 'org:manage';
    /** @enum {string} */
    PolicyEffect: 'allow' | 'deny';
    PolicyList: {
      items: components['schemas']['PolicyResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    PolicyResponse: {
      actions: string[];
      /** @description { sourceIp?: { in?: CIDR[], notIn?: CIDR[] }, time?: { within?: Window[], outside?: Window[] } (Window = { days: 1..7[], from: "HH:MM", to: "HH:MM", timezone: IANA }), mfa?: boolean, modelIds?: uuid[], projectIds?: uuid[], stages?: ("draft"|"staging"|"production"|"archived")[], labels?: string[] } */
      conditions: Record<string, never>;
      /** Format: date-time */
      createdAt: string;
      description: string;
      effect: components['schemas']['PolicyEffect'];
      enabled: boolean;
      /** Format: uuid */
      id: string;
      name: string;
      /** @description { all?: true, roles?: uuid[], users?: uuid[], projects?: uuid[], exceptRoles?: uuid[], exceptUsers?: uuid[] } */
      principals: Record<string, never>;
      /** Format: date-time */
      updatedAt: string;
    };
    /** @enum {string} */
    PrincipalType: 'user' | 'api_key';
    /** @description An error (RFC 9457). `code` is stable and machine-readable; `detail` is for people and may change. */
    Problem: {
      /**
       * @description Stable machine-readable code, e.g. `model_not_found` or the missing permission `model:export`.
       * @example validation_failed
       */
      code: string;
      /** @example name must be shorter than or equal to 120 characters */
      detail: string;
      /** @description With `validation_failed`: one entry per invalid field. */
      errors?: components['schemas']['FieldError'][];
      /** @description The `X-Request-Id` of the request; quote it when reporting. */
      requestId?: string;
      /** @description With 429 and 503: seconds to wait (also sent as `Retry-After`). */
      retryAfter?: number;
      /** @example 400 */
      status: number;
      /**
       * @description The HTTP status in words.
       * @example Bad Request
       */
      title: string;
      /**
       * @description `urn:fusiongate:problem:<code>`.
       * @example urn:fusiongate:problem:validation_failed
       */
      type: string;
    } & {
      [key: string]: unknown;
    };
    ProjectList: {
      items: components['schemas']['ProjectResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    ProjectMemberList: {
      items: components['schemas']['ProjectMemberResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    ProjectMemberResponse: {
      /** Format: date-time */
      createdAt: string;
      email: string;
      role: components['schemas']['ProjectRoleRef'];
      /** Format: uuid */
      userId: string;
    };
    ProjectResponse: {
      /** Format: date-time */
      createdAt: string;
      description: string;
      /** Format: uuid */
      id: string;
      name: string;
      slug: string;
    };
    ProjectRoleRef: {
      /** Format: uuid */
      id: string;
      name: string;
    };
    QueueBoardSession: {
      /** Format: date-time */
      expiresAt: string;
      /**
       * @description Open this address in the same browser.
       * @example /admin/queues/
       */
      url: string;
    };
    RecoveryCodesResponse: {
      /**
       * @description Ten single-use recovery codes. Shown this once: store them somewhere safe.
       * @example [
       *       "7k2m-9qfa-x3hd-0bwe"
       *     ]
       */
      recoveryCodes: string[];
    };
    Refresh: {
      /** @description The refresh token from login or the previous refresh (single use). */
      refreshToken: string;
    };
    Register: {
      /** @example Ada Lovelace */
      displayName: string;
      /**
       * Format: password
       * @description At least 12 characters, not a common password.
       */
      password: string;
      /** @description The token from the invitation (the `token` of its link). */
      token: string;
    };
    RegistrationResponse: {
      /** @description EdDSA-signed JWT to send as `Authorization: Bearer ...`. */
      accessToken: string;
      /**
       * @description Seconds until the access token expires.
       * @example 900
       */
      expiresIn: number;
      /** Format: uuid */
      organizationId: string;
      /** @description After a recovery-code sign-in: how many unused codes are left. */
      recoveryCodesRemaining?: number;
      /** @description Opaque, single-use token for `POST /auth/refresh`. */
      refreshToken: string;
      /** @description `mfa_enrolment_required`: the role requires two factors; nothing else in the organization works until you enrol (`/auth/mfa/setup`, `/auth/mfa/enable`) and sign in with a code. */
      requiredActions: components['schemas']['RequiredAction'][];
      role: components['schemas']['RoleRef'];
      /** @example Bearer */
      tokenType: string;
      /** Format: uuid */
      userId: string;
    };
    /** @enum {string} */
    RequiredAction: 'mfa_enrolment_required';
    ResetPassword: {
      /**
       * Format: password
       * @description At least 12 characters, not a common password.
       */
      password: string;
      /** @description The token of the emailed link (reset, or first password of a new account). */
      token: string;
    };
    ResetPasswordResponse: {
      /** @description `setup`: the first password of a new account. */
      purpose: components['schemas']['PasswordTokenPurpose'];
      /** @description Sessions of the account that were signed out. */
      revokedSessions: number;
    };
    RevokeAllSessions: {
      /**
       * @description Keep the session making this request signed in.
       * @default true
       */
      keepCurrent: boolean;
    };
    RevokedSessionsResponse: {
      /** @description Sessions ended by this request. */
      revokedSessions: number;
    };
    RoleList: {
      items: components['schemas']['RoleResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    RoleMapping: {
      /**
       * @description Claim to read (dots reach nested claims, e.g. `realm_access.roles`). Default: the provider's groupsClaim.
       * @example groups
       */
      claim?: string;
      /**
       * @description Role name in the organization.
       * @example admin
       */
      role: string;
      /**
       * @description Value (e.g. a group) the claim must hold.
       * @example /vfx-leads
       */
      value: string;
    };
    RoleRef: {
      /** Format: uuid */
      id: string;
      name: string;
    };
    RoleResponse: {
      builtIn: boolean;
      description: string;
      /** Format: uuid */
      id: string;
      name: string;
      permissions: components['schemas']['Permission'][];
    };
    RuleSource: {
      /** @description Role, grant or policy id. */
      id: string;
      kind: components['schemas']['RuleSourceKind'];
      name?: string;
    };
    /** @enum {string} */
    RuleSourceKind: 'membership' | 'role' | 'project-role' | 'grant' | 'policy';
    SecondFactorCode: {
      /**
       * @description Current 6-digit code from the authenticator app, or an unused recovery code.
       * @example 123456
       */
      code: string;
    };
    SessionPage: {
      items: components['schemas']['SessionResponse'][];
      nextCursor: string | null;
    };
    SessionResponse: {
      /** Format: date-time */
      createdAt: string;
      /** @description The session making this request. */
      current: boolean;
      /**
       * Format: date-time
       * @description The session ends then at the latest.
       */
      expiresAt: string;
      /** Format: uuid */
      id: string;
      /** @description Address the session signed in from. */
      ip: string | null;
      /**
       * Format: date-time
       * @description Last request or refresh (updated at most once a minute).
       */
      lastUsedAt: string;
      /** @description Signed in with a second factor. */
      mfa: boolean;
      /** @description User agent of the device that signed in. */
      userAgent: string | null;
    };
    SessionsRevokedResponse: {
      /** @description How many sessions were signed out. */
      revokedSessions: number;
    };
    SetProjectMember: {
      /**
       * @description Role name or id; applies to the project’s models only.
       * @example developer
       */
      role: string;
    };
    SsoProviderList: {
      items: components['schemas']['SsoProviderResponse'][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    SsoProviderResponse: {
      allowedDomains: string[];
      /** @description Where a browser starts signing in with this provider. */
      authorizePath: string;
      clientId: string;
      /** @description Whether a client secret is stored (it is never returned). */
      clientSecretSet: boolean;
      /** Format: date-time */
      createdAt: string;
      defaultRole: string | null;
      emailClaim: string;
      enabled: boolean;
      groupsClaim: string;
      /** Format: uuid */
      id: string;
      issuer: string;
      mfaAcrValues: string[];
      mfaAmrValues: string[];
      name: string;
      nameClaim: string;
      roleMappings: components['schemas']['RoleMapping'][];
      scopes: string[];
      slug: string;
      /** Format: date-time */
      updatedAt: string;
    };
    StepUp: {
      /**
       * @description Accounts with two-factor on: a current TOTP code or an unused recovery code.
       * @example 123456
       */
      code?: string;
      /**
       * Format: password
       * @description Accounts without two-factor: the password.
       */
      password?: string;
    };
    /** @enum {string} */
    StepUpFactor: 'totp' | 'recovery_code' | 'password';
    StepUpResponse: {
      factor: components['schemas']['StepUpFactor'];
      /** @description After a recovery code: how many unused codes are left. */
      recoveryCodesRemaining?: number;
      /**
       * Format: date-time
       * @description Sensitive actions are allowed in this session until then.
       */
      stepUpExpiresAt: string;
    };
    TensorSignature: {
      /**
       * @description Fixed sizes, or the name of a symbolic dimension (null when unnamed).
       * @example [
       *       1,
       *       3,
       *       128,
       *       128
       *     ]
       */
      dims: (number | string)[];
      name: string;
      /** @example float */
      type: string;
    };
    TokenResponse: {
      /** @description EdDSA-signed JWT to send as `Authorization: Bearer ...`. */
      accessToken: string;
      /**
       * @description Seconds until the access token expires.
       * @example 900
       */
      expiresIn: number;
      /** @description After a recovery-code sign-in: how many unused codes are left. */
      recoveryCodesRemaining?: number;
      /** @description Opaque, single-use token for `POST /auth/refresh`. */
      refreshToken: string;
      /** @example Bearer */
      tokenType: string;
    };
    UpdateMember: {
      /** Format: date-time */
      expiresAt?: string | null;
      /**
       * @description Role name or id.
       * @example tester
       */
      role?: string;
    };
    UpdateModel: {
      description?: string;
      /** @description Administrators only (org:manage): allow export despite the licence. */
      exportOverride?: boolean;
      labels?: string[];
      licence?: string;
      name?: string;
      redistributionAllowed?: boolean;
    };
    UpdateOrganization: {
      /**
       * @description Empty: from anywhere.
       * @example [
       *       "10.0.0.0/8",
       *       "2001:db8::/32"
       *     ]
       */
      allowedIpRanges?: string[];
      auditRetentionDays?: number;
      concurrentJobLimit?: number | null;
      dailyInferenceQuota?: number | null;
      /** @description Fusion jobs one member may submit per day (null: no per-member cap). */
      memberDailyInferenceQuota?: number | null;
      /**
       * @description Role names whose members must use MFA.
       * @example [
       *       "admin"
       *     ]
       */
      mfaRequiredRoles?: string[];
      name?: string;
      /** @description Refuse model uploads that do not declare their SHA-256 in X-Content-SHA256 (428 `content_digest_required`). */
      requireUploadDigest?: boolean;
      /** @description Days a fusion result stays downloadable. */
      resultRetentionDays?: number;
      /** @description Members who have a single sign-on identity for this organization must sign in through it: a password sign-in answers 403 `sso_required`. */
      ssoRequired?: boolean;
      /**
       * @description IANA timezone in which a quota day starts.
       * @example Europe/Paris
       */
      timezone?: string;
      /** @description Longest video target accepted, in seconds (default 600). */
      videoMaxDurationSeconds?: number;
      /** @description Most frames a video target may have (default 36000). */
      videoMaxFrameCount?: number;
      /** @description Highest video frame rate accepted, in frames per second (default 60). */
      videoMaxFrameRate?: number;
      /** @description Longest side of a video frame accepted, upright, in pixels (default 3840). */
      videoMaxLongSide?: number;
      /** @description Shortest side of a video frame accepted, upright, in pixels (default 2160). */
      videoMaxShortSide?: number;
    };
    UpdatePolicy: {
      actions?: string[];
      /** @description { sourceIp?: { in?: CIDR[], notIn?: CIDR[] }, time?: { within?: Window[], outside?: Window[] } (Window = { days: 1..7[], from: "HH:MM", to: "HH:MM", timezone: IANA }), mfa?: boolean, modelIds?: uuid[], projectIds?: uuid[], stages?: ("draft"|"staging"|"production"|"archived")[], labels?: string[] } */
      conditions?: Record<string, never>;
      description?: string;
      effect?: components['schemas']['PolicyEffect'];
      enabled?: boolean;
      name?: string;
      /** @description { all?: true, roles?: uuid[], users?: uuid[], projects?: uuid[], exceptRoles?: uuid[], exceptUsers?: uuid[] } */
      principals?: Record<string, never>;
    };
    UpdateProject: {
      description?: string;
      name?: string;
      slug?: string;
    };
    UpdateRole: {
      description?: string;
      name?: string;
      permissions?: components['schemas']['Permission'][];
    };
    UpdateSsoProvider: {
      /**
       * @description Email domains this provider may create or link accounts for (at least one).
       * @example [
       *       "northlight.example"
       *     ]
       */
      allowedDomains?: string[];
      /** @example fusiongate */
      clientId?: string;
      /**
       * Format: password
       * @description Write-only: stored encrypted and never returned. null: a public client.
       */
      clientSecret?: Record<string, never> | null;
      /**
       * @description Role when no mapping matches (null: none).
       * @example guest
       */
      defaultRole?: string | null;
      /** @example email */
      emailClaim?: string;
      /** @default true */
      enabled: boolean;
      /** @example groups */
      groupsClaim?: string;
      /** @example https://id.northlight.example/realms/northlight */
      issuer?: string;
      /**
       * @description `acr` values meaning the provider did MFA.
       * @example []
       */
      mfaAcrValues?: string[];
      /**
       * @description `amr` values meaning the provider did MFA.
       * @example [
       *       "mfa"
       *     ]
       */
      mfaAmrValues?: string[];
      /** @example Northlight Keycloak */
      name?: string;
      /** @example name */
      nameClaim?: string;
      /** @description Applied at every sign-in, first match wins; then defaultRole; no role ends the membership. */
      roleMappings?: components['schemas']['RoleMapping'][];
      /**
       * @example [
       *       "openid",
       *       "email",
       *       "profile"
       *     ]
       */
      scopes?: string[];
      /** @example northlight */
      slug?: string;
    };
    UpdateUser: {
      /** @description Why the account is disabled (with `status: disabled`). */
      disabledReason?: string;
      /**
       * Format: date-time
       * @description The account stops working at this instant (contractors, interns); null clears it.
       */
      expiresAt?: string | null;
      /** @description Platform administrator (accounts and organizations of the installation). */
      isPlatformAdmin?: boolean;
      /** @description Disabling ends every session at once. */
      status?: components['schemas']['AccountStatus'];
    };
    UserPage: {
      items: components['schemas']['UserResponse'][];
      nextCursor: string | null;
    };
    UserResponse: {
      /** Format: date-time */
      createdAt: string;
      disabledReason: string | null;
      /** @description Null once the account is erased. */
      displayName: string | null;
      /** @description Null once the account is erased. */
      email: string | null;
      /** Format: date-time */
      erasedAt: string | null;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: uuid */
      id: string;
      isPlatformAdmin: boolean;
      /** Format: date-time */
      lastLoginAt: string | null;
      mfaEnabled: boolean;
      status: components['schemas']['UserStatus'];
      /** @description Active, not expired: the account may sign in now. */
      usable: boolean;
    };
    /** @enum {string} */
    UserStatus: 'active' | 'disabled' | 'erased';
    VerifyResponse: {
      checkedEvents: number;
      /** @description Signed checkpoints checked. */
      checkpoints: number;
      detail: string;
      /** @description The first broken or missing sequence number. */
      firstBrokenSeq: number | null;
      firstSeq: number | null;
      lastSeq: number | null;
      ok: boolean;
      /** @description Events committed but not yet linked into the chain: not checked yet, and no break. */
      pending: number;
      problem: (string & components['schemas']['AuditChainProblem']) | null;
      /** @description Events up to here were removed by retention. */
      prunedThroughSeq: number | null;
    };
    WatermarkDetection: {
      /**
       * Format: double
       * @description 0..1 agreement of the decoded signal.
       */
      confidence: number | null;
      /** @description The job that made it, when that job belongs to this organization. */
      job: components['schemas']['WatermarkJob'] | null;
      /** @description For a video: how many sampled frames were read and how many carry the payload found. */
      video?: components['schemas']['WatermarkVideo'];
      /** @description Whether the image carries a fusiongate watermark. */
      watermarked: boolean;
    };
    WatermarkJob: {
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      finishedAt: string | null;
      /** Format: uuid */
      jobId: string;
      /** Format: uuid */
      modelId: string;
      modelVersion: number;
      /** Format: uuid */
      userId: string;
    };
    /** @enum {string} */
    WatermarkState: 'embedded' | 'none';
    WatermarkVideo: {
      /** @description Frames sampled evenly over the video. */
      framesChecked: number;
      /** @description Sampled frames carrying the payload found. */
      framesMarked: number;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: {
    /** @description The representation’s entity tag: send it back as `If-None-Match` (GET) or `If-Match` (writes). */
    ETag: string;
    /** @description Path of the created resource. */
    Location: string;
    /** @description What is left of it, e.g. `"model-export";r=2;t=1800`. */
    RateLimit: string;
    /** @description The quota that applies, e.g. `"model-export";q=3;w=3600` (draft-ietf-httpapi-ratelimit-headers). */
    RateLimitPolicy: string;
    /** @description Seconds to wait before trying again. */
    RetryAfter: number;
    /** @description `Bearer realm="fusiongate"`, with `error="invalid_token"` when a sent token was refused. */
    WWWAuthenticate: string;
    /** @description Lower-case hex SHA-256 of the body; check it after downloading. */
    XContentSha256: string;
    /** @description The request id (yours from `X-Request-Id` when it is well-formed, else a new one); quote it. */
    XRequestId: string;
  };
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  getJwks: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A JWK set of Ed25519 keys. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  openQueueBoardSession: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QueueBoardSession'];
        };
      };
      /** @description `token_missing`, `session_required` (API keys cannot open it). */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['Login'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenResponse'];
        };
      };
      /** @description `second_factor_ambiguous`: both `totp` and `recoveryCode`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `credentials_invalid`, `mfa_required`, `account_disabled`. */
      401: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `account_locked` or `too_many_attempts`, with Retry-After. */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getCurrentPrincipal: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MeResponse'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  disableMfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SecondFactorCode'];
      };
    };
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. `step_up_unavailable`: API keys cannot step up. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `mfa_not_enabled`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `account_locked` or `too_many_attempts`: too many wrong codes, with Retry-After. */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  enableMfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['MfaCode'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MfaEnabledResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `credentials_invalid`: wrong or reused code. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `account_locked` or `too_many_attempts`: too many wrong codes, with Retry-After. */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  regenerateRecoveryCodes: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['MfaCode'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecoveryCodesResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `credentials_invalid`: wrong or reused code. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `mfa_not_enabled`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `account_locked` or `too_many_attempts`: too many wrong codes, with Retry-After. */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  setUpMfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MfaSetupResponse'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `mfa_already_enabled`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getMfaSetupQrCode: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The QR code of the `otpauthUrl` that the last setup answered. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'image/png': Blob;
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `mfa_setup_required` (no pending enrolment), `mfa_already_enabled`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  startSsoLogin: {
    parameters: {
      query?: {
        /** @description The front-end's own PKCE challenge, base64url(SHA-256(verifier)): the login code it receives then only works with that verifier. */
        challenge?: string;
        /** @description true: the provider must authenticate the person again (prompt=login), e.g. to step up before a sensitive action. */
        reauth?: string;
      };
      header?: never;
      path: {
        provider: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Location: the provider. Sets the `fg_sso` browser-binding cookie. */
      302: {
        headers: {
          /** @description Where the browser goes next. */
          Location?: string;
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_provider_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `too_many_attempts`. */
      429: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_provider_unavailable`, `sso_not_configured`. `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  completeSsoLogin: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LoginCodeResponse'];
        };
      };
      /** @description Location: the front-end, with the login code or an error code in the fragment. */
      302: {
        headers: {
          /** @description Where the browser goes next. */
          Location?: string;
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `sso_state_invalid`: unknown, used or expired state, or another browser. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_denied`, `sso_grant_invalid`, `sso_token_invalid`, `account_disabled` (without a front-end URL). */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  exchangeSsoCode: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['Exchange'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_code_invalid` (unknown, used, expired or wrong verifier), `account_disabled`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  changePassword: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ChangePassword'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PasswordChangedResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description A limit applies (`code` says which); wait for `Retry-After`. */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  requestPasswordReset: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ForgotPassword'];
      };
    };
    responses: {
      /** @description Accepted. */
      202: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ForgotPasswordResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `too_many_attempts` (this address asked too often). */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  resetPassword: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ResetPassword'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ResetPasswordResponse'];
        };
      };
      /** @description `password_token_invalid`, `password_weak`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `password_token_used`, `password_token_expired`. */
      410: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `too_many_attempts` (unknown tokens from this address). */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  refreshTokens: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['Refresh'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_invalid` (unknown, expired, revoked or reused), `account_disabled`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listSessions: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionPage'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  revokeSession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `session_not_found`: unknown, ended, or not mine. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  revokeAllSessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RevokeAllSessions'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionsRevokedResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  stepUp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['StepUp'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StepUpResponse'];
        };
      };
      /** @description `step_up_code_required`, `step_up_password_required`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `credentials_invalid`: wrong, used or replayed code, or wrong password. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `account_locked` or `too_many_attempts`, with Retry-After. */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  acceptInvitation: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AcceptInvitation'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AcceptInvitationResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `api_key_not_allowed`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `invitation_not_found` (unknown, used, revoked, expired or for another email). */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description A limit applies (`code` says which); wait for `Retry-After`. */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  registerWithInvitation: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['Register'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RegistrationResponse'];
        };
      };
      /** @description `password_weak`, `validation_failed`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `invitation_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `account_exists`: sign in and use /invitations/accept. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `invitation_used`, `invitation_revoked`, `invitation_expired`. */
      410: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `too_many_attempts` (unknown tokens from this address). */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listOrganizations: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OrganizationList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createOrganization: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "name": "Northlight Studio",
         *       "slug": "northlight"
         *     }
         */
        'application/json': components['schemas']['CreateOrganization'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          Location: components['headers']['Location'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OrganizationResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required`: platform administrators only. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `slug_taken`.
       *
       *     `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.
       */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getOrganization: {
    parameters: {
      query?: never;
      header?: {
        /** @description GET: the ETag you hold; 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OrganizationResponse'];
        };
      };
      /** @description Not modified (GET with a current `If-None-Match`). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not allowed: `code` names the missing permission, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateOrganization: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateOrganization'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OrganizationResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `org:manage`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `ip_lockout` when the ranges would exclude your own address. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listAlerts: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AlertPageResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `audit:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listApiKeys: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKeyList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `apikey:manage`, or a permission you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `api_key_not_found`, `project_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createApiKey: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateApiKey'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedApiKeyResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `apikey:manage`, or a permission you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `api_key_not_found`, `project_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  revokeApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        keyId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `apikey:manage`, or a permission you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `api_key_not_found`, `project_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listAuditEvents: {
    parameters: {
      query?: {
        /** @description Exact action, or a prefix ending in `.*`. */
        action?: string;
        /** @description Actor id (user id, API key id or system name). */
        actorId?: string;
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        /** @description Events at or after this instant (ISO 8601). */
        from?: string;
        limit?: number;
        outcome?: components['schemas']['AuditOutcome'];
        resourceId?: string;
        resourceType?: string;
        /** @description Events before this instant (ISO 8601). */
        to?: string;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditPageResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `audit:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  exportAuditEvents: {
    parameters: {
      query?: {
        /** @description Exact action, or a prefix ending in `.*`. */
        action?: string;
        /** @description Actor id (user id, API key id or system name). */
        actorId?: string;
        format?: components['schemas']['AuditExportFormat'];
        /** @description Events at or after this instant (ISO 8601). */
        from?: string;
        outcome?: components['schemas']['AuditOutcome'];
        resourceId?: string;
        resourceType?: string;
        /** @description Events before this instant (ISO 8601). */
        to?: string;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One event per line. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/x-ndjson': string;
          'text/csv': string;
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `audit:export`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  verifyAuditChain: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VerifyResponse'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `audit:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  checkAuthorization: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AuthzCheck'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuthzCheckResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not allowed: `code` names the missing permission, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  explainAuthorization: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AuthzExplain'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuthzExplainResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `policy:manage` to explain for another member or other facts. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listInvitations: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvitationList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `invitation_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  revokeInvitation: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        invitationId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `invitation_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  resendInvitation: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        invitationId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvitationResponse'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `invitation_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listJobs: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        /** @description Submitted at or after. */
        from?: string;
        limit?: number;
        /** @description The model in the submission path (swapper or enhancer). */
        modelId?: string;
        status?: components['schemas']['JobStatus'];
        /** @description Submitted before. */
        to?: string;
        /** @description Submitted by this user (job:read-all to see others). */
        userId?: string;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JobPage'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job_not_found`, `model_not_found`: absent, elsewhere, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getJob: {
    parameters: {
      query?: never;
      header?: {
        /** @description GET: the ETag you hold; 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path: {
        jobId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JobResponse'];
        };
      };
      /** @description Not modified (GET with a current `If-None-Match`). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job_not_found`, `model_not_found`: absent, elsewhere, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  cancelJob: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        jobId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Accepted. */
      202: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JobResponse'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job_not_found`, `model_not_found`: absent, elsewhere, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job_finished`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  streamJobEvents: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        jobId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'text/event-stream': string;
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job_not_found`, `model_not_found`: absent, elsewhere, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  downloadJobResult: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        jobId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Content-SHA256': components['headers']['XContentSha256'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'image/jpeg': Blob;
          'image/png': Blob;
          'image/webp': Blob;
        };
      };
      /** @description Not modified: `If-None-Match` holds this ETag (the quoted SHA-256 of the result). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job_not_found`, `model_not_found`: absent, elsewhere, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job_result_unavailable` (not completed). */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listMembers: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemberList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not allowed: `code` names the missing permission, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  addMember: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AddMember'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AddMemberResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `member_exists`.
       *
       *     `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.
       */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  removeMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user:manage`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `last_admin`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateMember'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemberResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user:manage`: you lack this permission here, or a policy denies the request. `step_up_unavailable`: API keys cannot step up. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `last_admin`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listModels: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        family?: components['schemas']['ModelFamily'];
        kind?: components['schemas']['ModelKind'];
        label?: string;
        limit?: number;
        projectId?: string;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelPage'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createModel: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateModel'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          Location: components['headers']['Location'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:create`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `model_slug_taken`.
       *
       *     `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.
       */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getModel: {
    parameters: {
      query?: never;
      header?: {
        /** @description GET: the ETag you hold; 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelResponse'];
        };
      };
      /** @description Not modified (GET with a current `If-None-Match`). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deleteModel: {
    parameters: {
      query?: {
        /** @description The model's slug; required when it has a production version. */
        confirm?: string;
      };
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:delete`: you lack this permission here, or a policy denies the request. `step_up_unavailable`: API keys cannot step up. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_delete_confirmation_required`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateModel: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateModel'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:edit`, or `org:manage` for exportOverride. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  submitFusion: {
    parameters: {
      query?: {
        /** @description Swapper stage to use (default production). */
        stage?: components['schemas']['ModelStage'];
        /** @description Swapper version number (default: the production version). */
        version?: number;
      };
      header?: {
        /** @description A retried submission with the same key returns the first job (a different request: 422). */
        'Idempotency-Key'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /** @example {"faceSelector":"largest","outputFormat":"jpeg","outputQuality":90} */
          options?: string;
          source?: Blob[];
          /** Format: binary */
          target: Blob;
        };
      };
    };
    responses: {
      /** @description Accepted. */
      202: {
        headers: {
          Location: components['headers']['Location'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JobResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job:create`, `model:infer`, `model:test`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job_not_found`, `model_not_found`: absent, elsewhere, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_kind_mismatch`, `model_kind_missing`, `model_version_unavailable`, `processor_model_unused`, `idempotency_key_reused`, `image_truncated`, `image_invalid`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `quota_exceeded` with Retry-After (until the quota day rolls over). */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listModelGrants: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GrantList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:grant`, or the permission you tried to grant but do not hold. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found`, `grant_not_found`, `principal_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createModelGrant: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateGrant'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GrantResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:grant`, or the permission you tried to grant but do not hold. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found`, `grant_not_found`, `principal_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deleteModelGrant: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        grantId: string;
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:grant`, or the permission you tried to grant but do not hold. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found`, `grant_not_found`, `principal_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listModelVersions: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelVersionList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found` or `model_version_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  uploadModelVersion: {
    parameters: {
      query?: {
        notes?: string;
      };
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
        /** @description Expected lower-case hex SHA-256. Required when MODEL_UPLOAD_REQUIRE_SHA256 is set or the organization has `requireUploadDigest` (428 `content_digest_required` without it). */
        'X-Content-SHA256'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/octet-stream': Blob;
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          Location: components['headers']['Location'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelVersionResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:edit`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found` or `model_version_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `artifact_too_large` (limit: MODEL_UPLOAD_MAX_BYTES). */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `artifact_digest_mismatch`, `artifact_empty`, `artifact_pickle`, `artifact_zip`, `onnx_truncated`, `onnx_invalid`, `onnx_external_data`, `onnx_custom_operator`, `onnx_signature_mismatch`, `onnx_tensor_inconsistent`, `onnx_runtime_refused`, `onnx_validation_timeout`, `onnx_validation_resources`.
       *
       *     `idempotency_key_reused`: this Idempotency-Key was used for a different request.
       */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `content_digest_required`: X-Content-SHA256 is required here. */
      428: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `upload_concurrency_limited`: too many uploads in progress for this user or organization; Retry-After. */
      429: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `validation_busy`: every validation thread and queue slot is taken; nothing stored; Retry-After. `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getModelVersion: {
    parameters: {
      query?: never;
      header?: {
        /** @description GET: the ETag you hold; 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
        version: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelVersionResponse'];
        };
      };
      /** @description Not modified (GET with a current `If-None-Match`). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found` or `model_version_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deleteModelVersion: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
        version: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:delete`: you lack this permission here, or a policy denies the request. `step_up_unavailable`: API keys cannot step up. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found` or `model_version_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_version_in_production`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  changeModelVersionStage: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        modelId: string;
        orgId: string;
        version: number;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ChangeStage'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelVersionResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:edit`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found` or `model_version_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_stage_transition_invalid`, `model_version_rejected`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  downloadModelVersionArtifact: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        modelId: string;
        orgId: string;
        version: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'X-Content-SHA256': components['headers']['XContentSha256'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/octet-stream': Blob;
        };
      };
      /** @description Not modified: `If-None-Match` holds this ETag (the quoted SHA-256); not counted as an export. */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model:export`, `model:test`, `model_licence_forbids_export`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_not_found` or `model_version_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `model_export_rate_limited`, with Retry-After. */
      429: {
        headers: {
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimitPolicy'];
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listPolicies: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PolicyList'];
        };
      };
      /** @description `policy_invalid`, `principal_not_found`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `policy:manage`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `policy_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createPolicy: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreatePolicy'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          Location: components['headers']['Location'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PolicyResponse'];
        };
      };
      /** @description `policy_invalid`, `principal_not_found`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `policy:manage`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `policy_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `policy_lockout`: the change would lock policy management away.
       *
       *     `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.
       */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getPolicy: {
    parameters: {
      query?: never;
      header?: {
        /** @description GET: the ETag you hold; 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path: {
        orgId: string;
        policyId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PolicyResponse'];
        };
      };
      /** @description Not modified (GET with a current `If-None-Match`). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `policy_invalid`, `principal_not_found`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `policy:manage`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `policy_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deletePolicy: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        orgId: string;
        policyId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `policy_invalid`, `principal_not_found`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `policy:manage`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `policy_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `policy_lockout`: the change would lock policy management away. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updatePolicy: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        orgId: string;
        policyId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdatePolicy'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PolicyResponse'];
        };
      };
      /** @description `policy_invalid`, `principal_not_found`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `policy:manage`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `policy_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `policy_lockout`: the change would lock policy management away. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listProjects: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ProjectList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `project:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createProject: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateProject'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          Location: components['headers']['Location'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ProjectResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `project:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `slug_taken`.
       *
       *     `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.
       */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getProject: {
    parameters: {
      query?: never;
      header?: {
        /** @description GET: the ETag you hold; 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path: {
        orgId: string;
        projectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ProjectResponse'];
        };
      };
      /** @description Not modified (GET with a current `If-None-Match`). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `project:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deleteProject: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        orgId: string;
        projectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `project:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateProject: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        orgId: string;
        projectId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateProject'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ProjectResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `project:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listProjectMembers: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
        projectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ProjectMemberList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `project:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  setProjectMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        projectId: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SetProjectMember'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ProjectMemberResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `project:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  removeProjectMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        projectId: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `project:manage`, or a permission of the role you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listRoles: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RoleList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `role:manage`, or a permission you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createRole: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateRole'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RoleResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `role:manage`, or a permission you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `role_name_taken`.
       *
       *     `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.
       */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deleteRole: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        roleId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `role:manage`, or a permission you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `role_built_in`, `role_in_use`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateRole: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
        roleId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateRole'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RoleResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `role:manage`, or a permission you do not hold yourself. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `organization_not_found`, `role_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `role_built_in`, `admin_role_locked`, `role_name_taken`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listSsoProviders: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SsoProviderList'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `org:manage`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createSsoProvider: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateSsoProvider'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          Location: components['headers']['Location'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SsoProviderResponse'];
        };
      };
      /** @description `validation_failed`, `sso_issuer_invalid`, `role_not_found`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `org:manage`, or a mapped role with permissions you do not hold. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `sso_provider_slug_taken`.
       *
       *     `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.
       */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `sso_issuer_unreachable`.
       *
       *     `idempotency_key_reused`: this Idempotency-Key was used for a different request.
       */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getSsoProvider: {
    parameters: {
      query?: never;
      header?: {
        /** @description GET: the ETag you hold; 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path: {
        orgId: string;
        providerId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SsoProviderResponse'];
        };
      };
      /** @description Not modified (GET with a current `If-None-Match`). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `org:manage`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_provider_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  removeSsoProvider: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        orgId: string;
        providerId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done; no content. */
      204: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `org:manage`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_provider_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateSsoProvider: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        orgId: string;
        providerId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateSsoProvider'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SsoProviderResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `org:manage`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_provider_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_provider_slug_taken`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `sso_issuer_unreachable`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  detectWatermark: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        orgId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /** Format: binary */
          image: Blob;
        };
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WatermarkDetection'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `job:read`: you lack this permission here, or a policy denies the request. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `not_found`: absent, in another organization, or not visible to you. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listUsers: {
    parameters: {
      query?: {
        /** @description Opaque cursor from the previous page’s `nextCursor`. */
        cursor?: string;
        limit?: number;
        /** @description Part of the email or display name (any case). */
        search?: string;
        status?: components['schemas']['UserStatus'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserPage'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required` on changes, MFA reset and erasure (see POST /auth/step-up). `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required` (any account, any id: nothing is revealed). */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createUser: {
    parameters: {
      query?: never;
      header?: {
        /** @description Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h answers the first result with `Idempotent-Replayed: true` and creates nothing more. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateAccount'];
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedAccount'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `step_up_required`: prove a factor again (`POST /auth/step-up`).
       *
       *     `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`.
       */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required`. */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /**
       * @description `email_taken`.
       *
       *     `idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.
       */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was used for a different request. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getUser: {
    parameters: {
      query?: never;
      header?: {
        /** @description GET: the ETag you hold; 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserResponse'];
        };
      };
      /** @description Not modified (GET with a current `If-None-Match`). */
      304: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `step_up_required` on changes, MFA reset and erasure (see POST /auth/step-up). `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required` (any account, any id: nothing is revealed). */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  eraseUser: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErasureResponse'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required` (any account, any id: nothing is revealed). */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `last_platform_admin`, `last_admin` (the last admin of an organization), `user_erased`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateUser: {
    parameters: {
      query?: never;
      header?: {
        /** @description Writes: the ETag you read; 412 `precondition_failed` when someone changed it since. */
        'If-Match'?: string;
      };
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateUser'];
      };
    };
    responses: {
      /** @description OK. */
      200: {
        headers: {
          ETag: components['headers']['ETag'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserResponse'];
        };
      };
      /** @description `validation_failed` (each invalid field in `errors[]`), `body_invalid` (not JSON) or `body_too_deep`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required` (any account, any id: nothing is revealed). */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `last_platform_admin` (the last active one stays), `user_erased`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `precondition_failed`: `If-Match` is stale. */
      412: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `payload_too_large`: the body is larger than allowed. */
      413: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `unsupported_media_type`: send the body as the content type documented here. */
      415: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  resetUserMfa: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RevokedSessionsResponse'];
        };
      };
      /** @description `step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first. `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required` (any account, any id: nothing is revealed). */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `mfa_not_enabled`, `user_erased`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  revokeUserSessions: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RevokedSessionsResponse'];
        };
      };
      /** @description `step_up_required` on changes, MFA reset and erasure (see POST /auth/step-up). `token_missing`, `token_invalid` or `token_expired`: send `Authorization: Bearer <access token>`. */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWWAuthenticate'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `platform_admin_required` (any account, any id: nothing is revealed). */
      403: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user_not_found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `user_erased`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getLiveness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The process is up. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getReadiness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description PostgreSQL and Redis answer. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `internal_error`: something failed on our side; quote the `requestId`. */
      500: {
        headers: {
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description A dependency is down; `checks` names which. `database_unavailable`, `temporarily_unavailable`, `storage_unavailable`, or `read_only` (writes refused during maintenance): try again after `Retry-After`. */
      503: {
        headers: {
          'Retry-After': components['headers']['RetryAfter'];
          'X-Request-Id': components['headers']['XRequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
}
