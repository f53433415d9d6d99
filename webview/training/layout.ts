// The Training panel's page structure. Static markup only: every value shown later is set with textContent, so
// nothing the host sends (file names, model samples) is ever parsed as HTML.

const MARKUP = /* html */ `
<main class="training-panel">
  <header class="panel-header">
    <div class="run-titles">
      <h1 id="file-label">Training</h1>
      <p id="model-label" class="muted"></p>
    </div>
    <span id="status" class="status-badge" role="status" aria-live="polite" hidden></span>
  </header>
  <section id="empty" class="empty-state">
    <h2>No training run yet</h2>
    <p>Run <strong>'Sequence Lab: Train Character Model on Active File'</strong> on a text file (Command Palette,
      <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>P</kbd>). A small recurrent network then learns to predict the file one
      character at a time, and this panel shows its loss falling and the text it writes as it learns.</p>
  </section>
  <div id="message" class="message" role="alert" hidden></div>
  <div id="run-view" class="run-view" hidden>
    <div class="controls" role="group" aria-label="Run controls">
      <vscode-button id="pause" appearance="secondary" disabled title="Pause training after the current step (a checkpoint is saved)">Pause</vscode-button>
      <vscode-button id="resume" appearance="secondary" disabled title="Go on training the paused run">Resume</vscode-button>
      <vscode-button id="step-once" appearance="secondary" disabled title="Take exactly one training step, then stay paused">Single Step</vscode-button>
      <vscode-button id="stop" appearance="secondary" disabled>Stop</vscode-button>
      <span class="control-gap"></span>
      <vscode-text-field id="temperature" size="5" value="0.8">Temperature</vscode-text-field>
      <label class="greedy-toggle" title="Take the most probable character at each step (argmax) instead of drawing one at the temperature: the same model always writes the same text">
        <input type="checkbox" id="greedy"> Greedy</label>
      <vscode-button id="resample">Sample</vscode-button>
      <span id="temperature-hint" class="muted hint">0.01–10: low is cautious, high is adventurous</span>
    </div>
    <p id="held-out-note" class="muted" hidden></p>
    <dl class="stats">
      <div class="stat"><dt>Step</dt><dd id="step">0</dd></div>
      <div class="stat"><dt title="Cross-entropy per character, natural log, smoothed">Loss (nats/char)</dt>
        <dd id="loss">–</dd><dd id="loss-raw" class="muted"></dd></div>
      <div class="stat"><dt id="first-loss-label">Loss at step 1</dt><dd id="first-loss">–</dd></div>
      <div class="stat"><dt title="Loss ÷ ln 2: bits needed per character">Bits per char</dt><dd id="bpc">–</dd></div>
      <div class="stat"><dt title="e^loss: how many characters the model is choosing between">Perplexity</dt>
        <dd id="perplexity">–</dd></div>
      <div class="stat"><dt id="throughput-label">Chars / second</dt><dd id="chars-per-second">–</dd>
        <dd id="threads" class="muted"></dd></div>
      <div class="stat" id="held-out-stat" hidden><dt id="held-out-label" title="The loss on the held-out part, which the model never trains on">Held-out loss</dt>
        <dd id="held-out-loss">–</dd><dd id="held-out-step" class="muted"></dd></div>
      <div class="stat" id="held-out-accuracy-stat" hidden><dt title="Share of held-out tokens whose most probable tag is the file's tag">Held-out accuracy</dt>
        <dd id="held-out-accuracy">–</dd></div>
      <div class="stat"><dt title="Passes over the training part so far (an epoch reads every training token once)">Read</dt>
        <dd id="read">–</dd><dd id="read-share" class="muted"></dd></div>
    </dl>
    <div class="charts">
      <section class="card" aria-labelledby="loss-title">
        <h2 id="loss-title">Loss per character</h2>
        <label class="smoothing" title="Exponential moving average of the curves drawn (0 = raw; the numbers above are unchanged)">Smoothing
          <input type="range" id="smoothing" min="0" max="0.99" step="0.01" value="0.6" aria-describedby="smoothing-value">
          <span id="smoothing-value">0.60</span></label>
        <div class="chart-box"><canvas id="loss-chart"></canvas></div>
      </section>
      <section class="card" aria-labelledby="grad-title">
        <h2 id="grad-title">Gradient norm</h2>
        <div class="chart-box"><canvas id="grad-chart"></canvas></div>
      </section>
    </div>
    <section class="card sample-card" aria-labelledby="sample-title">
      <h2 id="sample-title"><span id="sample-heading">Sample</span> <span id="sample-meta" class="muted"></span></h2>
      <pre id="sample" tabindex="0" aria-labelledby="sample-title">No sample yet.</pre>
    </section>
  </div>
</main>`;

