/**
 * Where each part of a StudyProjection goes: the typed columns of `studies`, and for each child table its
 * columns and the projection's array that fills it. The column records are checked against the projection
 * types at compile time (`satisfies`), so a field added to StudyRow without a column here fails to compile
 * instead of being silently dropped by the loader.
 */
import type { StudyChildren, StudyRow } from '../transform/study-projection.ts';

type Columns<T> = { readonly [K in keyof T]-?: true };

const STUDY_ROW_COLUMN_SET = {
  nct_id: true,
  nct_id_aliases: true,
  org_study_id: true,
  brief_title: true,
  official_title: true,
  acronym: true,
  organization: true,
  organization_class: true,
  overall_status: true,
  last_known_status: true,
  why_stopped: true,
  status_verified_date: true,
  study_type: true,
  phases: true,
  phase: true,
  allocation: true,
  intervention_model: true,
  primary_purpose: true,
  masking: true,
  observational_model: true,
  time_perspective: true,
  enrollment: true,
  enrollment_type: true,
  start_date: true,
  start_date_end: true,
  start_date_precision: true,
  start_date_type: true,
  start_date_raw: true,
  primary_completion_date: true,
  primary_completion_date_end: true,
  primary_completion_date_precision: true,
  primary_completion_date_type: true,
  primary_completion_date_raw: true,
  completion_date: true,
  completion_date_end: true,
  completion_date_precision: true,
  completion_date_type: true,
  completion_date_raw: true,
  study_first_submit_date: true,
  study_first_post_date: true,
  results_first_submit_date: true,
  results_first_post_date: true,
  last_update_submit_date: true,
  last_update_post_date: true,
  min_age_raw: true,
  min_age_days: true,
  min_age_years: true,
  max_age_raw: true,
  max_age_days: true,
  max_age_years: true,
  sex: true,
  healthy_volunteers: true,
  std_ages: true,
  eligibility_criteria: true,
  lead_sponsor: true,
  lead_sponsor_class: true,
  collaborators: true,
  countries: true,
  geo_cells: true,
  conditions: true,
  keywords: true,
  condition_mesh_terms: true,
  condition_mesh_ancestors: true,
  intervention_names: true,
  intervention_types: true,
  intervention_mesh_terms: true,
  intervention_mesh_ancestors: true,
  brief_summary: true,
  has_results: true,
  number_of_facilities: true,
  has_single_facility: true,
  has_us_facility: true,
  were_results_reported: true,
  actual_duration: true,
  months_to_report_results: true,
  registered_in_calendar_year: true,
  number_of_arms: true,
  number_of_primary_outcomes: true,
  number_of_secondary_outcomes: true,
  number_of_other_outcomes: true,
  version_holder: true,
} as const satisfies Columns<StudyRow>;

/** The typed columns of `studies` that the projection fills, in COPY order (nct_id first). */
export const STUDY_ROW_COLUMNS = Object.keys(STUDY_ROW_COLUMN_SET) as readonly (keyof StudyRow)[];

/** One child table: its name, the projection array that fills it, and its columns after (nct_id). */
export interface ChildTable<K extends keyof StudyChildren = keyof StudyChildren> {
  table: string;
  key: K;
  columns: readonly string[];
}

function child<K extends keyof StudyChildren>(
  table: string,
  key: K,
  columns: Columns<StudyChildren[K][number]>,
): ChildTable<K> {
  return { table, key, columns: Object.keys(columns) };
}

/** Every child table, in the order the loader writes them. All are keyed (nct_id, ord). */
export const CHILD_TABLES: readonly ChildTable[] = [
  child('study_conditions', 'conditions', { ord: true, name: true }),
  child('study_keywords', 'keywords', { ord: true, keyword: true }),
  child('study_mesh', 'mesh', {
    ord: true,
    domain: true,
    relation: true,
    mesh_id: true,
    term: true,
    as_found: true,
    relevance: true,
  }),
  child('study_interventions', 'interventions', {
    ord: true,
    type: true,
    name: true,
    description: true,
    other_names: true,
    arm_group_labels: true,
  }),
  child('study_arms', 'arms', {
    ord: true,
    label: true,
    type: true,
    description: true,
    intervention_names: true,
  }),
  child('study_outcomes', 'outcomes', {
    ord: true,
    kind: true,
    measure: true,
    description: true,
    time_frame: true,
  }),
  child('study_sponsors', 'sponsors', { ord: true, role: true, name: true, class: true }),
  child('study_locations', 'locations', {
    ord: true,
    facility: true,
    city: true,
    state: true,
    zip: true,
    country: true,
    status: true,
    lat: true,
    lon: true,
  }),
  child('study_references', 'references', { ord: true, pmid: true, type: true, citation: true }),
];
