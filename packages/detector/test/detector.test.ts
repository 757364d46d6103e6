import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

import { createDetector, type Detector, type ModelCall } from '../src/index.js';
import {
  FIXTURE_PROJECT,
  createFixtureProgram,
  forEachCall,
  formatVerdict,
  readExpectations,
} from './fixture-program.js';

const FIXTURE_FILES = [
  'openai.ts',
  'aliases.ts',
  'anthropic.ts',
  'ai-sdk.ts',
  'langchain.ts',
  'google.ts',
  'bedrock.ts',
  'mistral.ts',
  'others.ts',
  'instrumentation.ts',
  'shadowing.ts',
  'unresolved.ts',
  'require.js',
  'clients.ts',
];

let program: ts.Program;
let checker: ts.TypeChecker;
let detector: Detector;

beforeAll(() => {
  program = createFixtureProgram();
  checker = program.getTypeChecker();
  detector = createDetector(ts, {
    modelCalls: [{ from: 'package', package: 'my-llm', name: 'complete' }],
    wrappers: [{ from: 'package', package: 'my-tracing', name: 'traced' }],
  });
});

function sourceFile(name: string): ts.SourceFile {
  const file = program.getSourceFile(`${FIXTURE_PROJECT}src/${name}`);
  if (file === undefined) throw new Error(`fixture file not in the program: ${name}`);
  return file;
}

function detectAll(file: ts.SourceFile): ModelCall[] {
  const calls: ModelCall[] = [];
  forEachCall(file, (node) => {
    const call = detector.detect(checker, node);
    if (call !== undefined) calls.push(call);
  });
  return calls;
}

function lineOf(call: ModelCall): number {
  const file = call.node.getSourceFile();
  return file.getLineAndCharacterOfPosition(call.node.getStart(file)).line + 1;
}

describe('detector over the fixture project', () => {
  it('program compiles without errors', () => {
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  it.each(FIXTURE_FILES)('%s matches its annotations', (name) => {
    const file = sourceFile(name);
    const expected = Object.fromEntries(readExpectations(file));
    const actual = Object.fromEntries(detectAll(file).map((call) => [lineOf(call), formatVerdict(call)]));
    expect(actual).toEqual(expected);
  });
});

describe('catalog entries', () => {
  function firstCallOn(name: string, line: number): ModelCall {
    const call = detectAll(sourceFile(name)).find((candidate) => lineOf(candidate) === line);
    if (call === undefined) throw new Error(`no model call on ${name}:${line}`);
    return call;
  }

  it('openai chat names provider, package and operation', () => {
    const call = firstCallOn('openai.ts', 8);
    expect(call.provider).toBe('openai');
    expect(call.package).toBe('openai');
    expect(call.method).toBe('create');
    expect(call.operation).toBe('chat');
  });

  it('openai legacy completions are text completions', () => {
    const call = firstCallOn('openai.ts', 18);
    expect(call.operation).toBe('text_completion');
  });

  it('anthropic bedrock resolves to the shared resource', () => {
    const call = firstCallOn('anthropic.ts', 13);
    expect(call.provider).toBe('anthropic');
    expect(call.package).toBe('@anthropic-ai/sdk');
  });

  it('bedrock send is matched by its command', () => {
    const call = firstCallOn('bedrock.ts', 11);
    expect(call.provider).toBe('aws.bedrock');
    expect(call.method).toBe('send');
  });

  it('anthropic countTokens is token counting', () => {
    expect(firstCallOn('anthropic.ts', 11).operation).toBe('count_tokens');
  });
});

describe('syntactic prefilter', () => {
  it('rejects other calls without the type checker', () => {
    const throwingChecker = new Proxy({} as ts.TypeChecker, {
      get() {
        throw new Error('the type checker must not be used for this call');
      },
    });
    let candidates = 0;
    forEachCall(sourceFile('shadowing.ts'), (node) => {
      if (detector.isCandidate(node)) candidates++;
      else expect(detector.detect(throwingChecker, node)).toBeUndefined();
    });
    expect(candidates).toBe(2);
  });

  it('keeps renamed imports and destructured aliases', () => {
    const names: string[] = [];
    forEachCall(sourceFile('aliases.ts'), (node) => {
      if (detector.isCandidate(node)) names.push(node.expression.getText());
    });
    expect(names).toEqual(expect.arrayContaining(['write', 'send', 'bound', 'detached', 'create']));
  });
});

describe('default options', () => {
  it('ignores calls that only a configured catalog entry names', () => {
    const plain = createDetector(ts);
    const calls: ModelCall[] = [];
    forEachCall(sourceFile('others.ts'), (node) => {
      const call = plain.detect(checker, node);
      if (call !== undefined) calls.push(call);
    });
    expect(calls.map((call) => call.method)).not.toContain('complete');
  });

  it('requires only the configured context parts', () => {
    const featureOnly = createDetector(ts, { requiredContext: ['feature'] });
    const call = detectAll(sourceFile('openai.ts'))[0]!;
    expect(featureOnly.detect(checker, call.node)?.missingContext).toEqual(['feature']);
  });
});
