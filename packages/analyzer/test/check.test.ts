import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import telltale from '@telltale/eslint-plugin';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, test } from 'vitest';

import { compareInventories, findingsOf, runCheck, type CallSite } from '../src/index.js';
import { writeTree } from './helpers.js';

const DETECTOR_FIXTURE = fileURLToPath(new URL('../../detector/test/fixtures/project/', import.meta.url));
const APP_FIXTURE = fileURLToPath(new URL('./fixtures/app/', import.meta.url));

function siteIn(sites: CallSite[], file: string): CallSite {
  const site = sites.find((candidate) => candidate.file === file);
  if (!site) throw new Error(`no call site in ${file}`);
  return site;
}

describe('runCheck across files', () => {
  test('helper is instrumented when every caller records it', async () => {
    const report = await runCheck({ root: APP_FIXTURE });
    const draft = siteIn(report.sites, 'src/ai/draft.ts');

    expect(draft.verdict).toBe('instrumented');
    expect(draft.reason).toContain('every caller');
    expect(draft.via).toEqual(['src/routes/email.ts:handleEmail.<anonymous>', 'src/ai/draft.ts:draftEmail']);
    expect(findingsOf(draft)).toEqual([]);
  });

  test('helper stays raw when one path does not record it', async () => {
    const report = await runCheck({ root: APP_FIXTURE });
    const finding = report.findings.find((candidate) => candidate.site.file === 'src/ai/summarize.ts');

    expect(finding?.ruleId).toBe('not-instrumented');
    expect(finding?.message).toContain('on the path src/routes/email.ts:handleDigest → src/ai/summarize.ts:summarize');
  });

  test('context never established names the path', async () => {
    const report = await runCheck({ root: APP_FIXTURE });
    const finding = report.findings.find((candidate) => candidate.site.file === 'src/ai/classify.ts');

    expect(finding?.ruleId).toBe('context-never-established');
    expect(finding?.site.missingContext).toEqual(['feature', 'user']);
    expect(finding?.message).toContain('src/routes/email.ts:handleDigest → src/ai/classify.ts:classify');
  });

  test('context set by the caller counts', async () => {
    const report = await runCheck({ root: APP_FIXTURE });

    expect(siteIn(report.sites, 'src/ai/tag.ts').missingContext).toEqual([]);
    expect(report.findings.map((finding) => finding.site.file).sort()).toEqual([
      'src/ai/classify.ts',
      'src/ai/summarize.ts',
    ]);
  });

  test('inventory carries static models', async () => {
    const report = await runCheck({ root: APP_FIXTURE });

    expect(report.sites.map((site) => site.model).sort()).toEqual([
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'gpt-4.1-nano',
    ]);
    expect(siteIn(report.sites, 'src/ai/draft.ts')).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      line: 5,
      enclosingSymbol: 'draftEmail',
    });
  });

  test('per-file mode leaves callers out', async () => {
    const report = await runCheck({ root: APP_FIXTURE, perFileOnly: true });

    expect(siteIn(report.sites, 'src/ai/draft.ts').verdict).toBe('not-instrumented');
    expect(siteIn(report.sites, 'src/ai/classify.ts').missingContext).toEqual([]);
  });
});

