/**
 * The canonical Study document: what a study *is*, independent of the registry it came from.
 *
 * ClinicalTrials.gov records are mapped into it (study-from-projection.ts); a second registry (EU CTIS)
 * maps its own records into the same shape, so everything downstream (versions, change events, the
 * warehouse) works for both. The zod schema is the single source: the TypeScript type is inferred from it
 * and the JSON Schema is generated from it (study-json-schema.ts).
 *
 * Glossary
 * - version: one distinct content of a study. Identity is the source content hash, which leaves out
 *   volatile fields (the daily versionHolder), so a refresh that changes nothing makes no version.
 * - valid-from: when the version was first observed (the start of the sync run that saw it). History
 *   starts at the first sync: what a study looked like before it is not known.
 * - outbox event: study.created / study.updated / study.removed, written in the load's transaction.
 *
 * Enumerated values (status, phase, …) are plain strings in the source registry's vocabulary: a new value
 * from the source must not make a valid record invalid; mapping vocabularies between registries is the
 * mapper's job, not the schema's.
 */
import { z } from 'zod';

/** Bump when the shape changes incompatibly; stored with every version (study_versions.schema_version). */
export const STUDY_SCHEMA_VERSION = 1;

const text = z.string().nullable();
const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .nullable()
  .describe('ISO date yyyy-MM-dd');

/** A date the source may give to the year or month only: the period it names, widened to days. */
export const partialDateSchema = z
  .object({
    /** First day of the period. */
    date: isoDay,
    /** Last day of the period (equal to `date` for a full date). */
    end: isoDay,
    precision: z.enum(['year', 'month', 'day']).nullable(),
    /** ACTUAL or ESTIMATED (anticipated). */
    type: text,
    /** The source's text, e.g. "2024-03". */
    raw: text,
  })
  .nullable();

const organizationSchema = z.object({ name: z.string(), class: text });
const meshTermSchema = z.object({ id: text, term: z.string() });
const ageSchema = z.object({ raw: text, days: z.number().nullable() });

export const siteSchema = z.object({
  facility: text,
  city: text,
  state: text,
  postalCode: text,
  country: text,
  /** Recruitment status of the site. */
  status: text,
  geo: z.object({ lat: z.number(), lon: z.number() }).nullable(),
});

export const studyDocumentSchema = z
  .object({
    schemaVersion: z.literal(STUDY_SCHEMA_VERSION),
    /** The registry the study comes from. */
    registry: z.enum(['ctgov', 'ctis']),
    /** The registry's id: NCT number for ClinicalTrials.gov, EU CT number for CTIS. */
    id: z.string().min(1),
    identifiers: z.object({
      /** Earlier ids of the same study in the same registry (merged records). */
      aliases: z.array(z.string()),
      /** The sponsor's own protocol id. */
      orgStudyId: text,
    }),
    titles: z.object({ brief: text, official: text, acronym: text }),
    organization: organizationSchema.nullable(),
    status: z.object({
      overall: text,
      lastKnown: text,
      whyStopped: text,
      verifiedDate: isoDay,
    }),
    design: z.object({
      studyType: text,
      phases: z.array(z.string()),
      allocation: text,
      interventionModel: text,
      primaryPurpose: text,
      masking: text,
      observationalModel: text,
      timePerspective: text,
      numberOfArms: z.number().int(),
    }),
    enrollment: z.object({ count: z.number().int().nullable(), type: text }),
    dates: z.object({
      start: partialDateSchema,
      primaryCompletion: partialDateSchema,
      completion: partialDateSchema,
      firstSubmitted: isoDay,
      firstPosted: isoDay,
      resultsFirstSubmitted: isoDay,
      resultsFirstPosted: isoDay,
      lastUpdateSubmitted: isoDay,
      lastUpdatePosted: isoDay,
    }),
    eligibility: z.object({
      sex: text,
      minAge: ageSchema,
      maxAge: ageSchema,
      healthyVolunteers: z.boolean().nullable(),
      ageGroups: z.array(z.string()),
      criteria: text,
    }),
    sponsors: z.object({ lead: organizationSchema.nullable(), collaborators: z.array(organizationSchema) }),
    conditions: z.object({
      /** The conditions as the registry lists them. */
      listed: z.array(z.string()),
      keywords: z.array(z.string()),
      /** MeSH descriptors mapped from the conditions, and their tree ancestors. */
      mesh: z.array(meshTermSchema),
      meshAncestors: z.array(meshTermSchema),
    }),
    interventions: z.array(z.object({ type: text, name: z.string(), otherNames: z.array(z.string()) })),
    sites: z.array(siteSchema),
    /** Distinct site countries, in first-seen order. */
    countries: z.array(z.string()),
    summary: text,
    results: z.object({ hasResults: z.boolean() }),
  })
  .describe('Canonical clinical study document (source-independent), one version of one study');

export type StudyDocument = z.infer<typeof studyDocumentSchema>;
export type StudySite = z.infer<typeof siteSchema>;
export type PartialDateValue = z.infer<typeof partialDateSchema>;
