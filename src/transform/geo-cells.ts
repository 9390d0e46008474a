/**
 * One-degree cells of the earth (latitude row × longitude column, 180 × 360), numbered
 * row * 360 + column from the south-west. Each study row lists the cells of its sites with coordinates
 * (`studies.geo_cells`, migration 000014), so a radius search combined with text narrows the studies by a
 * GIN index before any site is read: the cells that overlap the radius's bounding box hold every site
 * within it. The SQL function geo_cell(lat, lon) of that migration computes the same numbers.
 */

const ROWS = 180;
const COLUMNS = 360;
/** Meters per degree of latitude on earthdistance's sphere (earth() = 6,378,168 m). */
const METERS_PER_DEGREE = (6_378_168 * Math.PI) / 180;
/** Above this many cells a radius is too wide for the cells to narrow anything: no prefilter. */
export const MAX_QUERY_CELLS = 400;

const row = (lat: number) => Math.min(Math.max(Math.floor(lat) + 90, 0), ROWS - 1);
const column = (lonDegree: number) => (((lonDegree + 180) % COLUMNS) + COLUMNS) % COLUMNS;

/** The cell of a point in decimal degrees. */
export function geoCell(lat: number, lon: number): number {
  return row(lat) * COLUMNS + column(Math.floor(lon));
}

/** The distinct cells of a study's sites that have coordinates, ascending. */
export function siteCells(sites: readonly { lat: number | null; lon: number | null }[]): number[] {
  const cells = new Set<number>();
  for (const { lat, lon } of sites) if (lat !== null && lon !== null) cells.add(geoCell(lat, lon));
  return [...cells].sort((a, b) => a - b);
}

/**
 * The cells that overlap the bounding box of a circle (center in degrees, radius in meters), or null when
 * they would be more than MAX_QUERY_CELLS (a wide radius, or one near a pole). A box across the
 * antimeridian wraps.
 */
export function cellsWithin(lat: number, lon: number, meters: number): number[] | null {
  const dLat = meters / METERS_PER_DEGREE;
  const south = lat - dLat;
  const north = lat + dLat;
  if (south <= -90 || north >= 90) return null;
  // The widest longitude span is at the box's edge nearest the pole.
  const cos = Math.cos((Math.max(Math.abs(south), Math.abs(north)) * Math.PI) / 180);
  const dLon = meters / (METERS_PER_DEGREE * cos);
  if (dLon >= 180) return null;
  const rows = row(north) - row(south) + 1;
  const first = Math.floor(lon - dLon);
  const columns = Math.floor(lon + dLon) - first + 1;
  if (rows * columns > MAX_QUERY_CELLS) return null;
  const cells: number[] = [];
  for (let r = row(south); r <= row(north); r++)
    for (let c = 0; c < columns; c++) cells.push(r * COLUMNS + column(first + c));
  return cells.sort((a, b) => a - b);
}
