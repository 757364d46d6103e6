import { describe, expect, test } from 'vitest';

import { MAX_ISSUES, feedbackValidator, formatIssues, modelCallValidator, validateEvent } from '../src/index.js';
import { invalidFeedbacks, invalidModelCalls, validFeedbacks, validModelCalls } from './cases.js';
import { validModelCall } from './fixtures.js';

describe('model_call validator', () => {
  test.each(validModelCalls)('accepts $name', ({ event }) => {
    expect(modelCallValidator.issues(event)).toEqual([]);
    expect(modelCallValidator.check(event)).toBe(true);
  });

  test.each(invalidModelCalls)('rejects $name', ({ event, path, message }) => {
    const issues = modelCallValidator.issues(event);

    expect(modelCallValidator.check(event)).toBe(false);
    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(issues.find((issue) => issue.path === path)?.message).toContain(message);
  });
});

describe('feedback validator', () => {
  test.each(validFeedbacks)('accepts $name', ({ event }) => {
    expect(feedbackValidator.issues(event)).toEqual([]);
  });

  test.each(invalidFeedbacks)('rejects $name', ({ event, path, message }) => {
    const issues = feedbackValidator.issues(event);

    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(issues.find((issue) => issue.path === path)?.message).toContain(message);
  });
});

describe('validateEvent', () => {
  test('dispatches on kind', () => {
    expect(validateEvent(validModelCall()).valid).toBe(true);
  });

  test('rejects unknown kind', () => {
    const result = validateEvent({ kind: 'span' });

    expect(result.valid).toBe(false);
    expect(result.valid ? [] : result.issues).toEqual([
      { path: '/kind', keyword: 'kind', message: 'must be "model_call" or "feedback", not "span"' },
    ]);
  });

  test('rejects non-object input', () => {
    const result = validateEvent('{"kind":"model_call"}');

    expect(result.valid ? '' : formatIssues(result.issues)).toContain('(event): an event must be a JSON object');
  });

  test('returns every error of one event', () => {
    const event = validModelCall() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete event.context.feature;
    event.usage.input_tokens = -1;
    event.timestamp = 'now';
    event.outcome.attempt = 0;

    const paths = modelCallValidator.issues(event).map((issue) => issue.path);

    expect(paths).toEqual(
      expect.arrayContaining(['/context/feature', '/usage/input_tokens', '/timestamp', '/outcome/attempt']),
    );
    expect(paths).toHaveLength(4);
  });

  test('caps issues of a huge event', () => {
    const event = validModelCall() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    event.prompt.messages = Array.from({ length: 500 }, () => ({ role: 'nobody', parts: [] }));

    const issues = modelCallValidator.issues(event);

    expect(issues.length).toBeGreaterThan(8);
    expect(issues.length).toBeLessThanOrEqual(MAX_ISSUES);
  });

  test('leaves no stray summary errors', () => {
    const event = validModelCall() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    event.prompt.messages[0].parts[0] = { type: 'text', txt: 'hi' };

    const keywords = modelCallValidator.issues(event).map((issue) => issue.keyword);

    expect(keywords).not.toContain('if');
    expect(keywords).not.toContain('anyOf');
  });
});
