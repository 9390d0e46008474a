import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import {
  ENROLLMENT_CHANGED,
  NOW_RECRUITING,
  STOPPED_RECRUITING,
  secondVersion,
} from '../events/fixture-versions.ts';
import { openBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { loadFixtureStudies } from '../support/fake-ctgov-data.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';

const CHANGED = [NOW_RECRUITING, STOPPED_RECRUITING, ENROLLMENT_CHANGED];
const NAME = 'Recruiting studies';

let server: ConsoleServer;
let browser: TestBrowser;

const sync = () => runSync({ db: server.t.db, config: server.config, logger: silentLogger, pageSize: 100 });

/**
 * The registry a day later: the three studies changed as in the second fixture version, each with a new
 * last-update date so the incremental window of the next sync reaches them; every other study as it was.
 */
function registryWithChanges(): string[] {
  const changed = new Map(
    secondVersion()
      .map((record) => JSON.parse(record.json))
      .filter((study) => CHANGED.includes(study.protocolSection.identificationModule.nctId))
      .map((study) => {
        study.protocolSection.statusModule.lastUpdatePostDateStruct = { date: '2026-11-29', type: 'ACTUAL' };
        return [study.protocolSection.identificationModule.nctId, JSON.stringify(study)];
      }),
  );
  expect(changed.size).toBe(3);
  return loadFixtureStudies().map(
    (text) => changed.get(JSON.parse(text).protocolSection.identificationModule.nctId) ?? text,
  );
}

beforeAll(async () => {
  server = await startConsoleServer();
  await sync();
  browser = await openBrowser();
}, 120_000);
beforeEach(() => {
  browser.problems.length = 0;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('alerts console', () => {
  it('saves the current search from the search page, with the keyboard, and lists it on the alerts page', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/?status=RECRUITING`);
    await page.locator('#total').waitFor();
    const total = (await page.locator('#total').textContent())?.match(/(\d+) studies/)?.[1];
    await page.locator('#save-search input[name="name"]').fill(NAME);
    await page.locator('#save-search input[name="name"]').press('Enter');
    await expectText(page, '#save-search-status', `Saved “${NAME}”: ${total} studies match now.`);
    await screenshot(page, 'search-save-search');

    await page.getByRole('link', { name: 'See its alerts' }).click();
    const article = page.locator('article.saved-search', { hasText: NAME });
    await article.waitFor();
    expect(await article.locator('h2').textContent()).toBe(NAME);
    await expectText(page, 'article.saved-search .meta', `${total} studies match now`);
    await expectText(page, 'article.saved-search', 'status: Recruiting');
    await expectText(page, 'article.saved-search .search-alerts', 'No alerts yet');
    await screenshot(page, 'alerts-no-alerts-yet');
    expect(browser.problems).toEqual([]);
  });

  it('after a sync that changed studies, shows the alerts: added, changed with the diff, removed', async () => {
    server.api.setStudies(registryWithChanges());
    server.api.setDataTimestamp('2026-11-29T09:00:04');
    await sync();

    const { page } = browser;
    await page.goto(`${server.url}/console/alerts.html`);
    const rows = page.locator('article.saved-search .search-alerts tbody tr');
    await rows.first().waitFor();
    const alerts = await Promise.all(
      (await rows.all()).map(
        async (r) => `${await r.getAttribute('data-kind')} ${await r.getAttribute('data-nct-id')}`,
      ),
    );
    expect(alerts.sort()).toEqual(
      [`added ${NOW_RECRUITING}`, `changed ${ENROLLMENT_CHANGED}`, `removed ${STOPPED_RECRUITING}`].sort(),
    );
    const changed = page.locator(`tr[data-kind="changed"][data-nct-id="${ENROLLMENT_CHANGED}"]`);
    expect(await changed.locator('li[data-path="enrollment.count"]').textContent()).toBe(
      'enrollment.count: 20 → 25',
    );
    expect(await page.locator('tr[data-kind="removed"]').textContent()).toContain(
      'No longer matches the search.',
    );
    expect(await page.locator('tr[data-kind="added"] li[data-path="status.overall"]').textContent()).toBe(
      'status.overall: Not yet recruiting → Recruiting',
    );
    await screenshot(page, 'alerts-after-changed-sync');

    await page.locator(`tr[data-nct-id="${NOW_RECRUITING}"] a`).click();
    await page.locator('#history-versions').waitFor();
    await expectText(page, '#history-note', 'History starts at the first sync');
    expect(await page.locator('#history-versions tbody tr').count()).toBe(2);
    const latest = page.locator('#history-versions tr[data-version="2"]');
    expect(await latest.textContent()).toContain('current');
    expect(await latest.locator('li[data-path="status.overall"]').textContent()).toBe(
      'status.overall: Not yet recruiting → Recruiting',
    );
    expect(await latest.locator('li[data-path="enrollment.count"]').textContent()).toBe(
      'enrollment.count: 140 → 150',
    );
    const first = (await page.locator('#history-versions tr[data-version="1"]').textContent()) ?? '';
    expect(first).toContain('superseded');
    expect(first).toContain('First seen.');
    await page.locator('.study-toc a[href="#history"]').waitFor();
    await screenshot(page, 'study-history');
    expect(browser.problems).toEqual([]);
  });

  it('deletes a saved search after confirming, and says so', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/alerts.html`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Delete the saved search ${NAME}` }).click();
    await expectText(page, '#alerts-status', `Deleted “${NAME}”.`);
    await expectText(page, '#searches', 'No saved search yet.');
    expect(browser.problems).toEqual([]);
  });
});

async function expectText(page: TestBrowser['page'], selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}
