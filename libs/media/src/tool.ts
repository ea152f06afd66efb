import { spawn } from 'node:child_process';

/** What a finished ffmpeg/ffprobe run printed. */
export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs ffmpeg or ffprobe to completion and collects its output; a non-zero exit rejects with the
 * end of its stderr. `signal` kills the process at once (SIGKILL), so a cancelled job leaves no
 * ffmpeg running.
 */
export function runTool(binary: string, args: string[], signal?: AbortSignal): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (error) => reject(signal?.aborted ? abortError(signal) : error));
    child.on('close', (code) => {
      if (signal?.aborted) return reject(abortError(signal));
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${binary.split('/').pop()} exited with ${code}: ${stderr.trim().slice(-800)}`));
    });
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('aborted'), { name: 'AbortError' });
}
