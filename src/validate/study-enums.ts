/**
 * The enumerations of the study document, named and valued exactly as in the official OpenAPI spec
 * (`components.schemas`, ctg-oas-v2 2.0.5; test/validate/study-schema.test.ts checks the two agree).
 *
 * Enums are OPEN: the spec has grown from 2.0.0 to 2.0.5 and will grow again, so a value outside these
 * lists is kept (typed column and document) and reported as an `unknown_enum` warning, never rejected.
 */
import { z } from 'zod';

export const STUDY_ENUMS = {
  Status: [
    'ACTIVE_NOT_RECRUITING',
    'COMPLETED',
    'ENROLLING_BY_INVITATION',
    'NOT_YET_RECRUITING',
    'RECRUITING',
    'SUSPENDED',
    'TERMINATED',
    'WITHDRAWN',
    'AVAILABLE',
    'NO_LONGER_AVAILABLE',
    'TEMPORARILY_NOT_AVAILABLE',
    'APPROVED_FOR_MARKETING',
    'WITHHELD',
    'UNKNOWN',
  ],
  StudyType: ['EXPANDED_ACCESS', 'INTERVENTIONAL', 'OBSERVATIONAL'],
  Phase: ['NA', 'EARLY_PHASE1', 'PHASE1', 'PHASE2', 'PHASE3', 'PHASE4'],
  Sex: ['FEMALE', 'MALE', 'ALL'],
  StandardAge: ['CHILD', 'ADULT', 'OLDER_ADULT'],
  SamplingMethod: ['PROBABILITY_SAMPLE', 'NON_PROBABILITY_SAMPLE'],
  IpdSharing: ['YES', 'NO', 'UNDECIDED'],
  IpdSharingInfoType: ['STUDY_PROTOCOL', 'SAP', 'ICF', 'CSR', 'ANALYTIC_CODE'],
  OrgStudyIdType: ['NIH', 'FDA', 'VA', 'CDC', 'AHRQ', 'SAMHSA'],
  SecondaryIdType: [
    'NIH',
    'FDA',
    'VA',
    'CDC',
    'AHRQ',
    'SAMHSA',
    'OTHER_GRANT',
    'EUDRACT_NUMBER',
    'CTIS',
    'REGISTRY',
    'OTHER',
  ],
  AgencyClass: ['NIH', 'FED', 'OTHER_GOV', 'INDIV', 'INDUSTRY', 'NETWORK', 'AMBIG', 'OTHER', 'UNKNOWN'],
  ExpandedAccessStatus: [
    'AVAILABLE',
    'NO_LONGER_AVAILABLE',
    'TEMPORARILY_NOT_AVAILABLE',
    'APPROVED_FOR_MARKETING',
  ],
  DateType: ['ACTUAL', 'ESTIMATED'],
  ResponsiblePartyType: ['SPONSOR', 'PRINCIPAL_INVESTIGATOR', 'SPONSOR_INVESTIGATOR'],
  DesignAllocation: ['RANDOMIZED', 'NON_RANDOMIZED', 'NA'],
  InterventionalAssignment: ['SINGLE_GROUP', 'PARALLEL', 'CROSSOVER', 'FACTORIAL', 'SEQUENTIAL'],
  PrimaryPurpose: [
    'TREATMENT',
    'PREVENTION',
    'DIAGNOSTIC',
    'ECT',
    'SUPPORTIVE_CARE',
    'SCREENING',
    'HEALTH_SERVICES_RESEARCH',
    'BASIC_SCIENCE',
    'DEVICE_FEASIBILITY',
    'OTHER',
  ],
  ObservationalModel: [
    'COHORT',
    'CASE_CONTROL',
    'CASE_ONLY',
    'CASE_CROSSOVER',
    'ECOLOGIC_OR_COMMUNITY',
    'FAMILY_BASED',
    'DEFINED_POPULATION',
    'NATURAL_HISTORY',
    'OTHER',
  ],
  DesignTimePerspective: ['RETROSPECTIVE', 'PROSPECTIVE', 'CROSS_SECTIONAL', 'OTHER'],
  BioSpecRetention: ['NONE_RETAINED', 'SAMPLES_WITH_DNA', 'SAMPLES_WITHOUT_DNA'],
  EnrollmentType: ['ACTUAL', 'ESTIMATED'],
  ArmGroupType: [
    'EXPERIMENTAL',
    'ACTIVE_COMPARATOR',
    'PLACEBO_COMPARATOR',
    'SHAM_COMPARATOR',
    'NO_INTERVENTION',
    'OTHER',
  ],
  InterventionType: [
    'BEHAVIORAL',
    'BIOLOGICAL',
    'COMBINATION_PRODUCT',
    'DEVICE',
    'DIAGNOSTIC_TEST',
    'DIETARY_SUPPLEMENT',
    'DRUG',
    'GENETIC',
    'PROCEDURE',
    'RADIATION',
    'OTHER',
  ],
  ContactRole: ['STUDY_CHAIR', 'STUDY_DIRECTOR', 'PRINCIPAL_INVESTIGATOR', 'SUB_INVESTIGATOR', 'CONTACT'],
  OfficialRole: ['STUDY_CHAIR', 'STUDY_DIRECTOR', 'PRINCIPAL_INVESTIGATOR', 'SUB_INVESTIGATOR'],
  RecruitmentStatus: [
    'ACTIVE_NOT_RECRUITING',
    'COMPLETED',
    'ENROLLING_BY_INVITATION',
    'NOT_YET_RECRUITING',
    'RECRUITING',
    'SUSPENDED',
    'TERMINATED',
    'WITHDRAWN',
    'AVAILABLE',
  ],
  ReferenceType: ['BACKGROUND', 'RESULT', 'DERIVED'],
  MeasureParam: [
    'GEOMETRIC_MEAN',
    'GEOMETRIC_LEAST_SQUARES_MEAN',
    'LEAST_SQUARES_MEAN',
    'LOG_MEAN',
    'MEAN',
    'MEDIAN',
    'NUMBER',
    'COUNT_OF_PARTICIPANTS',
    'COUNT_OF_UNITS',
  ],
  MeasureDispersionType: [
    'NA',
    'STANDARD_DEVIATION',
    'STANDARD_ERROR',
    'INTER_QUARTILE_RANGE',
    'FULL_RANGE',
    'CONFIDENCE_80',
    'CONFIDENCE_90',
    'CONFIDENCE_95',
    'CONFIDENCE_975',
    'CONFIDENCE_99',
    'CONFIDENCE_OTHER',
    'GEOMETRIC_COEFFICIENT',
  ],
  OutcomeMeasureType: ['PRIMARY', 'SECONDARY', 'OTHER_PRE_SPECIFIED', 'POST_HOC'],
  ReportingStatus: ['NOT_POSTED', 'POSTED'],
  EventAssessment: ['NON_SYSTEMATIC_ASSESSMENT', 'SYSTEMATIC_ASSESSMENT'],
  AgreementRestrictionType: ['LTE60', 'GT60', 'OTHER'],
  BrowseLeafRelevance: ['LOW', 'HIGH'],
  DesignMasking: ['NONE', 'SINGLE', 'DOUBLE', 'TRIPLE', 'QUADRUPLE'],
  WhoMasked: ['PARTICIPANT', 'CARE_PROVIDER', 'INVESTIGATOR', 'OUTCOMES_ASSESSOR'],
  AnalysisDispersionType: ['STANDARD_DEVIATION', 'STANDARD_ERROR_OF_MEAN'],
  ConfidenceIntervalNumSides: ['ONE_SIDED', 'TWO_SIDED'],
  NonInferiorityType: [
    'SUPERIORITY',
    'NON_INFERIORITY',
    'EQUIVALENCE',
    'OTHER',
    'NON_INFERIORITY_OR_EQUIVALENCE',
    'SUPERIORITY_OR_OTHER',
    'NON_INFERIORITY_OR_EQUIVALENCE_LEGACY',
    'SUPERIORITY_OR_OTHER_LEGACY',
  ],
  UnpostedEventType: ['RESET', 'RELEASE', 'UNRELEASE'],
  ViolationEventType: [
    'VIOLATION_IDENTIFIED',
    'CORRECTION_CONFIRMED',
    'PENALTY_IMPOSED',
    'ISSUES_IN_LETTER_ADDRESSED_CONFIRMED',
  ],
} as const;

