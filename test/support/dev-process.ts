import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface DevProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** `switchyard dev` in its own process group, as `npm start` would run it in a terminal. */
export function spawnDev(env: Record<string, string>): DevProcess {
  return spawnSwitchyard(['dev'], env, { detached: true });
}

/** `switchyard <args>` as a child process, its output collected line by line. */
export function spawnSwitchyard(args: string[], env: Record<string, string>, opts: { detached?: boolean } = {}): DevProcess {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'switchyard'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    detached: opts.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const listeners = new Set<() => void>();
  // Only whole lines are matched: a chunk may end in the middle of a URL.
  const reader = () => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      output.push(...lines);
      for (const l of listeners) l();
    };
  };
  child.stdout.on('data', reader());
  child.stderr.on('data', reader());
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output,
    exited,
    waitForLine(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of output) {
            const m = line.match(pattern);
            if (m) {
              cleanup();
              resolve(m);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-30).join('\n')}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`switchyard ${args.join(' ')} exited before printing ${pattern}; output:\n${output.slice(-30).join('\n')}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of a process group (the dev process, its tsx child, the Temporal server it spawned). */
export function groupPids(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // Field 5 of /proc/<pid>/stat is the process group; the command name (field 2) may hold spaces.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

/** Every TCP address ("ip:port") the given processes listen on, read from /proc (Linux). */
export function listeningAddresses(pids: number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      }
    } catch {
      // exited meanwhile
    }
  }
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is f[1], st is f[3] (0A = LISTEN), inode is f[9].
      if (f[3] === '0A' && inodes.has(f[9]!)) addresses.push(decodeProcAddress(f[1]!));
    }
  }
  return addresses;
}

function safeReadlink(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return '';
  }
}

/** "0100007F:0BB8" → "127.0.0.1:3000"; IPv6 words are little-endian 32-bit groups. */
function decodeProcAddress(hex: string): string {
  const [ip, port] = hex.split(':') as [string, string];
  const bytes = (ip.match(/../g) ?? []).map((b) => parseInt(b, 16));
  const words = [];
  for (let i = 0; i < bytes.length; i += 4) words.push(...bytes.slice(i, i + 4).reverse());
  const text = words.length === 4 ? words.join('.') : `[${(words.map((b) => b.toString(16).padStart(2, '0')).join('').match(/.{4}/g) ?? []).join(':')}]`;
  return `${text}:${parseInt(port, 16)}`;
}
