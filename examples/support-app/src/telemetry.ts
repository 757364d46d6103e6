import { createRecorder, JsonlSink } from '@telltale/recorder';

import type { Features } from './features.js';

export const recorder = createRecorder<Features>({ sinks: new JsonlSink({ path: '.telltale/events.jsonl' }) });
