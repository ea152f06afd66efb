import type { ModelEntity } from './model.entity.js';
import type { ModelVersionEntity } from './model-version.entity.js';

/** The attributes of a model the policy engine reads (`stage` is the version acted on, if any). */
export function modelRow(model: ModelEntity, stage?: string): Record<string, unknown> {
  return {
    id: model.id,
    organizationId: model.organizationId,
    projectId: model.projectId,
    ownerId: model.ownerId,
    labels: model.labels,
    ...(stage ? { stage } : {}),
  };
}

/** The attributes of a version the policy engine reads: its model's, plus its own id and stage. */
export function versionRow(
  model: ModelEntity,
  version: Pick<ModelVersionEntity, 'id' | 'stage'>,
): Record<string, unknown> {
  return { ...modelRow(model, version.stage), id: version.id, modelId: model.id };
}
