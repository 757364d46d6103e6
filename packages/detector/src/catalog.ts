import type { Operation } from '@telltale/schema';

/** Kind of model call a catalog entry makes: the event model's operations plus token counting. */
export type CatalogOperation = Operation | 'count_tokens';

/**
 * A function or method named by the package that declares it, in the shape typescript-eslint uses
 * for its type and value specifiers.
 */
export interface PackageSpecifier {
  from: 'package';
  /** npm package name, as it appears under `node_modules/`. */
  package: string;
  /** Function or method name. */
  name: string | readonly string[];
}

/** One call surface of an SDK: the members that send a request to a model. */
export interface CatalogEntry {
  /** Provider name as the event model writes it (`openai`, `anthropic`, `aws.bedrock`…). */
  provider: string;
  /** Packages whose declarations define the surface; `@scope/*` matches every package of a scope. */
  packages: readonly string[];
  /** Names of the methods or functions that make the call. */
  methods: readonly string[];
  operation: CatalogOperation;
  /**
   * Name of the class or interface that declares the method. Absent: any container, including a
   * module-level function.
   */
  container?: string;
  /** A fragment the declaring file's path must contain, to tell apart classes that share a name. */
  pathIncludes?: string;
  /**
   * A base class the receiver must extend, for methods declared on a generic base (LangChain's
   * `Runnable.invoke` is a model call only on a chat model or an LLM).
   */
  receiverBases?: readonly string[];
  /**
   * For command-style clients (AWS SDK v3 `client.send(command)`): the classes of the argument that
   * make the call a model call, declared in one of `packages`.
   */
  commands?: readonly string[];
  /**
   * Member chains from a client object to the method, for the untyped fallback and for calls whose
   * types did not resolve (`['chat', 'completions', 'create']`). Module-level functions need none.
   */
  chains?: readonly (readonly string[])[];
  /**
   * Package exports the untyped fallback starts from: constructors of a client (`new OpenAI()`)
   * and the model call functions themselves.
   */
  imports?: { constructors?: readonly string[]; functions?: readonly string[] };
}

const OPENAI_CLIENTS = ['default', 'OpenAI', 'AzureOpenAI'];

