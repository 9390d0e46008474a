import { describe, expect, it } from 'vitest';
import { BatchBuilder } from '../../src/store/batch-builder.ts';
import { laneOf } from '../../src/store/load-studies.ts';
import type { StudyProjection } from '../../src/transform/study-projection.ts';

function study(nctId: string, lastUpdate: string | null, title: string): StudyProjection {
  return {
    nctId,
    contentHash: title,
    document: {},
    row: { nct_id: nctId, last_update_post_date: lastUpdate, brief_title: title } as StudyProjection['row'],
    search: { a: title, b: '', c: '', d: '', outcomes: '', location: '' },
    children: {
      conditions: [],
      keywords: [],
      mesh: [],
      interventions: [],
      arms: [],
      outcomes: [],
      sponsors: [],
      locations: [],
      references: [],
    },
    warnings: [{ code: 'unknown_enum', path: 'x', message: 'm' }],
  };
}

describe('BatchBuilder', () => {
  it('keeps one study per NCT id, the latest lastUpdatePostDate winning, and counts the others as duplicates', () => {
    const builder = new BatchBuilder();
    const keep = () => true;
    builder.add({ ok: true, study: study('NCT00000001', '2024-01-01', 'old') }, 'old-text', keep);
    builder.add({ ok: true, study: study('NCT00000001', '2025-01-01', 'new') }, 'new-text', keep);
    builder.add({ ok: true, study: study('NCT00000001', '2023-01-01', 'older') }, 'older-text', keep);
    builder.add({ ok: true, study: study('NCT00000002', null, 'undated') }, 'u', keep);
    builder.add(
      { ok: false, quarantine: { nctId: null, path: '', message: 'bad', json: '{', source: 's' } },
      '{',
      keep,
    );
    expect(builder.size).toBe(5);
    const taken = builder.take();
    expect(taken.records).toBe(5);
    expect(taken.duplicates).toBe(2);
    expect(taken.batch.studies.map((s) => s.row.brief_title)).toEqual(['new', 'undated']);
    expect(taken.batch.documentTexts.get('NCT00000001')).toBe('new-text');
    expect(taken.batch.quarantined).toHaveLength(1);
    expect(builder.size).toBe(0);
  });

  it('stores warnings only while the run allows', () => {
    const builder = new BatchBuilder();
    let allowed = 2;
    const keep = () => allowed-- > 0;
    for (const id of ['NCT00000001', 'NCT00000002', 'NCT00000003'])
      builder.add({ ok: true, study: study(id, null, id) }, id, keep);
    expect(builder.take().batch.warningsToStore.map((w) => w.nctId)).toEqual(['NCT00000001', 'NCT00000002']);
  });
});

describe('laneOf', () => {
  it('puts an NCT id always in the same lane, and unreadable ids in lane 0', () => {
    expect(laneOf('NCT00000007', 2)).toBe(1);
    expect(laneOf('NCT00000008', 2)).toBe(0);
    expect(laneOf(null, 2)).toBe(0);
    expect(laneOf('garbage', 2)).toBe(0);
    expect(laneOf('NCT00000007', 1)).toBe(0);
  });
});
