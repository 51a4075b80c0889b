/** docs/performance.md's `outbox` section: the newest published `npm run perf:outbox` burst. */
import { describeRun } from '../report/doc-run-header';
import { formatMs, formatNumber } from '../report/figure-format';
import { renderTable } from '../report/markdown-render';
import type { PublishedRun } from '../report/published-runs';
import type { Table } from '../report/report-tables';
import type { OutboxSummary } from './outbox-summary.schema';

export function renderOutboxDocSection(run: PublishedRun<OutboxSummary>): string {
  const { summary } = run;
  const { settings, lag_ms: lag } = summary;
  const table: Table = {
    columns: [
      'updates',
      'concurrency',
      'failed',
      'updates/s',
      'all committed s',
      'all published s',
      'drained after last commit ms',
      'lag p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
    ].map((title) => ({ title, numeric: true })),
    rows: [
      [
        formatNumber(settings.burst),
        formatNumber(settings.concurrency),
        formatNumber(summary.failed_requests),
        formatNumber(summary.updates_per_s),
        formatNumber(summary.all_committed_s, 2),
        formatNumber(summary.all_published_s, 2),
        formatNumber(summary.drain_after_last_commit_ms),
        formatMs(lag.p50),
        formatMs(lag.p95),
        formatMs(lag.p99),
        formatMs(lag.max),
      ],
    ],
  };
  return [describeRun(run), renderTable(table)].join('\n\n');
}