/** The built-in SDK call surfaces. Users add theirs through the `modelCalls` setting. */
export const BUILT_IN_CATALOG: readonly CatalogEntry[] = [
  // openai: the chat class and the legacy completions class are both named `Completions`.
  {
    provider: 'openai',
    packages: ['openai'],
    container: 'Completions',
    pathIncludes: '/chat/',
    methods: ['create', 'parse', 'stream', 'runTools'],
    operation: 'chat',
    chains: [
      ['chat', 'completions', 'create'],
      ['chat', 'completions', 'parse'],
      ['chat', 'completions', 'stream'],
      ['chat', 'completions', 'runTools'],
      ['beta', 'chat', 'completions', 'parse'],
      ['beta', 'chat', 'completions', 'stream'],
      ['beta', 'chat', 'completions', 'runTools'],
    ],
    imports: { constructors: OPENAI_CLIENTS },
  },
  {
    provider: 'openai',
    packages: ['openai'],
    container: 'Responses',
    methods: ['create', 'parse', 'stream'],
    operation: 'responses',
    chains: [
      ['responses', 'create'],
      ['responses', 'parse'],
      ['responses', 'stream'],
    ],
    imports: { constructors: OPENAI_CLIENTS },
  },
  {
    provider: 'openai',
    packages: ['openai'],
    container: 'Completions',
    methods: ['create'],
    operation: 'text_completion',
    chains: [['completions', 'create']],
    imports: { constructors: OPENAI_CLIENTS },
  },
  {
    provider: 'openai',
    packages: ['openai'],
    container: 'Embeddings',
    methods: ['create'],
    operation: 'embeddings',
    chains: [['embeddings', 'create']],
    imports: { constructors: OPENAI_CLIENTS },
  },
  {
    provider: 'openai',
    packages: ['openai'],
    container: 'Images',
    methods: ['generate', 'edit', 'createVariation'],
    operation: 'image_generation',
    chains: [
      ['images', 'generate'],
      ['images', 'edit'],
      ['images', 'createVariation'],
    ],
    imports: { constructors: OPENAI_CLIENTS },
  },
  {
    provider: 'openai',
    packages: ['openai'],
    container: 'Speech',
    methods: ['create'],
    operation: 'speech',
    chains: [['audio', 'speech', 'create']],
    imports: { constructors: OPENAI_CLIENTS },
  },
  {
    provider: 'openai',
    packages: ['openai'],
    container: 'Transcriptions',
    methods: ['create'],
    operation: 'transcription',
    chains: [['audio', 'transcriptions', 'create']],
    imports: { constructors: OPENAI_CLIENTS },
  },
  {
    provider: 'openai',
    packages: ['openai'],
    container: 'Translations',
    methods: ['create'],
    operation: 'transcription',
    chains: [['audio', 'translations', 'create']],
    imports: { constructors: OPENAI_CLIENTS },
  },

  // Anthropic: the Bedrock and Vertex clients reuse the resource classes of @anthropic-ai/sdk, and
  // the beta namespace declares its own `Messages` class.
  {
    provider: 'anthropic',
    packages: ['@anthropic-ai/sdk', '@anthropic-ai/bedrock-sdk', '@anthropic-ai/vertex-sdk'],
    container: 'Messages',
    methods: ['create', 'stream', 'parse'],
    operation: 'chat',
    chains: [
      ['messages', 'create'],
      ['messages', 'stream'],
      ['messages', 'parse'],
      ['beta', 'messages', 'create'],
      ['beta', 'messages', 'stream'],
      ['beta', 'messages', 'parse'],
    ],
    imports: { constructors: ['default', 'Anthropic', 'AnthropicBedrock', 'AnthropicVertex'] },
  },
  {
    provider: 'anthropic',
    packages: ['@anthropic-ai/sdk', '@anthropic-ai/bedrock-sdk', '@anthropic-ai/vertex-sdk'],
    container: 'Messages',
    methods: ['countTokens'],
    operation: 'count_tokens',
    chains: [
      ['messages', 'countTokens'],
      ['beta', 'messages', 'countTokens'],
    ],
    imports: { constructors: ['default', 'Anthropic', 'AnthropicBedrock', 'AnthropicVertex'] },
  },

  // Vercel AI SDK, versions 4 to 7: module-level functions.
  {
    provider: 'ai-sdk',
    packages: ['ai'],
    methods: ['generateText', 'streamText', 'generateObject', 'streamObject'],
    operation: 'chat',
    imports: { functions: ['generateText', 'streamText', 'generateObject', 'streamObject'] },
  },
  {
    provider: 'ai-sdk',
    packages: ['ai'],
    methods: ['embed', 'embedMany'],
    operation: 'embeddings',
    imports: { functions: ['embed', 'embedMany'] },
  },

  // LangChain: `invoke` and friends are declared on `Runnable` and `BaseChatModel` in @langchain/core.
  {
    provider: 'langchain',
    packages: ['@langchain/*', 'langchain'],
    methods: ['invoke', 'stream', 'batch', 'streamEvents'],
    operation: 'chat',
    receiverBases: ['BaseChatModel', 'BaseLLM', 'BaseLanguageModel'],
  },

  // Google: the current SDK declares its methods as arrow-function properties of `Models` and `Chat`.
  {
    provider: 'gcp.gen_ai',
    packages: ['@google/genai'],
    container: 'Models',
    methods: ['generateContent', 'generateContentStream'],
    operation: 'generate_content',
    chains: [
      ['models', 'generateContent'],
      ['models', 'generateContentStream'],
    ],
    imports: { constructors: ['GoogleGenAI'] },
  },
  {
    provider: 'gcp.gen_ai',
    packages: ['@google/genai'],
    container: 'Models',
    methods: ['embedContent'],
    operation: 'embeddings',
    chains: [['models', 'embedContent']],
    imports: { constructors: ['GoogleGenAI'] },
  },
  {
    provider: 'gcp.gen_ai',
    packages: ['@google/genai'],
    container: 'Chat',
    methods: ['sendMessage', 'sendMessageStream'],
    operation: 'chat',
  },
  {
    provider: 'gcp.gemini',
    packages: ['@google/generative-ai'],
    container: 'GenerativeModel',
    methods: ['generateContent', 'generateContentStream'],
    operation: 'generate_content',
  },
  {
    provider: 'gcp.gemini',
    packages: ['@google/generative-ai'],
    container: 'GenerativeModel',
    methods: ['embedContent', 'batchEmbedContents'],
    operation: 'embeddings',
  },
  {
    provider: 'gcp.gemini',
    packages: ['@google/generative-ai'],
    container: 'ChatSession',
    methods: ['sendMessage', 'sendMessageStream'],
    operation: 'chat',
  },

  // AWS: `send` is declared by the Smithy base client, so the command class decides.
  {
    provider: 'aws.bedrock',
    packages: ['@aws-sdk/client-bedrock-runtime'],
    methods: ['send'],
    operation: 'chat',
    commands: [
      'InvokeModelCommand',
      'InvokeModelWithResponseStreamCommand',
      'ConverseCommand',
      'ConverseStreamCommand',
    ],
  },

  // Mistral: client methods and the standalone functions of `@mistralai/mistralai/funcs/*`.
  {
    provider: 'mistral_ai',
    packages: ['@mistralai/mistralai'],
    methods: ['complete', 'stream', 'parse'],
    container: 'Chat',
    operation: 'chat',
    chains: [
      ['chat', 'complete'],
      ['chat', 'stream'],
      ['chat', 'parse'],
    ],
    imports: { constructors: ['Mistral'] },
  },
  {
    provider: 'mistral_ai',
    packages: ['@mistralai/mistralai'],
    methods: ['complete', 'stream'],
    container: 'Fim',
    operation: 'text_completion',
    chains: [
      ['fim', 'complete'],
      ['fim', 'stream'],
    ],
    imports: { constructors: ['Mistral'] },
  },
  {
    provider: 'mistral_ai',
    packages: ['@mistralai/mistralai'],
    methods: ['complete', 'stream'],
    container: 'Agents',
    operation: 'chat',
    chains: [
      ['agents', 'complete'],
      ['agents', 'stream'],
    ],
    imports: { constructors: ['Mistral'] },
  },
  {
    provider: 'mistral_ai',
    packages: ['@mistralai/mistralai'],
    methods: ['create'],
    container: 'Embeddings',
    operation: 'embeddings',
    chains: [['embeddings', 'create']],
    imports: { constructors: ['Mistral'] },
  },
  {
    provider: 'mistral_ai',
    packages: ['@mistralai/mistralai'],
    methods: ['chatComplete', 'chatStream', 'chatParse', 'fimComplete', 'fimStream', 'agentsComplete', 'agentsStream'],
    pathIncludes: '/funcs/',
    operation: 'chat',
  },
  {
    provider: 'mistral_ai',
    packages: ['@mistralai/mistralai'],
    methods: ['embeddingsCreate'],
    pathIncludes: '/funcs/',
    operation: 'embeddings',
  },

  // Cohere: `CohereClient` (v1 API) and its `v2` namespace.
  {
    provider: 'cohere',
    packages: ['cohere-ai'],
    methods: ['chat', 'chatStream', 'generate', 'generateStream'],
    operation: 'chat',
    chains: [['chat'], ['chatStream'], ['generate'], ['generateStream'], ['v2', 'chat'], ['v2', 'chatStream']],
    imports: { constructors: ['CohereClient', 'CohereClientV2'] },
  },
  {
    provider: 'cohere',
    packages: ['cohere-ai'],
    methods: ['embed'],
    operation: 'embeddings',
    chains: [['embed'], ['v2', 'embed']],
    imports: { constructors: ['CohereClient', 'CohereClientV2'] },
  },
  {
    provider: 'cohere',
    packages: ['cohere-ai'],
    methods: ['rerank'],
    operation: 'rerank',
    chains: [['rerank'], ['v2', 'rerank']],
    imports: { constructors: ['CohereClient', 'CohereClientV2'] },
  },

  // Groq and Together mirror the openai package's layout.
  {
    provider: 'groq',
    packages: ['groq-sdk'],
    container: 'Completions',
    pathIncludes: '/chat/',
    methods: ['create'],
    operation: 'chat',
    chains: [['chat', 'completions', 'create']],
    imports: { constructors: ['default', 'Groq'] },
  },
  {
    provider: 'groq',
    packages: ['groq-sdk'],
    container: 'Embeddings',
    methods: ['create'],
    operation: 'embeddings',
    chains: [['embeddings', 'create']],
    imports: { constructors: ['default', 'Groq'] },
  },
  {
    provider: 'groq',
    packages: ['groq-sdk'],
    container: 'Transcriptions',
    methods: ['create'],
    operation: 'transcription',
    chains: [['audio', 'transcriptions', 'create']],
    imports: { constructors: ['default', 'Groq'] },
  },
  {
    provider: 'together',
    packages: ['together-ai'],
    container: 'Completions',
    pathIncludes: '/chat/',
    methods: ['create'],
    operation: 'chat',
    chains: [['chat', 'completions', 'create']],
    imports: { constructors: ['default', 'Together'] },
  },
  {
    provider: 'together',
    packages: ['together-ai'],
    container: 'Completions',
    methods: ['create'],
    operation: 'text_completion',
    chains: [['completions', 'create']],
    imports: { constructors: ['default', 'Together'] },
  },
  {
    provider: 'together',
    packages: ['together-ai'],
    container: 'Embeddings',
    methods: ['create'],
    operation: 'embeddings',
    chains: [['embeddings', 'create']],
    imports: { constructors: ['default', 'Together'] },
  },
  {
    provider: 'together',
    packages: ['together-ai'],
    container: 'Images',
    methods: ['create', 'generate'],
    operation: 'image_generation',
    chains: [
      ['images', 'create'],
      ['images', 'generate'],
    ],
    imports: { constructors: ['default', 'Together'] },
  },

  // Ollama: the `Ollama` class and the default instance the package exports.
  {
    provider: 'ollama',
    packages: ['ollama'],
    container: 'Ollama',
    methods: ['chat', 'generate'],
    operation: 'chat',
    chains: [['chat'], ['generate']],
    imports: { constructors: ['Ollama'] },
  },
  {
    provider: 'ollama',
    packages: ['ollama'],
    container: 'Ollama',
    methods: ['embed', 'embeddings'],
    operation: 'embeddings',
    chains: [['embed'], ['embeddings']],
    imports: { constructors: ['Ollama'] },
  },
];

/** Turns user-configured model call specifiers into catalog entries. */
export function entriesFromSpecifiers(specifiers: readonly PackageSpecifier[]): CatalogEntry[] {
  return specifiers.map((specifier) => {
    const names = typeof specifier.name === 'string' ? [specifier.name] : specifier.name;
    return {
      provider: specifier.package,
      packages: [specifier.package],
      methods: names,
      operation: 'chat',
      imports: { functions: names },
    };
  });
}

/** Tells whether `packageName` is one of `patterns`, where `@scope/*` stands for the whole scope. */
export function matchesPackage(packageName: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('/*') ? packageName.startsWith(pattern.slice(0, -1)) : pattern === packageName,
  );
}
