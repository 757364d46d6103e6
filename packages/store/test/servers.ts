import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A database server started for a test file, on loopback, in a temporary directory. */
export interface TestServer {
  url: string;
  stop(): Promise<void>;
}

const SYSTEM_DEPS = new URL('../../../scripts/system-deps.mjs', import.meta.url).pathname;

/**
 * Starts a throwaway PostgreSQL cluster. initdb refuses to run as root, so as root the cluster
 * runs as the `postgres` user that Debian's package creates.
 */
export async function startPostgres(): Promise<TestServer> {
  const bin = ensureInstalled('postgresql', findPostgresBin);
  const dir = mkdtempSync(join(tmpdir(), 'telltale-pg-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'socket');
  const port = await freePort();
  mkdirSync(data);
  mkdirSync(socket);
  chmodSync(dir, 0o755);

  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    execFileSync(file, argv, { stdio: 'pipe' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    for (const path of [dir, data, socket]) chownSync(path, uid, gid);
  }

  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    `-k ${socket} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);

  return {
    url: `postgres://postgres:secret-password@127.0.0.1:${port}/postgres`,
    stop() {
      spawnSync(asRoot ? 'runuser' : join(bin, 'pg_ctl'), [
        ...(asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []),
        '-D',
        data,
        '-m',
        'immediate',
        'stop',
      ]);
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/** Starts a throwaway ClickHouse server with its own config, data and logs in a temporary directory. */
export async function startClickhouse(): Promise<TestServer> {
  const server = ensureInstalled('clickhouse', findClickhouseServer);
  const dir = mkdtempSync(join(tmpdir(), 'telltale-ch-'));
  const httpPort = await freePort();
  const tcpPort = await freePort();
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, sub));

  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
`,
  );
  writeFileSync(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <default><password>secret-password</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`,
  );

  const args = server.endsWith('clickhouse')
    ? ['server', `--config-file=${dir}/config.xml`]
    : [`--config-file=${dir}/config.xml`];
  const child: ChildProcess = spawn(server, args, { stdio: 'ignore', cwd: dir });
  await waitForHttp(`http://127.0.0.1:${httpPort}/ping`, 60_000, child);

  return {
    url: `clickhouse://default:secret-password@127.0.0.1:${httpPort}/telltale_test`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(undefined);
        }, 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Returns a free loopback port; the OS picks it, so parallel test files do not collide. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

function ensureInstalled(component: string, find: () => string | undefined): string {
  const found = find();
  if (found !== undefined) return found;

  // Installs the Debian package as root, or fails with the exact command: a suite never skips.
  const result = spawnSync(process.execPath, [SYSTEM_DEPS, component], { stdio: 'inherit' });
  const after = find();
  if (result.status !== 0 || after === undefined) {
    throw new Error(`${component} is not installed and scripts/system-deps.mjs could not install it; see its output`);
  }
  return after;
}

function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function findClickhouseServer(): string | undefined {
  return ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server', '/usr/bin/clickhouse'].find((path) =>
    existsSync(path),
  );
}

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`ClickHouse exited with code ${child.exitCode} before it answered ${url}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`ClickHouse did not answer ${url} within ${timeoutMs} ms`);
}
