/**
 * A world map drawn offline: the country outlines of world-atlas (served by this server, no tile server)
 * in an equirectangular projection, with points for study sites and, for a radius search, its circle.
 * Click the map, or focus it and move the marker with the arrow keys (Shift: 10°), then press Enter, to
 * pick the centre of a radius search.
 */
import { h } from './dom.js';
import { HEIGHT, loadCountries, WIDTH, x, y } from './world-atlas.js';

const KM_PER_DEGREE = 111.32;
const KM_PER_MILE = 1.609344;

/** The land outline as one SVG path. */
const loadOutline = async () => (await loadCountries()).map((c) => c.d).join('');

/**
 * Renders the map into `container`. Returns { setPoints(points), setCircle(near|null) }; `onPick({lat, lon})`
 * is called when the user picks a centre.
 */
export function createSiteMap(container, { onPick, label = 'World map of study sites' } = {}) {
  const svg = h('svg:svg', {
    class: 'map',
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': label,
    tabindex: onPick ? 0 : null,
  });
  const land = h('svg:path', { class: 'land' });
  const circleLayer = h('svg:g', {});
  const pointLayer = h('svg:g', {});
  const marker = h('svg:circle', { class: 'center', r: 1.6, visibility: 'hidden' });
  svg.append(land, circleLayer, pointLayer, marker);
  container.replaceChildren(svg);
  loadOutline()
    .then((d) => land.setAttribute('d', d))
    .catch((error) => container.append(h('p', { class: 'error' }, error.message)));

  let cursor = { lat: 20, lon: 0 };
  const showMarker = () => {
    marker.setAttribute('cx', x(cursor.lon));
    marker.setAttribute('cy', y(cursor.lat));
    marker.setAttribute('visibility', 'visible');
  };
  if (onPick) {
    svg.addEventListener('click', (event) => {
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
      cursor = { lat: clamp(90 - point.y, -90, 90), lon: clamp(point.x - 180, -180, 180) };
      showMarker();
      onPick(round(cursor));
    });
    svg.addEventListener('keydown', (event) => {
      const step = event.shiftKey ? 10 : 1;
      const moves = {
        ArrowUp: [step, 0],
        ArrowDown: [-step, 0],
        ArrowLeft: [0, -step],
        ArrowRight: [0, step],
      };
      if (event.key in moves) {
        const [dLat, dLon] = moves[event.key];
        cursor = { lat: clamp(cursor.lat + dLat, -90, 90), lon: clamp(cursor.lon + dLon, -180, 180) };
        showMarker();
        event.preventDefault();
      } else if (event.key === 'Enter' || event.key === ' ') {
        onPick(round(cursor));
        event.preventDefault();
      }
    });
  }

  return {
    setPoints(points) {
      pointLayer.replaceChildren(
        ...points
          .filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon))
          .map((p) =>
            h(
              'svg:circle',
              { class: 'site', cx: x(p.lon), cy: y(p.lat), r: 1.2 },
              h('svg:title', {}, p.label ?? ''),
            ),
          ),
      );
    },
    setCircle(near) {
      circleLayer.replaceChildren();
      if (!near) return;
      cursor = { lat: near.lat, lon: near.lon };
      showMarker();
      const km = near.radius * (near.unit === 'mi' ? KM_PER_MILE : 1);
      const ry = km / KM_PER_DEGREE;
      const rx = ry / Math.max(Math.cos((near.lat * Math.PI) / 180), 0.05);
      circleLayer.append(h('svg:ellipse', { class: 'radius', cx: x(near.lon), cy: y(near.lat), rx, ry }));
    },
  };
}

const clamp = (n, min, max) => Math.min(Math.max(n, min), max);
const round = (p) => ({ lat: Math.round(p.lat * 100) / 100, lon: Math.round(p.lon * 100) / 100 });
