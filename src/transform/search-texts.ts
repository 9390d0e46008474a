/**
 * The four texts of a study's weighted search vector (PostgreSQL setweight A > B > C > D), mapped from
 * CT.gov's search-area weights (/studies/search-areas: ids and titles ≈ 0.85–1, conditions/interventions/
 * MeSH ≈ 0.4–0.95, summary/outcomes/sponsors lower, long free text lowest):
 * - A: NCT id, aliases, acronym, brief and official title;
 * - B: conditions, keywords, condition and intervention MeSH terms and ancestors, intervention names and
 *   other names;
 * - C: brief summary, lead sponsor and collaborators, and the outcome measures (measure and description of
 *   primary, secondary and other outcomes), a text of their own: their vector is also stored per study for
 *   outcome search, so PostgreSQL parses them once;
 * - D: detailed description, eligibility criteria.
 * Plus the location text (facility, city, state, country of every site), vectorized on its own.
 * Parts are joined with newlines; markdown escapes are resolved (`\<` → `<`), control characters become
 * spaces (text.ts searchText).
 */
import type { Study } from '../validate/study-schema.ts';
import type { SearchTexts, StudyChildren, StudyRow } from './study-projection.ts';
import { searchText } from './text.ts';

export function buildSearchTexts(study: Study, row: StudyRow, children: StudyChildren): SearchTexts {
  const a = [row.nct_id, ...row.nct_id_aliases, row.acronym, row.brief_title, row.official_title];
  const b = [
    ...row.conditions,
    ...row.keywords,
    ...row.condition_mesh_terms,
    ...row.condition_mesh_ancestors,
    ...row.intervention_mesh_terms,
    ...row.intervention_mesh_ancestors,
  ];
  for (const intervention of children.interventions) b.push(intervention.name, ...intervention.other_names);
  const c: (string | null)[] = [row.brief_summary];
  for (const sponsor of children.sponsors) c.push(sponsor.name);
  const outcomes: (string | null)[] = [];
  for (const outcome of children.outcomes) outcomes.push(outcome.measure, outcome.description);
  const d = [study.protocolSection?.descriptionModule?.detailedDescription, row.eligibility_criteria];
  const location: (string | null)[] = [];
  for (const site of children.locations) location.push(site.facility, site.city, site.state, site.country);
  return {
    a: join(a),
    b: join(b),
    c: join(c),
    d: join(d),
    outcomes: join(outcomes),
    location: join(location),
  };
}

function join(parts: readonly (string | null | undefined)[]): string {
  let out = '';
  for (const part of parts) {
    const text = searchText(part);
    if (text === '') continue;
    out = out === '' ? text : `${out}\n${text}`;
  }
  return out;
}