describe('runCheck on raw HTTP calls', () => {
  test('plain JavaScript app without tsconfig', async () => {
    const dir = writeTree({
      'src/chat.js': [
        "const axios = require('axios');",
        "const OPENAI_BASE = 'https://api.openai.com/v1';",
        'async function reply(messages) {',
        "  return axios.post(`${OPENAI_BASE}/chat/completions`, { model: 'gpt-4.1-mini', messages });",
        '}',
        'module.exports = { reply };',
      ].join('\n'),
    });

    const report = await runCheck({ root: dir });
    const site = siteIn(report.sites, 'src/chat.js');

    expect(site).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      package: 'axios',
      method: 'post',
      endpoint: 'api.openai.com/v1/chat/completions',
      model: 'gpt-4.1-mini',
      verdict: 'not-instrumented',
    });
    expect(report.findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining('(POST api.openai.com/v1/chat/completions) is not instrumented'),
    ]);
  });

  test('model read from a fetch body', async () => {
    const dir = writeTree({
      'src/embed.ts': [
        'export async function embed(input: string): Promise<Response> {',
        "  return fetch('https://api.openai.com/v1/embeddings', {",
        "    method: 'POST',",
        "    body: JSON.stringify({ model: 'text-embedding-3-small', input }),",
        '  });',
        '}',
      ].join('\n'),
      'tsconfig.json': JSON.stringify({ compilerOptions: { lib: ['ES2023', 'DOM'], strict: true }, include: ['src'] }),
    });

    const report = await runCheck({ root: dir });

    expect(siteIn(report.sites, 'src/embed.ts')).toMatchObject({
      provider: 'openai',
      operation: 'embeddings',
      package: 'globalThis',
      endpoint: 'api.openai.com/v1/embeddings',
      model: 'text-embedding-3-small',
    });
  });
});

