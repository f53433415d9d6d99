// A `sequence-lab train --out` directory written before the engine's config took the experiment file's names (#16):
// its model.safetensors says model.model / model.embeddingDim and its run.json says model, embeddingDim,
// backpropSteps, batchSize and clipNorm. `eval` reads the old model as the new one, and `export-pytorch` writes the
// same project from the old directory as from the new one (train.py's settings under today's names).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { run as evalRun } from '../../src/cli/commands/evalModel';
import { migrateRunJson, run as exportRun } from '../../src/cli/commands/exportPytorch';
import { run as trainRun } from '../../src/cli/commands/trainModel';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { withOldModelKeys, withOldRunKeys } from '../fixtures/oldConfigKeys';
import { fileIo } from '../fixtures/pytorch';

const dir = mkdtempSync(join(tmpdir(), 'seqlab-old-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data.txt');
writeFileSync(data, 'the quick brown fox jumps over the lazy dog. '.repeat(10));

/** A run directory as today's `train --out` writes it, and a copy as an earlier version wrote it. */
async function runDirs(): Promise<{ fresh: string; old: string }> {
  const fresh = join(dir, 'fresh');
  const io = fileIo();
  const argv = [data, '--out', fresh, '--model', 'gru', '--hidden', '5', '--embedding', '3', '--truncate', '6,4', '--batch', '2', '--clip', '0.5', '--steps', '3', '--seed', '7'];
  assert.equal(await trainRun(argv, io), 0, io.err.join(''));
  const old = join(dir, 'old');
  cpSync(fresh, old, { recursive: true });
  writeFileSync(join(old, 'model.safetensors'), withOldModelKeys(readFileSync(join(fresh, 'model.safetensors'))));
  writeFileSync(join(old, 'run.json'), withOldRunKeys(readFileSync(join(fresh, 'run.json'), 'utf8')));
  return { fresh, old };
}
const dirs = runDirs();

test('today\'s train --out writes the new names; the old copy holds only the old ones', async () => {
  const { fresh, old } = await dirs;
  const meta = (d: string) => JSON.parse(decodeSafetensors(readFileSync(join(d, 'model.safetensors'))).metadata.sequence_lab) as { model: Record<string, unknown> };
  assert.deepEqual(Object.keys(meta(fresh).model).filter((k) => ['cell', 'embedding', 'model', 'embeddingDim'].includes(k)).sort(), ['cell', 'embedding']);
  assert.deepEqual(Object.keys(meta(old).model).filter((k) => ['cell', 'embedding', 'model', 'embeddingDim'].includes(k)).sort(), ['embeddingDim', 'model']);
  const config = (d: string) => (JSON.parse(readFileSync(join(d, 'run.json'), 'utf8')) as { config: Record<string, unknown> }).config;
  const c = config(fresh);
  assert.deepEqual([c.cell, c.embedding, c.truncate, c.batch, c.clip], ['gru', 3, 4, 2, 0.5]);
  const o = config(old);
  assert.deepEqual([o.model, o.embeddingDim, o.backpropSteps, o.batchSize, o.clipNorm], ['gru', 3, 4, 2, 0.5]);
  assert.ok(!('batch' in o) && !('clip' in o) && !('cell' in o));
});

test('eval reads a model file with the old keys exactly as the same model with the new ones', async () => {
  const { fresh, old } = await dirs;
  const a = fileIo();
  const b = fileIo();
  assert.equal(await evalRun([join(fresh, 'model.safetensors'), data], a), 0, a.err.join(''));
  assert.equal(await evalRun([join(old, 'model.safetensors'), data], b), 0, b.err.join(''));
  assert.match(a.out.join(''), /\d\.\d+/);
  assert.equal(b.out.join(''), a.out.join(''));
});

test('export-pytorch writes the same project from an old run directory as from the new one', async () => {
  const { fresh, old } = await dirs;
  const exported = async (runDir: string, out: string): Promise<Map<string, string>> => {
    const io = fileIo();
    assert.equal(await exportRun([runDir, '--out', out], io), 0, io.err.join(''));
    return new Map(readdirSync(out).filter((f) => f.endsWith('.py') || f.endsWith('.md') || f.endsWith('.txt')).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  };
  const a = await exported(fresh, join(dir, 'project-fresh'));
  const b = await exported(old, join(dir, 'project-old'));
  assert.ok(a.has('train.py'));
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [name, text] of a) assert.equal(b.get(name), text, `${name} differs`);
  // train.py reads its settings under today's names, with the values of the old run.json.
  const train = a.get('train.py')!;
  assert.match(train, /\\"truncate\\":4,\\"batch\\":2,/);
  assert.match(train, /\\"clip\\":0\.5,/);
  assert.doesNotMatch(train, /batchSize|clipNorm|backpropSteps/);
});

test('migrateRunJson: old keys under the new names, a new key wins over its old one, anything else untouched', () => {
  assert.deepEqual(
    migrateRunJson({ steps: 3, config: { model: 'lstm', batchSize: 4, batch: 8, clipNorm: 1, seed: 2 } }),
    { steps: 3, config: { cell: 'lstm', batch: 8, clip: 1, seed: 2 } },
  );
  for (const v of [null, 'x', [1], { config: null }, { config: [1] }]) assert.deepEqual(migrateRunJson(v), v);
  const proto = migrateRunJson(JSON.parse('{"config": {"__proto__": {"polluted": 1}, "clipNorm": 2}}')) as { config: Record<string, unknown> };
  assert.equal(Object.getPrototypeOf(proto.config), Object.prototype, 'a "__proto__" key stays a key');
  assert.equal(proto.config.clip, 2);
});
