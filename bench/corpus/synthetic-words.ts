import { mixSeed } from './rng.ts';

/**
 * New, pronounceable words derived from an index (same index → same word). The registry's vocabulary keeps
 * growing with its size — rare diseases, gene variants, new compounds — so a corpus built only from the
 * fixtures' words would make every term look far more frequent than it is at 600,000 studies.
 */

const ONSETS = [
  'b',
  'd',
  'f',
  'g',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'z',
  'br',
  'tr',
  'kl',
  'st',
  'x',
  'th',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ae', 'io', 'y'];
const CODAS = ['', '', 'n', 'r', 'l', 's', 'x', 'nt', 'rk', 'm'];

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A capitalised word of two or three syllables, e.g. "Trelovax". */
export function syntheticWord(index: number, salt = 'word'): string {
  let h = mixSeed(salt, index);
  const syllables = 2 + (h % 2);
  let word = '';
  for (let i = 0; i < syllables; i++) {
    h = mixSeed(h, i);
    word += ONSETS[h % ONSETS.length]! + VOWELS[(h >>> 8) % VOWELS.length]!;
    if (i === syllables - 1) word += CODAS[(h >>> 16) % CODAS.length]!;
  }
  return capitalise(word);
}

/** A gene-like symbol, e.g. "TRV4". */
export function syntheticGene(index: number): string {
  const h = mixSeed('gene', index);
  const letters = syntheticWord(index, 'gene')
    .replace(/[aeiouy]/gi, '')
    .toUpperCase()
    .slice(0, 3)
    .padEnd(3, 'X');
  return `${letters}${1 + (h % 12)}`;
}

const DRUG_STEMS: Record<string, readonly string[]> = {
  DRUG: [
    'tinib',
    'ciclib',
    'lisib',
    'pril',
    'sartan',
    'gliptin',
    'gliflozin',
    'parin',
    'previr',
    'vastatin',
    'olol',
    'azole',
    'oxacin',
    'platin',
  ],
  BIOLOGICAL: ['zumab', 'ximab', 'umab', 'cept', 'cel', 'leucel', 'ase'],
  DIETARY_SUPPLEMENT: [' Extract', ' Supplement', ' Probiotic Blend'],
  DEVICE: [' System', ' Device', ' Stimulator', ' Monitor', ' Implant', ' Catheter'],
  BEHAVIORAL: [' Program', ' Coaching', ' App', ' Training', ' Intervention'],
  PROCEDURE: [' Technique', ' Procedure', ' Block', ' Repair'],
  RADIATION: [' Radiotherapy', ' Brachytherapy', ' Radiation Boost'],
};

/**
 * An intervention name for a type: an INN-like name for drugs and biologics ("trelovatinib"), a development
 * code now and then ("TRV-4821"), a product-like name for devices and programmes ("Trelovax System").
 */
export function syntheticIntervention(type: string, index: number): string {
  const h = mixSeed('intervention', type, index);
  if ((type === 'DRUG' || type === 'BIOLOGICAL') && h % 5 === 0) {
    return `${syntheticGene(index).replace(/\d+$/, '')}-${1000 + (h % 9000)}`;
  }
  const stems = DRUG_STEMS[type] ?? DRUG_STEMS.BEHAVIORAL!;
  const stem = stems[(h >>> 4) % stems.length]!;
  const word = syntheticWord(index, 'intervention');
  return stem.startsWith(' ') ? word + stem : word.toLowerCase() + stem;
}
