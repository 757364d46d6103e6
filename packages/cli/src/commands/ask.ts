import {
  askCompare,
  askCost,
  askLastCalls,
  askLatency,
  askWorstUsers,
  SIGNAL_COMPONENTS,
  type CompareAnswer,
  type CostAnswer,
  type LatencyAnswer,
  type QuestionOptions,
  type WorstUsersAnswer,
} from '@telltale/insights';
import type { Dimension, StoredCall } from '@telltale/store';
import { Option, type Command } from 'commander';

import type { Output } from '../output.js';
import { formatOption } from '../program.js';
import { positiveInteger, showProgress, storeOption, withExistingStore } from '../store-option.js';
import { formatMs, formatPercent, formatUsd, renderTable } from '../table.js';

const FORMATS = ['text', 'json', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

interface AskOptions {
  feature?: string;
  days: number;
  timezone: string;
  store?: string;
  format: Format;
  limit?: number;
  by?: string;
}

/** `telltale ask last|latency|cost|worst-users|compare`: the five questions, one command each. */
export function registerAskCommand(program: Command, output: Output): void {
  const ask = program
    .command('ask')
    .description('answer the five questions about recorded model calls, straight from the store')
    .addHelpText(
      'after',
      `
Examples:
  telltale ask last --feature draft-email            prompt and response of the last 10 calls
  telltale ask latency --feature draft-email         median and p95 latency over 7 days
  telltale ask cost --feature draft-email --by model daily cost by model
  telltale ask worst-users                           users with the highest hallucination signal this week
  telltale ask compare                               the last 7 days against the same days two weeks earlier`,
    );

  question(ask, 'last', 'prompt and response of the last calls of a feature', output, async (store, options) => {
    const calls = await askLastCalls(store, { ...questionOptions(options), limit: options.limit ?? 10 });
    return options.format === 'json' ? json(calls) : renderLast(calls, options.format);
  }).addOption(new Option('--limit <count>', 'how many calls').argParser(positiveInteger('--limit')).default(10));

  question(ask, 'latency', 'median and p95 latency per feature', output, async (store, options) => {
    const answer = await askLatency(store, questionOptions(options));
    return options.format === 'json' ? json(answer) : renderLatency(answer, options.format);
  });

  question(ask, 'cost', 'daily cost by model, or by another dimension with --by', output, async (store, options) => {
    const answer = await askCost(store, { ...questionOptions(options), by: (options.by ?? 'model') as Dimension });
    return options.format === 'json' ? json(answer) : renderCost(answer, options.format);
  }).addOption(
    new Option(
      '--by <dimension>',
      'group by model, provider, release, environment, template, prompt_version, feature or state.<field>',
    ).default('model'),
  );

  question(ask, 'worst-users', 'users with the highest hallucination signal', output, async (store, options) => {
    const answer = await askWorstUsers(store, { ...questionOptions(options), limit: options.limit ?? 10 });
    return options.format === 'json' ? json(answer) : renderWorstUsers(answer, options.format);
  }).addOption(new Option('--limit <count>', 'how many users').argParser(positiveInteger('--limit')).default(10));

  question(ask, 'compare', 'the last days against the same days two weeks earlier', output, async (store, options) => {
    const answer = await askCompare(store, questionOptions(options));
    return options.format === 'json' ? json(answer) : renderCompare(answer, options.format);
  });
}

function question(
  ask: Command,
  name: string,
  description: string,
  output: Output,
  answer: (store: Parameters<Parameters<typeof withExistingStore>[2]>[0], options: AskOptions) => Promise<string>,
): Command {
  return ask
    .command(name)
    .description(description)
    .option('--feature <name>', 'only this feature')
    .addOption(new Option('--days <count>', 'whole days before today').argParser(positiveInteger('--days')).default(7))
    .option('--timezone <iana>', 'timezone whose midnights bound the days, such as Europe/Berlin', 'UTC')
    .addOption(storeOption())
    .addOption(formatOption(FORMATS, 'text'))
    .action(async (options: AskOptions) => {
      await withExistingStore(options.store, output, async (store) => {
        showProgress(output, `querying ${store.displayUrl}`);
        await store.assertMigrated();
        output.write(await answer(store, options));
      });
    });
}

function questionOptions(options: AskOptions): QuestionOptions {
  return { feature: options.feature, days: options.days, timezone: options.timezone };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function renderLast(calls: readonly StoredCall[], format: 'text' | 'markdown'): string {
  if (calls.length === 0) return 'no calls found\n';
  const fence = format === 'markdown' ? '```json\n' : '';
  const close = format === 'markdown' ? '\n```' : '';

  return calls
    .map((call) =>
      [
        `${format === 'markdown' ? '### ' : ''}${call.timestamp} ${call.feature} ${call.model} ${call.status} ${formatMs(call.latencyMs)} ${formatUsd(call.costUsd)} user ${call.userId ?? '(none)'} request ${call.requestId}`,
        `prompt:\n${fence}${JSON.stringify(call.prompt, null, 2)}${close}`,
        `response:\n${fence}${JSON.stringify(call.response, null, 2)}${close}`,
      ].join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}

function renderLatency(answer: LatencyAnswer, format: 'text' | 'markdown'): string {
  return `Latency ${answer.period.label}\n\n${renderTable(
    format,
    ['feature', 'calls', 'median', 'p95'],
    answer.features.map((row) => [
      row.feature,
      String(row.calls),
      formatMs(row.latencyP50Ms),
      formatMs(row.latencyP95Ms),
    ]),
  )}`;
}

function renderCost(answer: CostAnswer, format: 'text' | 'markdown'): string {
  return `Cost by ${answer.by}, ${answer.period.label}\n\n${renderTable(
    format,
    [answer.by, ...answer.days.map((day) => day.slice(5)), 'total'],
    answer.series.map((row) => [row.value, ...row.costUsd.map(formatUsd), formatUsd(row.totalUsd)]),
  )}`;
}

function renderWorstUsers(answer: WorstUsersAnswer, format: 'text' | 'markdown'): string {
  return `Users with the highest hallucination signal, ${answer.period.label} (at least ${answer.minCalls} calls)\n\n${renderTable(
    format,
    ['user', 'calls', 'signal', ...SIGNAL_COMPONENTS],
    answer.users.map((row) => [
      row.user,
      String(row.calls),
      formatPercent(row.signal.value),
      ...SIGNAL_COMPONENTS.map((component) => formatPercent(row.signal.components[component].rate)),
    ]),
  )}`;
}

function renderCompare(answer: CompareAnswer, format: 'text' | 'markdown'): string {
  const period = (start: Date, end: Date) =>
    `${start.toISOString().slice(0, 10)} to ${new Date(end.getTime() - 1).toISOString().slice(0, 10)}`;
  const table = renderTable(
    format,
    ['feature', 'calls', 'cost', 'p50', 'p95', 'errors', 'signal', 'regenerate'],
    answer.features.map((row) => [
      row.feature,
      `${row.baseline?.calls ?? 0} → ${row.current?.calls ?? 0}`,
      `${formatUsd(row.baseline?.costUsd)} → ${formatUsd(row.current?.costUsd)}`,
      `${formatMs(row.baseline?.latencyP50Ms)} → ${formatMs(row.current?.latencyP50Ms)}`,
      `${formatMs(row.baseline?.latencyP95Ms)} → ${formatMs(row.current?.latencyP95Ms)}`,
      `${formatPercent(row.baseline?.errorRate)} → ${formatPercent(row.current?.errorRate)}`,
      `${formatPercent(row.baseline?.signal.value)} → ${formatPercent(row.current?.signal.value)}`,
      `${formatPercent(row.baseline?.signal.components.regenerate.rate)} → ${formatPercent(row.current?.signal.components.regenerate.rate)}`,
    ]),
  );
  const regressions =
    answer.regressions.length === 0
      ? 'No significant regressions.\n'
      : answer.regressions
          .map((regression) => {
            const best = regression.attribution.dimensions[0];
            const cause = best?.top
              ? `; likely cause ${best.dimension} = ${best.top.value ?? '(absent)'} (score ${best.score.toFixed(2)})`
              : '';
            return `Regression: ${regression.feature} ${regression.metric} rate ${formatPercent(regression.baselineRate)} → ${formatPercent(regression.currentRate)} (z = ${regression.z.toFixed(1)})${cause}`;
          })
          .join('\n')
          .concat('\n');

  return `${period(answer.baseline.start, answer.baseline.end)} → ${period(answer.current.start, answer.current.end)}\n\n${table}\n${regressions}`;
}
