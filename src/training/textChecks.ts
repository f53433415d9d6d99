// The input checks moved to src/shared/textChecks.ts (the CLI uses them too); this keeps the host's old import path.
export { checkTrainingText, type TextVerdict } from '../shared/textChecks';
