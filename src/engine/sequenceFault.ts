// A NumericFaultError that also says where in the sequence the bad number first appeared.
import { NumericFaultError, type NumericFaultKind } from './errors';

export class SequenceNumericFaultError extends NumericFaultError {
  constructor(
    tensor: string, kind: NumericFaultKind, step: number, value: number,
    /** The time step (within the chunk) whose hidden state or output first went bad, when known. */
    readonly timeStep?: number,
    /** The stream (batch row) it happened in, when known. */
    readonly stream?: number,
  ) {
    super(tensor, kind, step, value, timeStep === undefined ? undefined : `${tensor} at time step ${timeStep} of the chunk${stream !== undefined ? `, stream ${stream}` : ''}`);
  }
}
