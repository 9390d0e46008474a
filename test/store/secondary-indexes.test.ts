import { describe, expect, it } from 'vitest';
import { buildOrder, type IndexDefinition, indexInput } from '../../src/store/secondary-indexes.ts';

const index = (name: string, rest: string): IndexDefinition => ({
  name,
  definition: `CREATE INDEX ${name} ON ${rest}`,
});

describe('indexInput', () => {
  it('reads the table, method, first key and predicate of pg_get_indexdef text', () => {
    expect(
      indexInput(
        'CREATE INDEX a ON public.study_outcomes USING gin (search_outcome_vector(measure, description))',
      ),
    ).toEqual({
      table: 'public.study_outcomes',
      method: 'gin',
      firstKey: 'search_outcome_vector(measure, description)',
      predicate: null,
    });
    expect(
      indexInput(
        "CREATE INDEX b ON public.studies USING btree (COALESCE(start_date, '-infinity'::date), nct_id) WHERE (removed_at IS NULL)",
      ),
    ).toEqual({
      table: 'public.studies',
      method: 'btree',
      firstKey: "COALESCE(start_date, '-infinity'::date)",
      predicate: '(removed_at IS NULL)',
    });
    expect(
      indexInput(
        'CREATE INDEX c ON public.study_locations USING gist (geo) INCLUDE (nct_id) WHERE ((geo IS NOT NULL) AND ((hashtext(nct_id) & 7) = 0))',
      ),
    ).toMatchObject({ firstKey: 'geo', predicate: '((geo IS NOT NULL) AND ((hashtext(nct_id) & 7) = 0))' });
    expect(indexInput("CREATE INDEX d ON public.t USING btree ((x || ',)'))")?.firstKey).toBe("(x || ',)')");
    expect(
      indexInput('CREATE INDEX e ON public.studies USING gin (brief_title gin_trgm_ops)')?.firstKey,
    ).toBe('brief_title');
    expect(
      indexInput('CREATE INDEX f ON public.t USING btree (lower(name) COLLATE "C" DESC NULLS LAST, id)')
        ?.firstKey,
    ).toBe('lower(name)');
    expect(indexInput('not an index definition')).toBeNull();
  });
});

describe('buildOrder', () => {
  it('starts the costliest builds first: GIN by key bytes (an expression three times), GiST by entries, btree a quarter', () => {
    const indexes = [
      index('studies_phases_idx', 'public.studies USING gin (phases)'),
      index('studies_start_date_idx', 'public.studies USING btree (start_date, nct_id)'),
      index('study_locations_earth_idx', 'public.study_locations USING gist (geo) WHERE (geo IS NOT NULL)'),
      index(
        'study_outcomes_text_idx',
        'public.study_outcomes USING gin (search_outcome_vector(measure, description))',
      ),
      index('studies_search_vector_idx', 'public.studies USING gin (search_vector, geo_cells)'),
    ];
    const sampled = new Map([
      ['studies_phases_idx', { rows: 100, bytes: 5_000 }],
      ['studies_start_date_idx', { rows: 100, bytes: 8_000 }],
      ['study_locations_earth_idx', { rows: 800, bytes: 25_000 }],
      ['study_outcomes_text_idx', { rows: 700, bytes: 200_000 }],
      ['studies_search_vector_idx', { rows: 100, bytes: 460_000 }],
    ]);
    expect(buildOrder(indexes, sampled).map((i) => i.name)).toEqual([
      'study_outcomes_text_idx', // 3 × 200,000
      'studies_search_vector_idx', // 460,000
      'study_locations_earth_idx', // 540 × 800
      'studies_phases_idx', // 5,000
      'studies_start_date_idx', // 8,000 / 4
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
