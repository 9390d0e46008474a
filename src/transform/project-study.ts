/**
 * One landed record → its projection (typed row, child rows, search texts, warnings) or its quarantine
 * record. Pure: the same text gives the same outcome, so `cds rebuild` can re-derive everything from the
 * stored documents.
 *
 * Quarantined: text that is not JSON, JSON that is not an object, no or malformed nctId (validate-study.ts).
 * Everything else projects, with warnings for what could not fill its column.
 */
import { contentHash } from '../canonical-json.ts';
import type { LandedRecord } from '../landing/landed-record.ts';
import type { Study } from '../validate/study-schema.ts';
import { validateStudy } from '../validate/validate-study.ts';
import { projectArms } from './arms.ts';
import { calculateValues } from './calculated.ts';
import { projectConditions } from './conditions.ts';
import { type PartialDate, parseDay, parsePartialDate } from './dates.ts';
import { projectEligibility } from './eligibility.ts';
import { projectInterventions } from './interventions.ts';
import { projectLocations } from './locations.ts';
import { projectMesh } from './mesh.ts';
import { projectOutcomes } from './outcomes.ts';
import { projectPhases } from './phases.ts';
import { projectReferences } from './references.ts';
import { buildSearchTexts } from './search-texts.ts';
import { projectSponsors } from './sponsors.ts';
import type { FieldWarning, ProjectionOutcome, StudyChildren, StudyRow } from './study-projection.ts';
import { cleanMarkup, cleanText } from './text.ts';

const ID = 'protocolSection.identificationModule';
const STATUS = 'protocolSection.statusModule';

/** Finds the id in text that does not parse, so the quarantine entry can still name the study. */
const NCT_ID_IN_TEXT = /"nctId"\s*:\s*"\s*(NCT\d{8})\s*"/;

export function projectStudy(record: LandedRecord): ProjectionOutcome {
  let document: unknown;
  try {
    document = JSON.parse(record.json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return quarantine(
      record,
      NCT_ID_IN_TEXT.exec(record.json)?.[1] ?? null,
      '',
      `JSON does not parse: ${reason}`,
    );
  }
  const validated = validateStudy(document);
  if (!validated.ok) return quarantine(record, null, validated.path, validated.message);

  const { nctId, study, warnings } = validated;
  const { row, children } = buildRow(nctId, study, warnings);
  const hash = contentHash(document);
  // jsonb cannot hold U+0000. The stored document gets U+FFFD in its place (the landed file keeps the
  // original, and the content hash is of the original, so reloading the same record changes nothing).
  const stored = record.json.includes('\\u0000') ? withoutNul(document, warnings) : document;
  return {
    ok: true,
    study: {
      nctId,
      contentHash: hash,
      document: stored as Record<string, unknown>,
      row,
      search: buildSearchTexts(study, row, children),
      children,
      warnings,
    },
  };
}

/** A copy of `value` with every NUL character in keys and strings replaced by U+FFFD, and a warning. */
function withoutNul(value: unknown, warnings: FieldWarning[]): unknown {
  let replaced = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('\0')) return v;
      replaced++;
      return v.replaceAll('\0', '\uFFFD');
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [walk(k) as string, walk(item)]));
    return v;
  };
  const out = walk(value);
  if (replaced === 0) return value;
  warnings.push({
    code: 'nul_replaced',
    path: '',
    message: `${replaced} string(s) held NUL characters, which PostgreSQL cannot store; replaced by U+FFFD in the stored document`,
  });
  return out;
}

function quarantine(
  record: LandedRecord,
  nctId: string | null,
  path: string,
  message: string,
): ProjectionOutcome {
  return { ok: false, quarantine: { nctId, path, message, json: record.json, source: record.source } };
}

