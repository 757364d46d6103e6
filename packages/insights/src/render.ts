import { DateTime } from 'luxon';

import type { DimensionAttribution } from './attribution.js';
import type { FailingCohort } from './cohorts.js';
import type { Digest, Totals } from './digest.js';
import type { Regression } from './regression.js';
import { SIGNAL_COMPONENTS } from './signal.js';

/** Renders the digest for a terminal: plain lines, no colour codes. */
export function renderDigestText(digest: Digest): string {
  const lines = [`Telltale digest ${digest.week} (${digest.timezone}), compared with ${digest.baselineWeek}`, ''];

  lines.push('Weekly trend');
  for (const week of digest.weeks) {
    lines.push(
      `  ${week.week}  ${String(week.calls).padStart(8)} calls  ${usd(week.costUsd).padStart(10)}  ${usd(week.costPerActiveUserUsd).padStart(9)}/user  p95 ${ms(week.latencyP95Ms).padStart(8)}  signal ${percent(week.signal.value)}`,
    );
  }

  lines.push('', 'Features');
  for (const feature of digest.features) {
    lines.push(
      `  ${feature.feature.padEnd(24)} ${percent(feature.usageShare).padStart(6)} of calls  ${usd(feature.current.costUsd).padStart(10)}  p95 ${ms(feature.current.latencyP95Ms).padStart(8)}  errors ${percent(feature.current.errorRate)}  signal ${percent(feature.current.signal.value)} (${signalComponents(feature.current)})`,
    );
  }

  lines.push('', 'Cost anomalies');
  if (digest.anomalies.length === 0) lines.push('  none');
  for (const anomaly of digest.anomalies) lines.push(`  ${anomalyLine(anomaly)}`);

  lines.push('', 'Regressions');
  if (digest.regressions.length === 0) lines.push('  none');
  for (const regression of digest.regressions) {
    lines.push(`  ${regressionLine(regression)}`, `    ${causeLine(regression)}`);
  }

  lines.push('', 'Cohorts that fail every week');
  if (digest.failingCohorts.length === 0) lines.push('  none');
  for (const cohort of digest.failingCohorts) lines.push(`  ${cohortLine(cohort)}`);

  return `${lines.join('\n')}\n`;
}

/** Renders the digest as GitHub Markdown: tables plus Mermaid `xychart-beta` charts. */
export function renderDigestMarkdown(digest: Digest): string {
  const out: string[] = [`# Telltale digest ${digest.week}`, ''];
  out.push(
    `${dateOf(digest.period.start, digest.timezone)} to ${dateOf(new Date(digest.period.end.getTime() - 1), digest.timezone)} in ${digest.timezone}, compared with ${digest.baselineWeek}.`,
    '',
  );

  out.push('## Weekly trend', '');
  out.push('| week | calls | cost | active users | cost per active user | p95 latency | hallucination signal |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const week of digest.weeks) {
    out.push(
      `| ${week.week} | ${week.calls} | ${usd(week.costUsd)} | ${week.activeUsers} | ${usd(week.costPerActiveUserUsd)} | ${ms(week.latencyP95Ms)} | ${percent(week.signal.value)} |`,
    );
  }
  out.push('');
  const labels = digest.weeks.map((week) => week.week);
  out.push(
    mermaidChart(
      'Total cost (USD)',
      labels,
      digest.weeks.map((week) => week.costUsd),
    ),
  );
  out.push(
    mermaidChart(
      'p95 latency (ms)',
      labels,
      digest.weeks.map((week) => week.latencyP95Ms ?? 0),
    ),
  );
  out.push(
    mermaidChart(
      'Hallucination signal (%)',
      labels,
      digest.weeks.map((week) => week.signal.value * 100),
    ),
  );

  out.push('## Daily spend', '');
  out.push(
    mermaidChart(
      'Cost per day (USD)',
      digest.days.map((day) => day.day.slice(5)),
      digest.days.map((day) => day.costUsd),
      'bar',
    ),
  );

  out.push('## Features', '');
  out.push(
    `| feature | share of calls | calls | cost | p50 | p95 | error rate | tokens in / out (cached) | signal | ${SIGNAL_COMPONENTS.join(' | ')} |`,
  );
  out.push(
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ${SIGNAL_COMPONENTS.map(() => '---:').join(' | ')} |`,
  );
  for (const feature of digest.features) {
    const current = feature.current;
    out.push(
      `| ${feature.feature} | ${percent(feature.usageShare)} | ${current.calls} | ${usd(current.costUsd)} | ${ms(current.latencyP50Ms)} | ${ms(current.latencyP95Ms)} | ${percent(current.errorRate)} | ${tokenMix(current)} | ${percent(current.signal.value)} | ${SIGNAL_COMPONENTS.map((component) => percent(current.signal.components[component].rate)).join(' | ')} |`,
    );
  }
  out.push(
    '',
    `Signal weights: ${SIGNAL_COMPONENTS.map((component) => `${component} ${digest.weights[component]}`).join(', ')}. The signal is a relative indicator for trends, not a truth label.`,
    '',
  );

  out.push('## Cost anomalies', '');
  out.push(
    ...(digest.anomalies.length === 0 ? ['None.'] : digest.anomalies.map((anomaly) => `- ${anomalyLine(anomaly)}`)),
    '',
  );

  out.push('## Regressions', '');
  if (digest.regressions.length === 0) out.push('None.');
  for (const regression of digest.regressions) {
    out.push(
      `### ${regression.feature}: ${regression.metric} rate`,
      '',
      regressionLine(regression),
      '',
      causeLine(regression),
      '',
    );
    out.push('| dimension | score | mix shift | rate change | top segment |', '| --- | ---: | ---: | ---: | --- |');
    for (const dimension of regression.attribution.dimensions) out.push(attributionRow(dimension));
    out.push('');
  }

  out.push('## Cohorts that fail every week', '');
  out.push(
    ...(digest.failingCohorts.length === 0
      ? ['None.']
      : digest.failingCohorts.map((cohort) => `- ${cohortLine(cohort)}`)),
    '',
  );

  return `${out.join('\n')}\n`;
}

