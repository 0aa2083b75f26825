// Built exports of the tracking families (BeyondMimic, mjlab, unitree_rl_mjlab, holosoma loco) run a few
// control steps with real onnxruntime-web on Rapier and MuJoCo.
import { familyRuns } from './families-run';

familyRuns(0, 4);
