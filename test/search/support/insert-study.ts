/**
 * Hand-made studies for SQL-level search tests: a `studies` row with the columns search reads, its
 * weighted search vector built the way the loader builds it (A titles/ids, B conditions/keywords/MeSH/
 * interventions, C summary/sponsors, D eligibility), its field vectors, and optional sites (with the study's
 * location vector) and MeSH leaves.
 */
import type { Db } from '../../../src/store/db.ts';

export interface TestStudy {
  nctId: string;
  briefTitle?: string;
  officialTitle?: string;
  acronym?: string;
  orgStudyId?: string;
  aliases?: string[];
  overallStatus?: string;
  studyType?: string;
  phases?: string[];
  sponsorClass?: string;
  leadSponsor?: string;
  collaborators?: string[];
  countries?: string[];
  stdAges?: string[];
  minAgeYears?: number | null;
  maxAgeYears?: number | null;
  sex?: string;
  healthyVolunteers?: boolean;
  hasResults?: boolean;
  startDate?: string;
  startDateEnd?: string;
  completionDate?: string;
  lastUpdatePostDate?: string;
  enrollment?: number;
  conditions?: string[];
  keywords?: string[];
  meshTerms?: string[];
  meshAncestors?: string[];
  interventions?: string[];
  briefSummary?: string;
  eligibility?: string;
  removed?: boolean;
  sites?: { city: string; country: string; lat: number | null; lon: number | null; status?: string }[];
  /** browseLeaves: sponsor wording → MeSH term. */
  leaves?: { asFound: string; term: string }[];
  outcomes?: string[];
}

export async function insertStudy(db: Db, s: TestStudy): Promise<void> {
  await db.query(
    `insert into studies (nct_id, nct_id_aliases, org_study_id, brief_title, official_title, acronym,
       overall_status, study_type, phases, lead_sponsor_class, lead_sponsor, collaborators, countries, std_ages,
       min_age_years, max_age_years, sex, healthy_volunteers, has_results, start_date, start_date_end,
       completion_date, last_update_post_date, enrollment, conditions, keywords, condition_mesh_terms,
       condition_mesh_ancestors, intervention_names, brief_summary, eligibility_criteria, content_hash,
       removed_at, search_vector)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
       $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, 'test', case when $32 then now() end,
       setweight(to_tsvector('english', concat_ws(' ', $1::text, $6::text, $4::text, $5::text)), 'A')
       || setweight(to_tsvector('english', concat_ws(' ', array_to_string($25::text[], ' '), array_to_string($26::text[], ' '),
            array_to_string($27::text[], ' '), array_to_string($28::text[], ' '), array_to_string($29::text[], ' '))), 'B')
       || setweight(to_tsvector('english', concat_ws(' ', $30::text, $11::text, array_to_string($12::text[], ' '), $33::text)), 'C')
       || setweight(to_tsvector('english', coalesce($31::text, '')), 'D'))`,
    [
      s.nctId,
      s.aliases ?? [],
      s.orgStudyId ?? null,
      s.briefTitle ?? null,
      s.officialTitle ?? null,
      s.acronym ?? null,
      s.overallStatus ?? 'RECRUITING',
      s.studyType ?? 'INTERVENTIONAL',
      s.phases ?? [],
      s.sponsorClass ?? 'OTHER',
      s.leadSponsor ?? null,
      s.collaborators ?? [],
      s.countries ?? [],
      s.stdAges ?? ['ADULT'],
      s.minAgeYears ?? null,
      s.maxAgeYears ?? null,
      s.sex ?? 'ALL',
      s.healthyVolunteers ?? false,
      s.hasResults ?? false,
      s.startDate ?? null,
      s.startDateEnd ?? s.startDate ?? null,
      s.completionDate ?? null,
      s.lastUpdatePostDate ?? null,
      s.enrollment ?? null,
      s.conditions ?? [],
      s.keywords ?? [],
      s.meshTerms ?? [],
      s.meshAncestors ?? [],
      s.interventions ?? [],
      s.briefSummary ?? null,
      s.eligibility ?? null,
      s.removed ?? false,
      (s.outcomes ?? []).join(' '),
    ],
  );
  for (const [ord, site] of (s.sites ?? []).entries()) {
    await db.query(
      `insert into study_locations (nct_id, ord, city, country, status, lat, lon) values ($1, $2, $3, $4, $5, $6, $7)`,
      [s.nctId, ord, site.city, site.country, site.status ?? 'RECRUITING', site.lat, site.lon],
    );
  }
  // The field vectors of fielded search, as the loader computes them from the typed columns (migration 000015).
  await db.query(
    `update studies set
       condition_vector = search_condition_vector(conditions, keywords, brief_title, official_title),
       mesh_vector = search_mesh_vector(condition_mesh_terms, condition_mesh_ancestors),
       intervention_vector = search_intervention_vector(intervention_names, intervention_mesh_terms,
         intervention_mesh_ancestors),
       title_vector = search_title_vector(brief_title, official_title, acronym),
       sponsor_vector = search_sponsor_vector(lead_sponsor, collaborators, organization)
     where nct_id = $1`,
    [s.nctId],
  );
  // The study's location vector, as the loader builds it from its sites (migration 000011).
  if (s.sites?.length)
    await db.query(`update studies set location_vector = to_tsvector('simple', $2) where nct_id = $1`, [
      s.nctId,
      s.sites.map((site) => `${site.city} ${site.country}`).join('\n'),
    ]);
  for (const [ord, leaf] of (s.leaves ?? []).entries()) {
    await db.query(
      `insert into study_mesh (nct_id, ord, domain, relation, term, as_found) values ($1, $2, 'condition', 'leaf', $3, $4)`,
      [s.nctId, ord, leaf.term, leaf.asFound],
    );
  }
  for (const [ord, measure] of (s.outcomes ?? []).entries()) {
    await db.query(`insert into study_outcomes (nct_id, ord, kind, measure) values ($1, $2, 'primary', $3)`, [
      s.nctId,
      ord,
      measure,
    ]);
  }
  // The study's outcome vector, as the loader builds it from its outcomes (migration 000024).
  await db.query(
    `insert into study_outcome_vectors (nct_id, vector) values ($1, to_tsvector('english'::regconfig, $2))`,
    [s.nctId, (s.outcomes ?? []).join('\n')],
  );
}
