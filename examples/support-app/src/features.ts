/**
 * The app's features and the state each one records with its model calls. A type alias, not an
 * interface: `createRecorder<Features>` needs a type that is assignable to a string index
 * signature, which an interface is not.
 */
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type Features = {
  'draft-email': { templateId: 'follow-up' | 'intro' | 'reminder' | 'thank-you' | 'apology' };
  'summarize-thread': { threadSize: 'short' | 'medium' | 'long' };
  'support-reply': { channel: 'email' | 'chat' };
  'search-answer': { corpus: 'help-center' | 'docs' };
};
