/**
 * Collects projection outcomes into one batch of a lane: valid studies (one per NCT id, the latest
 * lastUpdatePostDate winning inside the batch), quarantined records, and the warnings to keep. Duplicates
 * across batches are resolved later, in the batch's transaction (load-batch.ts).
 */
import type { ProjectionOutcome, StudyProjection } from '../transform/study-projection.ts';
import type { LoadBatch } from './load-batch.ts';

export interface TakenBatch {
  batch: LoadBatch;
  /** Records that went into the batch (each counts once in `fetched`). */
  records: number;
  /** Records dropped or replaced inside the batch because their NCT id came again. */
  duplicates: number;
}

export class BatchBuilder {
  #studies = new Map<string, StudyProjection>();
  #texts = new Map<string, string>();
  #batch: LoadBatch = emptyBatch();
  #records = 0;
  #duplicates = 0;

  /** Records added since the last take(). */
  get size(): number {
    return this.#records;
  }

  /**
   * Adds one outcome and the record text it came from (stored as the document: the exact text keeps
   * number formatting that a re-serialized object would lose). `keepWarning` says whether the run still
   * stores warnings (the first ~1,000).
   */
  add(outcome: ProjectionOutcome, text: string, keepWarning: () => boolean): void {
    this.#records++;
    if (!outcome.ok) {
      this.#batch.quarantined.push(outcome.quarantine);
      return;
    }
    const study = outcome.study;
    for (const warning of study.warnings)
      if (keepWarning()) this.#batch.warningsToStore.push({ nctId: study.nctId, warning });
    const earlier = this.#studies.get(study.nctId);
    if (earlier !== undefined) {
      this.#duplicates++;
      const date = study.row.last_update_post_date;
      const earlierDate = earlier.row.last_update_post_date;
      if (date === null || (earlierDate !== null && date <= earlierDate)) return;
    }
    // The parsed document is ~5–10× its text in memory and the batch stores the text: drop it, so two
    // lanes' batches (running and filling) stay a few hundred MB whatever the input size.
    this.#studies.set(study.nctId, { ...study, document: {} });
    this.#texts.set(study.nctId, text);
  }

  /** Hands over the batch and starts an empty one. */
  take(): TakenBatch {
    const taken: TakenBatch = {
      batch: { ...this.#batch, studies: [...this.#studies.values()], documentTexts: this.#texts },
      records: this.#records,
      duplicates: this.#duplicates,
    };
    this.#studies = new Map();
    this.#texts = new Map();
    this.#batch = emptyBatch();
    this.#records = 0;
    this.#duplicates = 0;
    return taken;
  }
}

function emptyBatch(): LoadBatch {
  return { studies: [], documentTexts: new Map(), quarantined: [], warningsToStore: [] };
}
