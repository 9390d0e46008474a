/**
 * A world map of figures per country, drawn offline like the site map (site-map.js): world-atlas's
 * 1:110m country outlines, served by this server, in the same equirectangular projection, each country
 * shaded by its value (logarithmic scale). Registry country names ("Korea, Republic of") are matched to the
 * atlas's ("South Korea") through a list of known spellings; what has no outline at this scale (Singapore,
 * Hong Kong) or an unknown name is returned as unmatched, for the page to list.
 */
import { h } from './dom.js';
import { HEIGHT, loadCountries, WIDTH } from './world-atlas.js';

/** The shades' ends: no value yet → the largest value. */
const LIGHT = [222, 235, 247];
const DARK = [8, 69, 148];

/** Registry spellings (ClinicalTrials.gov country list, old and new) → world-atlas names. */
const ATLAS_NAMES = {
  'united states': 'United States of America',
  'korea, republic of': 'South Korea',
  "korea, democratic people's republic of": 'North Korea',
  'russian federation': 'Russia',
  'turkey (turkiye)': 'Turkey',
  turkiye: 'Turkey',
  'iran, islamic republic of': 'Iran',
  'syrian arab republic': 'Syria',
  "lao people's democratic republic": 'Laos',
  'viet nam': 'Vietnam',
  'moldova, republic of': 'Moldova',
  'congo, the democratic republic of the': 'Dem. Rep. Congo',
  'democratic republic of the congo': 'Dem. Rep. Congo',
  'bosnia and herzegovina': 'Bosnia and Herz.',
  'central african republic': 'Central African Rep.',
  'dominican republic': 'Dominican Rep.',
  'equatorial guinea': 'Eq. Guinea',
  swaziland: 'eSwatini',
  eswatini: 'eSwatini',
  'north macedonia': 'Macedonia',
  'macedonia, the former yugoslav republic of': 'Macedonia',
  'tanzania, united republic of': 'Tanzania',
  'bolivia, plurinational state of': 'Bolivia',
  'venezuela, bolivarian republic of': 'Venezuela',
  'palestinian territory, occupied': 'Palestine',
  'palestine, state of': 'Palestine',
  'libyan arab jamahiriya': 'Libya',
  'brunei darussalam': 'Brunei',
  'solomon islands': 'Solomon Is.',
  'south sudan': 'S. Sudan',
  'falkland islands (malvinas)': 'Falkland Is.',
  'western sahara': 'W. Sahara',
  'czech republic': 'Czechia',
  'east timor': 'Timor-Leste',
  'french southern territories': 'Fr. S. Antarctic Lands',
  "cote d'ivoire": "Côte d'Ivoire",
};

/** Lower case without accents or doubled spaces: "Côte D'Ivoire" and "Cote d'Ivoire" meet. */
const normal = (name) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

function shade(t) {
  const rgb = LIGHT.map((low, i) => Math.round(low + (DARK[i] - low) * t));
  return `rgb(${rgb.join(' ')})`;
}

/**
 * Draws `items` ([{ name, value, title }]: registry country names) into `container`. Resolves to
 * { matched, unmatched }: the items drawn, and those with no outline on the map.
 */
export async function drawCountryMap(container, items, { label = 'World map' } = {}) {
  const countries = await loadCountries();
  const byName = new Map(countries.map((c) => [normal(c.name), c.name]));
  const atlasName = (name) => ATLAS_NAMES[normal(name)] ?? byName.get(normal(name)) ?? null;
  const found = new Map();
  const unmatched = [];
  for (const item of items) {
    const name = atlasName(item.name);
    if (name === null) unmatched.push(item);
    else found.set(name, [...(found.get(name) ?? []), item]);
  }
  const max = Math.max(1, ...items.map((i) => i.value));
  const svg = h('svg:svg', {
    class: 'map country-map',
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': label,
  });
  for (const country of countries) {
    const here = found.get(country.name) ?? [];
    const value = here.reduce((sum, i) => sum + i.value, 0);
    svg.append(
      h(
        'svg:path',
        {
          d: country.d,
          class: here.length ? 'country has-value' : 'country',
          fill: here.length ? shade(Math.log1p(value) / Math.log1p(max)) : null,
          'data-country': here.length ? here.map((i) => i.name).join('; ') : null,
          'data-value': here.length ? value : null,
        },
        h('svg:title', {}, here.length ? here.map((i) => i.title).join('\n') : country.name),
      ),
    );
  }
  const legend = h(
    'div',
    { class: 'map-legend', 'aria-hidden': 'true' },
    h('span', {}, '1'),
    [0, 0.25, 0.5, 0.75, 1].map((t) => h('span', { class: 'swatch', 'data-shade': t })),
    h('span', {}, max.toLocaleString('en-US')),
  );
  container.replaceChildren(svg, legend);
  // Swatch colours are set through the CSSOM (allowed by the content security policy, unlike style="").
  for (const swatch of legend.querySelectorAll('.swatch'))
    swatch.style.background = shade(Number(swatch.dataset.shade));
  return { matched: [...found.values()].flat(), unmatched };
}
