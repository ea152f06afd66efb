import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The ffmpeg and ffprobe processes whose parent is `pid` (`pid comm` lines; none when ps fails). */
export async function mediaChildren(pid: number): Promise<string[]> {
  const { stdout } = await run('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes('ffmpeg') || l.includes('ffprobe'));
}
