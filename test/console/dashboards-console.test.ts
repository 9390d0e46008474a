import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS, sitesByCountry, topSponsors } from '../../src/dashboards/dashboards.ts';
import { studyFields } from '../dashboards/fixture-figures.ts';
import { secondVersion } from '../events/fixture-versions.ts';
import { openBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { deliverFixtureSyncs } from '../warehouse/deliver-fixture-syncs.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';

let server: ConsoleServer;
let browser: TestBrowser;

beforeAll(async () => {
  server = await startConsoleServer({ extend: async (_app, t) => deliverFixtureSyncs(t.db) });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The parts of a browser canvas the test reads (the project's TypeScript has no DOM types). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
  closest(selector: string): { getAttribute(name: string): string | null } | null;
}

/** Each table's cells as the API's values, stringified (null → ''), column by column. */
const asCells = (rows: Record<string, unknown>[]) =>
  rows.map((row) => Object.values(row).map((v) => (v === null ? '' : String(v))));

describe('dashboards console', () => {
  it('renders every dashboard: charts drawn, tables equal to the SQL, SQL shown, the map of sites', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/dashboards.html`);
    await page.locator('#dashboards[aria-busy="false"]').waitFor({ timeout: 30_000 });
    const states = await page.$$eval('section.dashboard', (sections) =>
      sections.map((s) => `${s.getAttribute('data-dashboard')}:${s.getAttribute('data-state')}`),
    );
    expect(states).toEqual(DASHBOARDS.map((d) => `${d.id}:ready`));

    // Every chart has a Chart.js instance on a canvas of real size with painted pixels.
    const charts = await page.$$eval('section.dashboard canvas', (canvases) =>
      canvases.map((canvas) => {
        const c = canvas as unknown as Canvas;
        const chart = (globalThis as unknown as { Chart: { getChart(c: Canvas): unknown } }).Chart.getChart(
          c,
        );
        const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
        const id = c.closest('section')!.getAttribute('data-dashboard');
        return { id, chart: chart !== undefined, width: c.width, height: c.height, painted };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(
      DASHBOARDS.filter((d) => d.id !== 'sites-by-country').map((d) => d.id),
    );
    for (const chart of charts) {
      expect(chart, chart.id!).toMatchObject({ chart: true });
      expect(chart.width * chart.height, chart.id!).toBeGreaterThan(100_000);
      expect(chart.painted, chart.id!).toBeGreaterThan(2_000);
    }

    // Every data table holds exactly the rows the dashboard's SQL returns.
    for (const dashboard of DASHBOARDS) {
      const cells = await page.$$eval(`table[data-dashboard="${dashboard.id}"] tbody tr`, (rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.getAttribute('data-value'))),
      );
      expect(cells, dashboard.id).toEqual(asCells(await dashboard.run(server.t.db)));
    }
    // …and the sites per country are those of the fixture JSON.
    const usSites = studyFields(secondVersion())
      .flatMap((s) => s.siteCountries)
      .filter((c) => c === 'United States').length;
    expect(
      await page.locator('table[data-dashboard="sites-by-country"] tbody tr').first().textContent(),
    ).toBe(`United States102${usSites.toLocaleString('en-US')}`);

    // The SQL disclosure opens on the query and its parameter.
    const sponsors = page.locator('#dashboard-top-sponsors');
    expect(await sponsors.locator('details.sql pre').isVisible()).toBe(false);
    await sponsors.getByText('Show SQL').click();
    expect(await sponsors.locator('details.sql pre').isVisible()).toBe(true);
    expect(await sponsors.locator('details.sql code').textContent()).toBe(topSponsors.sql);
    expect(await sponsors.locator('details.sql p').textContent()).toBe('Parameters: $1 = 10');

    // The map shades each country it can place; the others are listed under it.
    const countries = await sitesByCountry.run(server.t.db);
    const shaded = await page.$$eval('svg.country-map path.has-value', (paths) =>
      paths.map((p) => ({
        country: p.getAttribute('data-country'),
        value: Number(p.getAttribute('data-value')),
        fill: p.getAttribute('fill'),
      })),
    );
    const unplaced = await page.$$eval('#unmatched-countries tbody tr td:first-child', (tds) =>
      tds.map((td) => td.textContent),
    );
    expect(unplaced).toEqual(expect.arrayContaining(['Singapore', 'Hong Kong']));
    // A country the registry spells two ways ("Turkey", "Turkey (Türkiye)") is one shape with both.
    const placed = shaded.flatMap((s) => s.country!.split('; '));
    expect([...placed, ...unplaced].sort()).toEqual(countries.map((c) => c.country).sort());
    expect(shaded.find((s) => s.country === 'United States')).toMatchObject({ value: usSites });
    const sitesOf = (name: string) => countries.find((c) => c.country === name)?.sites ?? 0;
    expect(shaded.find((s) => s.country!.includes('Korea, Republic of'))!.value).toBe(
      sitesOf('Korea, Republic of') + sitesOf('South Korea'),
    );
    expect(placed).toEqual(expect.arrayContaining(['Turkey (Türkiye)', 'Russian Federation', 'Czechia']));
    expect(shaded.every((s) => /^rgb\(/.test(s.fill ?? ''))).toBe(true);
    expect(await page.locator('#map-summary').textContent()).toBe(
      `${placed.length} countries on the map, ${unplaced.length} not.`,
    );

    await page.locator('#dashboard-completed-with-results details.data summary').click();
    await screenshot(page, 'dashboards');
    expect(browser.problems).toEqual([]);
  });

  it('is linked from the navigation of the other console pages', async () => {
    for (const file of ['index.html', 'runs.html', 'run.html', 'study.html']) {
      const html = await (await fetch(`${server.url}/console/${file}`)).text();
      expect(html, file).toContain('<a href="/console/dashboards.html">Dashboards</a>');
    }
    const { page } = browser;
    await page.goto(`${server.url}/console/runs.html`);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Dashboards' }).click();
    await page.locator('#dashboards[aria-busy="false"]').waitFor({ timeout: 30_000 });
    expect(page.url()).toBe(`${server.url}/console/dashboards.html`);
  });
});
