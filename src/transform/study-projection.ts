/**
 * What the transform step produces from one study document, and what the loader stores.
 *
 * Glossary
 * - study: one ClinicalTrials.gov record, identified by its NCT id.
 * - document: the study's JSON as received (kept whole, as jsonb, so no field is ever lost).
 * - projection: the typed, denormalized values derived from a document: one `studies` row, the child
 *   rows (conditions, locations, …) and the texts that make the weighted search vector.
 * - content hash: sha256 of the canonical document without volatile fields (see canonical-json.ts);
 *   equal hashes mean nothing changed and the loader skips the study.
 * - warning: something in the document that could not fill its typed column (unknown enum value,
 *   field of a new type, date in a new format). The study is still loaded; the raw document keeps it.
 * - quarantine: a record that cannot be stored faithfully (JSON that does not parse, no or malformed
 *   nctId). It goes to the quarantine table with its text and the reason, never silently dropped.
 *
 * Column names are the database's (snake_case) so the loader maps them without a translation table.
 * Dates are ISO strings `yyyy-MM-dd`; partial dates are widened to the period they name (see dates.ts).
 */

export type DatePrecision = 'year' | 'month' | 'day';

/** A warning about one field of one study. */
export interface FieldWarning {
  /** Stable code, e.g. `unknown_enum`, `type_mismatch`, `bad_date`, `bad_age`, `unknown_field`. */
  code: string;
  /** Dotted path into the document, e.g. `protocolSection.statusModule.overallStatus`. */
  path: string;
  message: string;
}

/** The wide, one-per-study row: the fields people search, filter, facet and sort on. */
export interface StudyRow {
  nct_id: string;
  nct_id_aliases: string[];
  org_study_id: string | null;
  brief_title: string | null;
  official_title: string | null;
  acronym: string | null;
  organization: string | null;
  organization_class: string | null;

  overall_status: string | null;
  last_known_status: string | null;
  why_stopped: string | null;
  status_verified_date: string | null;

  study_type: string | null;
  /** e.g. ['PHASE1','PHASE2']; [] when absent (observational studies). */
  phases: string[];
  /** Display form, e.g. 'PHASE1/PHASE2'; null when no phase. */
  phase: string | null;
  allocation: string | null;
  intervention_model: string | null;
  primary_purpose: string | null;
  masking: string | null;
  observational_model: string | null;
  time_perspective: string | null;
  enrollment: number | null;
  enrollment_type: string | null;

  /** Partial dates: first day of the period, last day, precision, ACTUAL/ESTIMATED, original string. */
  start_date: string | null;
  start_date_end: string | null;
  start_date_precision: DatePrecision | null;
  start_date_type: string | null;
  start_date_raw: string | null;
  primary_completion_date: string | null;
  primary_completion_date_end: string | null;
  primary_completion_date_precision: DatePrecision | null;
  primary_completion_date_type: string | null;
  primary_completion_date_raw: string | null;
  completion_date: string | null;
  completion_date_end: string | null;
  completion_date_precision: DatePrecision | null;
  completion_date_type: string | null;
  completion_date_raw: string | null;
  study_first_submit_date: string | null;
  study_first_post_date: string | null;
  results_first_submit_date: string | null;
  results_first_post_date: string | null;
  last_update_submit_date: string | null;
  last_update_post_date: string | null;

  /** Ages: original string ("18 Years"), in days and in years (decimal); null = no limit. */
  min_age_raw: string | null;
  min_age_days: number | null;
  min_age_years: number | null;
  max_age_raw: string | null;
  max_age_days: number | null;
  max_age_years: number | null;
  sex: string | null;
  healthy_volunteers: boolean | null;
  std_ages: string[];
  eligibility_criteria: string | null;

  lead_sponsor: string | null;
  lead_sponsor_class: string | null;
  collaborators: string[];
  /** Distinct site countries, in first-seen order. */
  countries: string[];
  /** One-degree cells of the sites with coordinates, ascending (transform/geo-cells.ts). */
  geo_cells: number[];
  conditions: string[];
  keywords: string[];
  /** MeSH terms (descriptor names) mapped from the conditions, and their tree ancestors. */
  condition_mesh_terms: string[];
  condition_mesh_ancestors: string[];
  intervention_names: string[];
  intervention_types: string[];
  intervention_mesh_terms: string[];
  intervention_mesh_ancestors: string[];
  brief_summary: string | null;
  has_results: boolean;

