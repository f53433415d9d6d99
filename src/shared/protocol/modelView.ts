// Channel: the host (src/sidebar/modelView.ts) ↔ the Model view's page (webview/model/): the sidebar form with the data
// kind, model and training of an experiment; Train on the active file. The page checks its fields with
// checkModelSettings (src/shared/modelSettings.ts) for inline messages; the host checks every posted settings object
// again with the same function (parseModelViewMessage). The page never names a file.
import { checkModelSettings, type ModelSettings } from '../modelSettings';
import type { DataKind } from '../trainingConfig';
import { custom, FAIL, lazy, literal, object, parser, variant, type Infer } from './schema';

/** The file "Train" will use, or why there is none; `duplicating` names the run a "Duplicate with Changes…" copies. */
export interface ModelViewTarget {
  fileLabel: string | null;
  /** The data kind the file's name suggests (the form follows it until the user picks one). */
  suggestedKind: DataKind | null;
  /** Why Train is unavailable (no file), or null. */
  reason: string | null;
  duplicating: string | null;
}

export type HostToModelView =
  /** The defaults from sequenceLab.training.* (sent again when the settings change). */
  | { type: 'defaults'; settings: ModelSettings }
  | { type: 'target'; target: ModelViewTarget }
  /** Fill the form with a run's settings (Duplicate with Changes…; the target names the run). */
  | { type: 'prefill'; settings: ModelSettings }
  /** The outcome of the last Train or Save, in one line. */
  | { type: 'status'; message: string; error: boolean };

/**
 * Settings an experiment file accepts. Written by hand in modelSettings.ts, not here: the same checker gives the
 * page its inline message per field and reads experiment files, so one rule holds on all three paths.
 */
const modelSettingsSchema = /* @__PURE__ */ custom<ModelSettings>('checkModelSettings (src/shared/modelSettings.ts)', (v) => {
  const checked = checkModelSettings(v);
  return checked.ok ? checked.settings : FAIL;
});

const modelViewToHostSchema = /* @__PURE__ */ lazy(() => variant('type', [
  object({ type: literal('ready') }),
  object({ type: literal('train'), settings: modelSettingsSchema }),
  object({ type: literal('saveExperiment'), settings: modelSettingsSchema }),
  /** Forget the duplicated run's file: train on the active editor's file again. */
  object({ type: literal('useActiveFile') }),
]));

export type ModelViewToHost = Infer<typeof modelViewToHostSchema>;

/** Returns the message if it is a well-formed ModelViewToHost with settings an experiment file accepts, otherwise undefined. */
export const parseModelViewMessage = /* @__PURE__ */ parser(modelViewToHostSchema);
