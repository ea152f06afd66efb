import { PlatformSettings1764400000000 } from './1764400000000-platform-settings.js';
import { Identity1764500000000 } from './1764500000000-identity.js';
import { OrganizationsAndPolicies1764600000000 } from './1764600000000-organizations-and-policies.js';
import { Audit1764700000000 } from './1764700000000-audit.js';
import { ModelRegistry1764800000000 } from './1764800000000-model-registry.js';
import { FusionJobs1764900000000 } from './1764900000000-fusion-jobs.js';
import { AuditCheckpointChain1765200000000 } from './1765200000000-audit-checkpoint-chain.js';
import { UploadHardening1765300000000 } from './1765300000000-upload-hardening.js';
import { Onboarding1765400000000 } from './1765400000000-onboarding.js';
import { SecondFactorsAndSessions1765500000000 } from './1765500000000-second-factors-and-sessions.js';
import { PeopleAdministration1765600000000 } from './1765600000000-people-administration.js';
import { SingleSignOn1765700000000 } from './1765700000000-single-sign-on.js';
import { FaceMaskModels1765800000000 } from './1765800000000-face-mask-models.js';
import { JobWatermarkOutcome1765810000000 } from './1765810000000-job-watermark-outcome.js';
import { ModelArtifacts1766000000000 } from './1766000000000-model-artifacts.js';
import { GrantPrincipalKeys1767000000000 } from './1767000000000-grant-principal-keys.js';
import { AuditSequencer1767100000000 } from './1767100000000-audit-sequencer.js';
import { VideoLimits1767200000000 } from './1767200000000-video-limits.js';
import { JobSegments1767250000000 } from './1767250000000-job-segments.js';
import { JobSegmentReference1767260000000 } from './1767260000000-job-segment-reference.js';

/**
 * Every migration, in order. A new migration is added here (timestamp-named, raw SQL that runs on
 * PostgreSQL 15+ and on PGlite).
 */
export const migrations = [
  PlatformSettings1764400000000,
  Identity1764500000000,
  OrganizationsAndPolicies1764600000000,
  Audit1764700000000,
  ModelRegistry1764800000000,
  FusionJobs1764900000000,
  AuditCheckpointChain1765200000000,
  UploadHardening1765300000000,
  Onboarding1765400000000,
  SecondFactorsAndSessions1765500000000,
  PeopleAdministration1765600000000,
  SingleSignOn1765700000000,
  FaceMaskModels1765800000000,
  JobWatermarkOutcome1765810000000,
  ModelArtifacts1766000000000,
  GrantPrincipalKeys1767000000000,
  AuditSequencer1767100000000,
  VideoLimits1767200000000,
  JobSegments1767250000000,
  JobSegmentReference1767260000000,
];
