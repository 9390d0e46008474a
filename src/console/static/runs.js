/** The run list: every run newest first with its steps, the schedule, and the "run now" button. */
import { getJson, postAdmin } from './api.js';
import { byId, fill, h } from './dom.js';
import { formatDuration, stateBadge, timeElement } from './format.js';
import { showFreshness } from './freshness.js';
import { retryText, stepList, triggerText } from './run-labels.js';

const PAGE = 30;
/** While a sync runs or waits, the list refreshes this often (milliseconds). */
const LIVE_REFRESH_MS = 1000;
let olderBefore = null;
let refreshTimer;

function row(run) {
  const href = `/console/run.html?id=${encodeURIComponent(run.id)}`;
  const retry = retryText(run);
  return h(
    'tr',
    { 'data-run-id': run.id, 'data-state': run.state },
    h('td', {}, h('a', { href }, run.id), h('div', { class: 'muted' }, run.kind)),
    h('td', {}, stateBadge(run.state)),
    h('td', {}, triggerText(run)),
    h('td', {}, timeElement(run.started_at)),
    h('td', {}, formatDuration(run.duration_ms)),
    h('td', {}, stepList(run.steps)),
    h('td', { class: 'error' }, run.error ?? '', retry ? h('div', { class: 'muted' }, retry) : null),
  );
}

function jobState(job) {
  if (job.running) return `running attempt ${job.attempts} of ${job.maxAttempts}`;
  if (job.attempts === 0) return 'waiting';
  return `retry: attempt ${job.attempts + 1} of ${job.maxAttempts}`;
}

function scheduleNotice(status) {
  const scheduler = status?.scheduler;
  if (!scheduler) return 'This server has no scheduler: syncs run from `cds worker` or `cds sync`.';
  const pending = scheduler.pending.map((job) =>
    h(
      'li',
      {},
      `${job.trigger} sync, ${jobState(job)} — due `,
      timeElement(job.runAt),
      job.lastError ? h('span', { class: 'error' }, ` after: ${job.lastError}`) : null,
    ),
  );
  return [
    `Scheduled by ${scheduler.kind} on cron “${scheduler.cron}” (UTC); next tick `,
    timeElement(scheduler.nextTickAt),
    scheduler.executes ? '.' : '. Jobs are executed by `cds worker`.',
    pending.length ? h('ul', { id: 'pending-jobs' }, pending) : null,
  ];
}

async function refresh() {
  clearTimeout(refreshTimer);
  const [list, status] = await Promise.all([getJson('/runs', `limit=${PAGE}`), showFreshness()]);
  fill(
    byId('runs'),
    list.runs.length ? list.runs.map(row) : h('tr', {}, h('td', { colspan: 7 }, 'No runs yet.')),
  );
  fill(byId('schedule'), scheduleNotice(status));
  olderBefore = list.nextBefore;
  byId('older').hidden = !olderBefore;
  const live = list.runs.some((r) => r.state === 'running') || (status?.scheduler?.pending.length ?? 0) > 0;
  if (live) refreshTimer = setTimeout(() => void refresh().catch(showError), LIVE_REFRESH_MS);
}

function showError(error) {
  fill(byId('run-now-status'), h('span', { class: 'error' }, error.message));
}

byId('run-now').addEventListener('click', async () => {
  const button = byId('run-now');
  button.disabled = true;
  try {
    const result = await postAdmin('/sync/run-now');
    const message = result.queued
      ? 'Sync queued.'
      : result.reason === 'already-running'
        ? [
            'A sync is already running: ',
            h('a', { href: `/console/run.html?id=${encodeURIComponent(result.runId)}` }, result.runId),
          ]
        : 'A sync is already queued; it starts now.';
    fill(byId('run-now-status'), message);
    await refresh();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
});

byId('older').addEventListener('click', async () => {
  const list = await getJson('/runs', `limit=${PAGE}&before=${encodeURIComponent(olderBefore)}`);
  byId('runs').append(...list.runs.map(row));
  olderBefore = list.nextBefore;
  byId('older').hidden = !olderBefore;
});

refresh().catch(showError);