function buildRow(
  nctId: string,
  study: Study,
  warnings: FieldWarning[],
): { row: StudyRow; children: StudyChildren } {
  const protocol = study.protocolSection;
  const id = protocol?.identificationModule;
  const status = protocol?.statusModule;
  const design = protocol?.designModule;
  const sponsorModule = protocol?.sponsorCollaboratorsModule;
  const arms = protocol?.armsInterventionsModule;

  const { conditions, keywords } = projectConditions(protocol?.conditionsModule, warnings);
  const mesh = projectMesh(study.derivedSection, warnings);
  const locations = projectLocations(protocol?.contactsLocationsModule?.locations, warnings);
  const interventions = projectInterventions(arms, warnings);
  const sponsors = projectSponsors(sponsorModule, warnings);
  const children: StudyChildren = {
    conditions,
    keywords,
    mesh: mesh.rows,
    interventions,
    arms: projectArms(arms, warnings),
    outcomes: projectOutcomes(protocol?.outcomesModule, warnings),
    sponsors,
    locations: locations.rows,
    references: projectReferences(protocol?.referencesModule, warnings),
  };

  const start = partial(status?.startDateStruct, `${STATUS}.startDateStruct`, warnings);
  const primaryCompletion = partial(
    status?.primaryCompletionDateStruct,
    `${STATUS}.primaryCompletionDateStruct`,
    warnings,
  );
  const completion = partial(status?.completionDateStruct, `${STATUS}.completionDateStruct`, warnings);
  const studyFirstSubmit = parseDay(status?.studyFirstSubmitDate, `${STATUS}.studyFirstSubmitDate`, warnings);
  const resultsFirstSubmit = parseDay(
    status?.resultsFirstSubmitDate,
    `${STATUS}.resultsFirstSubmitDate`,
    warnings,
  );
  const lead = sponsors.find((sponsor) => sponsor.role === 'lead');
  const designInfo = design?.designInfo;

  const row: StudyRow = {
    nct_id: nctId,
    nct_id_aliases: id?.nctIdAliases === undefined ? [] : id.nctIdAliases.map((alias) => alias.trim()),
    org_study_id: cleanText(id?.orgStudyIdInfo?.id, `${ID}.orgStudyIdInfo.id`, warnings),
    brief_title: cleanText(id?.briefTitle, `${ID}.briefTitle`, warnings),
    official_title: cleanText(id?.officialTitle, `${ID}.officialTitle`, warnings),
    acronym: cleanText(id?.acronym, `${ID}.acronym`, warnings),
    organization: cleanText(id?.organization?.fullName, `${ID}.organization.fullName`, warnings),
    organization_class: id?.organization?.class ?? null,

    ...projectPhases(design, status),
    why_stopped: cleanMarkup(status?.whyStopped, `${STATUS}.whyStopped`, warnings),
    status_verified_date: parseDay(status?.statusVerifiedDate, `${STATUS}.statusVerifiedDate`, warnings),
    allocation: designInfo?.allocation ?? null,
    intervention_model: designInfo?.interventionModel ?? null,
    primary_purpose: designInfo?.primaryPurpose ?? null,
    masking: designInfo?.maskingInfo?.masking ?? null,
    observational_model: designInfo?.observationalModel ?? null,
    time_perspective: designInfo?.timePerspective ?? null,

    // A date's type and raw text are kept even when the date cannot be read (a new format).
    start_date: start?.date ?? null,
    start_date_end: start?.end ?? null,
    start_date_precision: start?.precision ?? null,
    // Type and raw text are kept even when the date cannot be read (a new format): the column shows it.
    start_date_type: status?.startDateStruct?.type ?? null,
    start_date_raw: cleanText(status?.startDateStruct?.date, `${STATUS}.startDateStruct.date`, warnings),
    primary_completion_date: primaryCompletion?.date ?? null,
    primary_completion_date_end: primaryCompletion?.end ?? null,
    primary_completion_date_precision: primaryCompletion?.precision ?? null,
    primary_completion_date_type: status?.primaryCompletionDateStruct?.type ?? null,
    primary_completion_date_raw: cleanText(
      status?.primaryCompletionDateStruct?.date,
      `${STATUS}.primaryCompletionDateStruct.date`,
      warnings,
    ),
    completion_date: completion?.date ?? null,
    completion_date_end: completion?.end ?? null,
    completion_date_precision: completion?.precision ?? null,
    completion_date_type: status?.completionDateStruct?.type ?? null,
    completion_date_raw: cleanText(
      status?.completionDateStruct?.date,
      `${STATUS}.completionDateStruct.date`,
      warnings,
    ),
    study_first_submit_date: studyFirstSubmit,
    study_first_post_date: parseDay(
      status?.studyFirstPostDateStruct?.date,
      `${STATUS}.studyFirstPostDateStruct.date`,
      warnings,
    ),
    results_first_submit_date: resultsFirstSubmit,
    results_first_post_date: parseDay(
      status?.resultsFirstPostDateStruct?.date,
      `${STATUS}.resultsFirstPostDateStruct.date`,
      warnings,
    ),
    last_update_submit_date: parseDay(
      status?.lastUpdateSubmitDate,
      `${STATUS}.lastUpdateSubmitDate`,
      warnings,
    ),
    last_update_post_date: parseDay(
      status?.lastUpdatePostDateStruct?.date,
      `${STATUS}.lastUpdatePostDateStruct.date`,
      warnings,
    ),

    ...projectEligibility(protocol?.eligibilityModule, warnings),

    lead_sponsor: lead?.name ?? null,
    lead_sponsor_class: lead?.class ?? null,
    collaborators: sponsors
      .filter((sponsor) => sponsor.role === 'collaborator')
      .map((sponsor) => sponsor.name),
    countries: locations.countries,
    geo_cells: locations.geoCells,
    conditions: conditions.map((condition) => condition.name),
    keywords: keywords.map((keyword) => keyword.keyword),
    condition_mesh_terms: mesh.condition_mesh_terms,
    condition_mesh_ancestors: mesh.condition_mesh_ancestors,
    intervention_names: interventions.map((intervention) => intervention.name),
    intervention_types: distinct(interventions.map((intervention) => intervention.type)),
    intervention_mesh_terms: mesh.intervention_mesh_terms,
    intervention_mesh_ancestors: mesh.intervention_mesh_ancestors,
    brief_summary: cleanMarkup(
      protocol?.descriptionModule?.briefSummary,
      'protocolSection.descriptionModule.briefSummary',
      warnings,
    ),
    has_results: study.hasResults === true,

    ...calculateValues({
      study,
      countries: locations.countries,
      start,
      primaryCompletion,
      resultsFirstSubmit,
      studyFirstSubmit,
    }),

    version_holder: parseDay(
      study.derivedSection?.miscInfoModule?.versionHolder,
      'derivedSection.miscInfoModule.versionHolder',
      warnings,
    ),
  };
  return { row, children };
}

function partial(
  struct: { date?: string; type?: string } | undefined,
  path: string,
  warnings: FieldWarning[],
): PartialDate | null {
  return parsePartialDate(struct?.date, struct?.type, `${path}.date`, warnings);
}

/** Distinct non-null values in first-seen order (intervention_types is a facet, not a list per intervention). */
function distinct(values: readonly (string | null)[]): string[] {
  const seen = new Set<string>();
  for (const value of values) if (value !== null) seen.add(value);
  return [...seen];
}
