// Reading a model file the user names (eval, sample, trace, export): the safetensors file is decoded by the engine
// (src/engine/modelFile.ts), its description checked once against the schema and the training limits
// (src/shared/modelMetadata.ts) before any weight is allocated from it.
import { buildModel, rawModelMetadata, type ModelMetadata } from '../../engine/modelFile';
import type { RecurrentStack } from '../../engine/recurrentStack';
import { decodeSafetensors } from '../../engine/safetensors';
import { EngineInputError } from '../../engine/errors';
import { ModelMetadataError, parameterCount, parseModelMetadata } from '../../shared/modelMetadata';

/** A model file as a network with its weights and its checked description; a bad file is an EngineInputError. */
export function decodeModel(bytes: Uint8Array, maxSteps = 1): { stack: RecurrentStack; meta: ModelMetadata } {
  const file = decodeSafetensors(bytes);
  const raw = rawModelMetadata(file);
  if (raw === undefined) throw new EngineInputError('This safetensors file has no Sequence Lab model description (__metadata__.sequence_lab).');
  let meta: ModelMetadata;
  try {
    meta = parseModelMetadata(raw);
  } catch (e) {
    if (e instanceof ModelMetadataError) throw new EngineInputError(e.message);
    throw e;
  }
  // The weights are built from the description: it may not promise more numbers than the file holds.
  const held = file.tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
  const wanted = parameterCount(meta);
  if (wanted > held) throw new EngineInputError(`The model description promises ${wanted} weights but the file holds ${held}.`);
  return { stack: buildModel(file, meta, maxSteps), meta };
}
