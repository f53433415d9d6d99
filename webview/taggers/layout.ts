// The Tagger Comparison panel's fixed markup (no user text: everything from the host is set with textContent later)
// and typed handles on its elements.

const MARKUP = /* html */ `
<header class="panel-header">
  <h1>Tagger comparison</h1>
  <span id="file-label" class="muted"></span>
</header>
<p id="message" role="status" hidden></p>
<p id="empty" class="muted">Open a tagged file (token&lt;TAB&gt;tag per line, a blank line between sequences) and run "Sequence Lab: Compare HMM and RNN Taggers on Active File".</p>
<section id="settings" class="card" aria-label="Settings">
  <h2>Train both taggers on the same split</h2>
  <div class="row" role="group" aria-label="RNN cell">
    <span class="label">RNN cell</span>
    <vscode-button id="cell-rnn" data-cell="rnn" appearance="secondary" aria-pressed="false">RNN</vscode-button>
    <vscode-button id="cell-gru" data-cell="gru" appearance="secondary" aria-pressed="false">GRU</vscode-button>
    <vscode-button id="cell-lstm" data-cell="lstm" appearance="secondary" aria-pressed="false">LSTM</vscode-button>
    <vscode-button id="bidirectional" appearance="secondary" aria-pressed="true">Bidirectional: on</vscode-button>
  </div>
  <div class="row fields">
    <vscode-text-field id="hiddenSize" size="5">Hidden size</vscode-text-field>
    <vscode-text-field id="embeddingSize" size="5">Embedding size</vscode-text-field>
    <vscode-text-field id="epochs" size="5">Epochs</vscode-text-field>
    <vscode-text-field id="learningRate" size="7">Learning rate</vscode-text-field>
    <vscode-text-field id="seed" size="10">Seed</vscode-text-field>
  </div>
  <div class="row" role="group" aria-label="Held-out set">
    <span class="label">Held out</span>
    <vscode-button id="heldout-split" appearance="secondary" aria-pressed="true">A share of the file</vscode-button>
    <vscode-text-field id="heldOutShare" size="5" aria-label="Held-out share in percent">Share (%)</vscode-text-field>
    <vscode-button id="heldout-sibling" appearance="secondary" aria-pressed="false" hidden></vscode-button>
  </div>
  <div class="row">
    <vscode-button id="train">Train</vscode-button>
    <vscode-button id="stop" appearance="secondary" disabled>Stop</vscode-button>
    <span id="status" class="muted" role="status"></span>
  </div>
  <p id="settings-error" class="error" role="alert" hidden></p>
</section>
<section id="loss-card" class="card" hidden>
  <h2>RNN training loss (cross-entropy per tag, nats)</h2>
  <div class="chart-box"><canvas id="loss-chart"></canvas></div>
</section>
<section id="results" hidden>
  <p id="verdict" class="verdict"></p>
  <p id="data-summary" class="muted"></p>
  <p id="unknown-words" class="muted"></p>
  <div class="side-by-side">
    <section class="card tagger" id="hmm-card">
      <h2>HMM tagger <span class="muted">(generative)</span></h2>
      <p class="accuracy"><span id="hmm-accuracy" class="big"></span> <span id="hmm-correct" class="muted"></span></p>
      <p id="hmm-facts" class="muted"></p>
      <canvas id="hmm-matrix" role="img"></canvas>
      <table id="hmm-table" class="scores"></table>
      <p id="hmm-explain" class="explain"></p>
    </section>
    <section class="card tagger" id="rnn-card">
      <h2><span id="rnn-title">RNN tagger</span> <span class="muted">(discriminative)</span></h2>
      <p class="accuracy"><span id="rnn-accuracy" class="big"></span> <span id="rnn-correct" class="muted"></span></p>
      <p id="rnn-facts" class="muted"></p>
      <canvas id="rnn-matrix" role="img"></canvas>
      <table id="rnn-table" class="scores"></table>
      <p id="rnn-explain" class="explain"></p>
    </section>
  </div>
</section>
`;

export type TextField = HTMLElement & { value: string };
export type ToolkitButton = HTMLElement & { disabled: boolean };

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`taggers panel: #${id} is missing`);
  return e as T;
}

export function buildLayout(root: HTMLElement) {
  root.id = 'taggers';
  root.innerHTML = MARKUP;
  return {
    fileLabel: byId('file-label'),
    message: byId('message'),
    empty: byId('empty'),
    settings: byId('settings'),
    cells: [byId<ToolkitButton>('cell-rnn'), byId<ToolkitButton>('cell-gru'), byId<ToolkitButton>('cell-lstm')],
    bidirectional: byId<ToolkitButton>('bidirectional'),
    hiddenSize: byId<TextField>('hiddenSize'),
    embeddingSize: byId<TextField>('embeddingSize'),
    epochs: byId<TextField>('epochs'),
    learningRate: byId<TextField>('learningRate'),
    seed: byId<TextField>('seed'),
    heldOutShare: byId<TextField>('heldOutShare'),
    heldOutSplit: byId<ToolkitButton>('heldout-split'),
    heldOutSibling: byId<ToolkitButton>('heldout-sibling'),
    train: byId<ToolkitButton>('train'),
    stop: byId<ToolkitButton>('stop'),
    status: byId('status'),
    settingsError: byId('settings-error'),
    lossCard: byId('loss-card'),
    lossCanvas: byId<HTMLCanvasElement>('loss-chart'),
    results: byId('results'),
    verdict: byId('verdict'),
    dataSummary: byId('data-summary'),
    unknownWords: byId('unknown-words'),
    rnnTitle: byId('rnn-title'),
    tagger: (model: 'hmm' | 'rnn') => ({
      accuracy: byId(`${model}-accuracy`),
      correct: byId(`${model}-correct`),
      facts: byId(`${model}-facts`),
      matrix: byId<HTMLCanvasElement>(`${model}-matrix`),
      table: byId<HTMLTableElement>(`${model}-table`),
      explain: byId(`${model}-explain`),
    }),
  };
}

export type Layout = ReturnType<typeof buildLayout>;
