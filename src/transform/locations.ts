/**
 * Study sites: facility, city, state, zip, country, recruitment status and the coordinates CT.gov
 * geocoded (`geoPoint`, decimal degrees; absent for some sites, which radius search then cannot find).
 * One row per `locations` element, `ord` = its index. Countries are also collected for the study row:
 * distinct, in first-seen order; and the one-degree cells of its sites, for radius searches with text.
 */
import type { Location } from '../validate/study-schema.ts';
import { siteCells } from './geo-cells.ts';
import type { FieldWarning, LocationRow } from './study-projection.ts';
import { cleanText } from './text.ts';

const PATH = 'protocolSection.contactsLocationsModule.locations';

export interface LocationsProjection {
  rows: LocationRow[];
  countries: string[];
  /** The one-degree cells of the sites with coordinates (geo-cells.ts). */
  geoCells: number[];
}

export function projectLocations(
  locations: readonly Location[] | undefined,
  warnings: FieldWarning[],
): LocationsProjection {
  const rows: LocationRow[] = [];
  const countries = new Set<string>();
  (locations ?? []).forEach((site, ord) => {
    const path = `${PATH}[${ord}]`;
    const country = cleanText(site.country, `${path}.country`, warnings);
    if (country !== null) countries.add(country);
    rows.push({
      ord,
      facility: cleanText(site.facility, `${path}.facility`, warnings),
      city: cleanText(site.city, `${path}.city`, warnings),
      state: cleanText(site.state, `${path}.state`, warnings),
      zip: cleanText(site.zip, `${path}.zip`, warnings),
      country,
      status: site.status ?? null,
      lat: site.geoPoint?.lat ?? null,
      lon: site.geoPoint?.lon ?? null,
    });
  });
  return { rows, countries: [...countries], geoCells: siteCells(rows) };
}
