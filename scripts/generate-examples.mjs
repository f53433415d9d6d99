// Writes the bundled example workspace (examples/) from a seeded grammar, so the repository ships no
// downloaded corpora and the files can be regenerated bit for bit: `node scripts/generate-examples.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');

/** mulberry32: a small seeded PRNG, enough for picking words. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(2024);
const pick = (list) => list[Math.floor(rand() * list.length)];

const words = {
  adj: ['quiet', 'golden', 'weary', 'bright', 'silver', 'distant', 'gentle', 'bitter', 'ancient', 'restless', 'pale', 'wild'],
  noun: ['river', 'morning', 'sailor', 'garden', 'shadow', 'harbour', 'lantern', 'meadow', 'winter', 'mountain', 'candle', 'window'],
  verb: ['remembers', 'follows', 'carries', 'whispers to', 'waits for', 'forgets', 'calls', 'keeps', 'watches', 'answers'],
  adv: ['slowly', 'softly', 'again', 'at dusk', 'by the sea', 'in the rain', 'before dawn', 'once more'],
  name: ['Mira', 'Tomas', 'Elena', 'the old king', 'the ferryman', 'my brother'],
};

function line() {
  const forms = [
    () => `the ${pick(words.adj)} ${pick(words.noun)} ${pick(words.verb)} the ${pick(words.noun)} ${pick(words.adv)}`,
    () => `${pick(words.name)} ${pick(words.verb)} a ${pick(words.adj)} ${pick(words.noun)}`,
    () => `and every ${pick(words.noun)} ${pick(words.verb)} the ${pick(words.adj)} ${pick(words.noun)}`,
    () => `o ${pick(words.adj)} ${pick(words.noun)}, ${pick(words.adv)} you ${pick(words.verb).replace(/s\b/, '')} me`,
  ];
  const text = pick(forms)();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function verse() {
  const stanzas = [];
  for (let s = 0; s < 120; s++) {
    const title = `${toRoman(s + 1)}.`;
    const lines = Array.from({ length: 4 }, (_, i) => line() + (i === 3 ? '.' : ','));
    stanzas.push([title, ...lines].join('\n'));
  }
  return stanzas.join('\n\n') + '\n';
}

function toRoman(n) {
  const table = [[100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [value, symbol] of table) while (n >= value) { out += symbol; n -= value; }
  return out;
}

/** A very regular text: the loss of a character RNN falls within a few hundred steps. */
function counting() {
  const names = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  const out = [];
  for (let round = 0; round < 40; round++) {
    out.push(names.join(' ') + '.');
    out.push(names.slice().reverse().join(' ') + '!');
  }
  return out.join('\n') + '\n';
}

mkdirSync(root, { recursive: true });
const files = {
  'verse.txt': verse(),
  'counting.txt': counting(),
};
for (const [name, text] of Object.entries(files)) {
  writeFileSync(join(root, name), text);
  console.log(`examples/${name}: ${text.length} characters, ${new Set(text).size} distinct`);
}
