/**
 * MeSH indexing of a study, from derivedSection.conditionBrowseModule and interventionBrowseModule
 * (computed by NLM from the free-text conditions and interventions).
 *
 * One MeshRow per element of `meshes` (relation 'mesh'), `ancestors` ('ancestor'), `browseLeaves` ('leaf',
 * with asFound and relevance) and `browseBranches` ('branch', id = abbrev such as BC18 or "All"), condition
 * module first, then intervention module, each in that order. `ord` numbers the rows of the study 0, 1, 2…
 * in that order (the table's key is (nct_id, ord)), so row i of one array keeps its relative position.
 *
 * MeSH unique ids: descriptors were D + 6 digits (D000001 … D066xxx) until NLM switched to D + 9 digits
 * for new descriptors (D000067xxx onward); supplementary concepts likewise C + 6 → C + 9 digits. Records
 * of 2023–2024 zero-pad the OLD ids to the new width (D006937 sent as D000006937); later records send the
 * canonical forms. Rule (checked on the fixtures: every term seen with both forms, e.g. Neoplasms
 * D009369 / D000009369, fits it; the largest 6-digit D in them is D065908, the smallest real 9-digit D is
 * D000067877; 6-digit C ids go up to C582670, 9-digit ones start at C000591245):
 *   D000 + 6 digits below 067000  → D + those 6 digits   (D000006937 → D006937, D000065607 → D065607)
 *   C000 + 6 digits below 590000  → C + those 6 digits   (C000024352 → C024352)
 *   anything else is left as sent (D000086382, C000604315, browse leaves M4815 / T123, branches BC18).
 */
import type { BrowseModule, DerivedSection } from '../validate/study-schema.ts';
import type { FieldWarning, MeshRow } from './study-projection.ts';
import { cleanText } from './text.ts';

const PADDED_LEGACY_ID = /^([DC])000(\d{6})$/;
const FIRST_NINE_DIGIT_ID: Readonly<Record<string, number>> = { D: 67_000, C: 590_000 };

export function normalizeMeshId(id: string): string {
  const match = PADDED_LEGACY_ID.exec(id);
  if (match === null) return id;
  const [, letter, digits] = match as unknown as [string, string, string];
  return Number(digits) < FIRST_NINE_DIGIT_ID[letter]! ? letter + digits : id;
}

export interface MeshProjection {
  rows: MeshRow[];
  condition_mesh_terms: string[];
  condition_mesh_ancestors: string[];
  intervention_mesh_terms: string[];
  intervention_mesh_ancestors: string[];
}

export function projectMesh(derived: DerivedSection | undefined, warnings: FieldWarning[]): MeshProjection {
  const rows: MeshRow[] = [];
  const condition = derived?.conditionBrowseModule;
  const intervention = derived?.interventionBrowseModule;
  addModule(rows, 'condition', condition, 'derivedSection.conditionBrowseModule', warnings);
  addModule(rows, 'intervention', intervention, 'derivedSection.interventionBrowseModule', warnings);
  return {
    rows,
    condition_mesh_terms: terms(rows, 'condition', 'mesh'),
    condition_mesh_ancestors: terms(rows, 'condition', 'ancestor'),
    intervention_mesh_terms: terms(rows, 'intervention', 'mesh'),
    intervention_mesh_ancestors: terms(rows, 'intervention', 'ancestor'),
  };
}

function addModule(
  rows: MeshRow[],
  domain: MeshRow['domain'],
  module: BrowseModule | undefined,
  path: string,
  warnings: FieldWarning[],
): void {
  if (module === undefined) return;
  // Row objects are written out in full (no spread of a shared base): this loop runs for every MeSH
  // entry of 606,000 studies, and literal objects of one shape keep it on V8's fast path.
  module.meshes?.forEach((m, i) => {
    const term = cleanText(m.term, `${path}.meshes[${i}].term`, warnings) ?? '';
    rows.push({
      ord: rows.length,
      domain,
      relation: 'mesh',
      mesh_id: meshId(m.id),
      term,
      as_found: null,
      relevance: null,
    });
  });
  module.ancestors?.forEach((m, i) => {
    const term = cleanText(m.term, `${path}.ancestors[${i}].term`, warnings) ?? '';
    rows.push({
      ord: rows.length,
      domain,
      relation: 'ancestor',
      mesh_id: meshId(m.id),
      term,
      as_found: null,
      relevance: null,
    });
  });
  module.browseLeaves?.forEach((leaf, i) => {
    rows.push({
      ord: rows.length,
      domain,
      relation: 'leaf',
      mesh_id: leaf.id ?? null,
      term: cleanText(leaf.name, `${path}.browseLeaves[${i}].name`, warnings) ?? '',
      as_found: cleanText(leaf.asFound, `${path}.browseLeaves[${i}].asFound`, warnings),
      relevance: leaf.relevance ?? null,
    });
  });
  module.browseBranches?.forEach((branch, i) => {
    const term = cleanText(branch.name, `${path}.browseBranches[${i}].name`, warnings) ?? '';
    rows.push({
      ord: rows.length,
      domain,
      relation: 'branch',
      mesh_id: branch.abbrev ?? null,
      term,
      as_found: null,
      relevance: null,
    });
  });
}

function meshId(id: string | undefined): string | null {
  return id === undefined ? null : normalizeMeshId(id);
}

/** The (cleaned) terms of one domain and relation, in source order, without the '' of a missing term. */
function terms(rows: readonly MeshRow[], domain: MeshRow['domain'], relation: MeshRow['relation']): string[] {
  const out: string[] = [];
  for (const row of rows)
    if (row.domain === domain && row.relation === relation && row.term !== '') out.push(row.term);
  return out;
}
