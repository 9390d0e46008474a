/** Arm groups: label, type, description and the interventions given ("Drug: X"); `ord` = index in armGroups. */
import type { ArmsInterventionsModule } from '../validate/study-schema.ts';
import type { ArmRow, FieldWarning } from './study-projection.ts';
import { cleanText } from './text.ts';

const PATH = 'protocolSection.armsInterventionsModule.armGroups';

export function projectArms(module: ArmsInterventionsModule | undefined, warnings: FieldWarning[]): ArmRow[] {
  return (module?.armGroups ?? []).map((arm, ord) => ({
    ord,
    label: cleanText(arm.label, `${PATH}[${ord}].label`, warnings) ?? '',
    type: arm.type ?? null,
    description: cleanText(arm.description, `${PATH}[${ord}].description`, warnings),
    intervention_names: cleanList(arm.interventionNames, `${PATH}[${ord}].interventionNames`, warnings),
  }));
}

/** A list of strings for a text[] column, each cleaned of control characters. */
export function cleanList(
  list: readonly string[] | undefined,
  path: string,
  warnings: FieldWarning[],
): string[] {
  if (list === undefined) return [];
  return list.map((item, i) => cleanText(item, `${path}[${i}]`, warnings) ?? '');
}
