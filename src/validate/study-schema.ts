/**
 * The study document of ClinicalTrials.gov API v2 as a zod schema: the one definition the TypeScript
 * types (`Study`, `ProtocolSection`, …) and the exported JSON Schema are derived from.
 *
 * Modelled after the official OpenAPI spec (ctg-oas-v2 2.0.5, `components.schemas`); field names and
 * enum values are checked against it by test/validate/study-schema.test.ts. Design choices:
 * - Every object is open (`z.looseObject`): the API adds keys (`modelPredictions`, `locations_nested`,
 *   `countryCode` came and went), and the raw document must keep them.
 * - Every field is optional: absent data is an absent key, and which keys are "required" differs by
 *   study type (expanded access, withheld device studies).
 * - Enums are open (see study-enums.ts). Dates, ages and the NCT id are plain strings here; their formats
 *   are checked where they are parsed (dates.ts, ages.ts, validate-study.ts), so a new format becomes a
 *   warning on one column, not a failed document.
 * - No transforms, defaults or coercions: a parsed document is the input, unchanged, so validateStudy can
 *   hand out the input itself and only copy the few branches it must drop.
 */
import { z } from 'zod';
import { resultsSectionSchema } from './results-section-schema.ts';
import { openEnum } from './study-enums.ts';

const str = z.string().optional();
const bool = z.boolean().optional();
const int = z.int().optional();
const strList = z.array(z.string()).optional();
const obj = z.looseObject;

const Status = openEnum('Status');
const DateType = openEnum('DateType');
const AgencyClass = openEnum('AgencyClass');

const DateStruct = obj({ date: str, type: DateType.optional() });
const PartialDateStruct = obj({ date: str, type: DateType.optional() });
const Sponsor = obj({ name: str, class: AgencyClass.optional() });
const Contact = obj({
  name: str,
  role: openEnum('ContactRole').optional(),
  phone: str,
  phoneExt: str,
  email: str,
});
const Mesh = obj({ id: str, term: str });
const BrowseModule = obj({
  meshes: z.array(Mesh).optional(),
  ancestors: z.array(Mesh).optional(),
  browseLeaves: z
    .array(obj({ id: str, name: str, asFound: str, relevance: openEnum('BrowseLeafRelevance').optional() }))
    .optional(),
  browseBranches: z.array(obj({ abbrev: str, name: str })).optional(),
});
const Outcome = obj({ measure: str, description: str, timeFrame: str });

export const identificationModuleSchema = obj({
  nctId: str,
  nctIdAliases: strList,
  orgStudyIdInfo: obj({ id: str, type: openEnum('OrgStudyIdType').optional(), link: str }).optional(),
  secondaryIdInfos: z
    .array(obj({ id: str, type: openEnum('SecondaryIdType').optional(), domain: str, link: str }))
    .optional(),
  briefTitle: str,
  officialTitle: str,
  acronym: str,
  organization: obj({ fullName: str, class: AgencyClass.optional() }).optional(),
});

export const statusModuleSchema = obj({
  statusVerifiedDate: str,
  overallStatus: Status.optional(),
  lastKnownStatus: Status.optional(),
  delayedPosting: bool,
  whyStopped: str,
  expandedAccessInfo: obj({
    hasExpandedAccess: bool,
    nctId: str,
    statusForNctId: openEnum('ExpandedAccessStatus').optional(),
  }).optional(),
  startDateStruct: PartialDateStruct.optional(),
  primaryCompletionDateStruct: PartialDateStruct.optional(),
  completionDateStruct: PartialDateStruct.optional(),
  studyFirstSubmitDate: str,
  studyFirstSubmitQcDate: str,
  studyFirstPostDateStruct: DateStruct.optional(),
  resultsWaived: bool,
  resultsFirstSubmitDate: str,
  resultsFirstSubmitQcDate: str,
  resultsFirstPostDateStruct: DateStruct.optional(),
  dispFirstSubmitDate: str,
  dispFirstSubmitQcDate: str,
  dispFirstPostDateStruct: DateStruct.optional(),
  lastUpdateSubmitDate: str,
  lastUpdatePostDateStruct: DateStruct.optional(),
});

