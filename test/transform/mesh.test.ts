import { describe, expect, it } from 'vitest';
import { normalizeMeshId, projectMesh } from '../../src/transform/mesh.ts';
import type { FieldWarning } from '../../src/transform/study-projection.ts';
import type { DerivedSection } from '../../src/validate/study-schema.ts';
import { loadStudyFixture, loadStudyFixtures } from './study-fixtures.ts';

describe('normalizeMeshId', () => {
  it.each([
    // Zero-padded legacy descriptors of 2023–24 records → canonical 6-digit form.
    ['D000006937', 'D006937'],
    ['D000011024', 'D011024'],
    ['D000065607', 'D065607'],
    ['D000000700', 'D000700'],
    ['C000024352', 'C024352'],
    ['C000579720', 'C579720'],
    // Real 9-digit ids (new descriptors and supplementary concepts) stay.
    ['D000086382', 'D000086382'],
    ['D000067877', 'D000067877'],
    ['D000091642', 'D000091642'],
    ['C000604315', 'C000604315'],
    ['C000606551', 'C000606551'],
    // Canonical 6-digit ids, browse leaves and branches stay.
    ['D003027', 'D003027'],
    ['C117479', 'C117479'],
    ['M2562', 'M2562'],
    ['T4953', 'T4953'],
    ['BC18', 'BC18'],
    ['All', 'All'],
  ])('%s → %s', (id, expected) => {
    expect(normalizeMeshId(id)).toBe(expected);
  });

  it('gives one id per MeSH term across all fixtures, whatever the record year', () => {
    const idsByTerm = new Map<string, Set<string>>();
    let padded = 0;
    for (const { document } of loadStudyFixtures()) {
      for (const module of ['conditionBrowseModule', 'interventionBrowseModule']) {
        for (const list of ['meshes', 'ancestors']) {
          for (const { id, term } of document.derivedSection?.[module]?.[list] ?? []) {
            if (normalizeMeshId(id) !== id) padded++;
            const ids = idsByTerm.get(term) ?? new Set<string>();
            ids.add(normalizeMeshId(id));
            idsByTerm.set(term, ids);
          }
        }
      }
    }
    const conflicting = [...idsByTerm]
      .filter(([, ids]) => ids.size > 1)
      .map(([term, ids]) => [term, [...ids]]);
    expect(conflicting).toEqual([]);
    expect(padded).toBeGreaterThan(500);
  });
});

describe('projectMesh', () => {
  const derived = loadStudyFixture('NCT04431453').document.derivedSection as DerivedSection;

  it('turns both browse modules of a 2024 record into rows: meshes, ancestors, leaves, branches', () => {
    const warnings: FieldWarning[] = [];
    const mesh = projectMesh(derived, warnings);
    const counts = mesh.rows.reduce<Record<string, number>>((acc, row) => {
      const key = `${row.domain}.${row.relation}`;
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts).toEqual({
      'condition.mesh': 1,
      'condition.ancestor': 11,
      'condition.leaf': 13,
      'condition.branch': 4,
      'intervention.mesh': 1,
      'intervention.ancestor': 4,
      'intervention.leaf': 4,
      'intervention.branch': 2,
    });
    expect(mesh.rows.map((row) => row.ord)).toEqual(mesh.rows.map((_, i) => i));
    expect(mesh.rows[0]).toEqual({
      ord: 0,
      domain: 'condition',
      relation: 'mesh',
      mesh_id: 'D000086382',
      term: 'COVID-19',
      as_found: null,
      relevance: null,
    });
    expect(mesh.rows[1]).toMatchObject({
      relation: 'ancestor',
      mesh_id: 'D011024',
      term: 'Pneumonia, Viral',
    });
    expect(mesh.rows.filter((row) => row.relation === 'leaf').slice(0, 2)).toEqual([
      {
        ord: 12,
        domain: 'condition',
        relation: 'leaf',
        mesh_id: 'M2562',
        term: 'COVID-19',
        as_found: 'COVID-19',
        relevance: 'HIGH',
      },
      {
        ord: 13,
        domain: 'condition',
        relation: 'leaf',
        mesh_id: 'M13594',
        term: 'Pneumonia',
        as_found: null,
        relevance: 'LOW',
      },
    ]);
    expect(mesh.rows.find((row) => row.domain === 'intervention' && row.relation === 'mesh')).toMatchObject({
      mesh_id: 'C000606551',
      term: 'Remdesivir',
    });
    expect(warnings).toEqual([]);
  });

  it('lists the terms for the study row', () => {
    const mesh = projectMesh(derived, []);
    expect(mesh.condition_mesh_terms).toEqual(['COVID-19']);
    expect(mesh.condition_mesh_ancestors.slice(0, 3)).toEqual([
      'Pneumonia, Viral',
      'Pneumonia',
      'Respiratory Tract Infections',
    ]);
    expect(mesh.condition_mesh_ancestors).toHaveLength(11);
    expect(mesh.intervention_mesh_terms).toEqual(['Remdesivir']);
    expect(mesh.intervention_mesh_ancestors).toHaveLength(4);
  });

  it('gives no rows when the browse modules are absent (9 fixtures have only miscInfoModule)', () => {
    expect(projectMesh({ miscInfoModule: { versionHolder: '2025-10-02' } }, [])).toEqual({
      rows: [],
      condition_mesh_terms: [],
      condition_mesh_ancestors: [],
      intervention_mesh_terms: [],
      intervention_mesh_ancestors: [],
    });
    expect(projectMesh(undefined, []).rows).toEqual([]);
  });
});
