import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ChildService {
  url: string;
  process: ChildProcess;
  /** Everything the instance wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: no shutdown hook runs. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Another instance of the built service, in its own process, as a load balancer would see it. */
export async function startChildService(port: number, env: Record<string, string>): Promise<ChildService> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'src', 'main.js')], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'silent', PWNED_PASSWORDS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const output = () => Buffer.concat(chunks).toString('utf8');
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      const ended = (signal: NodeJS.Signals) => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill(signal)));
      return { url, process: child, output, stop: () => ended('SIGTERM'), kill: () => ended('SIGKILL') };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('instance did not start');
}
