import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

import { BUILT_IN_ENDPOINTS, createEndpointMatcher } from '../src/endpoints.js';
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
  'http.ts',
  'http-plain.js',
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

function firstCallOn(name: string, line: number): ModelCall {
  const call = detectAll(sourceFile(name)).find((candidate) => lineOf(candidate) === line);
  if (call === undefined) throw new Error(`no model call on ${name}:${line}`);
  return call;
}

describe('catalog entries', () => {
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

describe('raw HTTP calls', () => {
  it.each([
    ['http.ts', 20, 'axios', 'openai', 'chat', 'api.openai.com/v1/chat/completions'],
    ['http.ts', 21, 'globalThis', 'anthropic', 'chat', 'api.anthropic.com/v1/messages'],
    ['http.ts', 24, 'globalThis', 'openai', 'responses', 'api.openai.com/v1/responses'],
    ['http.ts', 25, 'globalThis', 'openai', 'embeddings', 'api.openai.com/v1/embeddings'],
    [
      'http.ts',
      26,
      'globalThis',
      'gcp.gemini',
      'generate_content',
      'generativelanguage.googleapis.com/v1beta/models/*:generateContent',
    ],
    [
      'http.ts',
      27,
      'globalThis',
      'azure.ai.openai',
      'chat',
      '*.openai.azure.com/openai/deployments/*/chat/completions',
    ],
    ['http.ts', 33, 'axios', 'groq', 'chat', 'api.groq.com/openai/v1/chat/completions'],
    ['http.ts', 35, 'axios', 'openai', 'embeddings', 'api.openai.com/v1/embeddings'],
    ['http.ts', 39, 'got', 'mistral_ai', 'embeddings', 'api.mistral.ai/v1/embeddings'],
    ['http.ts', 43, 'ky', 'anthropic', 'chat', 'api.anthropic.com/v1/messages'],
    ['http.ts', 45, 'undici', 'cohere', 'embeddings', 'api.cohere.com/v2/embed'],
    ['http.ts', 46, 'undici', 'anthropic', 'chat', 'api.anthropic.com/v1/messages'],
    ['http.ts', 49, 'globalThis', 'openai', 'speech', 'api.openai.com/v1/audio/speech'],
    ['http.ts', 65, 'globalThis', 'helicone', 'chat', 'gateway.helicone.ai/v1/chat/completions'],
    ['http-plain.js', 10, 'node-fetch', 'anthropic', 'chat', 'api.anthropic.com/v1/messages'],
    ['http-plain.js', 11, 'axios', 'openai', 'embeddings', 'api.openai.com/v1/embeddings'],
  ])('%s:%i sends with %s to %s %s', (file, line, client, provider, operation, target) => {
    const call = firstCallOn(file, line);
    expect(call.entry).toBeUndefined();
    expect(call.package).toBe(client);
    expect(call.provider).toBe(provider);
    expect(call.operation).toBe(operation);
    expect(call.http?.match.target).toBe(target);
  });

  it('reads the JSON body of each request shape', () => {
    const bodyOn = (line: number): string | undefined => firstCallOn('http.ts', line).http?.body?.getText();
    expect(bodyOn(20)).toBe('{ model, messages }');
    expect(bodyOn(21)).toBe('{ model, messages }');
    expect(bodyOn(32)).toBe('{ model, messages }');
    expect(bodyOn(37)).toBe('{ model, messages }');
    expect(bodyOn(22)).toBeUndefined();
  });

  it('rejects calls without a URL-like first argument before the checker', () => {
    const throwingChecker = new Proxy({} as ts.TypeChecker, {
      get() {
        throw new Error('the type checker must not be used for this call');
      },
    });
    const file = ts.createSourceFile(
      'routes.ts',
      "app.post(() => undefined);\nfetch();\nclient.upload('https://api.openai.com/v1/chat/completions');",
      ts.ScriptTarget.ES2022,
      true,
    );
    forEachCall(file, (node) => {
      expect(detector.isCandidate(node)).toBe(false);
      expect(detector.detect(throwingChecker, node)).toBeUndefined();
    });
  });
});

describe('endpoint matcher', () => {
  const match = createEndpointMatcher(BUILT_IN_ENDPOINTS);

  it.each([
    ['https://api.openai.com/v1/chat/completions/', 'openai', 'chat'],
    ['https://api.openai.com:443/v1/images/generations', 'openai', 'image_generation'],
    ['https://api.anthropic.com/v1/messages/count_tokens', 'anthropic', 'count_tokens'],
    [
      'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
      'gcp.vertex_ai',
      'generate_content',
    ],
    ['https://my-resource.cognitiveservices.azure.com/openai/v1/responses', 'azure.ai.openai', 'responses'],
    ['https://api.cohere.ai/v1/rerank', 'cohere', 'rerank'],
    ['https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-pro-v1:0/converse', 'aws.bedrock', 'chat'],
    ['http://localhost:11434/api/chat', 'ollama', 'chat'],
  ])('matches %s', (url, provider, operation) => {
    expect(match(url)?.endpoint).toMatchObject({ provider, operation });
  });

  it.each([
    'https://api.openai.com/v1/models',
    'https://platform.openai.com/docs/api-reference/chat',
    'https://api.openai.com.example.com/v1/chat/completions',
    'https://example.com/api.openai.com/v1/chat/completions',
    'ftp://api.openai.com/v1/chat/completions',
    'http://localhost:3000/api/chat',
    '/v1/chat/completions',
  ])('rejects %s', (url) => {
    expect(match(url)).toBeUndefined();
  });

  it('reports the proxy that records the call', () => {
    expect(match('https://oai.helicone.ai/v1/chat/completions')?.endpoint).toMatchObject({
      provider: 'openai',
      proxy: 'helicone',
    });
  });
});