/** Runs the ESLint rule with type information over a fixture project and keys its reports like findings. */
async function eslintFindings(root: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts', '**/*.js'],
        languageOptions: {
          parser: tseslint.parser,
          parserOptions: { project: './tsconfig.json', tsconfigRootDir: root },
        },
        plugins: { '@telltale': telltale as unknown as ESLint.Plugin },
        rules: {
          '@telltale/require-instrumentation': [
            'error',
            { configFile: false, checkUnresolved: true, checkContext: true },
          ],
        },
      },
    ],
  });
  const results = await eslint.lintFiles(['src']);
  const ruleIds: Record<string, string> = {
    notInstrumented: 'not-instrumented',
    httpNotInstrumented: 'not-instrumented',
    missingContext: 'missing-context',
    unresolved: 'unresolved-call',
  };

  return results.flatMap((result) =>
    result.messages
      .filter((message) => message.ruleId === '@telltale/require-instrumentation')
      .map(
        (message) =>
          `${result.filePath.slice(root.length)}:${message.line}:${message.column} ${ruleIds[message.messageId ?? ''] ?? message.messageId}`,
      ),
  );
}

describe('per-file verdicts equal the ESLint rule', () => {
  test.each([
    ['detector fixtures', DETECTOR_FIXTURE],
    ['app fixture', APP_FIXTURE],
  ])('on the %s', async (_name, root) => {
    const report = await runCheck({ root, perFileOnly: true });
    const analyzer = report.findings.map(
      (finding) => `${finding.site.file}:${finding.site.line}:${finding.site.column} ${finding.ruleId}`,
    );

    const eslint = await eslintFindings(root);

    expect(analyzer.length).toBeGreaterThan(0);
    expect([...analyzer].sort()).toEqual([...eslint].sort());
  });
});

describe('changed-files mode', () => {
  const key = (site: CallSite): string => `${site.file}:${site.line}:${site.column}`;

  test.each([
    ['app fixture', APP_FIXTURE],
    ['detector fixtures', DETECTOR_FIXTURE],
  ])('gives the full run verdicts for each changed file of the %s', async (_name, root) => {
    const full = await runCheck({ root });
    const fullSites = new Map(full.sites.map((site) => [key(site), site]));
    const files = [...new Set(full.sites.map((site) => site.file))];

    for (const file of files) {
      const scoped = await runCheck({ root, changedFiles: [file] });

      for (const site of scoped.sites) expect(site, `${file} changed`).toEqual(fullSites.get(key(site)));
      expect(scoped.sites.filter((site) => site.file === file).map(key), `${file} changed`).toEqual(
        full.sites.filter((site) => site.file === file).map(key),
      );
      expect(scoped.files, `${file} changed`).toBeLessThanOrEqual(full.files);
    }
  });

  test('a changed helper loads the callers that record it', async () => {
    const report = await runCheck({ root: APP_FIXTURE, changedFiles: ['src/ai/draft.ts'] });

    expect(siteIn(report.sites, 'src/ai/draft.ts')).toMatchObject({
      verdict: 'instrumented',
      via: ['src/routes/email.ts:handleEmail.<anonymous>', 'src/ai/draft.ts:draftEmail'],
    });
  });

  test('a change outside the program reports nothing', async () => {
    const report = await runCheck({ root: APP_FIXTURE, changedFiles: ['README.md'] });

    expect(report).toMatchObject({ files: 0, sites: [], findings: [] });
  });
});

describe('runCheck on imperfect input', () => {
  test('syntax error skips one file', async () => {
    const dir = writeTree({
      'tsconfig.json': JSON.stringify({ include: ['src'] }),
      'src/ok.ts': 'export const x = 1;',
      'src/broken.ts': 'export function f( {',
    });

    const report = await runCheck({ root: dir });

    expect(report.files).toBe(2);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.file).toBe('src/broken.ts');
    expect(report.errors[0]?.message).toMatch(
      /syntax error at 1:\d+: .*fix the syntax error, the other files were analysed/,
    );
  });

  test('repository without tsconfig', async () => {
    const dir = writeTree({
      'index.js':
        'const OpenAI = require("openai");\nmodule.exports = async () => new OpenAI().chat.completions.create({});',
    });

    const report = await runCheck({ root: dir });

    expect(report.notes[0]).toContain('no tsconfig.json');
    expect(report.files).toBe(1);
  });
});

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
}

function appRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-check-git-'));
  cpSync(APP_FIXTURE, dir, { recursive: true });
  // The fixture's paths mapping points at the detector's stub packages relative to the fixture.
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        paths: { '*': [`${DETECTOR_FIXTURE}node_modules/*`] },
      },
      include: ['src'],
    }),
  );
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'initial');
  return dir;
}

describe('runCheck with git', () => {
  test('changed files and the files they call into', async () => {
    const dir = appRepository();
    writeFileSync(
      join(dir, 'src/routes/email.ts'),
      `// edited\n${execFileSync('cat', [join(dir, 'src/routes/email.ts')], { encoding: 'utf8' })}`,
    );

    const { changedFilesSince } = await import('../src/index.js');
    const changed = changedFilesSince(dir, 'HEAD');
    const report = await runCheck({ root: dir, changedFiles: changed });

    expect(changed).toEqual(['src/routes/email.ts']);
    expect(report.findings.map((finding) => finding.site.file).sort()).toEqual([
      'src/ai/classify.ts',
      'src/ai/summarize.ts',
    ]);
  });

  test('unrelated change reports nothing', async () => {
    const dir = appRepository();
    writeFileSync(
      join(dir, 'src/ai/tag.ts'),
      `// edited\n${execFileSync('cat', [join(dir, 'src/ai/tag.ts')], { encoding: 'utf8' })}`,
    );

    const { changedFilesSince } = await import('../src/index.js');
    const report = await runCheck({ root: dir, changedFiles: changedFilesSince(dir, 'HEAD') });

    expect(report.findings).toEqual([]);
  });

  test('compare lists added calls and model changes', async () => {
    const dir = appRepository();
    const before = await runCheck({ root: dir });
    writeFileSync(
      join(dir, 'src/ai/draft.ts'),
      execFileSync('cat', [join(dir, 'src/ai/draft.ts')], { encoding: 'utf8' }).replace('gpt-4.1-mini', 'gpt-5'),
    );
    writeFileSync(
      join(dir, 'src/ai/extra.ts'),
      "import { openai } from '../clients';\nexport const extra = () => openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });\n",
    );
    const after = await runCheck({ root: dir });

    const comparison = compareInventories(before.sites, after.sites);

    expect(comparison.added.map((site) => site.file)).toEqual(['src/ai/extra.ts']);
    expect(comparison.removed).toEqual([]);
    expect(comparison.modelChanged.map((change) => [change.before.model, change.after.model])).toEqual([
      ['gpt-4.1-mini', 'gpt-5'],
    ]);
  });
});
