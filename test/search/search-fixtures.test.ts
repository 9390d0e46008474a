/**
 * Search over the 206 real fixture studies, loaded by the real loader. Every expectation is computed here
 * from the fixture JSON, independently of the transform, the loader and the search SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meshSynonyms } from '../../src/search/mesh-synonyms.ts';
import type { FacetCount } from '../../src/search/search-counts.ts';
import type { SearchQueryInput } from '../../src/search/search-query.ts';
import { type SearchResult, searchStudies } from '../../src/search/search-studies.ts';
import { suggestTerms } from '../../src/search/suggest-terms.ts';
import { siteCells } from '../../src/transform/geo-cells.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { type FixtureDocument, fixtureDocuments, loadFixtures } from '../support/load-fixtures.ts';

const docs = fixtureDocuments();
const idOf = (d: FixtureDocument): string => d.protocolSection.identificationModule.nctId;
const statusOf = (d: FixtureDocument): string => d.protocolSection.statusModule.overallStatus;
const phasesOf = (d: FixtureDocument): string[] => d.protocolSection.designModule?.phases ?? [];
const countriesOf = (d: FixtureDocument): string[] => [
  ...new Set<string>(
    (d.protocolSection.contactsLocationsModule?.locations ?? [])
      .map((l: { country?: string }) => l.country)
      .filter(Boolean),
  ),
];

/** Counts per value, sorted as the API sorts facets: count desc, then value. */
function countBy(
  items: readonly FixtureDocument[],
  values: (d: FixtureDocument) => (string | undefined)[],
): FacetCount[] {
  const counts = new Map<string, number>();
  for (const d of items)
    for (const v of values(d)) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** The texts the study's search document is made of (titles, conditions, interventions, summary, …). */
function indexedText(d: FixtureDocument): string {
  const p = d.protocolSection;
  const mesh = (m: FixtureDocument | undefined) =>
    [...(m?.meshes ?? []), ...(m?.ancestors ?? [])].map((x) => x.term);
  return [
    p.identificationModule.briefTitle,
    p.identificationModule.officialTitle,
    ...(p.conditionsModule?.conditions ?? []),
    ...(p.conditionsModule?.keywords ?? []),
    ...(p.armsInterventionsModule?.interventions ?? []).flatMap((i: FixtureDocument) => [
      i.name,
      ...(i.otherNames ?? []),
    ]),
    p.descriptionModule?.briefSummary,
    p.descriptionModule?.detailedDescription,
    p.eligibilityModule?.eligibilityCriteria,
    ...['primaryOutcomes', 'secondaryOutcomes', 'otherOutcomes'].flatMap((k) =>
      (p.outcomesModule?.[k] ?? []).flatMap((o: FixtureDocument) => [o.measure, o.description]),
    ),
    ...mesh(d.derivedSection?.conditionBrowseModule),
    ...mesh(d.derivedSection?.interventionBrowseModule),
  ]
    .filter(Boolean)
    .join('\n');
}

/** What a condition search matches directly: titles, conditions, keywords. */
function conditionText(d: FixtureDocument): string {
  const p = d.protocolSection;
  return [
    p.identificationModule.briefTitle,
    p.identificationModule.officialTitle,
    ...(p.conditionsModule?.conditions ?? []),
    ...(p.conditionsModule?.keywords ?? []),
  ].join(' ');
}

/** Great-circle distance in km on earthdistance's sphere (radius 6378.168 km). */
function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6378.168 * Math.asin(Math.sqrt(a));
}

