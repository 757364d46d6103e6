import OpenAI from 'openai';

import type { Features } from './features.js';
import { recorder } from './telemetry.js';

const openai = recorder.instrument(new OpenAI());

/** Drafts a customer email: recorded, with the feature, its state and the user. */
export async function draftEmail(userId: string, templateId: Features['draft-email']['templateId'], notes: string) {
  const completion = await recorder.withContext({ feature: 'draft-email', state: { templateId }, user: userId }, () =>
    openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: `Write a ${templateId} email.` },
        { role: 'user', content: notes },
      ],
    }),
  );
  return completion.choices[0]?.message.content ?? '';
}
