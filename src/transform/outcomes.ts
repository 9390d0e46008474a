/**
 * Outcome measures as registered (protocolSection.outcomesModule, not results): primary, then secondary,
 * then other outcomes, `ord` running over all three (the table's key is (nct_id, ord)); rows = the sum of
 * the three list lengths.
 */
import type { OutcomesModule } from '../validate/study-schema.ts';
import type { FieldWarning, OutcomeRow } from './study-projection.ts';
import { cleanText } from './text.ts';

const PATH = 'protocolSection.outcomesModule';

const LISTS = [
  ['primaryOutcomes', 'primary'],
  ['secondaryOutcomes', 'secondary'],
  ['otherOutcomes', 'other'],
] as const;

export function projectOutcomes(module: OutcomesModule | undefined, warnings: FieldWarning[]): OutcomeRow[] {
  const rows: OutcomeRow[] = [];
  for (const [key, kind] of LISTS) {
    module?.[key]?.forEach((outcome, i) => {
      const path = `${PATH}.${key}[${i}]`;
      rows.push({
        ord: rows.length,
        kind,
        measure: cleanText(outcome.measure, `${path}.measure`, warnings) ?? '',
        description: cleanText(outcome.description, `${path}.description`, warnings),
        time_frame: cleanText(outcome.timeFrame, `${path}.timeFrame`, warnings),
      });
    });
  }
  return rows;
}
