/**
 * The whole warehouse as sorted text lines keyed by natural keys (NCT id, version, valid-from, names), not
 * surrogate keys: two warehouses with equal snapshots hold the same history, facts and dimensions.
 */
import type { Queryable } from '../../src/store/db.ts';

export async function warehouseSnapshot(db: Queryable): Promise<string[]> {
  const queries = [
    `select 'dim_study ' || (to_jsonb(d) - 'study_key')::text from warehouse.dim_study d`,
    `select 'fact ' || d.nct_id || ' v' || d.version || ' ' || d.valid_from::text || ' ' ||
            (to_jsonb(f) - 'study_key' - 'sponsor_key')::text || ' sponsor=' || coalesce(s.name, '-')
     from warehouse.fact_study_version f join warehouse.dim_study d using (study_key)
     left join warehouse.dim_sponsor s using (sponsor_key)`,
    `select 'condition ' || d.nct_id || ' ' || d.valid_from::text || ' ' || b.relation || ' ' || c.term ||
            ' ' || coalesce(c.mesh_id, '-')
     from warehouse.bridge_study_condition b join warehouse.dim_study d using (study_key)
     join warehouse.dim_condition c using (condition_key)`,
    `select 'country ' || d.nct_id || ' ' || d.valid_from::text || ' ' || c.name || ' ' || b.site_count
     from warehouse.bridge_study_country b join warehouse.dim_study d using (study_key)
     join warehouse.dim_country c using (country_key)`,
    `select 'date ' || (to_jsonb(x))::text from warehouse.dim_date x`,
    `select 'sponsor ' || name || ' ' || coalesce(class, '-') from warehouse.dim_sponsor`,
    // Which studies were applied, not their outbox seq: seq numbers follow the commit order of the load's
    // lanes, which differs between two databases loaded alike.
    `select 'position ' || nct_id from warehouse.study_event_positions`,
  ];
  const lines: string[] = [];
  for (const sql of queries) {
    const { rows } = await db.query<Record<string, string>>(`${sql} order by 1`);
    lines.push(...rows.map((r) => Object.values(r)[0]!));
  }
  return lines;
}
