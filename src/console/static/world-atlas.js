/**
 * The offline world map both maps draw on (site-map.js, country-map.js): world-atlas's 1:110m country
 * outlines, served by this server with topojson-client (no tile server, no CDN), in an equirectangular
 * projection of 360 × 180 units: x = longitude + 180, y = 90 − latitude.
 */
import { h } from './dom.js';

export const WIDTH = 360;
export const HEIGHT = 180;
export const x = (lon) => lon + 180;
export const y = (lat) => 90 - lat;

let countries;

/** The atlas's countries as [{ name, d }] (d: SVG path data), loaded once per page. */
export function loadCountries() {
  countries ??= (async () => {
    if (!window.topojson)
      await new Promise((resolve, reject) => {
        const script = h('script', { src: '/console/vendor/topojson-client.js' });
        script.addEventListener('load', resolve);
        script.addEventListener('error', () => reject(new Error('The map outline could not be loaded')));
        document.head.append(script);
      });
    const response = await fetch('/console/vendor/countries-110m.json');
    if (!response.ok) throw new Error('The map outline could not be loaded');
    const world = await response.json();
    return window.topojson
      .feature(world, world.objects.countries)
      .features.map((f) => ({ name: f.properties.name, d: ringsPath(f.geometry) }));
  })();
  return countries;
}

/** Polygon rings → path data; a ring that jumps across the antimeridian is split there instead of drawn across. */
function ringsPath(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let d = '';
  for (const polygon of polygons)
    for (const ring of polygon) {
      let previous = null;
      for (const [lon, lat] of ring) {
        const jump = previous !== null && Math.abs(lon - previous) > 180;
        d += `${previous === null || jump ? 'M' : 'L'}${x(lon).toFixed(2)},${y(lat).toFixed(2)}`;
        previous = lon;
      }
      d += 'Z';
    }
  return d;
}
