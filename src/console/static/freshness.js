/**
 * The freshness line every page shows (product decision): the source's dataTimestamp of the data loaded,
 * the last successful sync and a sync in progress, with the credit to ClinicalTrials.gov.
 */
import { getJson } from './api.js';
import { byId, fill, h } from './dom.js';
import { timeElement } from './format.js';

export async function showFreshness() {
  const target = byId('freshness');
  try {
    const status = await getJson('/sync/status');
    fill(
      target,
      status.dataTimestamp ? ['Data of ', timeElement(`${status.dataTimestamp}Z`)] : 'No data synced yet',
      ' · last successful sync ',
      status.lastSuccessfulSync
        ? h(
            'a',
            { href: `/console/run.html?id=${encodeURIComponent(status.lastSuccessfulSync.runId)}` },
            timeElement(status.lastSuccessfulSync.finishedAt),
          )
        : 'none yet',
      status.runningSync
        ? [
            ' · ',
            h(
              'a',
              { href: `/console/run.html?id=${encodeURIComponent(status.runningSync.runId)}` },
              'sync running now',
            ),
          ]
        : null,
    );
    return status;
  } catch {
    fill(target, 'Freshness unavailable');
    return null;
  }
}
