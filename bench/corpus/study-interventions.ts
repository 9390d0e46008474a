import type { FixturePool } from './fixture-pool.ts';
import type { Rng } from './rng.ts';
import type { StudyTopic } from './study-topic.ts';
import { syntheticIntervention } from './synthetic-words.ts';

/**
 * Intervention names for a study, one per intervention slot of the arms it borrowed. A condition keeps a small
 * set of "house" treatments (so the same drugs recur with the same condition, as in the registry), mixed with
 * real fixture interventions of the same type and with new names whose number keeps growing with the corpus.
 */
export function drawInterventions(
  rng: Rng,
  pool: FixturePool,
  topic: StudyTopic,
  types: readonly string[],
): string[] {
  const topicKey = topic.base?.mesh.term ?? topic.kind;
  return types.map((type) => {
    const r = rng.next();
    if (r < 0.4) return syntheticIntervention(type, hashIndex(topicKey) * 8 + rng.int(0, 7));
    const fixtureNames = pool.interventionNames.get(type);
    if (r < 0.65 && fixtureNames && fixtureNames.length > 0) {
      // Fixture names are templatized ("{{C}} mask with 3 L reservoir"): resolve them for this topic now.
      return rng
        .pick(fixtureNames)
        .replaceAll('{{C}}', topic.conditions[0] ?? topicKey)
        .replace(/{{I\d*}}/g, () => syntheticIntervention(type, hashIndex(topicKey) * 8));
    }
    return syntheticIntervention(type, 1_000_000 + rng.paretoRank(0.5, 100_000_000));
  });
}

function hashIndex(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) % 1_000_003;
  return h;
}

/** interventionBrowseModule JSON for the first name MeSH-indexed in the fixtures; new names have none (yet). */
export function interventionBrowseFor(pool: FixturePool, names: readonly string[]): string | undefined {
  for (const name of names) {
    const mesh = pool.interventionMesh.get(name.toLowerCase());
    if (mesh !== undefined) return mesh;
  }
  return undefined;
}