/** Renders the digest as one self-contained HTML file with inline SVG charts. */
export function renderDigestHtml(digest: Digest): string {
  const labels = digest.weeks.map((week) => week.week);
  const featureRows = digest.features
    .map(
      (feature) =>
        `<tr><td>${escapeHtml(feature.feature)}</td><td>${percent(feature.usageShare)}</td><td>${feature.current.calls}</td><td>${usd(feature.current.costUsd)}</td><td>${ms(feature.current.latencyP95Ms)}</td><td>${percent(feature.current.errorRate)}</td><td>${percent(feature.current.signal.value)}</td><td>${escapeHtml(signalComponents(feature.current))}</td></tr>`,
    )
    .join('\n');
  const weekRows = digest.weeks
    .map(
      (week) =>
        `<tr><td>${week.week}</td><td>${week.calls}</td><td>${usd(week.costUsd)}</td><td>${week.activeUsers}</td><td>${usd(week.costPerActiveUserUsd)}</td><td>${ms(week.latencyP95Ms)}</td><td>${percent(week.signal.value)}</td></tr>`,
    )
    .join('\n');
  const regressions = digest.regressions
    .map(
      (regression) =>
        `<li><strong>${escapeHtml(regressionLine(regression))}</strong><br>${escapeHtml(causeLine(regression))}</li>`,
    )
    .join('\n');
  const anomalies = digest.anomalies.map((anomaly) => `<li>${escapeHtml(anomalyLine(anomaly))}</li>`).join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Telltale digest ${digest.week}</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 960px; color: #1f2328; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; }
</style>
</head>
<body>
<h1>Telltale digest ${digest.week}</h1>
<p>${dateOf(digest.period.start, digest.timezone)} to ${dateOf(new Date(digest.period.end.getTime() - 1), digest.timezone)} in ${escapeHtml(digest.timezone)}, compared with ${digest.baselineWeek}.</p>
<h2>Weekly trend</h2>
<div class="charts">
${svgChart(
  'Total cost (USD)',
  labels,
  digest.weeks.map((week) => week.costUsd),
)}
${svgChart(
  'p95 latency (ms)',
  labels,
  digest.weeks.map((week) => week.latencyP95Ms ?? 0),
)}
${svgChart(
  'Hallucination signal (%)',
  labels,
  digest.weeks.map((week) => week.signal.value * 100),
)}
</div>
<table><tr><th>week</th><th>calls</th><th>cost</th><th>active users</th><th>cost per active user</th><th>p95 latency</th><th>hallucination signal</th></tr>
${weekRows}
</table>
<h2>Features</h2>
<table><tr><th>feature</th><th>share of calls</th><th>calls</th><th>cost</th><th>p95</th><th>error rate</th><th>signal</th><th>components</th></tr>
${featureRows}
</table>
<h2>Cost anomalies</h2>
${anomalies === '' ? '<p>None.</p>' : `<ul>${anomalies}</ul>`}
<h2>Cohorts that fail every week</h2>
${digest.failingCohorts.length === 0 ? '<p>None.</p>' : `<ul>${digest.failingCohorts.map((cohort) => `<li>${escapeHtml(cohortLine(cohort))}</li>`).join('\n')}</ul>`}
<h2>Regressions</h2>
${regressions === '' ? '<p>None.</p>' : `<ul>${regressions}</ul>`}
</body>
</html>
`;
}

function cohortLine(cohort: FailingCohort): string {
  const weeks = cohort.periods
    .map((period) => `${period.label} ${percent(period.rate)} vs ${percent(period.restRate)}`)
    .join(', ');
  return `${cohort.feature}, ${cohort.dimension} = ${cohort.value}: ${cohort.metric} rate above the rest of the feature every week (${weeks})`;
}

function regressionLine(regression: Regression): string {
  return `${regression.feature}: ${regression.metric} rate ${percent(regression.baselineRate)} → ${percent(regression.currentRate)} (+${Math.round(regression.relativeIncrease * 100)}%, z = ${regression.z.toFixed(1)}, ${regression.baselineCalls} and ${regression.currentCalls} calls)`;
}

/** Names the dimension that explains a regression best, with its mix and rate split. */
function causeLine(regression: Regression): string {
  const [best, runnerUp] = regression.attribution.dimensions;
  if (!best?.top || best.score < 0.1)
    return 'Likely cause: no single dimension explains it; the rise is spread evenly.';

  const change = regression.attribution.currentRate - regression.attribution.baselineRate;
  const top = best.top;
  const contribution = change === 0 ? 0 : (top.mixEffect + top.rateEffect) / change;
  const kind = Math.abs(top.mixEffect) >= Math.abs(top.rateEffect) ? 'mix shift' : 'rate change';
  const runner = runnerUp ? ` Next: ${runnerUp.dimension} (score ${runnerUp.score.toFixed(2)}).` : '';

  return `Likely cause: ${best.dimension} = ${top.value ?? '(absent)'} (score ${best.score.toFixed(2)}), ${kind}: its share went ${percent(top.baselineShare)} → ${percent(top.currentShare)} and its rate ${percent(top.baselineRate)} → ${percent(top.currentRate)}, explaining ${Math.round(contribution * 100)}% of the change.${runner}`;
}

function attributionRow(dimension: DimensionAttribution): string {
  const top = dimension.top;
  const segment = top
    ? `${top.value ?? '(absent)'}: share ${percent(top.baselineShare)} → ${percent(top.currentShare)}, rate ${percent(top.baselineRate)} → ${percent(top.currentRate)}`
    : '';
  return `| ${dimension.dimension} | ${dimension.score.toFixed(2)} | ${points(dimension.mixEffect)} | ${points(dimension.rateEffect)} | ${segment} |`;
}

function anomalyLine(anomaly: {
  day: string;
  feature?: string;
  costUsd: number;
  rollingMedianUsd: number;
  excess: number;
}): string {
  return `${anomaly.day} ${anomaly.feature ?? 'total'}: ${usd(anomaly.costUsd)}, ${Math.round(anomaly.excess * 100)}% above the 7-day median of ${usd(anomaly.rollingMedianUsd)}`;
}

function tokenMix(totals: Totals): string {
  const thousands = (count: number) => `${(count / 1000).toFixed(count >= 10_000 ? 0 : 1)}k`;
  return `${thousands(totals.tokens.input)} / ${thousands(totals.tokens.output)} (${thousands(totals.tokens.cachedInput)})`;
}

function signalComponents(totals: Totals): string {
  return SIGNAL_COMPONENTS.map((component) => `${component} ${percent(totals.signal.components[component].rate)}`).join(
    ', ',
  );
}

function mermaidChart(
  title: string,
  labels: readonly string[],
  values: readonly number[],
  kind: 'line' | 'bar' = 'line',
): string {
  const max = Math.max(1e-9, ...values);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis [${labels.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis 0 --> ${round(max * 1.1)}`,
    `  ${kind} [${values.map(round).join(', ')}]`,
    '```',
    '',
  ].join('\n');
}

