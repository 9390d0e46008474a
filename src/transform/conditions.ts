/**
 * Conditions and keywords (free text from the sponsor; the MeSH mapping is in mesh.ts). One row per list
 * element, `ord` = its index, so the child table mirrors the document.
 */
import type { ConditionsModule } from '../validate/study-schema.ts';
import type { ConditionRow, FieldWarning, KeywordRow } from './study-projection.ts';
import { cleanText } from './text.ts';

const PATH = 'protocolSection.conditionsModule';

export interface ConditionsProjection {
  conditions: ConditionRow[];
  keywords: KeywordRow[];
}

export function projectConditions(
  module: ConditionsModule | undefined,
  warnings: FieldWarning[],
): ConditionsProjection {
  return {
    conditions: (module?.conditions ?? []).map((name, ord) => ({
      ord,
      name: cleanText(name, `${PATH}.conditions[${ord}]`, warnings) ?? '',
    })),
    keywords: (module?.keywords ?? []).map((keyword, ord) => ({
      ord,
      keyword: cleanText(keyword, `${PATH}.keywords[${ord}]`, warnings) ?? '',
    })),
  };
}
