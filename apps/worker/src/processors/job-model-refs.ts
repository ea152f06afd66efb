import { Injectable } from '@nestjs/common';
import type {
  FaceFusionRunRequest,
  FaceMaskRegion,
  FaceSelection,
  FusionModels,
  ModelRef,
  ProcessorStep,
} from '#libs/inference';
import type { JobEntity } from '#libs/jobs';
import { ModelFiles } from './model-files.js';

/** What the engine needs from a job: its model files (fetched from the blob store) and processors. */
@Injectable()
export class JobModelRefs {
  constructor(private readonly modelFiles: ModelFiles) {}

  /** The job's model files, its face mask models, and its processors with the model each runs. */
  async of(job: JobEntity): Promise<{
    models: FusionModels;
    processors?: ProcessorStep[];
    occluder?: ModelRef;
    parser?: ModelRef;
  }> {
    const ref = async (m: JobEntity['models']['swapper']): Promise<ModelRef | undefined> =>
      m && { path: await this.modelFiles.pathOf(m.sha256), sha256: m.sha256, family: m.family, kind: m.kind };
    const { swapper, detector, recognizer, landmarker, faceEnhancer, frameEnhancer, occluder, parser } = job.models;
    const [
      swapperRef,
      detectorRef,
      recognizerRef,
      landmarkerRef,
      faceEnhancerRef,
      frameEnhancerRef,
      occluderRef,
      parserRef,
    ] = await Promise.all(
      [swapper, detector, recognizer, landmarker, faceEnhancer, frameEnhancer, occluder, parser].map(ref),
    );
    const models: FusionModels = {
      ...(swapperRef ? { swapper: swapperRef } : {}),
      ...(detectorRef ? { detector: detectorRef } : {}),
      ...(recognizerRef ? { recognizer: recognizerRef } : {}),
      ...(landmarkerRef ? { landmarker: landmarkerRef } : {}),
    };
    const processors = job.options.processors?.map((step): ProcessorStep => {
      switch (step.processor) {
        case 'face_swapper':
          return { processor: 'face_swapper' };
        case 'face_enhancer':
          return { processor: 'face_enhancer', model: faceEnhancerRef!, blend: step.blend, weight: step.weight };
        case 'frame_enhancer':
          return { processor: 'frame_enhancer', model: frameEnhancerRef!, blend: step.blend };
        default: {
          const unreachable: never = step;
          throw new Error(`unknown processor ${JSON.stringify(unreachable)}`);
        }
      }
    });
    return {
      models,
      ...(processors ? { processors } : {}),
      ...(occluderRef ? { occluder: occluderRef } : {}),
      ...(parserRef ? { parser: parserRef } : {}),
    };
  }
}

/** The engine's face selection for the job's options. */
export function selectionOf(job: JobEntity): FaceSelection {
  const { faceSelector, referenceFaceIndex, faceSelectorOrder: order } = job.options;
  if (faceSelector === 'largest') return { mode: 'largest' };
  if (faceSelector === 'one') return { mode: 'one', order };
  if (faceSelector === 'reference') return { mode: 'reference', referenceFaceIndex: referenceFaceIndex ?? 0, order };
  return { mode: 'all', order };
}

/** The engine request for the job's options and models, without its target, cancel flag and progress. */
export function engineRequest(
  job: JobEntity,
  sources: Uint8Array[],
  models: Awaited<ReturnType<JobModelRefs['of']>>,
): Omit<FaceFusionRunRequest, 'target' | 'cancel' | 'onProgress'> {
  const mask = job.options.faceMask;
  return {
    source: sources[0],
    moreSources: sources.slice(1),
    models: models.models,
    processors: models.processors,
    faceMask: mask
      ? {
          types: mask.types,
          blur: mask.blur,
          padding: mask.padding,
          regions: mask.regions as FaceMaskRegion[] | undefined,
          occluder: models.occluder,
          parser: models.parser,
        }
      : undefined,
    detector: {
      ...(job.options.detectorScore !== undefined ? { scoreThreshold: job.options.detectorScore } : {}),
      ...(job.options.detectorAngles ? { angles: job.options.detectorAngles } : {}),
    },
    selection: selectionOf(job),
    outputFormat: job.options.outputFormat,
    quality: job.options.outputQuality,
    watermark: { payload: job.watermarkPayload },
  };
}
