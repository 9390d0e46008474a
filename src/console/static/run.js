/** One run: its steps with live progress, warnings, quarantined records and errors; refreshed while it runs. */
import { getJson } from './api.js';
import { byId, fill, h } from './dom.js';
import { countsText, formatDuration, formatNumber, stateBadge, timeElement } from './format.js';
import { showFreshness } from './freshness.js';
import { retryText, triggerText } from './run-labels.js';

const id = new URLSearchParams(location.search).get('id') ?? '';
const LIVE_REFRESH_MS = 1000;

function progressOf(step) {
  const p = step.progress;
  if (step.state !== 'running' || !p) return null;
  const total = p.totalCount ?? p.totalBytes;
  const done = p.totalCount !== undefined ? p.studies : p.bytes;
  const text = Object.entries(p)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${formatNumber(v)}`)
    .join(' · ');
  return h(
    'div',
    { class: 'live-progress' },
    typeof total === 'number' && typeof done === 'number' && total > 0
      ? h('progress', { max: total, value: Math.min(done, total), 'aria-label': `${step.step} progress` })
      : null,
    ` ${text}`,
  );
}

function stepsTable(steps) {
  if (steps.length === 0) return h('p', { class: 'muted' }, 'No step has started yet.');
  return h(
    'table',
    { id: 'steps' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Step', 'Attempt', 'State', 'Started', 'Duration', 'Counts and progress', 'Error'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      steps.map((s) =>
        h(
          'tr',
          { 'data-step': s.step, 'data-attempt': s.attempt, 'data-state': s.state },
          h('td', {}, s.step),
          h('td', {}, String(s.attempt)),
          h('td', {}, stateBadge(s.state)),
          h('td', {}, timeElement(s.started_at)),
          h('td', {}, formatDuration(s.duration_ms)),
          h('td', {}, countsText(s.counts), progressOf(s)),
          h('td', { class: 'error' }, s.error ?? ''),
        ),
      ),
    ),
  );
}

function quarantineList(entries, total) {
  if (total === 0) return h('p', { class: 'muted' }, 'No record was quarantined.');
  return [
    h('p', {}, `${formatNumber(total)} record(s) could not be stored faithfully and were kept whole.`),
    h(
      'ul',
      { id: 'quarantine' },
      entries.map((e) =>
        h(
          'li',
          {},
          h('strong', {}, e.nct_id ?? 'no NCT id'),
          ` — ${e.message} `,
          h('span', { class: 'muted' }, `(${e.source}${e.path ? ` ${e.path}` : ''})`),
          h('details', {}, h('summary', {}, 'Raw record'), h('pre', {}, e.raw)),
        ),
      ),
    ),
    entries.length < total
      ? h('p', { class: 'muted' }, `First ${entries.length} shown; all with: cds quarantine --run ${id}`)
      : null,
  ];
}

/** The run of the next attempt of the same job, once it has started. */
async function retryLink(run) {
  const { jobId, attempt } = run.params.schedule;
  if (!jobId) return null;
  const { runs } = await getJson('/runs', 'limit=50');
  const retry = runs.find(
    (r) => r.params?.schedule?.jobId === jobId && r.params.schedule.attempt === attempt + 1,
  );
  return retry
    ? [
        ' Retry: ',
        h('a', { href: `/console/run.html?id=${encodeURIComponent(retry.id)}` }, retry.id),
        ' ',
        stateBadge(retry.state),
      ]
    : ' It has not started yet.';
}

async function render() {
  const [run, quarantine] = await Promise.all([
    getJson(`/runs/${encodeURIComponent(id)}`),
    getJson(`/runs/${encodeURIComponent(id)}/quarantine`, 'limit=50'),
  ]);
  document.title = `Run ${run.id} · Clinical Data Searcher`;
  const retry = retryText(run);
  fill(
    byId('run'),
    h('h1', {}, `Run ${run.id} `, stateBadge(run.state)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Kind'),
      h('dd', {}, run.kind),
      h('dt', {}, 'Trigger'),
      h('dd', {}, triggerText(run)),
      h('dt', {}, 'Started'),
      h('dd', {}, timeElement(run.started_at)),
      h('dt', {}, 'Finished'),
      h('dd', {}, run.finished_at ? timeElement(run.finished_at) : 'still running'),
      h('dt', {}, 'Duration'),
      h('dd', {}, formatDuration(run.duration_ms)),
      h('dt', {}, 'Source data of'),
      h('dd', {}, run.data_timestamp ?? '—'),
      h('dt', {}, 'Counts'),
      h('dd', { id: 'run-counts' }, countsText(run.counts) || '—'),
      run.landing_dir
        ? [h('dt', {}, 'Landing directory'), h('dd', {}, h('code', {}, run.landing_dir))]
        : null,
    ),
    run.error ? h('div', { class: 'notice error', id: 'run-error', role: 'alert' }, run.error) : null,
    retry
      ? h(
          'p',
          { class: 'notice', id: 'run-retry' },
          `This attempt failed and is ${retry}.`,
          await retryLink(run),
        )
      : null,
    h('h2', {}, 'Steps'),
    stepsTable(run.steps),
    h('h2', {}, 'Warnings'),
    run.warnings.length
      ? h(
          'ul',
          { id: 'warnings' },
          run.warnings.map((w) => h('li', {}, `${w.code}: ${formatNumber(w.count)}`)),
        )
      : h('p', { class: 'muted' }, 'No warnings.'),
    h('h2', {}, 'Quarantined records'),
    quarantineList(quarantine.entries, run.quarantined),
  );
  if (run.state === 'running') setTimeout(() => void render().catch(showError), LIVE_REFRESH_MS);
  else void showFreshness();
}

function showError(error) {
  fill(byId('run'), h('p', { class: 'error', role: 'alert' }, error.message));
}

void showFreshness();
render().catch(showError);
