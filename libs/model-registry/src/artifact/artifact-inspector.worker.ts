import { parentPort, workerData } from 'node:worker_threads';
import { inspectOnnxFile, type InspectOptions } from './onnx-inspect.js';

/** Worker thread entry: inspects the file at `workerData.path` and posts an InspectResult. */
const { path, options } = workerData as { path: string; options: InspectOptions };
parentPort?.postMessage(await inspectOnnxFile(path, options));