  /** Calculated values (AACT's calculated_values). */
  number_of_facilities: number;
  has_single_facility: boolean;
  has_us_facility: boolean;
  were_results_reported: boolean;
  /** Months from start to primary completion when both are ACTUAL; else null. */
  actual_duration: number | null;
  /** Months from primary completion to the first results submission; else null. */
  months_to_report_results: number | null;
  registered_in_calendar_year: number | null;
  number_of_arms: number;
  number_of_primary_outcomes: number;
  number_of_secondary_outcomes: number;
  number_of_other_outcomes: number;

  /** The API's daily release stamp (volatile: not part of the content hash). */
  version_holder: string | null;
}

/** Texts of the four weights of the search vector (CT.gov search-area weights, mapped to A–D). */
export interface SearchTexts {
  /** NCT id, aliases, acronym, brief and official title. */
  a: string;
  /** Conditions, keywords, MeSH terms and ancestors, intervention names and other names. */
  b: string;
  /** Brief summary, lead sponsor and collaborators; with `outcomes`, weight C. */
  c: string;
  /**
   * Every outcome's measure and description (primary, secondary, other): its own vector, stored per study
   * for outcome search (study_outcome_vectors) and joined to weight C of the weighted one.
   */
  outcomes: string;
  /** Detailed description, eligibility criteria. */
  d: string;
  /**
   * Every site's facility, city, state and country: the study's location search text (its own 'simple'
   * vector, not part of the weighted one), so a location query matches like ClinicalTrials.gov's query.locn,
   * on the study as a whole.
   */
  location: string;
}

export interface ConditionRow {
  ord: number;
  name: string;
}
export interface KeywordRow {
  ord: number;
  keyword: string;
}
export interface MeshRow {
  ord: number;
  /** Which browse module: 'condition' or 'intervention'. */
  domain: 'condition' | 'intervention';
  /** 'mesh' (a mapped term), 'ancestor', 'leaf' (browseLeaves) or 'branch' (browseBranches). */
  relation: 'mesh' | 'ancestor' | 'leaf' | 'branch';
  /** Normalized id: D006937 (not the zero-padded D000006937 of 2023–24 records), M4815, BC18. */
  mesh_id: string | null;
  term: string;
  as_found: string | null;
  relevance: string | null;
}
export interface InterventionRow {
  ord: number;
  type: string | null;
  name: string;
  description: string | null;
  other_names: string[];
  arm_group_labels: string[];
}
export interface ArmRow {
  ord: number;
  label: string;
  type: string | null;
  description: string | null;
  intervention_names: string[];
}
export interface OutcomeRow {
  ord: number;
  kind: 'primary' | 'secondary' | 'other';
  measure: string;
  description: string | null;
  time_frame: string | null;
}
export interface SponsorRow {
  ord: number;
  role: 'lead' | 'collaborator';
  name: string;
  class: string | null;
}
export interface LocationRow {
  ord: number;
  facility: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string | null;
  status: string | null;
  lat: number | null;
  lon: number | null;
}
export interface ReferenceRow {
  ord: number;
  pmid: string | null;
  type: string | null;
  citation: string | null;
}

export interface StudyChildren {
  conditions: ConditionRow[];
  keywords: KeywordRow[];
  mesh: MeshRow[];
  interventions: InterventionRow[];
  arms: ArmRow[];
  outcomes: OutcomeRow[];
  sponsors: SponsorRow[];
  locations: LocationRow[];
  references: ReferenceRow[];
}

export interface StudyProjection {
  nctId: string;
  /** sha256 hex of the canonical document without volatile fields. */
  contentHash: string;
  /** The parsed document, stored whole as jsonb. */
  document: Record<string, unknown>;
  row: StudyRow;
  search: SearchTexts;
  children: StudyChildren;
  warnings: FieldWarning[];
}

export interface QuarantinedRecord {
  /** The NCT id if one could be read, else null. */
  nctId: string | null;
  /** Where in the document the fatal problem is ('' for the whole record). */
  path: string;
  message: string;
  /** The record's text as received. */
  json: string;
  source: string;
}

export type ProjectionOutcome =
  | { ok: true; study: StudyProjection }
  | { ok: false; quarantine: QuarantinedRecord };
