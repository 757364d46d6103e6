#!/usr/bin/env node
// Makes sure the database servers the test suites start are installed: PostgreSQL (initdb and
// pg_ctl from Debian's `postgresql`) and ClickHouse (Debian's `clickhouse-server`). Installs
// them with apt-get when running as root on Debian. Otherwise it prints the exact command and
// exits with code 1, so a suite never skips silently.
//
// Usage: node scripts/system-deps.mjs [--check] [postgresql] [clickhouse]
//   --check  report what is missing without installing anything
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const PACKAGES = {
  postgresql: { debian: 'postgresql', find: findPostgresBin },
  clickhouse: { debian: 'clickhouse-server', find: findClickhouseServer },
};

const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
const requested = args.filter((arg) => !arg.startsWith('--'));
const names = requested.length > 0 ? requested : Object.keys(PACKAGES);

for (const name of names) {
  if (!(name in PACKAGES)) {
    console.error(`system-deps: unknown component "${name}"; expected one of ${Object.keys(PACKAGES).join(', ')}`);
    process.exit(2);
  }
}

const missing = names.filter((name) => PACKAGES[name].find() === undefined);
if (missing.length === 0) {
  for (const name of names) console.log(`system-deps: ${name} found at ${PACKAGES[name].find()}`);
  process.exit(0);
}

const debianPackages = missing.map((name) => PACKAGES[name].debian);
const command = `apt-get update && apt-get install -y --no-install-recommends ${debianPackages.join(' ')}`;
const canInstall = !checkOnly && process.getuid?.() === 0 && existsSync('/etc/debian_version') && hasAptGet();

if (!canInstall) {
  console.error(`system-deps: missing ${missing.join(', ')}. Install with:\n  sudo sh -c '${command}'`);
  process.exit(1);
}

console.log(`system-deps: installing ${debianPackages.join(', ')} from Debian's packages`);
run('apt-get', ['update']);
run('apt-get', ['install', '-y', '--no-install-recommends', ...debianPackages], { DEBIAN_FRONTEND: 'noninteractive' });

const stillMissing = missing.filter((name) => PACKAGES[name].find() === undefined);
if (stillMissing.length > 0) {
  console.error(`system-deps: ${stillMissing.join(', ')} still missing after apt-get install; see its output above`);
  process.exit(1);
}
for (const name of names) console.log(`system-deps: ${name} found at ${PACKAGES[name].find()}`);

/** Returns the bin directory of the newest installed PostgreSQL that has initdb, if any. */
function findPostgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;

  const versions = readdirSync(root)
    .filter((version) => existsSync(`${root}/${version}/bin/initdb`))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? `${root}/${versions[0]}/bin` : undefined;
}

function findClickhouseServer() {
  return ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server', '/usr/bin/clickhouse'].find((path) =>
    existsSync(path),
  );
}

function hasAptGet() {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

function run(file, argv, env = {}) {
  execFileSync(file, argv, { stdio: 'inherit', env: { ...process.env, ...env } });
}
