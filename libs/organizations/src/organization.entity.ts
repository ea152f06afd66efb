import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A tenant. Settings are columns so other libs (quotas, audit retention) read them directly. */
@Entity({ name: 'organization' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'slug', type: 'text' })
  slug: string;

  /** Requests from outside these CIDR ranges are refused (empty: from anywhere). */
  @Column({ name: 'allowed_ip_ranges', type: 'text', array: true, default: () => "'{}'" })
  allowedIpRanges: string[];

  /** Names of roles whose members must sign in with a second factor. */
  @Column({ name: 'mfa_required_roles', type: 'text', array: true, default: () => "'{admin}'" })
  mfaRequiredRoles: string[];

  @Column({ name: 'daily_inference_quota', type: 'integer', nullable: true })
  dailyInferenceQuota: number | null;

  @Column({ name: 'concurrent_job_limit', type: 'integer', nullable: true })
  concurrentJobLimit: number | null;

  @Column({ name: 'audit_retention_days', type: 'integer', default: 365 })
  auditRetentionDays: number;

  /** Days a fusion result stays downloadable before it is purged. */
  @Column({ name: 'result_retention_days', type: 'integer', default: 7 })
  resultRetentionDays: number;

  /** IANA timezone in which a day of inference quota starts. */
  @Column({ name: 'timezone', type: 'text', default: 'UTC' })
  timezone: string;

  /** Fusion jobs one member may submit per day (null: no per-member cap). */
  @Column({ name: 'member_daily_inference_quota', type: 'integer', nullable: true })
  memberDailyInferenceQuota: number | null;

  /** Longest video target accepted, in seconds. */
  @Column({ name: 'video_max_duration_seconds', type: 'integer', default: 600 })
  videoMaxDurationSeconds: number;

  /** Largest video frame accepted: its long side and its short side, in pixels (upright). */
  @Column({ name: 'video_max_long_side', type: 'integer', default: 3840 })
  videoMaxLongSide: number;

  @Column({ name: 'video_max_short_side', type: 'integer', default: 2160 })
  videoMaxShortSide: number;

  /** Highest video frame rate accepted, in frames per second. */
  @Column({ name: 'video_max_frame_rate', type: 'integer', default: 60 })
  videoMaxFrameRate: number;

  /** Most frames a video target may have. */
  @Column({ name: 'video_max_frame_count', type: 'integer', default: 36000 })
  videoMaxFrameCount: number;

  /** Model uploads must declare their SHA-256 (X-Content-SHA256), so a corrupted transfer is refused. */
  @Column({ name: 'require_upload_digest', type: 'boolean', default: false })
  requireUploadDigest: boolean;

  /** Members who have a single sign-on identity for this organization cannot sign in with a password. */
  @Column({ name: 'sso_required', type: 'boolean', default: false })
  ssoRequired: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