export const sponsorCollaboratorsModuleSchema = obj({
  responsibleParty: obj({
    type: openEnum('ResponsiblePartyType').optional(),
    investigatorFullName: str,
    investigatorTitle: str,
    investigatorAffiliation: str,
    oldNameTitle: str,
    oldOrganization: str,
  }).optional(),
  leadSponsor: Sponsor.optional(),
  collaborators: z.array(Sponsor).optional(),
});

export const designModuleSchema = obj({
  studyType: openEnum('StudyType').optional(),
  nPtrsToThisExpAccNctId: int,
  expandedAccessTypes: obj({ individual: bool, intermediate: bool, treatment: bool }).optional(),
  patientRegistry: bool,
  targetDuration: str,
  phases: z.array(openEnum('Phase')).optional(),
  designInfo: obj({
    allocation: openEnum('DesignAllocation').optional(),
    interventionModel: openEnum('InterventionalAssignment').optional(),
    interventionModelDescription: str,
    primaryPurpose: openEnum('PrimaryPurpose').optional(),
    observationalModel: openEnum('ObservationalModel').optional(),
    timePerspective: openEnum('DesignTimePerspective').optional(),
    maskingInfo: obj({
      masking: openEnum('DesignMasking').optional(),
      maskingDescription: str,
      whoMasked: z.array(openEnum('WhoMasked')).optional(),
    }).optional(),
  }).optional(),
  bioSpec: obj({ retention: openEnum('BioSpecRetention').optional(), description: str }).optional(),
  enrollmentInfo: obj({ count: int, type: openEnum('EnrollmentType').optional() }).optional(),
});

export const armsInterventionsModuleSchema = obj({
  armGroups: z
    .array(
      obj({
        label: str,
        type: openEnum('ArmGroupType').optional(),
        description: str,
        interventionNames: strList,
      }),
    )
    .optional(),
  interventions: z
    .array(
      obj({
        type: openEnum('InterventionType').optional(),
        name: str,
        description: str,
        armGroupLabels: strList,
        otherNames: strList,
      }),
    )
    .optional(),
});

export const eligibilityModuleSchema = obj({
  eligibilityCriteria: str,
  healthyVolunteers: bool,
  sex: openEnum('Sex').optional(),
  genderBased: bool,
  genderDescription: str,
  minimumAge: str,
  maximumAge: str,
  stdAges: z.array(openEnum('StandardAge')).optional(),
  studyPopulation: str,
  samplingMethod: openEnum('SamplingMethod').optional(),
});

export const locationSchema = obj({
  facility: str,
  status: openEnum('RecruitmentStatus').optional(),
  city: str,
  state: str,
  zip: str,
  country: str,
  contacts: z.array(Contact).optional(),
  geoPoint: obj({ lat: z.number().optional(), lon: z.number().optional() }).optional(),
});

export const protocolSectionSchema = obj({
  identificationModule: identificationModuleSchema.optional(),
  statusModule: statusModuleSchema.optional(),
  sponsorCollaboratorsModule: sponsorCollaboratorsModuleSchema.optional(),
  oversightModule: obj({
    oversightHasDmc: bool,
    isFdaRegulatedDrug: bool,
    isFdaRegulatedDevice: bool,
    isUnapprovedDevice: bool,
    isPpsd: bool,
    isUsExport: bool,
    fdaaa801Violation: bool,
  }).optional(),
  descriptionModule: obj({ briefSummary: str, detailedDescription: str }).optional(),
  conditionsModule: obj({ conditions: strList, keywords: strList }).optional(),
  designModule: designModuleSchema.optional(),
  armsInterventionsModule: armsInterventionsModuleSchema.optional(),
  outcomesModule: obj({
    primaryOutcomes: z.array(Outcome).optional(),
    secondaryOutcomes: z.array(Outcome).optional(),
    otherOutcomes: z.array(Outcome).optional(),
  }).optional(),
  eligibilityModule: eligibilityModuleSchema.optional(),
  contactsLocationsModule: obj({
    centralContacts: z.array(Contact).optional(),
    overallOfficials: z
      .array(obj({ name: str, affiliation: str, role: openEnum('OfficialRole').optional() }))
      .optional(),
    locations: z.array(locationSchema).optional(),
  }).optional(),
  referencesModule: obj({
    references: z
      .array(
        obj({
          pmid: str,
          type: openEnum('ReferenceType').optional(),
          citation: str,
          retractions: z.array(obj({ pmid: str, source: str })).optional(),
        }),
      )
      .optional(),
    seeAlsoLinks: z.array(obj({ label: str, url: str })).optional(),
    availIpds: z.array(obj({ id: str, type: str, url: str, comment: str })).optional(),
  }).optional(),
  ipdSharingStatementModule: obj({
    ipdSharing: openEnum('IpdSharing').optional(),
    description: str,
    infoTypes: z.array(openEnum('IpdSharingInfoType')).optional(),
    timeFrame: str,
    accessCriteria: str,
    url: str,
  }).optional(),
});