describe('searchStudies on the 206 real fixture studies', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await loadFixtures(t.db);
  });
  afterAll(async () => t.drop());

  const search = (query: SearchQueryInput): Promise<SearchResult> => searchStudies(t.db, query);

  it('counts every facet over the whole corpus exactly as the fixture JSON does', async () => {
    const result = await search({ pageSize: 1 });
    expect(result.total).toBe(206);
    expect(result.totalApproximate).toBe(false);
    const f = result.facets!;
    expect(f.status).toEqual(countBy(docs, (d) => [statusOf(d)]));
    expect(f.phase).toEqual(countBy(docs, phasesOf));
    expect(f.studyType).toEqual(countBy(docs, (d) => [d.protocolSection.designModule?.studyType]));
    expect(f.sponsorClass).toEqual(
      countBy(docs, (d) => [d.protocolSection.sponsorCollaboratorsModule?.leadSponsor?.class]),
    );
    expect(f.hasResults).toEqual(countBy(docs, (d) => [String(Boolean(d.hasResults))]));
    expect(f.ageGroup).toEqual(countBy(docs, (d) => d.protocolSection.eligibilityModule?.stdAges ?? []));
    expect(f.country).toEqual(countBy(docs, countriesOf).slice(0, 50));
  });

  it('counts each facet without its own filter and the others with theirs (disjunctive facets)', async () => {
    const statuses = ['RECRUITING', 'NOT_YET_RECRUITING'];
    const inStatus = (d: FixtureDocument) => statuses.includes(statusOf(d));
    const inPhase = (d: FixtureDocument) => phasesOf(d).includes('PHASE2');
    const result = await search({
      status: statuses as SearchQueryInput['status'],
      phase: ['PHASE2'],
      pageSize: 100,
    });
    const both = docs.filter((d) => inStatus(d) && inPhase(d));
    expect(both.length).toBeGreaterThan(0);
    expect(result.total).toBe(both.length);
    expect(result.studies.map((s) => s.nctId).sort()).toEqual(both.map(idOf).sort());
    expect(result.facets!.status).toEqual(countBy(docs.filter(inPhase), (d) => [statusOf(d)]));
    expect(result.facets!.phase).toEqual(countBy(docs.filter(inStatus), phasesOf));
    expect(result.facets!.country).toEqual(countBy(both, countriesOf).slice(0, 50));
    // The facets without a filter count the matches of both filters.
    expect(result.facets!.studyType).toEqual(
      countBy(both, (d) => [d.protocolSection.designModule?.studyType]),
    );
    expect(result.facets!.hasResults).toEqual(countBy(both, (d) => [String(Boolean(d.hasResults))]));
  });

  it('finds every study that mentions a term, title mentions first', async () => {
    const mentions = docs.filter((d) => /venetoclax/i.test(indexedText(d)));
    const inTitle = mentions.filter((d) =>
      /venetoclax/i.test(
        `${d.protocolSection.identificationModule.briefTitle} ${d.protocolSection.identificationModule.officialTitle ?? ''}`,
      ),
    );
    const result = await search({ q: 'venetoclax' });
    const ids = result.studies.map((s) => s.nctId);
    expect(ids.sort()).toEqual(mentions.map(idOf).sort());
    const ranked = result.studies.map((s) => s.nctId);
    expect(ranked.slice(0, inTitle.length).sort()).toEqual(inTitle.map(idOf).sort());
    expect(inTitle.length).toBeLessThan(mentions.length);
  });

  it('expands a condition through MeSH synonyms known from the data, direct hits first', async () => {
    // Direct: "herniat…" and "disc(s)" in the conditions, keywords or titles.
    const direct = docs.filter(
      (d) => /\bherniat(e|ed|ion|ions)?\b/i.test(conditionText(d)) && /\bdiscs?\b/i.test(conditionText(d)),
    );
    expect(await meshSynonyms(t.db, 'herniated disc', 5000)).toEqual(['Intervertebral Disc Displacement']);
    // Through the synonym: the studies indexed with that MeSH term.
    const viaMesh = docs.filter((d) =>
      (d.derivedSection?.conditionBrowseModule?.meshes ?? []).some(
        (m: { term: string }) => m.term === 'Intervertebral Disc Displacement',
      ),
    );
    const expanded = await search({ condition: 'herniated disc', pageSize: 100 });
    const expected = new Set([...direct, ...viaMesh].map(idOf));
    expect(expanded.studies.map((s) => s.nctId).sort()).toEqual([...expected].sort());
    const directIds = new Set(direct.map(idOf));
    const firstIndirect = expanded.studies.findIndex((s) => !directIds.has(s.nctId));
    expect(firstIndirect).toBe(directIds.size);
    expect(expected.size).toBeGreaterThan(directIds.size);
    const plain = await search({ condition: 'herniated disc', meshExpansion: false, pageSize: 100 });
    expect(plain.studies.map((s) => s.nctId).sort()).toEqual([...directIds].sort());
  });

  it('matches a condition through MeSH ancestors: "neoplasms" finds the cancer trials', async () => {
    const viaMesh = docs.filter((d) =>
      [
        ...(d.derivedSection?.conditionBrowseModule?.meshes ?? []),
        ...(d.derivedSection?.conditionBrowseModule?.ancestors ?? []),
      ].some((m: { term: string }) => /\bneoplasms?\b/i.test(m.term)),
    );
    const direct = docs.filter((d) => /\bneoplasms?\b/i.test(conditionText(d)));
    const result = await search({ condition: 'neoplasms', pageSize: 100, facets: false });
    expect(result.studies.map((s) => s.nctId).sort()).toEqual(
      [...new Set([...viaMesh, ...direct].map(idOf))].sort(),
    );
    expect(viaMesh.length).toBeGreaterThan(20);
    const off = await search({ condition: 'neoplasms', meshExpansion: false, pageSize: 100, facets: false });
    expect(off.studies.map((s) => s.nctId).sort()).toEqual(direct.map(idOf).sort());
  });

  it('finds the studies with a site within the radius, nearest first, and says how far the nearest site is', async () => {
    const houston = { lat: 29.76328, lon: -95.36327 };
    const nearest = new Map<string, number>();
    for (const d of docs)
      for (const l of d.protocolSection.contactsLocationsModule?.locations ?? []) {
        if (!l.geoPoint) continue;
        const km = distanceKm(houston.lat, houston.lon, l.geoPoint.lat, l.geoPoint.lon);
        if (km <= 200) nearest.set(idOf(d), Math.min(nearest.get(idOf(d)) ?? Number.POSITIVE_INFINITY, km));
      }
    expect(nearest.size).toBeGreaterThan(3);
    const result = await search({ near: { ...houston, radius: 200, unit: 'km' }, pageSize: 100 });
    const expectedOrder = [...nearest].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
    expect(result.studies.map((s) => s.nctId).sort()).toEqual([...nearest.keys()].sort());
    result.studies.forEach((s) => {
      expect(s.nearestSite!.distance).toBeCloseTo(nearest.get(s.nctId)!, 0);
    });
    const distances = result.studies.map((s) => s.nearestSite!.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(result.studies[0]!.nctId).toBe(expectedOrder[0]![0]);

    // Two at a time through the cursor: the same studies in the same order, none twice.
    const near = { ...houston, radius: 200, unit: 'km' as const };
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ near, pageSize: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...page.studies.map((s) => s.nctId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(result.studies.map((s) => s.nctId));
    // With a filter, the nearest of the studies that pass it, still nearest first.
    const status = statusOf(docs.find((d) => idOf(d) === expectedOrder[0]![0])!);
    const filtered = await search({
      near,
      status: [status] as SearchQueryInput['status'],
      pageSize: 100,
    });
    const byId = new Map(docs.map((d) => [idOf(d), d]));
    expect(filtered.studies.map((s) => s.nctId)).toEqual(
      result.studies.map((s) => s.nctId).filter((id) => statusOf(byId.get(id)!) === status),
    );
    // With text, through the sites' cells: the studies of the text that have a site within the radius.
    const textIds: string[] = [];
    let next: string | undefined;
    do {
      const page = await search({
        q: 'patients',
        pageSize: 100,
        facets: false,
        ...(next ? { cursor: next } : {}),
      });
      textIds.push(...page.studies.map((s) => s.nctId));
      next = page.nextCursor ?? undefined;
    } while (next);
    const both = textIds.filter((id) => nearest.has(id));
    expect(both.length).toBeGreaterThan(1);
    expect(both.length).toBeLessThan(nearest.size);
    const withText = await search({ q: 'patients', near, pageSize: 100 });
    expect(withText.studies.map((s) => s.nctId).sort()).toEqual([...both].sort());
    expect(withText.total).toBe(both.length);
    for (const s of withText.studies) expect(s.nearestSite!.distance).toBeCloseTo(nearest.get(s.nctId)!, 0);
    const byDistance = await search({ q: 'patients', near, sort: 'distance', pageSize: 100 });
    expect(byDistance.studies.map((s) => s.nctId)).toEqual(
      expectedOrder.map(([id]) => id).filter((id) => both.includes(id)),
    );
  });

  it('stores the one-degree cells of the sites with coordinates of every study', async () => {
    const { rows } = await t.db.query<{ nct_id: string; geo_cells: number[] | null }>(
      'select nct_id, geo_cells from studies',
    );
    const stored = new Map(rows.map((r) => [r.nct_id, r.geo_cells ?? []]));
    for (const d of docs) {
      const locations: { geoPoint?: { lat: number; lon: number } }[] =
        d.protocolSection.contactsLocationsModule?.locations ?? [];
      const sites = locations.map((l) => ({
        lat: l.geoPoint?.lat ?? null,
        lon: l.geoPoint?.lon ?? null,
      }));
      expect(stored.get(idOf(d))).toEqual(siteCells(sites));
    }
  });

  it('stores the field vectors of every study as the search functions compute them from its columns', async () => {
    const { rows } = await t.db.query<{ field: string; studies: number; filled: number; differ: number }>(`
      select f.field, count(*)::int as studies, count(*) filter (where f.stored <> '')::int as filled,
        count(*) filter (where f.stored is distinct from f.computed)::int as differ
      from studies s cross join lateral (values
        ('condition', s.condition_vector, search_condition_vector(s.conditions, s.keywords, s.brief_title, s.official_title)),
        ('mesh', s.mesh_vector, search_mesh_vector(s.condition_mesh_terms, s.condition_mesh_ancestors)),
        ('intervention', s.intervention_vector,
          search_intervention_vector(s.intervention_names, s.intervention_mesh_terms, s.intervention_mesh_ancestors)),
        ('title', s.title_vector, search_title_vector(s.brief_title, s.official_title, s.acronym)),
        ('sponsor', s.sponsor_vector, search_sponsor_vector(s.lead_sponsor, s.collaborators, s.organization))
      ) f(field, stored, computed)
      group by f.field order by f.field`);
    expect(rows.map((r) => r.field)).toEqual(['condition', 'intervention', 'mesh', 'sponsor', 'title']);
    for (const row of rows) {
      expect(row.studies).toBe(docs.length);
      expect(row.differ).toBe(0);
      expect(row.filled).toBeGreaterThan(docs.length / 2);
    }
  });

  it('finds the studies whose sites name a place, the words possibly from different sites (as query.locn)', async () => {
    type Site = { facility?: string; city?: string; state?: string; country?: string };
    const siteWords = (l: Site) =>
      new Set(
        [l.facility, l.city, l.state, l.country]
          .join(' ')
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter(Boolean),
      );
    const sites = (d: FixtureDocument): Set<string>[] =>
      (d.protocolSection.contactsLocationsModule?.locations ?? []).map(siteWords);
    const matching = (words: string[]) =>
      docs
        .filter((d) => words.every((w) => sites(d).some((site) => site.has(w))))
        .map(idOf)
        .sort();
    // A single-word city of several studies, and two cities that only ever appear at different sites.
    const cityCounts = countBy(docs, (d) => [
      ...new Set<string>(
        (d.protocolSection.contactsLocationsModule?.locations ?? [])
          .map((l: Site) => l.city?.toLowerCase())
          .filter((c: string | undefined) => c && /^\p{L}+$/u.test(c)),
      ),
    ]);
    const city = cityCounts[0]!.value;
    expect(matching([city]).length).toBeGreaterThan(2);
    const ids = async (location: string) =>
      (await search({ location, pageSize: 100, facets: false })).studies.map((s) => s.nctId).sort();
    expect(await ids(city)).toEqual(matching([city]));

    const pair = docs
      .flatMap((d) => {
        const cities = [
          ...new Set<string>(
            (d.protocolSection.contactsLocationsModule?.locations ?? [])
              .map((l: Site) => l.city?.toLowerCase())
              .filter((c: string | undefined) => c && /^\p{L}+$/u.test(c)),
          ),
        ];
        return cities.length >= 2 ? [[cities[0]!, cities[1]!]] : [];
      })
      .find(([a, b]) => !docs.some((d) => sites(d).some((site) => site.has(a!) && site.has(b!))));
    expect(pair).toBeDefined();
    expect(matching(pair!).length).toBeGreaterThan(0);
    expect(await ids(pair!.join(' '))).toEqual(matching(pair!));
  });

  it('pages through the whole corpus by last update, newest first, each study once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ sort: 'last_update', pageSize: 37, cursor, facets: false });
      seen.push(...page.studies.map((s) => s.nctId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const expected = [...docs]
      .map((d) => ({
        id: idOf(d),
        date: d.protocolSection.statusModule.lastUpdatePostDateStruct?.date ?? '',
      }))
      .sort((a, b) => b.date.localeCompare(a.date) || b.id.localeCompare(a.id))
      .map((d) => d.id);
    expect(seen).toEqual(expected);
  });

  it('suggests a drug despite a typo, and corrects a query that finds nothing', async () => {
    const suggestions = await suggestTerms(t.db, { q: 'fremanezumb', kinds: ['intervention'] }, 5000);
    expect(suggestions[0]?.term).toBe('Fremanezumab');
    const typo = await search({ q: 'fremanezumb' });
    expect(typo.total).toBe(0);
    expect(typo.didYouMean).toEqual({ field: 'q', text: 'fremanezumab' });
    const fixed = await search({ q: typo.didYouMean!.text });
    expect(fixed.total).toBe(docs.filter((d) => /fremanezumab/i.test(indexedText(d))).length);
  });
});
