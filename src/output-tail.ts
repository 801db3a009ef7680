import type { ChildProcess } from 'node:child_process';

/**
 * The last `keep` non-blank lines a child process wrote (stdout and stderr together), kept up to
 * date as it runs, for the error message when it fails; `onLine` sees every line.
 */
export function outputTail(child: ChildProcess, keep: number, onLine?: (line: string) => void): string[] {
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > keep) lines.shift();
      onLine?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return lines;
}
