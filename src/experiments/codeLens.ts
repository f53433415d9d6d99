// CodeLenses at the top of an experiment file: "▶ Train", "Open Data File", "Open Panels" (once it has a run), or
// "N problems" when the file cannot be trained as written. Refreshed when runs change.
import * as vscode from 'vscode';
import { experimentTrainingConfig, parseExperiment } from '../shared/experimentFile';
import type { TrainingService } from '../training/trainingService';
import { COPY_EXPERIMENT_COMMAND_LINE, OPEN_EXPERIMENT_DATA_COMMAND, OPEN_EXPERIMENT_PANELS_COMMAND, TRAIN_EXPERIMENT_COMMAND, runsOfExperiment } from './trainExperiment';

export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = { pattern: '**/*.seqlab.json' };

/** Longest CodeLens title (characters); tooltips twice that. */
export const MAX_LENS_TITLE = 120;

export class ExperimentCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly service: TrainingService,
    /** false: no "Copy Command Line" lens (VS Code for the Web has no terminal to run it in). */
    private readonly options: { commandLine: boolean } = { commandLine: true },
  ) {
    this.subscription = service.onDidChangeRun(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    // Titles and tooltips quote the file: cut short, so a hostile file cannot make a megabyte CodeLens.
    const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
    const lens = (title: string, command: string, tooltip: string, args: unknown[] = [document.uri]) =>
      new vscode.CodeLens(top, { title: clip(title, MAX_LENS_TITLE), command, tooltip: clip(tooltip, MAX_LENS_TITLE * 2), arguments: args });
    const result = parseExperiment(document.getText());
    if (!result.ok) {
      const n = result.problems.length;
      return [lens(`⚠ ${n === 1 ? '1 problem' : `${n} problems`}: ${result.problems[0].message}`, 'workbench.actions.view.problems', 'Show them in the Problems panel', [])];
    }
    const inEditor = experimentTrainingConfig(result.experiment).ok;
    const lenses = [
      inEditor
        ? lens('▶ Train', TRAIN_EXPERIMENT_COMMAND, 'Train this experiment and open the Training panel; the run records this file’s SHA-256')
        : lens('▶ Train (command line)', TRAIN_EXPERIMENT_COMMAND, 'The editor cannot train this yet: show the equivalent sequence-lab train command'),
      lens('Open Data File', OPEN_EXPERIMENT_DATA_COMMAND, `Open ${result.experiment.data.path}`),
    ];
    if (inEditor && this.options.commandLine) lenses.push(lens('Copy Command Line', COPY_EXPERIMENT_COMMAND_LINE, 'Copy the sequence-lab train command that trains the same model to the same losses'));
    const runs = runsOfExperiment(this.service, document.uri).length;
    if (runs > 0) lenses.push(lens(runs === 1 ? 'Open Panels' : `Open Panels (latest of ${runs} runs)`, OPEN_EXPERIMENT_PANELS_COMMAND, 'Show the Training panel of the latest run of this experiment'));
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
