// One constructor for every cell kind, for code that picks the kind from a setting; `scratch` is the backward's work
// space, shared by the cells of a stack (cellChain.ts).
import type { ChainScratch } from './cellChain';
import { GruCell } from './gruCell';
import { LstmCell } from './lstmCell';
import type { CellKind, CellWeights, RecurrentCell } from './recurrentCell';
import { RnnCell } from './rnnCell';

export function createCell(
  kind: CellKind, inputSize: number, hiddenSize: number, maxSteps: number, weights: CellWeights, grads: CellWeights,
  scratch?: ChainScratch,
): RecurrentCell {
  switch (kind) {
    case 'rnn_tanh':
      return new RnnCell('tanh', inputSize, hiddenSize, maxSteps, weights, grads, scratch);
    case 'rnn_relu':
      return new RnnCell('relu', inputSize, hiddenSize, maxSteps, weights, grads, scratch);
    case 'gru':
      return new GruCell(inputSize, hiddenSize, maxSteps, weights, grads, scratch);
    case 'lstm':
      return new LstmCell(inputSize, hiddenSize, maxSteps, weights, grads, scratch);
  }
}
