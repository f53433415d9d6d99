// A small text from a seeded verse grammar (the TypeScript twin of scripts/generate-examples.mjs's verse.txt).
// What it demonstrates: character-level language modelling — the loss falls as the model learns spelling, then
// the word list, then the line templates; samples turn from noise into plausible lines.
import { Prng } from '../prng';

const WORDS = {
  adj: ['quiet', 'golden', 'weary', 'bright', 'silver', 'distant', 'gentle', 'bitter', 'ancient', 'restless', 'pale', 'wild'],
  noun: ['river', 'morning', 'sailor', 'garden', 'shadow', 'harbour', 'lantern', 'meadow', 'winter', 'mountain', 'candle', 'window'],
  verb: ['remembers', 'follows', 'carries', 'whispers to', 'waits for', 'forgets', 'calls', 'keeps', 'watches', 'answers'],
  adv: ['slowly', 'softly', 'again', 'at dusk', 'by the sea', 'in the rain', 'before dawn', 'once more'],
  name: ['Mira', 'Tomas', 'Elena', 'the old king', 'the ferryman', 'my brother'],
};

function toRoman(n: number): string {
  const table: [number, string][] = [[100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [value, symbol] of table) while (n >= value) { out += symbol; n -= value; }
  return out;
}

/** `stanzas` numbered stanzas of four lines each. */
export function verseText(stanzas: number, seed: number): string {
  const rng = new Prng(seed);
  const pick = (list: readonly string[]) => list[Math.floor(rng.next() * list.length)];
  const forms = [
    () => `the ${pick(WORDS.adj)} ${pick(WORDS.noun)} ${pick(WORDS.verb)} the ${pick(WORDS.noun)} ${pick(WORDS.adv)}`,
    () => `${pick(WORDS.name)} ${pick(WORDS.verb)} a ${pick(WORDS.adj)} ${pick(WORDS.noun)}`,
    () => `and every ${pick(WORDS.noun)} ${pick(WORDS.verb)} the ${pick(WORDS.adj)} ${pick(WORDS.noun)}`,
    () => `o ${pick(WORDS.adj)} ${pick(WORDS.noun)}, ${pick(WORDS.adv)} you ${pick(WORDS.verb).replace(/s\b/, '')} me`,
  ];
  const line = () => {
    const text = forms[Math.floor(rng.next() * forms.length)]();
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  const out: string[] = [];
  for (let s = 0; s < stanzas; s++) {
    const lines = Array.from({ length: 4 }, (_, i) => line() + (i === 3 ? '.' : ','));
    out.push([`${toRoman(s + 1)}.`, ...lines].join('\n'));
  }
  return out.join('\n\n') + '\n';
}
