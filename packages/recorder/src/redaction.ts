/** Names of the built-in detectors. */
export type DetectorName = 'email' | 'phone' | 'card' | 'api_key' | 'aws_key' | 'jwt';

export const BUILT_IN_DETECTORS: readonly DetectorName[] = ['card', 'api_key', 'aws_key', 'jwt', 'email', 'phone'];

/**
 * A custom redaction step. It receives each string of the prompt, response and state with its
 * JSON Pointer and returns the string to record. A string returned unchanged counts as not
 * redacted.
 */
export type CustomRedactor = (text: string, path: string) => string;

export interface RedactionOptions {
  /** Built-in detectors to run; all of them by default, none with `false`. */
  detectors?: readonly DetectorName[] | false;
  /** Runs after the built-in detectors. */
  custom?: CustomRedactor;
}

interface Detector {
  pattern: RegExp;
  /** Further check of a match, such as the Luhn checksum of a card number. */
  accept?: (match: string) => boolean;
}

const DETECTORS: Record<DetectorName, Detector> = {
  // Ordered so longer, more specific secrets are replaced before the looser email and phone patterns.
  card: { pattern: /\b\d(?:[ -]?\d){12,18}\b/g, accept: isLuhnValid },
  api_key: { pattern: /\b(?:sk|rk|pk)-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{20,}/g },
  aws_key: { pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/g },
  jwt: { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g },
  email: { pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
  phone: { pattern: /(?<![\w+])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,4}(?!\w)/g, accept: isPhoneLike },
};

/** Replaces personal data and secrets in strings and reports the JSON Pointers it touched. */
export class Redactor {
  readonly #detectors: (Detector & { name: DetectorName })[];
  readonly #custom: CustomRedactor | undefined;

  constructor(options: RedactionOptions = {}) {
    const names = options.detectors === false ? [] : (options.detectors ?? BUILT_IN_DETECTORS);
    this.#detectors = BUILT_IN_DETECTORS.filter((name) => names.includes(name)).map((name) => ({
      name,
      ...DETECTORS[name],
    }));
    this.#custom = options.custom;
  }

  get enabled(): boolean {
    return this.#detectors.length > 0 || this.#custom !== undefined;
  }

  /**
   * Returns a redacted copy of `value`. Strings are checked at every depth; object keys are kept.
   * `paths` receives the JSON Pointer (prefixed by `base`) of each replaced string.
   */
  redact<T>(value: T, base: string, paths: string[]): T {
    return this.#walk(value, base, paths) as T;
  }

  /** Redacts one string; returns it unchanged when nothing matched. */
  redactText(text: string, path = ''): string {
    let result = text;

    for (const detector of this.#detectors) {
      detector.pattern.lastIndex = 0;
      if (!detector.pattern.test(result)) continue;
      detector.pattern.lastIndex = 0;
      result = result.replace(detector.pattern, (match) =>
        detector.accept && !detector.accept(match) ? match : `[REDACTED:${detector.name}]`,
      );
    }
    if (this.#custom) result = this.#custom(result, path);

    return result;
  }

  #walk(value: unknown, path: string, paths: string[]): unknown {
    if (typeof value === 'string') {
      const redacted = this.redactText(value, path);
      if (redacted !== value) paths.push(path);
      return redacted;
    }
    if (Array.isArray(value)) {
      return value.map((item, index) => this.#walk(item, `${path}/${index}`, paths));
    }
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        copy[key] = this.#walk(item, `${path}/${escapePointer(key)}`, paths);
      }
      return copy;
    }
    return value;
  }
}

/** Escapes a key for a JSON Pointer (RFC 6901). */
export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Checks the Luhn checksum that payment card numbers carry. */
export function isLuhnValid(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;

  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Accepts 9 to 15 digits with at least one separator or a leading +, which leaves plain numbers and dates alone. */
function isPhoneLike(match: string): boolean {
  const digits = match.replace(/\D/g, '').length;
  if (digits < 9 || digits > 15) return false;
  return match.startsWith('+') || /[ .()-]/.test(match);
}