export const derivedSectionSchema = obj({
  miscInfoModule: obj({
    versionHolder: str,
    removedCountries: strList,
    submissionTracking: obj({
      estimatedResultsFirstSubmitDate: str,
      firstMcpInfo: obj({ postDateStruct: DateStruct.optional() }).optional(),
      submissionInfos: z
        .array(
          obj({
            releaseDate: str,
            unreleaseDate: str,
            unreleaseDateUnknown: bool,
            resetDate: str,
            mcpReleaseN: int,
          }),
        )
        .optional(),
    }).optional(),
  }).optional(),
  conditionBrowseModule: BrowseModule.optional(),
  interventionBrowseModule: BrowseModule.optional(),
});

export const studySchema = obj({
  protocolSection: protocolSectionSchema.optional(),
  resultsSection: resultsSectionSchema.optional(),
  annotationSection: obj({
    annotationModule: obj({
      unpostedAnnotation: obj({
        unpostedResponsibleParty: str,
        unpostedEvents: z
          .array(obj({ type: openEnum('UnpostedEventType').optional(), date: str, dateUnknown: bool }))
          .optional(),
      }).optional(),
      violationAnnotation: obj({
        violationEvents: z
          .array(
            obj({
              type: openEnum('ViolationEventType').optional(),
              description: str,
              creationDate: str,
              issuedDate: str,
              releaseDate: str,
              postedDate: str,
            }),
          )
          .optional(),
      }).optional(),
    }).optional(),
  }).optional(),
  documentSection: obj({
    largeDocumentModule: obj({
      noSap: bool,
      largeDocs: z
        .array(
          obj({
            typeAbbrev: str,
            hasProtocol: bool,
            hasSap: bool,
            hasIcf: bool,
            label: str,
            date: str,
            uploadDate: str,
            filename: str,
            size: int,
          }),
        )
        .optional(),
    }).optional(),
  }).optional(),
  derivedSection: derivedSectionSchema.optional(),
  hasResults: bool,
});

export { resultsSectionSchema };
export type Study = z.infer<typeof studySchema>;
export type ProtocolSection = z.infer<typeof protocolSectionSchema>;
export type DerivedSection = z.infer<typeof derivedSectionSchema>;
export type BrowseModule = z.infer<typeof BrowseModule>;
export type IdentificationModule = z.infer<typeof identificationModuleSchema>;
export type StatusModule = z.infer<typeof statusModuleSchema>;
export type DesignModule = z.infer<typeof designModuleSchema>;
export type EligibilityModule = z.infer<typeof eligibilityModuleSchema>;
export type SponsorCollaboratorsModule = z.infer<typeof sponsorCollaboratorsModuleSchema>;
export type ArmsInterventionsModule = z.infer<typeof armsInterventionsModuleSchema>;
export type PartialDateStruct = z.infer<typeof PartialDateStruct>;
export type Location = z.infer<typeof locationSchema>;
export type OutcomesModule = NonNullable<ProtocolSection['outcomesModule']>;
export type ReferencesModule = NonNullable<ProtocolSection['referencesModule']>;
export type ConditionsModule = NonNullable<ProtocolSection['conditionsModule']>;

/**
 * The JSON Schema (draft 2020-12) of the study document, for the HTTP API's OpenAPI document and for
 * readers of the stored jsonb. Enum lists are the documented values; the API may send others.
 */
export function studyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(studySchema, { unrepresentable: 'any' }) as Record<string, unknown>;
}
