/**
 * The smallest model onnxruntime takes (ir 8, opset 13, y = Identity(x), float32 [1]), and `warmOrt`: a session of
 * it made and released, so that the runtime's wasm is compiled before the first policy needs it. The app warms
 * when files are about to come (app/ort-warm.ts); an evaluation worker warms at its start, while the main thread
 * still reads the inputs (cli/eval-worker.ts).
 */
import * as ortDefault from 'onnxruntime-web';
import { concatBytes } from '../bytes';
import { configureOrt, type OrtRuntime } from './ort-env';
import { encVarint, lenField } from './protobuf';

const str = (s: string): Uint8Array => new TextEncoder().encode(s);
const msg = (...parts: Uint8Array[][]): Uint8Array => concatBytes(parts.flat());
const varint = (field: number, v: number): Uint8Array[] => [Uint8Array.from([(field << 3) | 0, ...encVarint(v)])];

/** float32 [1] named `name` (ValueInfoProto: name, TypeProto.tensor_type { elem_type FLOAT, shape [1] }) */
function scalarInfo(name: string): Uint8Array {
  const shape = msg(lenField(1, msg(varint(1, 1))));
  const tensor = msg(varint(1, 1), lenField(2, shape));
  return msg(lenField(1, str(name)), lenField(2, msg(lenField(1, tensor))));
}

/** the model's bytes */
export function identityModel(): Uint8Array {
  const node = msg(lenField(1, str('x')), lenField(2, str('y')), lenField(4, str('Identity')));
  const graph = msg(lenField(1, node), lenField(2, str('warm')), lenField(11, scalarInfo('x')), lenField(12, scalarInfo('y')));
  return msg(varint(1, 8), lenField(7, graph), lenField(8, msg(varint(2, 13))));
}

/** Initialise `ort` (its wasm compiled and instantiated) with a throw-away session of the identity model. */
export async function warmOrt(ort: OrtRuntime = ortDefault): Promise<void> {
  configureOrt(ort);
  const s = await ort.InferenceSession.create(identityModel());
  await s.release();
}
