export * from './ffmpeg-binary.js';
export * from './frames.js';
export * from './media.errors.js';
export * from './probe.js';
export * from './types.js';
export * from './segments.js';
export * from './assemble.js';
