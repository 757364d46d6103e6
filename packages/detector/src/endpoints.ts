import type { CatalogOperation } from './catalog.js';

/** One model call endpoint of a provider's HTTP API, for calls made without the provider's SDK. */
export interface HttpEndpoint {
  /** Provider name as the event model writes it (`openai`, `anthropic`, `gcp.gemini`…). */
  provider: string;
  /**
   * Hosts as `URL.host` writes them: lower case, with the port only when it is not the scheme's
   * default. `*` stands for any run of characters (`*.openai.azure.com`).
   */
  hosts: readonly string[];
  /** Paths without the query; `*` stands for any run of characters within one path segment. */
  paths: readonly string[];
  operation: CatalogOperation;
  /** Set for a proxy that records each call it forwards: the accepted integration it counts as. */
  proxy?: 'helicone';
}

/** A URL that matched an endpoint. */
export interface EndpointMatch {
  endpoint: HttpEndpoint;
  /** Host and path of the URL, with each part only known at run time written as `*`. */
  target: string;
}

/**
 * Text that stands for a part of a URL only known at run time. It is a valid host label and path
 * segment, so the URL parser keeps it in place, and it matches a `*` of an endpoint but no literal.
 */
export const DYNAMIC_PART = 'x-telltale-dynamic-x';

const OPENAI_PATHS: readonly [CatalogOperation, readonly string[]][] = [
  ['chat', ['/v1/chat/completions']],
  ['responses', ['/v1/responses']],
  ['text_completion', ['/v1/completions']],
  ['embeddings', ['/v1/embeddings']],
  ['speech', ['/v1/audio/speech']],
  ['transcription', ['/v1/audio/transcriptions', '/v1/audio/translations']],
  ['image_generation', ['/v1/images/generations', '/v1/images/edits', '/v1/images/variations']],
];

const GEMINI_MODELS = ['/*/models/*', '/*/tunedModels/*'];

/**
 * The built-in provider endpoints. Each path takes a POST request that sends a prompt or an input
 * to a model. A GET on the same path reads stored objects, such as OpenAI's stored completions.
 */
