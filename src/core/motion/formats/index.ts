/** Motion formats in and out: one reader per file kind, one entry point, writers, the Recorder. */
export {
  type FormatClip,
  type ReadOptions,
  type QuatOrder,
  type JointOrder,
  descriptionOrder,
  isaacLabOrder,
  isaacLabBodyOrder,
} from './common';
export { readMotionFile, readMotionFolder, MOTION_EXTENSIONS } from './read';
export { parseLafanCsv, LAFAN_FPS } from './lafan';
export { parseMotionPickle } from './pickle-clips';
export { unpickle, NdArray, PyObject } from './pickle';
export { parseGmrNpz, isGmrNpz } from './gmr-npz';
export { parseHolosomaNpz, isHolosomaNpz, npzArrays } from './holosoma';
export { parseSonicFolder, SONIC_FILES, SONIC_FPS } from './sonic';
export { parseSeedCsv, isSeedHeader, SEED_FPS } from './seed';
export { parseViewerJson, writeViewerJson, VIEWER_FPS } from './viewer-json';
export { writeBeyondMimicCsv, writeBeyondMimicNpz, writeClip, writeFormatOf, toRobotOrder, type WriteFormat } from './write';
export { Recorder, parseRecordingJson, RECORDING_FORMAT, type RecordExtras, type RecorderOptions, type Recording } from './record';
