/**
 * ClinicalTrials.gov → canonical Study: the transform step's projection (typed row and child rows) mapped
 * into the source-independent document. Pure; the same projection always gives the same document, so a
 * version's document can be re-derived from its stored raw record.
 *
 * The mapping reads only the projection, never the raw record: the projection already resolved the
 * source's quirks (partial dates, padded MeSH ids, markup), and the console tables are written from the
 * same projection, so the console and the Study document cannot disagree.
 */
import type { LocationRow, StudyProjection } from '../transform/study-projection.ts';
import {
  type PartialDateValue,
  STUDY_SCHEMA_VERSION,
  type StudyDocument,
  type StudySite,
} from './study-document.ts';

export function studyFromProjection(projection: Pick<StudyProjection, 'row' | 'children'>): StudyDocument {
  const { row, children } = projection;
  const conditionMesh = children.mesh.filter((m) => m.domain === 'condition');
  const meshTerms = (relation: 'mesh' | 'ancestor') =>
    conditionMesh.filter((m) => m.relation === relation).map((m) => ({ id: m.mesh_id, term: m.term }));
  return {
    schemaVersion: STUDY_SCHEMA_VERSION,
    registry: 'ctgov',
    id: row.nct_id,
    identifiers: { aliases: row.nct_id_aliases, orgStudyId: row.org_study_id },
    titles: { brief: row.brief_title, official: row.official_title, acronym: row.acronym },
    organization:
      row.organization === null ? null : { name: row.organization, class: row.organization_class },
    status: {
      overall: row.overall_status,
      lastKnown: row.last_known_status,
      whyStopped: row.why_stopped,
      verifiedDate: row.status_verified_date,
    },
    design: {
      studyType: row.study_type,
      phases: row.phases,
      allocation: row.allocation,
      interventionModel: row.intervention_model,
      primaryPurpose: row.primary_purpose,
      masking: row.masking,
      observationalModel: row.observational_model,
      timePerspective: row.time_perspective,
      numberOfArms: row.number_of_arms,
    },
    enrollment: { count: row.enrollment, type: row.enrollment_type },
    dates: {
      start: partialDate(
        row.start_date,
        row.start_date_end,
        row.start_date_precision,
        row.start_date_type,
        row.start_date_raw,
      ),
      primaryCompletion: partialDate(
        row.primary_completion_date,
        row.primary_completion_date_end,
        row.primary_completion_date_precision,
        row.primary_completion_date_type,
        row.primary_completion_date_raw,
      ),
      completion: partialDate(
        row.completion_date,
        row.completion_date_end,
        row.completion_date_precision,
        row.completion_date_type,
        row.completion_date_raw,
      ),
      firstSubmitted: row.study_first_submit_date,
      firstPosted: row.study_first_post_date,
      resultsFirstSubmitted: row.results_first_submit_date,
      resultsFirstPosted: row.results_first_post_date,
      lastUpdateSubmitted: row.last_update_submit_date,
      lastUpdatePosted: row.last_update_post_date,
    },
    eligibility: {
      sex: row.sex,
      minAge: { raw: row.min_age_raw, days: row.min_age_days },
      maxAge: { raw: row.max_age_raw, days: row.max_age_days },
      healthyVolunteers: row.healthy_volunteers,
      ageGroups: row.std_ages,
      criteria: row.eligibility_criteria,
    },
    sponsors: {
      lead: row.lead_sponsor === null ? null : { name: row.lead_sponsor, class: row.lead_sponsor_class },
      collaborators: children.sponsors
        .filter((s) => s.role === 'collaborator')
        .map((s) => ({ name: s.name, class: s.class })),
    },
    conditions: {
      listed: row.conditions,
      keywords: row.keywords,
      mesh: meshTerms('mesh'),
      meshAncestors: meshTerms('ancestor'),
    },
    interventions: children.interventions.map((i) => ({
      type: i.type,
      name: i.name,
      otherNames: i.other_names,
    })),
    sites: children.locations.map(site),
    countries: row.countries,
    summary: row.brief_summary,
    results: { hasResults: row.has_results },
  };
}

function partialDate(
  date: string | null,
  end: string | null,
  precision: 'year' | 'month' | 'day' | null,
  type: string | null,
  raw: string | null,
): PartialDateValue {
  if (date === null && raw === null) return null;
  return { date, end, precision, type, raw };
}

function site(location: LocationRow): StudySite {
  return {
    facility: location.facility,
    city: location.city,
    state: location.state,
    postalCode: location.zip,
    country: location.country,
    status: location.status,
    geo: location.lat === null || location.lon === null ? null : { lat: location.lat, lon: location.lon },
  };
}