export const BUILT_IN_ENDPOINTS: readonly HttpEndpoint[] = [
  ...OPENAI_PATHS.map(([operation, paths]) => ({ provider: 'openai', hosts: ['api.openai.com'], paths, operation })),

  { provider: 'anthropic', hosts: ['api.anthropic.com'], paths: ['/v1/messages'], operation: 'chat' },
  {
    provider: 'anthropic',
    hosts: ['api.anthropic.com'],
    paths: ['/v1/messages/count_tokens'],
    operation: 'count_tokens',
  },
  { provider: 'anthropic', hosts: ['api.anthropic.com'], paths: ['/v1/complete'], operation: 'text_completion' },

  // Gemini API: `/{version}/models/{model}:{method}`, also for tuned models.
  {
    provider: 'gcp.gemini',
    hosts: ['generativelanguage.googleapis.com'],
    paths: GEMINI_MODELS.flatMap((model) => [`${model}:generateContent`, `${model}:streamGenerateContent`]),
    operation: 'generate_content',
  },
  {
    provider: 'gcp.gemini',
    hosts: ['generativelanguage.googleapis.com'],
    paths: GEMINI_MODELS.flatMap((model) => [`${model}:embedContent`, `${model}:batchEmbedContents`]),
    operation: 'embeddings',
  },
  {
    provider: 'gcp.gemini',
    hosts: ['generativelanguage.googleapis.com'],
    paths: GEMINI_MODELS.map((model) => `${model}:countTokens`),
    operation: 'count_tokens',
  },
  {
    provider: 'gcp.gemini',
    hosts: ['generativelanguage.googleapis.com'],
    paths: ['/*/openai/chat/completions'],
    operation: 'chat',
  },

  // Vertex AI: regional hosts (`us-central1-aiplatform.googleapis.com`) and the global one.
  {
    provider: 'gcp.vertex_ai',
    hosts: ['aiplatform.googleapis.com', '*-aiplatform.googleapis.com'],
    paths: [
      '/*/projects/*/locations/*/publishers/*/models/*:generateContent',
      '/*/projects/*/locations/*/publishers/*/models/*:streamGenerateContent',
      '/*/projects/*/locations/*/publishers/*/models/*:rawPredict',
      '/*/projects/*/locations/*/publishers/*/models/*:streamRawPredict',
    ],
    operation: 'generate_content',
  },

  // Azure OpenAI: deployment-scoped paths, the OpenAI-compatible `/openai/v1/` paths, and the
  // Responses API's `/openai/responses`.
  ...OPENAI_PATHS.map(([operation, paths]) => ({
    provider: 'azure.ai.openai',
    hosts: ['*.openai.azure.com', '*.cognitiveservices.azure.com'],
    paths: paths.flatMap((path) => [path.replace('/v1/', '/openai/deployments/*/'), `/openai${path}`]),
    operation,
  })),
  {
    provider: 'azure.ai.openai',
    hosts: ['*.openai.azure.com', '*.cognitiveservices.azure.com'],
    paths: ['/openai/responses'],
    operation: 'responses',
  },

  { provider: 'mistral_ai', hosts: ['api.mistral.ai'], paths: ['/v1/chat/completions'], operation: 'chat' },
  { provider: 'mistral_ai', hosts: ['api.mistral.ai'], paths: ['/v1/agents/completions'], operation: 'chat' },
  { provider: 'mistral_ai', hosts: ['api.mistral.ai'], paths: ['/v1/fim/completions'], operation: 'text_completion' },
  { provider: 'mistral_ai', hosts: ['api.mistral.ai'], paths: ['/v1/embeddings'], operation: 'embeddings' },

  { provider: 'groq', hosts: ['api.groq.com'], paths: ['/openai/v1/chat/completions'], operation: 'chat' },
  { provider: 'groq', hosts: ['api.groq.com'], paths: ['/openai/v1/responses'], operation: 'responses' },
  { provider: 'groq', hosts: ['api.groq.com'], paths: ['/openai/v1/embeddings'], operation: 'embeddings' },
  {
    provider: 'groq',
    hosts: ['api.groq.com'],
    paths: ['/openai/v1/audio/transcriptions', '/openai/v1/audio/translations'],
    operation: 'transcription',
  },
  { provider: 'groq', hosts: ['api.groq.com'], paths: ['/openai/v1/audio/speech'], operation: 'speech' },

  { provider: 'openrouter', hosts: ['openrouter.ai'], paths: ['/api/v1/chat/completions'], operation: 'chat' },
  { provider: 'openrouter', hosts: ['openrouter.ai'], paths: ['/api/v1/completions'], operation: 'text_completion' },
  { provider: 'openrouter', hosts: ['openrouter.ai'], paths: ['/api/v1/responses'], operation: 'responses' },
  { provider: 'openrouter', hosts: ['openrouter.ai'], paths: ['/api/v1/embeddings'], operation: 'embeddings' },

  // Cohere: `api.cohere.com`, and `api.cohere.ai`, which older code still uses.
  {
    provider: 'cohere',
    hosts: ['api.cohere.com', 'api.cohere.ai'],
    paths: ['/v1/chat', '/v2/chat', '/v1/generate'],
    operation: 'chat',
  },
  {
    provider: 'cohere',
    hosts: ['api.cohere.com', 'api.cohere.ai'],
    paths: ['/v1/embed', '/v2/embed'],
    operation: 'embeddings',
  },
  {
    provider: 'cohere',
    hosts: ['api.cohere.com', 'api.cohere.ai'],
    paths: ['/v1/rerank', '/v2/rerank'],
    operation: 'rerank',
  },

  { provider: 'together', hosts: ['api.together.xyz'], paths: ['/v1/chat/completions'], operation: 'chat' },
  { provider: 'together', hosts: ['api.together.xyz'], paths: ['/v1/completions'], operation: 'text_completion' },
  { provider: 'together', hosts: ['api.together.xyz'], paths: ['/v1/embeddings'], operation: 'embeddings' },
  {
    provider: 'together',
    hosts: ['api.together.xyz'],
    paths: ['/v1/images/generations'],
    operation: 'image_generation',
  },

  {
    provider: 'deepseek',
    hosts: ['api.deepseek.com'],
    paths: ['/chat/completions', '/v1/chat/completions'],
    operation: 'chat',
  },
  { provider: 'x_ai', hosts: ['api.x.ai'], paths: ['/v1/chat/completions'], operation: 'chat' },
  { provider: 'x_ai', hosts: ['api.x.ai'], paths: ['/v1/responses'], operation: 'responses' },
  { provider: 'perplexity', hosts: ['api.perplexity.ai'], paths: ['/chat/completions'], operation: 'chat' },
  {
    provider: 'fireworks',
    hosts: ['api.fireworks.ai'],
    paths: ['/inference/v1/chat/completions'],
    operation: 'chat',
  },
  {
    provider: 'fireworks',
    hosts: ['api.fireworks.ai'],
    paths: ['/inference/v1/completions'],
    operation: 'text_completion',
  },

  // Amazon Bedrock Runtime's REST API; the SDK's commands are in the SDK catalog.
  {
    provider: 'aws.bedrock',
    hosts: ['bedrock-runtime.*.amazonaws.com'],
    paths: ['/model/*/invoke', '/model/*/invoke-with-response-stream', '/model/*/converse', '/model/*/converse-stream'],
    operation: 'chat',
  },

  // Ollama on its default port.
  {
    provider: 'ollama',
    hosts: ['localhost:11434', '127.0.0.1:11434'],
    paths: ['/api/chat', '/api/generate', '/v1/chat/completions'],
    operation: 'chat',
  },
  {
    provider: 'ollama',
    hosts: ['localhost:11434', '127.0.0.1:11434'],
    paths: ['/api/embed', '/api/embeddings', '/v1/embeddings'],
    operation: 'embeddings',
  },

  // Helicone logs every request its proxies and gateways forward.
  ...OPENAI_PATHS.map(([operation, paths]) => ({
    provider: 'openai',
    hosts: ['oai.helicone.ai'],
    paths,
    operation,
    proxy: 'helicone' as const,
  })),
  {
    provider: 'anthropic',
    hosts: ['anthropic.helicone.ai'],
    paths: ['/v1/messages'],
    operation: 'chat',
    proxy: 'helicone',
  },
  // The gateways forward to the provider that the model name or the `Helicone-Target-Url` header
  // selects, so the provider is not known from the URL.
  {
    provider: 'helicone',
    hosts: ['gateway.helicone.ai', 'ai-gateway.helicone.ai'],
    paths: ['/v1/chat/completions', '/v1/messages'],
    operation: 'chat',
    proxy: 'helicone',
  },
  {
    provider: 'helicone',
    hosts: ['gateway.helicone.ai', 'ai-gateway.helicone.ai'],
    paths: ['/v1/responses'],
    operation: 'responses',
    proxy: 'helicone',
  },
];

interface CompiledEndpoint {
  endpoint: HttpEndpoint;
  host: RegExp;
  path: RegExp;
}

/**
 * Creates the matcher of URLs against endpoints. A URL matches when it is `http:` or `https:`, its
 * host matches one of the endpoint's hosts and its path, without a trailing slash, one of its paths.
 */
export function createEndpointMatcher(endpoints: readonly HttpEndpoint[]): (url: string) => EndpointMatch | undefined {
  const compiled: CompiledEndpoint[] = endpoints.map((endpoint) => ({
    endpoint,
    host: patternOf(endpoint.hosts),
    path: patternOf(endpoint.paths),
  }));

  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;

    const path = parsed.pathname.length > 1 ? parsed.pathname.replace(/\/$/, '') : parsed.pathname;
    for (const candidate of compiled) {
      if (candidate.host.test(parsed.host) && candidate.path.test(path)) {
        return { endpoint: candidate.endpoint, target: `${parsed.host}${path}`.replaceAll(DYNAMIC_PART, '*') };
      }
    }
    return undefined;
  };
}

function patternOf(templates: readonly string[]): RegExp {
  const alternatives = templates.map((template) =>
    template
      .split('*')
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+'),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}
