import { describe, expect, it } from 'vitest';
import { buildOrder, type IndexDefinition } from '../../src/store/secondary-indexes.ts';

const index = (name: string, rest: string): IndexDefinition => ({
  name,
  definition: `CREATE INDEX ${name} ON ${rest}`,
});

describe('buildOrder', () => {
  it('starts the costliest builds first: a vector computed per row, then by table size, btrees a quarter', () => {
    const indexes = [
      index('studies_phases_idx', 'public.studies USING gin (phases)'),
      index('studies_start_date_idx', 'public.studies USING btree (start_date, nct_id)'),
      index('study_mesh_term_idx', 'public.study_mesh USING btree (lower(term))'),
      index(
        'study_locations_earth_idx',
        'public.study_locations USING gist (geo) INCLUDE (nct_id) WHERE (geo IS NOT NULL)',
      ),
      index(
        'study_outcomes_text_idx',
        'public.study_outcomes USING gin (search_outcome_vector(measure, description))',
      ),
    ];
    const bytes = new Map([
      ['public.studies', 100],
      ['public.study_outcomes', 40],
      ['public.study_locations', 120],
      ['public.study_mesh', 30],
    ]);
    expect(buildOrder(indexes, bytes).map((i) => i.name)).toEqual([
      'study_outcomes_text_idx', // 4 × 40
      'study_locations_earth_idx', // 120
      'studies_phases_idx', // 100
      'studies_start_date_idx', // 100 / 4
      'study_mesh_term_idx', // 30 / 4
    ]);
  });

  it('keeps every index, in name order when nothing tells them apart', () => {
    const indexes = [
      index('b_idx', 'public.t USING gin (x)'),
      index('a_idx', 'public.t USING gin (y)'),
      { name: 'odd_idx', definition: 'something pg_get_indexdef never prints' },
    ];
    expect(buildOrder(indexes, new Map()).map((i) => i.name)).toEqual(['a_idx', 'b_idx', 'odd_idx']);
  });
});
