/**
 * Who can take part: age limits (ages.ts), sex, healthy volunteers, the standard age groups CT.gov
 * computes from the ages (CHILD < 18, ADULT 18–64, OLDER_ADULT ≥ 65), and the criteria text (markdown
 * escapes resolved for search and display; the document keeps the markup).
 */
import type { EligibilityModule } from '../validate/study-schema.ts';
import { parseAge } from './ages.ts';
import type { FieldWarning, StudyRow } from './study-projection.ts';
import { cleanMarkup, cleanText } from './text.ts';

const PATH = 'protocolSection.eligibilityModule';

export type EligibilityFields = Pick<
  StudyRow,
  | 'min_age_raw'
  | 'min_age_days'
  | 'min_age_years'
  | 'max_age_raw'
  | 'max_age_days'
  | 'max_age_years'
  | 'sex'
  | 'healthy_volunteers'
  | 'std_ages'
  | 'eligibility_criteria'
>;

export function projectEligibility(
  module: EligibilityModule | undefined,
  warnings: FieldWarning[],
): EligibilityFields {
  const min = parseAge(module?.minimumAge, `${PATH}.minimumAge`, warnings);
  const max = parseAge(module?.maximumAge, `${PATH}.maximumAge`, warnings);
  return {
    // The raw string is kept even when it cannot be read, so the column shows what the registry says.
    min_age_raw: cleanText(module?.minimumAge, `${PATH}.minimumAge`, warnings),
    min_age_days: min?.days ?? null,
    min_age_years: min?.years ?? null,
    max_age_raw: cleanText(module?.maximumAge, `${PATH}.maximumAge`, warnings),
    max_age_days: max?.days ?? null,
    max_age_years: max?.years ?? null,
    sex: module?.sex ?? null,
    healthy_volunteers: module?.healthyVolunteers ?? null,
    std_ages: module?.stdAges === undefined ? [] : [...module.stdAges],
    eligibility_criteria: cleanMarkup(module?.eligibilityCriteria, `${PATH}.eligibilityCriteria`, warnings),
  };
}
