import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { inspectOnnx } from './onnx-inspect.js';

/** Worker thread entry: inspects the file at `workerData.path` and posts an InspectResult. */
const { path } = workerData as { path: string };
const bytes = await readFile(path);
parentPort?.postMessage(inspectOnnx(bytes));