function svgChart(title: string, labels: readonly string[], values: readonly number[]): string {
  const width = 300;
  const height = 160;
  const padding = 30;
  const max = Math.max(1e-9, ...values);
  const step = values.length > 1 ? (width - 2 * padding) / (values.length - 1) : 0;
  const points = values
    .map((value, index) => `${padding + index * step},${height - padding - (value / max) * (height - 2 * padding)}`)
    .join(' ');

  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">
<text x="${padding}" y="16" font-size="12">${escapeHtml(title)}</text>
<line x1="${padding}" y1="${height - padding}" x2="${width - padding}" y2="${height - padding}" stroke="#999"/>
<polyline fill="none" stroke="#0969da" stroke-width="2" points="${points}"/>
<text x="${padding}" y="${height - 8}" font-size="10">${escapeHtml(labels[0] ?? '')}</text>
<text x="${width - padding}" y="${height - 8}" font-size="10" text-anchor="end">${escapeHtml(labels[labels.length - 1] ?? '')}</text>
<text x="4" y="${padding}" font-size="10">${round(max)}</text>
</svg></figure>`;
}

function usd(value: number | null): string {
  if (value === null) return 'n/a';
  if (value >= 100) return `$${value.toFixed(0)}`;
  if (value >= 1) return `$${value.toFixed(2)}`;
  return `$${value.toFixed(4)}`;
}

function ms(value: number | null): string {
  return value === null ? 'n/a' : `${Math.round(value)} ms`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function points(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)} pt`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function dateOf(date: Date, timezone: string): string {
  return DateTime.fromJSDate(date, { zone: timezone }).toISODate() ?? date.toISOString().slice(0, 10);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
