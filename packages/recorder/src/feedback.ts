import { distance } from 'fastest-levenshtein';

/**
 * Returns the Levenshtein distance between the response and what the user kept, divided by the
 * longer length: 0 when unchanged, 1 when rewritten completely.
 */
export function normalizedEditDistance(original: string, edited: string): number {
  const longer = Math.max(original.length, edited.length);
  if (longer === 0) return 0;

  return distance(original, edited) / longer;
}

/** Phrases that mark a response as uncertain by default; matched case-insensitively. */
export const DEFAULT_UNCERTAINTY_PHRASES: readonly string[] = [
  "i'm not sure",
  'i am not sure',
  "i'm not certain",
  'i am not certain',
  "i don't know",
  'i do not know',
  "i can't verify",
  'i cannot verify',
  'i cannot confirm',
  "i can't confirm",
  'i may be wrong',
  'i might be wrong',
  "i don't have access to",
  'i do not have access to',
  'as an ai',
];

/** Returns the phrases that occur in `text`, matching case and apostrophe style loosely. */
export function findUncertaintyPhrases(text: string, phrases: readonly string[]): string[] {
  if (text === '' || phrases.length === 0) return [];

  const normalized = text.toLowerCase().replaceAll('\u2019', "'");
  return phrases.filter((phrase) => normalized.includes(phrase.toLowerCase().replaceAll('\u2019', "'")));
}