export interface TrainingElements {
  fileLabel: HTMLElement;
  modelLabel: HTMLElement;
  status: HTMLElement;
  empty: HTMLElement;
  message: HTMLElement;
  runView: HTMLElement;
  pause: HTMLElement;
  resume: HTMLElement;
  stepOnce: HTMLElement;
  stop: HTMLElement;
  temperature: HTMLElement & { value: string };
  greedy: HTMLInputElement;
  resample: HTMLElement;
  step: HTMLElement;
  loss: HTMLElement;
  lossRaw: HTMLElement;
  firstLoss: HTMLElement;
  firstLossLabel: HTMLElement;
  bpc: HTMLElement;
  perplexity: HTMLElement;
  charsPerSecond: HTMLElement;
  /** Under the throughput: the threads of a run that could train data-parallel, or why it trains on one. */
  threads: HTMLElement;
  throughputLabel: HTMLElement;
  heldOutNote: HTMLElement;
  heldOutStat: HTMLElement;
  heldOutLabel: HTMLElement;
  heldOutLoss: HTMLElement;
  heldOutStep: HTMLElement;
  heldOutAccuracyStat: HTMLElement;
  heldOutAccuracy: HTMLElement;
  read: HTMLElement;
  readShare: HTMLElement;
  lossTitle: HTMLElement;
  smoothing: HTMLInputElement;
  smoothingValue: HTMLElement;
  samplingControls: HTMLElement[];
  sampleHeading: HTMLElement;
  lossChart: HTMLCanvasElement;
  gradChart: HTMLCanvasElement;
  sampleMeta: HTMLElement;
  sample: HTMLElement;
}

/** Builds the page inside `root` and returns its elements. Register the toolkit first. */
export function createLayout(root: HTMLElement): TrainingElements {
  root.innerHTML = MARKUP;
  const byId = <T extends HTMLElement>(id: string): T => {
    const element = root.querySelector<T>(`#${id}`);
    if (!element) throw new Error(`layout is missing #${id}`);
    return element;
  };
  return {
    fileLabel: byId('file-label'),
    modelLabel: byId('model-label'),
    status: byId('status'),
    empty: byId('empty'),
    message: byId('message'),
    runView: byId('run-view'),
    pause: byId('pause'),
    resume: byId('resume'),
    stepOnce: byId('step-once'),
    stop: byId('stop'),
    temperature: byId('temperature'),
    greedy: byId('greedy'),
    resample: byId('resample'),
    step: byId('step'),
    loss: byId('loss'),
    lossRaw: byId('loss-raw'),
    firstLoss: byId('first-loss'),
    firstLossLabel: byId('first-loss-label'),
    bpc: byId('bpc'),
    perplexity: byId('perplexity'),
    charsPerSecond: byId('chars-per-second'),
    threads: byId('threads'),
    throughputLabel: byId('throughput-label'),
    heldOutNote: byId('held-out-note'),
    heldOutStat: byId('held-out-stat'),
    heldOutLabel: byId('held-out-label'),
    heldOutLoss: byId('held-out-loss'),
    heldOutStep: byId('held-out-step'),
    heldOutAccuracyStat: byId('held-out-accuracy-stat'),
    heldOutAccuracy: byId('held-out-accuracy'),
    read: byId('read'),
    readShare: byId('read-share'),
    lossTitle: byId('loss-title'),
    smoothing: byId('smoothing'),
    smoothingValue: byId('smoothing-value'),
    samplingControls: [byId('temperature'), byId('greedy').parentElement as HTMLElement, byId('resample'), byId('temperature-hint')],
    sampleHeading: byId('sample-heading'),
    lossChart: byId('loss-chart'),
    gradChart: byId('grad-chart'),
    sampleMeta: byId('sample-meta'),
    sample: byId('sample'),
  };
}
