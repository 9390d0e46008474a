import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';

let server: ConsoleServer;
let browser: TestBrowser;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await openBrowser();
});
beforeEach(() => {
  browser.problems.length = 0;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('run console', () => {
  it('"run now" starts a sync whose live progress and completion the console shows', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/runs.html`);
    await expectText(page, '#runs', 'No runs yet.');
    await expectText(page, '#schedule', 'graphile-worker');

    await page.getByRole('button', { name: 'Run now' }).click();
    await expectText(page, '#run-now-status', 'Sync queued.');
    const row = page.locator('#runs tr[data-state="running"]').first();
    await row.waitFor({ timeout: 15_000 });
    await screenshot(page, 'runs-list-running');
    await row.getByRole('link').click();

    // The run page refreshes itself while the run goes: a running step, then every step succeeded.
    await page.locator('h1 .state-running').waitFor({ timeout: 10_000 });
    await page.locator('#steps tr[data-state="running"] .live-progress').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'run-page-live-progress');
    await page.locator('h1 .state-succeeded').waitFor({ timeout: 45_000 });
    await screenshot(page, 'run-page-succeeded');

    const steps = await Promise.all(
      (await page.locator('#steps tbody tr').all()).map(
        async (r) => `${await r.getAttribute('data-step')}:${await r.getAttribute('data-state')}`,
      ),
    );
    expect(steps).toEqual(['download:succeeded', 'load:succeeded', 'index:succeeded', 'publish:succeeded']);
    await expectText(page, '#run-counts', 'inserted 206');
    await expectText(page, '#freshness', 'Data of 2026-11-28 09:00 UTC');
    expect(browser.problems).toEqual([]);
  });

  it('a failing step shows with its error, and its retry is visible beside it', async () => {
    const { page } = browser;
    server.api.inject({ kind: 'status', status: 400, path: '/studies', body: 'pageSize is invalid' });
    await page.goto(`${server.url}/console/runs.html`);
    await page.getByRole('button', { name: 'Run now' }).click();

    const failed = page.locator('#runs tr[data-state="failed"]').first();
    await failed.waitFor({ timeout: 20_000 });
    await expectText(page, '#pending-jobs', 'retry: attempt 2 of 9');
    await screenshot(page, 'runs-list-failed-retry-pending');
    const retried = page.locator('#runs tr[data-state="succeeded"]').first();
    await expect
      .poll(() => page.locator('#runs tr[data-state="succeeded"]').count(), { timeout: 30_000 })
      .toBe(2);
    await expect.poll(async () => retried.textContent()).toContain('manual · attempt 2 of 9');
    expect(await failed.textContent()).toMatch(/400/);
    expect(await failed.textContent()).toContain('retried after 2.7 s as attempt 2');
    await screenshot(page, 'runs-list-retry-succeeded');

    await failed.getByRole('link').click();
    await page.locator('#run-error').waitFor();
    expect(await page.locator('#steps tr[data-step="download"]').textContent()).toMatch(/failed[\s\S]*400/);
    await expectText(page, '#run-retry', 'attempt 2');
    await page.locator('#run-retry .state-succeeded').waitFor();
    await screenshot(page, 'run-page-failed-step');
    await page.locator('#run-retry a').click();
    await page.locator('h1 .state-succeeded').waitFor();
    await expectText(page, '#main dl', 'manual · attempt 2 of 9');
    await screenshot(page, 'run-page-retry');
    expect(browser.problems).toEqual([]);
  });

  it('shows the warnings and the quarantined records of a run, each with its raw text', async () => {
    const { rows } = await server.t.db.query<{ id: string }>(
      `select id from runs where state = 'succeeded' order by started_at limit 1`,
    );
    const runId = rows[0]!.id;
    await server.t.db.query(
      `insert into quarantine (run_id, nct_id, source, path, message, raw)
       values ($1, null, 'page-0003.json', '$.studies[4]', 'missing protocolSection.identificationModule.nctId', '{"protocolSection": {}}')`,
      [runId],
    );
    const { page } = browser;
    await page.goto(`${server.url}/console/run.html?id=${runId}`);
    await expectText(page, '#quarantine', 'missing protocolSection.identificationModule.nctId');
    await expectText(page, '#warnings', 'unknown_field');
    await page.locator('#quarantine summary').first().click();
    expect(await page.locator('#quarantine pre').first().textContent()).toBe('{"protocolSection": {}}');
    await screenshot(page, 'run-page-quarantine-warnings');
  });
});

async function expectText(page: TestBrowser['page'], selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}
