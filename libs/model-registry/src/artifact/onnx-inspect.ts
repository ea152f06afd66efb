import { open } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { OnnxSkeletonError, readOnnxSkeleton } from './onnx-skeleton.js';

const { onnx } = onnxProto;

/** One dimension of a tensor: a fixed size, or a symbolic/unknown one (`null` or its name). */
export type TensorDim = number | string | null;

export interface TensorSignature {
  name: string;
  /** ONNX element type name in lower case (`float`, `float16`, `int64`, ...). */
  type: string;
  dims: TensorDim[];
}

/** Inputs and outputs of a graph, initializers excluded. Stored on the version. */
export interface IoSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

export interface OnnxSummary {
  irVersion: number;
  /** Version of the default (`ai.onnx`) operator set. */
  opset: number;
  opsetImports: { domain: string; version: number }[];
  producer: string;
  nodeCount: number;
  /** Bytes of tensor payloads (weights) in the file, which inspection skips. */
  weightBytes: number;
  /** Bytes of the model without its weights (what was decoded). */
  graphBytes: number;
  signature: IoSignature;
}

export interface InspectOptions {
  /** Largest graph-without-weights accepted (the part that is decoded in memory). */
  maxSkeletonBytes: number;
}

/** Why an artifact is refused; `code` is the stable problem code shown to the client. */
export interface ArtifactRejection {
  code: ArtifactRejectionCode;
  reason: string;
}

export type ArtifactRejectionCode =
  | 'artifact_empty'
  | 'artifact_pickle'
  | 'artifact_zip'
  | 'onnx_truncated'
  | 'onnx_invalid'
  | 'onnx_external_data'
  | 'onnx_custom_operator'
  | 'onnx_signature_mismatch'
  | 'onnx_tensor_inconsistent'
  | 'onnx_runtime_refused'
  | 'onnx_validation_timeout'
  | 'onnx_validation_resources';

export type InspectResult = { ok: true; summary: OnnxSummary } | { ok: false; rejection: ArtifactRejection };

/**
 * Operator domains an artifact may use. The ONNX standard sets plus `com.microsoft`, the contrib
 * operators compiled into onnxruntime itself (real exported face models use them after graph
 * optimisation). Any other domain is a custom operator that needs a native library loaded at
 * runtime, which fusiongate never does; such models are refused.
 */
export const ALLOWED_OPERATOR_DOMAINS: readonly string[] = ['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft'];

const ELEMENT_TYPES: Record<number, string> = Object.fromEntries(
  Object.entries(onnx.TensorProto.DataType).map(([name, value]) => [value, name.toLowerCase()]),
);

const toNumber = (value: unknown): number =>
  typeof value === 'number' ? value : value && typeof value === 'object' ? Number(String(value)) : 0;

/** Quotes an attacker-supplied string for a message: bounded length, printable characters only. */
const quote = (value: string): string =>
  JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value).replace(/[^\x20-\x7e]/g, '?');

const reject = (code: ArtifactRejectionCode, reason: string): InspectResult => ({
  ok: false,
  rejection: { code, reason },
});

/** Recognises common non-ONNX weight formats by their first bytes, before any parsing. */
function sniffForeignFormat(bytes: Uint8Array): InspectResult | null {
  if (bytes.length === 0) return reject('artifact_empty', 'The file is empty.');
  // PyTorch's .pt/.pth files are zip archives (holding a pickle); safetensors/npz zips too.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)) {
    return reject('artifact_zip', 'The file is a zip archive (e.g. a PyTorch .pt checkpoint), not an ONNX model.');
  }
  // Pickle protocol 2+ starts with PROTO (0x80) and the protocol number; legacy PyTorch files too.
  if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    return reject(
      'artifact_pickle',
      'The file is a Python pickle, which can run code when loaded; only ONNX is accepted.',
    );
  }
  return null;
}

type Tensor = onnxProto.onnx.ITensorProto;
type Graph = onnxProto.onnx.IGraphProto;
type Node = onnxProto.onnx.INodeProto;

function* tensorsOfGraph(graph: Graph | null | undefined): Generator<Tensor> {
  if (!graph) return;
  yield* graph.initializer ?? [];
  for (const sparse of graph.sparseInitializer ?? []) {
    if (sparse.values) yield sparse.values;
    if (sparse.indices) yield sparse.indices;
  }
  for (const node of graph.node ?? []) yield* tensorsOfNode(node);
}

function* tensorsOfNode(node: Node): Generator<Tensor> {
  for (const attribute of node.attribute ?? []) {
    if (attribute.t) yield attribute.t;
    yield* attribute.tensors ?? [];
    for (const sparse of [attribute.sparseTensor, ...(attribute.sparseTensors ?? [])]) {
      if (sparse?.values) yield sparse.values;
      if (sparse?.indices) yield sparse.indices;
    }
    yield* tensorsOfGraph(attribute.g);
    for (const graph of attribute.graphs ?? []) yield* tensorsOfGraph(graph);
  }
}

