import Anthropic from '@anthropic-ai/sdk';

const anthropic = new Anthropic();

/** Summarizes a support thread. Nothing records this call: the check reports it. */
export async function summarizeThread(thread: string) {
  const message = await anthropic.messages.create({
    model: 'claude-sonnet-4',
    max_tokens: 512,
    messages: [{ role: 'user', content: `Summarize this thread:\n${thread}` }],
  });
  return message.content;
}
