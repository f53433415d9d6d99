// Markov Orders on degenerate files (issue 13): a file of one distinct character said "only 100% of the 1⁸ possible
// contexts"; a small vocabulary whose contexts all occur must not say "only" either. The real analysis of the file,
// then the panel's reading of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markovOrdersView } from '../../src/markov/ordersView';
import { markovOrders } from '../../src/worker/analysis';
import { contextsReading } from '../../webview/markovOrders/reading';

test('one distinct character: the reading names it instead of "only 100% of the 1⁸ possible contexts"', async () => {
  const view = markovOrdersView(await markovOrders('a'.repeat(5000), 'char', 1, 20), 'aaaa.txt');
  const reading = contextsReading(view);
  assert.doesNotMatch(reading, /only/);
  assert.equal(reading, 'The file has a single distinct character: at every order there is one possible context, it always occurs, and the next character is certain (perplexity 1). Open a file with varied text to compare orders.');
});

test('two characters in random order: every context occurs, and the reading does not say "only"', async () => {
  let x = 12345;
  const coin = () => ((x = (x * 1103515245 + 12345) % 2147483648) >> 16) & 1;
  const text = Array.from({ length: 10_000 }, () => (coin() ? 'a' : 'b')).join('');
  const view = markovOrdersView(await markovOrders(text, 'char', 1, 20), 'ab.txt');
  const reading = contextsReading(view);
  assert.match(reading, /^At k=8, [\d.]+% of the 2⁸ ≈ 256 possible contexts occur \(\d+ seen in [\d,]+ training characters\): with so few distinct characters, nearly every context that can occur does\.$/);
});