function* nodesOfGraph(graph: Graph | null | undefined): Generator<Node> {
  if (!graph) return;
  for (const node of graph.node ?? []) {
    yield node;
    for (const attribute of node.attribute ?? []) {
      yield* nodesOfGraph(attribute.g);
      for (const graph of attribute.graphs ?? []) yield* nodesOfGraph(graph);
    }
  }
}

function externalLocation(tensor: Tensor): string | null {
  const entries = tensor.externalData ?? [];
  const isExternal = tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || entries.length > 0;
  if (!isExternal) return null;
  return entries.find((e) => e.key === 'location')?.value ?? '';
}

function tensorSignature(value: onnxProto.onnx.IValueInfoProto): TensorSignature {
  const tensorType = value.type?.tensorType;
  return {
    name: value.name ?? '',
    type: tensorType ? (ELEMENT_TYPES[tensorType.elemType ?? 0] ?? 'undefined') : 'non_tensor',
    dims: (tensorType?.shape?.dim ?? []).map((dim) =>
      dim.dimParam ? dim.dimParam : dim.dimValue !== undefined && dim.dimValue !== null ? toNumber(dim.dimValue) : null,
    ),
  };
}

/**
 * Inspects the ONNX file at `path` and checks what can be checked without running the model: the
 * format, that no tensor points at external data (the path-traversal vector of several
 * onnx/MLflow CVEs), that only allowed operator domains are used. Returns the I/O signature and
 * opset. The file is read with positional reads into a skeleton without the weights (see
 * onnx-skeleton.ts), so memory stays bounded by the graph's size, never the file's. Runs inside a
 * resource-limited worker; never call it on untrusted files in the API's main thread.
 */
export async function inspectOnnxFile(path: string, options: InspectOptions): Promise<InspectResult> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = new Uint8Array(Math.min(size, 8));
    await file.read(head, 0, head.length, 0);
    const foreign = sniffForeignFormat(head);
    if (foreign) return foreign;
    const skeleton = await readOnnxSkeleton(file, size, { maxSkeletonBytes: options.maxSkeletonBytes });
    return inspectSkeleton(skeleton.bytes, skeleton.droppedBytes, skeleton.tensorProblem);
  } catch (error) {
    if (error instanceof OnnxSkeletonError) return reject(error.code, error.message);
    throw error;
  } finally {
    await file.close();
  }
}

/** Decodes a ModelProto whose tensor payloads were left out, and runs the checks on it. */
function inspectSkeleton(bytes: Uint8Array, weightBytes: number, tensorProblem: string | null): InspectResult {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/index out of range/i.test(message)) {
      return reject('onnx_truncated', 'The file ends in the middle of an ONNX record: it is truncated or corrupt.');
    }
    return reject('onnx_invalid', 'The file does not parse as an ONNX model.');
  }

  const graph = model.graph;
  if (!toNumber(model.irVersion) || !graph || (graph.node ?? []).length === 0) {
    return reject('onnx_invalid', 'The file has no ONNX graph (missing IR version or nodes).');
  }
  const opsetImports = (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) }));
  if (opsetImports.length === 0) {
    return reject('onnx_truncated', 'The model declares no operator set: the file is truncated or incomplete.');
  }

  for (const tensor of [
    ...tensorsOfGraph(graph),
    ...(model.functions ?? []).flatMap((f) => (f.node ?? []).flatMap((n) => [...tensorsOfNode(n)])),
  ]) {
    const location = externalLocation(tensor);
    if (location !== null) {
      const traversal = location.includes('..') || location.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(location);
      return reject(
        'onnx_external_data',
        `Tensor ${quote(tensor.name ?? '')} stores its data in an external file ${quote(location)}` +
          (traversal ? ' outside the model (path traversal)' : '') +
          '; only self-contained ONNX files are accepted.',
      );
    }
  }

  const domains = new Set<string>(opsetImports.map((o) => o.domain));
  const functionNodes = (model.functions ?? []).flatMap((f) => f.node ?? []);
  for (const node of [...nodesOfGraph(graph), ...functionNodes]) domains.add(node.domain ?? '');
  const foreignDomains = [...domains].filter((d) => !ALLOWED_OPERATOR_DOMAINS.includes(d));
  if (foreignDomains.length > 0) {
    return reject(
      'onnx_custom_operator',
      `The model uses operators of the non-standard domain ${quote(foreignDomains[0])}; allowed domains are ` +
        `${ALLOWED_OPERATOR_DOMAINS.map((d) => `"${d}"`).join(', ')}.`,
    );
  }

  if (tensorProblem) {
    return reject('onnx_tensor_inconsistent', `${tensorProblem}; onnxruntime would refuse to load the model.`);
  }

  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const opset = opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  return {
    ok: true,
    summary: {
      irVersion: toNumber(model.irVersion),
      opset,
      opsetImports,
      producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ').slice(0, 120),
      nodeCount: [...nodesOfGraph(graph)].length,
      weightBytes,
      graphBytes: bytes.length,
      signature: {
        inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(tensorSignature),
        outputs: (graph.output ?? []).map(tensorSignature),
      },
    },
  };
}
