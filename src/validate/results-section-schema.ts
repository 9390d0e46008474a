/**
 * The `resultsSection` of a study document (participant flow, baseline, outcome measures, adverse
 * events, more info), modelled after the official OpenAPI spec like study-schema.ts and with the same
 * rules: open objects, optional fields, open enums, no transforms.
 *
 * Results are stored whole in the document; typed results tables come in a later issue, so nothing here
 * feeds a column yet. Most numbers in results are strings in the API ("29.7", "NA", "<0.001"); only the
 * adverse-event counts are integers.
 */
import { z } from 'zod';
import { openEnum } from './study-enums.ts';

const str = z.string().optional();
const bool = z.boolean().optional();
const int = z.int().optional();
const strList = z.array(z.string()).optional();
const obj = z.looseObject;

const MeasureParam = openEnum('MeasureParam');

const Group = obj({ id: str, title: str, description: str });
const Denom = obj({ units: str, counts: z.array(obj({ groupId: str, value: str })).optional() });
const FlowStats = obj({ groupId: str, comment: str, numSubjects: str, numUnits: str });
const MeasureClass = obj({
  title: str,
  denoms: z.array(Denom).optional(),
  categories: z
    .array(
      obj({
        title: str,
        measurements: z
          .array(
            obj({ groupId: str, value: str, spread: str, lowerLimit: str, upperLimit: str, comment: str }),
          )
          .optional(),
      }),
    )
    .optional(),
});
const AdverseEvent = obj({
  term: str,
  organSystem: str,
  sourceVocabulary: str,
  assessmentType: openEnum('EventAssessment').optional(),
  notes: str,
  stats: z.array(obj({ groupId: str, numEvents: int, numAffected: int, numAtRisk: int })).optional(),
});

export const resultsSectionSchema = obj({
  participantFlowModule: obj({
    preAssignmentDetails: str,
    recruitmentDetails: str,
    typeUnitsAnalyzed: str,
    groups: z.array(Group).optional(),
    periods: z
      .array(
        obj({
          title: str,
          milestones: z
            .array(obj({ type: str, comment: str, achievements: z.array(FlowStats).optional() }))
            .optional(),
          dropWithdraws: z
            .array(obj({ type: str, comment: str, reasons: z.array(FlowStats).optional() }))
            .optional(),
        }),
      )
      .optional(),
  }).optional(),
  baselineCharacteristicsModule: obj({
    populationDescription: str,
    typeUnitsAnalyzed: str,
    groups: z.array(Group).optional(),
    denoms: z.array(Denom).optional(),
    measures: z
      .array(
        obj({
          title: str,
          description: str,
          populationDescription: str,
          paramType: MeasureParam.optional(),
          dispersionType: openEnum('MeasureDispersionType').optional(),
          unitOfMeasure: str,
          calculatePct: bool,
          denomUnitsSelected: str,
          denoms: z.array(Denom).optional(),
          classes: z.array(MeasureClass).optional(),
        }),
      )
      .optional(),
  }).optional(),
  outcomeMeasuresModule: obj({
    outcomeMeasures: z
      .array(
        obj({
          type: openEnum('OutcomeMeasureType').optional(),
          title: str,
          description: str,
          populationDescription: str,
          reportingStatus: openEnum('ReportingStatus').optional(),
          anticipatedPostingDate: str,
          paramType: MeasureParam.optional(),
          dispersionType: str,
          unitOfMeasure: str,
          calculatePct: bool,
          timeFrame: str,
          typeUnitsAnalyzed: str,
          denomUnitsSelected: str,
          groups: z.array(Group).optional(),
          denoms: z.array(Denom).optional(),
          classes: z.array(MeasureClass).optional(),
          analyses: z
            .array(
              obj({
                paramType: str,
                paramValue: str,
                dispersionType: openEnum('AnalysisDispersionType').optional(),
                dispersionValue: str,
                statisticalMethod: str,
                statisticalComment: str,
                pValue: str,
                pValueComment: str,
                ciNumSides: openEnum('ConfidenceIntervalNumSides').optional(),
                ciPctValue: str,
                ciLowerLimit: str,
                ciUpperLimit: str,
                ciLowerLimitComment: str,
                ciUpperLimitComment: str,
                estimateComment: str,
                testedNonInferiority: bool,
                nonInferiorityType: openEnum('NonInferiorityType').optional(),
                nonInferiorityComment: str,
                otherAnalysisDescription: str,
                groupDescription: str,
                groupIds: strList,
              }),
            )
            .optional(),
        }),
      )
      .optional(),
  }).optional(),
  adverseEventsModule: obj({
    frequencyThreshold: str,
    timeFrame: str,
    description: str,
    allCauseMortalityComment: str,
    eventGroups: z
      .array(
        obj({
          id: str,
          title: str,
          description: str,
          deathsNumAffected: int,
          deathsNumAtRisk: int,
          seriousNumAffected: int,
          seriousNumAtRisk: int,
          otherNumAffected: int,
          otherNumAtRisk: int,
        }),
      )
      .optional(),
    seriousEvents: z.array(AdverseEvent).optional(),
    otherEvents: z.array(AdverseEvent).optional(),
  }).optional(),
  moreInfoModule: obj({
    limitationsAndCaveats: obj({ description: str }).optional(),
    certainAgreement: obj({
      piSponsorEmployee: bool,
      restrictionType: openEnum('AgreementRestrictionType').optional(),
      restrictiveAgreement: bool,
      otherDetails: str,
    }).optional(),
    pointOfContact: obj({ title: str, organization: str, email: str, phone: str, phoneExt: str }).optional(),
  }).optional(),
});
