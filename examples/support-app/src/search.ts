import { recorder } from './telemetry.js';

/** Runs a help-center search through a raw HTTP call, recorded without a user. */
export async function searchAnswer(query: string) {
  return recorder.record(
    {
      provider: 'openai',
      model: 'gpt-4.1-mini',
      context: { feature: 'search-answer', state: { corpus: 'help-center' } },
    },
    () =>
      fetch('https://api.openai.com/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENAI_API_KEY ?? ''}` },
        body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: query }] }),
      }).then((response) => response.json() as Promise<unknown>),
  );
}
