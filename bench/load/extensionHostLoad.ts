// Runs INSIDE VS Code's extension host (loaded as `extensionTestsPath` by bench/load/run.ts) and measures how
// responsive the extension host stays while Sequence Lab trains at full speed with many panels open: the event-loop
// delay (perf_hooks.monitorEventLoopDelay, the same measure Node uses for "is this thread free") as p50/p99/max in
// three phases — idle (the peer every other phase is divided by), training with its one Training panel, and
// training with every panel open. Writes the numbers as JSON to $SEQUENCE_LAB_LOAD_OUT.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';

/** The sampling interval of the event-loop delay histogram. */
const RESOLUTION_MS = 2;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Phase {
  phase: string;
  panels: string[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  heapMB: number;
}

function openPanels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview).map((t) => t.label);
}

async function measure(phase: string, seconds: number): Promise<Phase> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  await sleep(seconds * 1000);
  histogram.disable();
  // The histogram records the time between its timer's ticks; the delay is what exceeds the tick interval.
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  return {
    phase,
    panels: openPanels(),
    p50Ms: ms(histogram.percentile(50)),
    p99Ms: ms(histogram.percentile(99)),
    maxMs: ms(histogram.max),
    meanMs: ms(histogram.mean),
    heapMB: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
  };
}

/** Runs a command that may ask with quick picks or input boxes, accepting each default until it returns. */
async function runAccepting(command: string, ...args: unknown[]): Promise<void> {
  let done = false;
  const running = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => (done = true));
  for (let i = 0; i < 20 && !done; i++) {
    await sleep(400);
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  await running;
}

async function openFile(relative: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('the load benchmark needs the examples folder open');
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, relative));
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preview: false });
}

/** Every panel the extension offers, opened the way a person would from the palette (defaults accepted). */
const PANELS: { file: string; command: string }[] = [
  { file: 'verse.txt', command: 'sequenceLab.showGradientFlow' },
  { file: 'verse.txt', command: 'sequenceLab.showGates' },
  { file: 'verse.txt', command: 'sequenceLab.showUnrolled' },
  { file: 'verse.txt', command: 'sequenceLab.markov.compareOrders' },
  { file: 'hmm/pos-test.tsv', command: 'sequenceLab.hmm.decode' },
  { file: 'hmm/casino-rolls.txt', command: 'sequenceLab.fitHmm' },
  { file: 'hmm/pos-train.tsv', command: 'sequenceLab.compareTaggers' },
  { file: 'verse.txt', command: 'sequenceLab.compareRuns' },
  { file: 'verse.txt', command: 'sequenceLab.openGradientLab' },
];

export async function run(): Promise<void> {
  const out = process.env.SEQUENCE_LAB_LOAD_OUT;
  const seconds = Number(process.env.SEQUENCE_LAB_LOAD_SECONDS ?? '15');
  if (!out) throw new Error('SEQUENCE_LAB_LOAD_OUT is not set');
  const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'sequence-lab');
  await extension?.activate();
  const available = new Set(await vscode.commands.getCommands(true));
  const training = vscode.workspace.getConfiguration('sequenceLab.training');
  // A run that outlasts the measurement (full speed: no sampling pauses beyond the defaults).
  await training.update('maxSteps', 10_000_000, vscode.ConfigurationTarget.Global);
  await training.update('model', 'lstm', vscode.ConfigurationTarget.Global);

  const phases: Phase[] = [];
  const skipped: string[] = [];
  await openFile('verse.txt');
  await sleep(2000);
  phases.push(await measure('idle', seconds));

  // A short first run, so Compare Runs has two runs of the file to compare.
  await vscode.commands.executeCommand('sequenceLab.trainCharModel');
  await sleep(2000);
  await vscode.commands.executeCommand('sequenceLab.stopTraining');
  await sleep(1500);
  await vscode.commands.executeCommand('sequenceLab.trainCharModel');
  await sleep(3000);
  phases.push(await measure('training, Training panel', seconds));

  for (const { file, command } of PANELS) {
    if (!available.has(command)) {
      skipped.push(command);
      continue;
    }
    await openFile(file);
    await runAccepting(command);
    await sleep(1500);
  }
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await sleep(3000);
  phases.push(await measure('training, all panels', seconds));

  await vscode.commands.executeCommand('sequenceLab.stopTraining');
  writeFileSync(out, JSON.stringify({ phases, skipped }, null, 2));
}
