// Where "Save as Experiment File…" writes: always a *.seqlab.json (so the editor validates it and offers ▶ Train).
// When the name chosen in the Save dialog has to be corrected (foo.json → foo.seqlab.json), the dialog never asked
// about the corrected file, so an existing one is only replaced after the user confirms.
// No vscode import: the host passes the file checks in (src/sidebar/modelView.ts), tests pass fakes.
import { EXPERIMENT_FILE_SUFFIX } from '../shared/experimentFile';
import { posixBasename } from '../base/uriPath';

/** The chosen path (a URI path, '/'-separated) with the experiment file suffix, replacing a plain `.json`. */
export function experimentFilePath(chosenPath: string): string {
  if (chosenPath.toLowerCase().endsWith(EXPERIMENT_FILE_SUFFIX)) return chosenPath;
  return chosenPath.replace(/(\.json)?$/i, EXPERIMENT_FILE_SUFFIX);
}

export interface SavePathChecks {
  exists(filePath: string): Promise<boolean>;
  /** Asks whether to replace the existing `fileName` (the corrected name, not the one chosen). */
  confirmReplace(fileName: string, chosenName: string): Promise<boolean>;
}

/** The path to write, or undefined when the corrected name exists and the user did not confirm replacing it. */
export async function confirmedExperimentPath(chosenPath: string, checks: SavePathChecks): Promise<string | undefined> {
  const filePath = experimentFilePath(chosenPath);
  // An unchanged path: the Save dialog itself asked before replacing an existing file.
  if (filePath === chosenPath || !(await checks.exists(filePath))) return filePath;
  return (await checks.confirmReplace(posixBasename(filePath), posixBasename(chosenPath))) ? filePath : undefined;
}
