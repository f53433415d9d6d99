// Pause, resume and single-step a run (Command Palette, Runs tree, Training panel), and what happens when a NaN or
// infinity pauses a run: a warning naming where it appeared, with fixes that resume from the last good state.
import * as vscode from 'vscode';
import { TrainingPanel } from '../panels/trainingPanel';
import type { RunFault } from '../shared/run';
import { CONFIG_LIMITS } from '../shared/trainingConfig';
import type { RunRecord, TrainingService } from '../training/trainingService';

export const PAUSE_TRAINING_COMMAND = 'sequenceLab.pauseTraining';
export const RESUME_TRAINING_COMMAND = 'sequenceLab.resumeTraining';
export const STEP_TRAINING_COMMAND = 'sequenceLab.stepTraining';

/** The clipping threshold the fault notification offers (the default of sequenceLab.training.gradientClipNorm). */
const SUGGESTED_CLIP = 5;

function isRun(value: unknown): value is RunRecord {
  return typeof value === 'object' && value !== null && 'info' in value && 'history' in value;
}

/** The run a command acts on: the one given (Runs tree), else the Training panel's, else the newest in that status. */
function target(service: TrainingService, arg: unknown, status: 'training' | 'paused'): RunRecord | undefined {
  if (isRun(arg)) return service.get(arg.info.id);
  const shown = TrainingPanel.currentRunId ? service.get(TrainingPanel.currentRunId) : undefined;
  if (shown?.info.status === status) return shown;
  return service.list().reverse().find((r) => r.info.status === status);
}

export function registerTrainingLifecycle(service: TrainingService): vscode.Disposable[] {
  const act = (status: 'training' | 'paused', none: string, action: (runId: string) => boolean) => (arg?: unknown) => {
    const run = target(service, arg, status);
    if (!run || !action(run.info.id)) void vscode.window.showInformationMessage(`Sequence Lab: ${none}`);
  };
  return [
    vscode.commands.registerCommand(PAUSE_TRAINING_COMMAND, act('training', 'no run is training.', (id) => service.pause(id))),
    vscode.commands.registerCommand(RESUME_TRAINING_COMMAND, act('paused', 'no run is paused.', (id) => service.resume(id))),
    vscode.commands.registerCommand(
      STEP_TRAINING_COMMAND,
      act('paused', 'a single step needs a paused run that has steps left. Pause a training run first.', (id) => service.singleStep(id)),
    ),
    service.onDidFault(({ run, fault }) => void offerFixes(service, run, fault)),
  ];
}

/** Where the fault is, in a short sentence. */
export function describeFault(run: RunRecord, fault: RunFault): string {
  const where = fault.timeStep === undefined ? fault.tensor : `${fault.tensor} at time step ${fault.timeStep}`;
  return `Sequence Lab: training ${run.info.fileLabel} hit NaN/Inf in ${where} at step ${fault.step}; paused at step ${fault.step - 1}, its last good state.`;
}

async function offerFixes(service: TrainingService, run: RunRecord, fault: RunFault): Promise<void> {
  const { clip: clipNow, learningRate } = run.info.config;
  const clip = `Enable clipping (${SUGGESTED_CLIP})`;
  const halve = 'Halve learning rate';
  const actions = [
    ...(clipNow === 0 || clipNow > SUGGESTED_CLIP ? [clip] : []),
    ...(learningRate / 2 >= CONFIG_LIMITS.learningRate.min ? [halve] : []),
    'Stop',
  ];
  const choice = await vscode.window.showWarningMessage(describeFault(run, fault), ...actions);
  const id = run.info.id;
  if (service.get(id)?.info.status !== 'paused') return; // stopped or resumed meanwhile
  if (choice === 'Stop') service.stop(id);
  else if (choice === clip || choice === halve) {
    const current = service.get(id)!.info.config.learningRate;
    const problems = service.reconfigure(id, choice === clip ? { clip: SUGGESTED_CLIP } : { learningRate: current / 2 });
    if (problems.length > 0) void vscode.window.showErrorMessage(`Sequence Lab: ${problems.join('; ')}.`);
    else service.resume(id);
  }
}
