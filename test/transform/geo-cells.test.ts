/**
 * The one-degree cells of sites and of a radius (transform/geo-cells.ts): the numbering, its edges, and the
 * property a radius search relies on — every point within the radius lies in one of the radius's cells —
 * checked on random points, across the antimeridian too. The SQL twin geo_cell() gives the same numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellsWithin, geoCell, MAX_QUERY_CELLS, siteCells } from '../../src/transform/geo-cells.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

/** Great-circle distance in meters on earthdistance's sphere. */
function meters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6_378_168 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const EDGES: [number, number][] = [
  [0, 0],
  [-0.5, -0.5],
  [40.71, -74.01],
  [-33.87, 151.21],
  [90, 180],
  [-90, -180],
  [89.99, 179.99],
  [12.5, -180],
];

describe('geo cells', () => {
  it('numbers cells row × 360 + column from the south-west, wrapping longitude 180 to -180', () => {
    expect(geoCell(0, 0)).toBe(90 * 360 + 180);
    expect(geoCell(-0.5, -0.5)).toBe(89 * 360 + 179);
    expect(geoCell(40.71, -74.01)).toBe(130 * 360 + 105);
    expect(geoCell(-90, -180)).toBe(0);
    expect(geoCell(90, 180)).toBe(179 * 360);
    expect(geoCell(12.5, 180)).toBe(geoCell(12.5, -180));
    expect(
      siteCells([
        { lat: 40.7, lon: -74 },
        { lat: null, lon: null },
        { lat: 40.2, lon: -74.9 },
      ]),
    ).toEqual([geoCell(40.2, -74.9), geoCell(40.7, -74)]);
  });

  it('covers every point within the radius with the radius cells, across the antimeridian too', () => {
    const next = random(7);
    for (const [lat, lon, radius] of [
      [40.71, -74.01, 50_000],
      [-33.87, 151.21, 150_000],
      [51.5, 179.8, 80_000],
      [-17.7, -179.9, 120_000],
      [0.2, 0.3, 30_000],
      [64.1, -21.9, 200_000],
    ] as const) {
      const cells = new Set(cellsWithin(lat, lon, radius));
      expect(cells.size).toBeGreaterThan(0);
      let inside = 0;
      for (let i = 0; i < 4000; i++) {
        // Around the center, within twice the radius (in degrees at this latitude).
        const span = (2 * radius) / 111_320;
        const pLat = lat + (next() - 0.5) * 2 * span;
        const pLon =
          ((lon + ((next() - 0.5) * 2 * span) / Math.cos((lat * Math.PI) / 180) + 540) % 360) - 180;
        if (meters(lat, lon, pLat, pLon) > radius) continue;
        inside++;
        expect(cells.has(geoCell(pLat, pLon))).toBe(true);
      }
      expect(inside).toBeGreaterThan(500);
    }
  });

  it('gives no cells for a radius too wide to narrow anything, or reaching a pole', () => {
    expect(cellsWithin(40, -74, 2_000_000)).toBeNull();
    expect(cellsWithin(89.5, 0, 100_000)).toBeNull();
    expect(cellsWithin(-89.5, 0, 100_000)).toBeNull();
    expect(cellsWithin(40, -74, 600_000)?.length ?? MAX_QUERY_CELLS + 1).toBeLessThanOrEqual(MAX_QUERY_CELLS);
  });
});

describe('geo_cell() in SQL', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.drop());

  it('numbers cells as the loader does', async () => {
    const next = random(11);
    const points: [number, number][] = [...EDGES];
    for (let i = 0; i < 200; i++) points.push([(next() - 0.5) * 180, (next() - 0.5) * 360]);
    const { rows } = await t.db.query<{ cell: number }>(
      `select geo_cell(lat, lon) as cell
       from unnest($1::float8[], $2::float8[]) with ordinality as u(lat, lon, i) order by i`,
      [points.map((p) => p[0]), points.map((p) => p[1])],
    );
    expect(rows.map((r) => r.cell)).toEqual(points.map(([lat, lon]) => geoCell(lat, lon)));
  });
});
