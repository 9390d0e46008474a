/**
 * The warehouse's conformed dimensions, added on demand and shared by all study versions: dates, sponsors,
 * conditions and countries, with the bridge rows that link a version to its conditions and countries.
 * Set-based: one statement per dimension per batch of events, whatever the batch size.
 */
import type { StudyDocument } from '../domain/study-document.ts';
import type { Queryable } from '../store/db.ts';

/** yyyymmdd as an integer (the dim_date key), or null. */
export function dateKey(isoDay: string | null): number | null {
  return isoDay === null ? null : Number(isoDay.slice(0, 10).replaceAll('-', ''));
}

export async function ensureDates(tx: Queryable, days: Iterable<string | null>): Promise<void> {
  const present = [...new Set([...days].filter((d): d is string => d !== null))];
  if (present.length === 0) return;
  await tx.query(
    `insert into warehouse.dim_date (date_key, date, year, quarter, month, day, iso_week, iso_day_of_week)
     select to_char(d, 'YYYYMMDD')::int, d, extract(year from d), extract(quarter from d),
            extract(month from d), extract(day from d), extract(week from d), extract(isodow from d)
     from unnest($1::date[]) as u(d)
     on conflict (date_key) do nothing`,
    [present],
  );
}

export interface Sponsor {
  name: string;
  class: string | null;
}

const sponsorId = (s: Sponsor) => `${s.class ?? ''}\u0000${s.name}`;

/** The key of each sponsor (added when new), by `name` and `class`. */
export async function sponsorKeys(tx: Queryable, sponsors: readonly Sponsor[]): Promise<Map<string, number>> {
  const unique = [...new Map(sponsors.map((s) => [sponsorId(s), s])).values()];
  if (unique.length === 0) return new Map();
  const params = [unique.map((s) => s.name), unique.map((s) => s.class)];
  await tx.query(
    `insert into warehouse.dim_sponsor (name, class)
     select * from unnest($1::text[], $2::text[]) on conflict (name, class) do nothing`,
    params,
  );
  const { rows } = await tx.query<{ sponsor_key: number; name: string; class: string | null }>(
    `select d.sponsor_key, d.name, d.class
     from warehouse.dim_sponsor d join unnest($1::text[], $2::text[]) as u(name, class)
       on d.name = u.name and d.class is not distinct from u.class`,
    params,
  );
  return new Map(rows.map((r) => [sponsorId(r), Number(r.sponsor_key)]));
}

/** The lookup key of a sponsor in the map sponsorKeys returns. */
export const sponsorKeyOf = (keys: Map<string, number>, sponsor: Sponsor | null) =>
  sponsor === null ? null : (keys.get(sponsorId(sponsor)) ?? null);

/** Links each new version row (study_key) to its listed conditions, MeSH terms and MeSH ancestors. */
export async function insertConditionBridges(
  tx: Queryable,
  versions: readonly { studyKey: number; study: StudyDocument }[],
): Promise<void> {
  const keys: number[] = [];
  const meshIds: (string | null)[] = [];
  const terms: string[] = [];
  const relations: string[] = [];
  const add = (studyKey: number, meshId: string | null, term: string, relation: string) => {
    keys.push(studyKey);
    meshIds.push(meshId);
    terms.push(term);
    relations.push(relation);
  };
  for (const { studyKey, study } of versions) {
    for (const term of study.conditions.listed) add(studyKey, null, term, 'listed');
    for (const m of study.conditions.mesh) add(studyKey, m.id, m.term, 'mesh');
    for (const m of study.conditions.meshAncestors) add(studyKey, m.id, m.term, 'ancestor');
  }
  if (keys.length === 0) return;
  await tx.query(
    `insert into warehouse.dim_condition (mesh_id, term)
     select distinct mesh_id, term from unnest($1::text[], $2::text[]) as u(mesh_id, term)
     on conflict (term, mesh_id) do nothing`,
    [meshIds, terms],
  );
  await tx.query(
    `insert into warehouse.bridge_study_condition (study_key, condition_key, relation)
     select distinct u.study_key, c.condition_key, u.relation
     from unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) as u(study_key, mesh_id, term, relation)
     join warehouse.dim_condition c on c.term = u.term and c.mesh_id is not distinct from u.mesh_id`,
    [keys, meshIds, terms, relations],
  );
}

/** Links each new version row to its countries, with the number of sites in each. */
export async function insertCountryBridges(
  tx: Queryable,
  versions: readonly { studyKey: number; study: StudyDocument }[],
): Promise<void> {
  const keys: number[] = [];
  const names: string[] = [];
  const siteCounts: number[] = [];
  for (const { studyKey, study } of versions) {
    const sites = new Map<string, number>(study.countries.map((country) => [country, 0]));
    for (const site of study.sites)
      if (site.country !== null) sites.set(site.country, (sites.get(site.country) ?? 0) + 1);
    for (const [name, count] of sites) {
      keys.push(studyKey);
      names.push(name);
      siteCounts.push(count);
    }
  }
  if (keys.length === 0) return;
  await tx.query(
    `insert into warehouse.dim_country (name) select distinct unnest($1::text[]) on conflict (name) do nothing`,
    [names],
  );
  await tx.query(
    `insert into warehouse.bridge_study_country (study_key, country_key, site_count)
     select u.study_key, c.country_key, u.site_count
     from unnest($1::bigint[], $2::text[], $3::int[]) as u(study_key, name, site_count)
     join warehouse.dim_country c on c.name = u.name`,
    [keys, names, siteCounts],
  );
}
