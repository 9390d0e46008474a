/**
 * One study by NCT id (or an alias it was merged from): the typed fields people read, its sites, and the
 * raw document as received. Removed studies are returned too, with `removedAt` set: a link to a study
 * must not break when the registry drops it.
 */
import type { Db } from '../store/db.ts';
import type { LocationRow } from '../transform/study-projection.ts';

/** A site as the study page shows it: a location row without its position in the array. */
export type StudySite = Omit<LocationRow, 'ord'>;

export interface StudyDetail {
  nctId: string;
  aliases: string[];
  orgStudyId: string | null;
  briefTitle: string | null;
  officialTitle: string | null;
  acronym: string | null;
  overallStatus: string | null;
  studyType: string | null;
  phases: string[];
  enrollment: number | null;
  enrollmentType: string | null;
  startDate: string | null;
  primaryCompletionDate: string | null;
  completionDate: string | null;
  studyFirstPostDate: string | null;
  lastUpdatePostDate: string | null;
  conditions: string[];
  keywords: string[];
  conditionMeshTerms: string[];
  interventions: string[];
  interventionTypes: string[];
  leadSponsor: string | null;
  sponsorClass: string | null;
  collaborators: string[];
  countries: string[];
  sex: string | null;
  minAge: string | null;
  maxAge: string | null;
  stdAges: string[];
  healthyVolunteers: boolean | null;
  hasResults: boolean;
  briefSummary: string | null;
  eligibilityCriteria: string | null;
  removedAt: string | null;
  sites: StudySite[];
  /** The study JSON exactly as ClinicalTrials.gov returned it (API v2 shape). */
  document: Record<string, unknown> | null;
}

/** The study, or null when no study has that id or alias. `nctId` must already be validated. */
export async function getStudy(db: Db, nctId: string): Promise<StudyDetail | null> {
  const { rows } = await db.query<Record<string, unknown>>(
    `select s.nct_id, s.nct_id_aliases, s.org_study_id, s.brief_title, s.official_title, s.acronym,
       s.overall_status, s.study_type, s.phases, s.enrollment, s.enrollment_type,
       s.start_date_raw, s.primary_completion_date_raw, s.completion_date_raw,
       s.study_first_post_date::text as study_first_post_date,
       s.last_update_post_date::text as last_update_post_date,
       s.conditions, s.keywords, s.condition_mesh_terms, s.intervention_names, s.intervention_types,
       s.lead_sponsor, s.lead_sponsor_class, s.collaborators, s.countries, s.sex, s.min_age_raw, s.max_age_raw,
       s.std_ages, s.healthy_volunteers, s.has_results, s.brief_summary, s.eligibility_criteria,
       to_char(s.removed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as removed_at,
       d.document,
       coalesce((select json_agg(json_build_object('facility', l.facility, 'city', l.city, 'state', l.state,
           'zip', l.zip, 'country', l.country, 'status', l.status, 'lat', l.lat, 'lon', l.lon) order by l.ord)
         from study_locations l where l.nct_id = s.nct_id), '[]'::json) as sites
     from studies s
     left join study_documents d on d.nct_id = s.nct_id
     where s.nct_id = $1 or s.nct_id_aliases @> array[$1]::text[]
     order by s.nct_id = $1 desc
     limit 1`,
    [nctId],
  );
  const r = rows[0];
  if (!r) return null;
  const text = (key: string) => (r[key] ?? null) as string | null;
  const list = (key: string) => (r[key] ?? []) as string[];
  return {
    nctId: r.nct_id as string,
    aliases: list('nct_id_aliases'),
    orgStudyId: text('org_study_id'),
    briefTitle: text('brief_title'),
    officialTitle: text('official_title'),
    acronym: text('acronym'),
    overallStatus: text('overall_status'),
    studyType: text('study_type'),
    phases: list('phases'),
    enrollment: (r.enrollment ?? null) as number | null,
    enrollmentType: text('enrollment_type'),
    startDate: text('start_date_raw'),
    primaryCompletionDate: text('primary_completion_date_raw'),
    completionDate: text('completion_date_raw'),
    studyFirstPostDate: text('study_first_post_date'),
    lastUpdatePostDate: text('last_update_post_date'),
    conditions: list('conditions'),
    keywords: list('keywords'),
    conditionMeshTerms: list('condition_mesh_terms'),
    interventions: list('intervention_names'),
    interventionTypes: list('intervention_types'),
    leadSponsor: text('lead_sponsor'),
    sponsorClass: text('lead_sponsor_class'),
    collaborators: list('collaborators'),
    countries: list('countries'),
    sex: text('sex'),
    minAge: text('min_age_raw'),
    maxAge: text('max_age_raw'),
    stdAges: list('std_ages'),
    healthyVolunteers: (r.healthy_volunteers ?? null) as boolean | null,
    hasResults: Boolean(r.has_results),
    briefSummary: text('brief_summary'),
    eligibilityCriteria: text('eligibility_criteria'),
    removedAt: text('removed_at'),
    sites: (typeof r.sites === 'string' ? JSON.parse(r.sites) : r.sites) as StudySite[],
    document: (r.document ?? null) as Record<string, unknown> | null,
  };
}
