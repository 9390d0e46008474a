/** Publications: PubMed id (a string, may be absent), type BACKGROUND | RESULT | DERIVED, citation; `ord` = index. */
import type { ReferencesModule } from '../validate/study-schema.ts';
import type { FieldWarning, ReferenceRow } from './study-projection.ts';
import { cleanText } from './text.ts';

const PATH = 'protocolSection.referencesModule.references';

export function projectReferences(
  module: ReferencesModule | undefined,
  warnings: FieldWarning[],
): ReferenceRow[] {
  return (module?.references ?? []).map((reference, ord) => ({
    ord,
    pmid: cleanText(reference.pmid, `${PATH}[${ord}].pmid`, warnings),
    type: reference.type ?? null,
    citation: cleanText(reference.citation, `${PATH}[${ord}].citation`, warnings),
  }));
}
