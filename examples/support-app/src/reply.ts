import OpenAI from 'openai';

import { recorder } from './telemetry.js';

const openai = new OpenAI();

/** The model call of a support reply. It records nothing itself; its callers decide. */
async function completeReply(question: string) {
  return openai.responses.create({ model: 'gpt-4.1', input: question });
}

/** Answers a chat message: recorded, because the call runs inside `recorder.record()`. */
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

/** Answers an email: this path forgets the recorder, so the helper's call is reported with it. */
export async function replyByEmail(question: string) {
  return completeReply(question);
}
