/** How runs and their scheduling are described in the run console. */
import { h } from './dom.js';
import { countsText, formatDuration, stateBadge } from './format.js';

/** "manual · attempt 2 of 9" from a run's trigger and the scheduler's record in params.schedule. */
export function triggerText(run) {
  const schedule = run.params?.schedule;
  return schedule ? `${run.trigger} · attempt ${schedule.attempt} of ${schedule.maxAttempts}` : run.trigger;
}

/** A failed attempt that will be retried: "retry in 2.7 s (attempt 2)". */
export function retryText(run) {
  const schedule = run.params?.schedule;
  if (run.state !== 'failed' || !schedule || typeof schedule.retryInMs !== 'number') return null;
  return `retried after ${formatDuration(schedule.retryInMs)} as attempt ${schedule.attempt + 1}`;
}

/**
 * One line per step (retries are their own lines): "download #1 failed 1.2 s — pages 3 · studies 30". The
 * run list shows the run's error beside it; the run page shows each step's.
 */
export function stepList(steps) {
  if (!steps || steps.length === 0) return h('span', { class: 'muted' }, 'no steps yet');
  return h(
    'ul',
    { class: 'steps' },
    steps.map((s) =>
      h(
        'li',
        { 'data-step': s.step, 'data-attempt': s.attempt },
        `${s.step} #${s.attempt} `,
        stateBadge(s.state),
        ` ${formatDuration(s.duration_ms)}`,
        countsText(s.counts) ? ` — ${countsText(s.counts)}` : '',
      ),
    ),
  );
}
