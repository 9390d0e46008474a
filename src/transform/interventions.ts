/**
 * Interventions: type, name, description, other names (brand names, codes: searched with weight B) and
 * the arm groups that receive them. `ord` = index in `interventions`.
 */
import type { ArmsInterventionsModule } from '../validate/study-schema.ts';
import { cleanList } from './arms.ts';
import type { FieldWarning, InterventionRow } from './study-projection.ts';
import { cleanText } from './text.ts';

const PATH = 'protocolSection.armsInterventionsModule.interventions';

export function projectInterventions(
  module: ArmsInterventionsModule | undefined,
  warnings: FieldWarning[],
): InterventionRow[] {
  return (module?.interventions ?? []).map((item, ord) => ({
    ord,
    type: item.type ?? null,
    name: cleanText(item.name, `${PATH}[${ord}].name`, warnings) ?? '',
    description: cleanText(item.description, `${PATH}[${ord}].description`, warnings),
    other_names: cleanList(item.otherNames, `${PATH}[${ord}].otherNames`, warnings),
    arm_group_labels: cleanList(item.armGroupLabels, `${PATH}[${ord}].armGroupLabels`, warnings),
  }));
}