export type StudyEnumName = keyof typeof STUDY_ENUMS;

/** A known value of the enum, or any other string (the `string & {}` keeps editor completion). */
export type OpenEnum<T extends string> = T | (string & {});

/**
 * One schema per enum, built once: the JSON Schema export refers to each by its spec name, which must be
 * registered by a single schema object.
 */
const ENUM_SCHEMAS = Object.fromEntries(
  Object.entries(STUDY_ENUMS).map(([name, values]) => [name, z.enum(values).meta({ id: name })]),
) as unknown as Readonly<Record<StudyEnumName, z.ZodType>>;

/**
 * The schema of one named enum. At runtime it is a closed `z.enum` tagged with the spec's name (the JSON
 * Schema lists the documented values under that name); validateStudy turns its "invalid value" issue for
 * a string into an `unknown_enum` warning and keeps the value, which is why the TypeScript type is open.
 */
export function openEnum<N extends StudyEnumName>(
  name: N,
): z.ZodType<OpenEnum<(typeof STUDY_ENUMS)[N][number]>> {
  return ENUM_SCHEMAS[name] as unknown as z.ZodType<OpenEnum<(typeof STUDY_ENUMS)[N][number]>>;
}

/** The spec name of the enum a schema was built by openEnum from, if it was. */
export function enumNameOf(schema: z.ZodType): StudyEnumName | undefined {
  const id = z.globalRegistry.get(schema)?.id;
  return id !== undefined && id in STUDY_ENUMS ? (id as StudyEnumName) : undefined;
}
