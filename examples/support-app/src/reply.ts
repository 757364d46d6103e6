import OpenAI from 'openai';

import { recorder } from './telemetry.js';

const openai = new OpenAI();

/** Sends the model call of a support reply. It records nothing itself, so its callers decide. */
async function completeReply(question: string) {
  return openai.responses.create({ model: 'gpt-4.1', input: question });
}

/** Replies to a chat message: recorded, because the call runs inside `recorder.record()`. */
export async function replyInChat(userId: string, question: string) {
  return recorder.record(
    {
      provider: 'openai',
      model: 'gpt-4.1',
      context: { feature: 'support-reply', state: { channel: 'chat' }, user: userId },
    },
    () => completeReply(question),
  );
}

/** Replies to an email. This path skips the recorder, so the check reports the helper's call with it. */
export async function replyByEmail(question: string) {
  return completeReply(question);
}
