// What a run's loss is per, by its data kind (Training and Compare panels): cross-entropy in nats per character, word
// or token, or a mean squared error (series and sequence-to-one runs, where bits and perplexity mean nothing and are
// hidden).
import type { TrainingConfig } from '../../src/shared/trainingConfig';

export interface LossUnit {
  /** The loss stat's label, e.g. "Loss (nats/word)" or "Loss (MSE)". */
  label: string;
  /** What one cross-entropy term is about ("character", "word", "tag"); undefined for a mean squared error. */
  per?: string;
  /** The short form for chart legends ("char", "word", "tag"). */
  short?: string;
}

export function lossUnit(config: Pick<TrainingConfig, 'dataKind'> | undefined): LossUnit {
  switch (config?.dataKind ?? 'characters') {
    case 'words':
      return { label: 'Loss (nats/word)', per: 'word', short: 'word' };
    case 'tagged':
      return { label: 'Loss (nats/tag)', per: 'tag', short: 'tag' };
    case 'series':
      return { label: 'Loss (MSE per value)' };
    case 'sequence-to-one':
      return { label: 'Loss (MSE per sequence)' };
    default:
      return { label: 'Loss (nats/char)', per: 'character', short: 'char' };
  }
}

/** Relabels the loss stats of the page for `config` (the bits and perplexity stats are hidden for an MSE). */
export function applyLossUnit(config: Pick<TrainingConfig, 'dataKind'> | undefined): void {
  const unit = lossUnit(config);
  const statOf = (id: string) => document.getElementById(id)?.closest('.stat') as HTMLElement | null | undefined;
  const lossLabel = statOf('loss')?.querySelector('dt');
  if (lossLabel && lossLabel.textContent !== unit.label) {
    lossLabel.textContent = unit.label;
    lossLabel.title = unit.per ? `Cross-entropy per ${unit.per}, natural log, smoothed` : 'Mean squared error, smoothed';
  }
  for (const id of ['bpc', 'perplexity']) {
    const stat = statOf(id);
    if (stat) stat.hidden = unit.per === undefined;
  }
  const bitsLabel = statOf('bpc')?.querySelector('dt');
  if (bitsLabel && unit.short) bitsLabel.textContent = `Bits per ${unit.short}`;
}

/** How the model line names the vocabulary size and the data length for the run's data kind. */
export function dataNouns(config: Pick<TrainingConfig, 'dataKind'> | undefined): { symbols: string; data: string } {
  switch (config?.dataKind ?? 'characters') {
    case 'words':
      return { symbols: 'distinct words', data: 'words of text' };
    case 'tagged':
      return { symbols: 'distinct tokens', data: 'tagged tokens' };
    case 'series':
      return { symbols: 'columns', data: 'rows' };
    case 'sequence-to-one':
      return { symbols: 'input columns', data: 'rows' };
    default:
      return { symbols: 'distinct characters', data: 'characters of text' };
  }
}

/** What one training step counts, per second and in the loss chart's title, for the run's data kind. */
export function kindTexts(config: Pick<TrainingConfig, 'dataKind'> | undefined): {
  throughput: string; lossTitle: string; samples: boolean; sampleHeading: string; heldOutAccuracy: boolean; heldOutUnit: string;
} {
  switch (config?.dataKind ?? 'characters') {
    case 'words':
      return { throughput: 'Words / second', lossTitle: 'Loss per word', samples: true, sampleHeading: 'Sample', heldOutAccuracy: false, heldOutUnit: 'nats/word' };
    case 'tagged':
      return { throughput: 'Tokens / second', lossTitle: 'Loss per tag', samples: false, sampleHeading: 'Held-out predictions', heldOutAccuracy: true, heldOutUnit: 'nats/tag' };
    case 'series':
      return { throughput: 'Rows / second', lossTitle: 'Mean squared error per value', samples: false, sampleHeading: 'Held-out predictions', heldOutAccuracy: false, heldOutUnit: 'MSE' };
    case 'sequence-to-one':
      return { throughput: 'Sequences / second', lossTitle: 'Squared error per sequence', samples: false, sampleHeading: 'Held-out predictions', heldOutAccuracy: false, heldOutUnit: 'MSE' };
    default:
      return { throughput: 'Chars / second', lossTitle: 'Loss per character', samples: true, sampleHeading: 'Sample', heldOutAccuracy: false, heldOutUnit: 'nats/char' };
  }
}
