import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { refreshSearchTerms } from '../../src/search/refresh-search-terms.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { openBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';

let server: ConsoleServer;
let browser: TestBrowser;

beforeAll(async () => {
  server = await startConsoleServer();
  await runSync({ db: server.t.db, config: server.config, logger: silentLogger, pageSize: 100 });
  await refreshSearchTerms(server.t.db);
  browser = await openBrowser();
}, 120_000);
beforeEach(() => {
  browser.problems.length = 0;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const totalOf = async (page: TestBrowser['page']) => {
  const text = (await page.locator('#total').textContent()) ?? '';
  return Number(/([\d,]+) studies/.exec(text)?.[1]?.replace(/,/g, ''));
};

describe('search console', () => {
  it('searches, clicks a facet into a filter and opens a study with every module', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/`);
    await page.getByRole('combobox').fill('cancer');
    await page.getByRole('combobox').press('Enter');
    await page.locator('#total').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('cancer');
    const all = await totalOf(page);
    expect(all).toBeGreaterThan(1);
    expect(await page.locator('#results .snippet mark').count()).toBeGreaterThan(0);
    await expectText(page, '#freshness', 'Data of 2026-11-28 09:00 UTC');
    await screenshot(page, 'search-results');

    const facet = page.locator('[data-facet="status"] button[aria-pressed="false"]').first();
    const value = await facet.getAttribute('data-value');
    const count = Number(((await facet.locator('span').last().textContent()) ?? '').replace(/,/g, ''));
    expect(count).toBeLessThan(all);
    await facet.click();
    await expect.poll(() => new URL(page.url()).searchParams.getAll('status')).toEqual([value]);
    await expect.poll(() => totalOf(page)).toBe(count);
    expect(
      await page.locator(`[data-facet="status"] button[data-value="${value}"]`).getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await page.locator('#active-filters button').count()).toBe(1);
    await screenshot(page, 'search-facet-filter');

    await page.goBack();
    await expect.poll(() => totalOf(page)).toBe(all);
    await page.goForward();
    await expect.poll(() => totalOf(page)).toBe(count);

    const first = page.locator('#results li[data-nct-id]').first();
    const nctId = await first.getAttribute('data-nct-id');
    await first.getByRole('link').click();
    await page.locator('#study h1').waitFor();
    expect(page.url()).toContain(`id=${nctId}`);
    for (const section of [
      'overview',
      'eligibility',
      'arms',
      'outcomes',
      'locations',
      'sponsors',
      'results',
      'mesh',
      'other-modules',
    ])
      expect(await page.locator(`section#${section} h2`).count(), section).toBe(1);
    expect(await page.locator('#eligibility-criteria').textContent()).toMatch(/criteria/i);
    await screenshot(page, 'study-page');
    expect(browser.problems).toEqual([]);
  });

  it('suggests terms as the user types and takes one with the keyboard', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/`);
    const box = page.getByRole('combobox');
    await box.pressSequentially('diab', { delay: 30 });
    const options = page.getByRole('option');
    await options.first().waitFor();
    const term = (await options.first().locator('span').first().textContent()) ?? '';
    expect(term.toLowerCase()).toContain('diab');
    await screenshot(page, 'search-typeahead');
    await box.press('ArrowDown');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await box.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(term);
    expect(await totalOf(page)).toBeGreaterThan(0);
  });

  it('draws the sites of a radius search over the bundled outline, from a point picked on the map', async () => {
    const { rows } = await server.t.db.query<{ lat: number; lon: number }>(
      `select lat, lon from study_locations where lat is not null order by nct_id, ord limit 1`,
    );
    const site = rows[0]!;
    const { page } = browser;
    await page.goto(`${server.url}/console/?near=${site.lat},${site.lon},300km`);
    await page.locator('#total').waitFor();
    await expect
      .poll(async () => ((await page.locator('#map path.land').getAttribute('d')) ?? '').length)
      .toBeGreaterThan(10_000);
    expect(await page.locator('#map circle.site').count()).toBeGreaterThan(0);
    expect(await page.locator('#map ellipse.radius').count()).toBe(1);
    expect(await page.locator('#results li[data-nct-id]').first().textContent()).toMatch(
      /Nearest site: .* km/,
    );
    await screenshot(page, 'search-radius-map');

    // Keyboard: the marker starts on the searched point; one step east (1°), then Enter searches there.
    const marker = page.locator('#map circle.center');
    const cx = Number(await marker.getAttribute('cx'));
    await page.locator('#map svg').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await marker.getAttribute('cx'))).toBeCloseTo(cx + 1, 5);
    await page.keyboard.press('Enter');
    const round2 = (n: number) => Math.round(n * 100) / 100;
    await expect
      .poll(() => new URL(page.url()).searchParams.get('near'))
      .toBe(`${round2(site.lat)},${round2(site.lon + 1)},300km`);
    expect(browser.problems).toEqual([]);
  });

  it('works from the keyboard: the skip link comes first, a facet toggles with Space, Escape closes suggestions', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/?q=cancer`);
    await page.locator('#total').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');

    const facet = page.locator('[data-facet="phase"] button').first();
    const value = await facet.getAttribute('data-value');
    await facet.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => new URL(page.url()).searchParams.getAll('phase')).toEqual([value]);

    const box = page.getByRole('combobox');
    await box.fill('');
    await box.pressSequentially('leuk', { delay: 30 });
    await page.getByRole('option').first().waitFor();
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    await box.press('Escape');
    expect(await box.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('listbox').isHidden()).toBe(true);
  });

  it('exports the current results as CSV and JSON', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/?q=cancer&pageSize=10`);
    await page.locator('#total').waitFor();
    const total = await totalOf(page);

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV' }).click(),
    ]);
    const csvText = await readFile((await csv.path())!, 'utf8');
    const lines = csvText.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^nctId,briefTitle,acronym,overallStatus/);
    expect(csvText.match(/^NCT\d{8},/gm)).toHaveLength(total);

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'JSON' }).click(),
    ]);
    const exported = JSON.parse(await readFile((await json.path())!, 'utf8'));
    expect(exported.studies).toHaveLength(total);
    expect(exported.query).toMatchObject({ q: ['cancer'] });
    expect(exported.source).toMatchObject({
      name: 'ClinicalTrials.gov',
      publisher: 'U.S. National Library of Medicine',
    });
    await expectText(page, '#export-status', `${total} of ${total} studies exported`);
  });
});

async function expectText(page: TestBrowser['page'], selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}
