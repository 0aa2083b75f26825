/**
 * The app controller: one object, created in main.ts, that connects the store, the asset registry, the simulation
 * and the scene. Store changes (robot, segments, layers, source, driver, policy, assist) rebuild the affected
 * parts; nothing already loaded is lost when a load fails (the error is shown and the previous state kept).
 * Loading files and sessions is its `files` (loader.ts).
 */
import { store, reportError, newSegment, newLayer, setStatus, type AppState } from './store';
import { AssetRegistry, text, base } from './assets';
import { registerBuiltins, standClip, BUILTIN_ROBOT, DEFAULT_SKILL } from './builtins';
import { Persist } from './persist';
import { Sim } from './sim';
import { Loader, refreshAssets, type LoadTarget } from './loader';
import { restoreSelection, rememberSelection } from './selection';
import { BuiltinDriver, PolicyDriverBase, ReplayDriver, type Driver } from './drivers';
import { sampleTimeline, timelineDuration, type Timeline } from '../core/motion/timeline';
import { sampleBlend, maskOf } from '../core/motion/blend';
import { readOnnxInfo } from '../core/policy/onnx';
import { resolvePolicyConfig } from '../core/policy/config';
import { ObsHosts } from './obs-hosts';
import { decideBusy, pagePolicyDriver } from './page-policy';
import { policyChoice, profileOf, restoreChoice } from './profile-pick';
import { SceneObjects } from './objects-state';
import { terrainOptions } from './terrain-state';
import { ObjectReference } from './object-reference';
import type { ObjectsReadout } from './panels/objects';
import type { MotionClip } from '../core/motion/types';
import type { PhysicsEngine } from '../core/physics/types';
import type { RobotModel } from '../core/model/types';
import type { SimView } from './sim-view';
import { SimHosts } from './sim-hosts';
import type { DriverSpec, PolicyData } from './sim-worker/protocol';
import { buildSkillDriver, segmentClips, storeUsesSkills, timelineStepDt, usesSkills } from './skills/timeline-skills';
import { LiveCommand, type PolicyBytes } from './skills/plan';
import { LiveSkills } from './skills/live';
import { blendUsesPolicies, buildBlendDriver, updateBlendWeights } from './skills/blend-driver';

/** What the app asks of the view: draw a new robot; the mouse push for this physics step (null: none). */
export interface AppView {
  onRobot(model: RobotModel): void;
  push(engine: PhysicsEngine): { body: number; force: number[] } | null;
}

/** the app's physics step, s (200 Hz; every policy the app runs must use it) */
export const PHYSICS_DT = 0.005;

const ASSIST_0_NOTE = 'assist 0: joint PD alone does not balance — the robot may fall';

export class App implements LoadTarget {
  /** the page's simulation; while the worker simulates it keeps the robot model and the reference, unstepped */
  readonly sim = new Sim();
  /** where the simulation runs: the worker when the driver allows it, else the page (sim-hosts.ts) */
  readonly hosts = new SimHosts(
    this.sim,
    (e) => reportError(e, 'simulation'),
    () => this.fell(),
  );
  /** the asset registry: records, parsed robots and clips */
  readonly assets = new AssetRegistry();
  /** the scene's free objects (Objects panel, object files) */
  readonly objects = new SceneObjects();
  private timeline: Timeline | null = null;
  /** fall resets so far (the robot put back on the reference after lying down) */
  fallResets = 0;
  private robotGen = 0;
  private driverGen = 0;
  /** length of the timeline / blend source, s (the transport shows it unless the policy carries its own motion) */
  private sourceSeconds = 0;
  /** what the running policy driver was built from (profile-pick.ts policyChoice), null when none runs */
  private runningPolicy: string | null = null;
  private robotChange: Promise<void> = Promise.resolve();
  /** reasons the simulation stays where it runs (holdHost) */
  private readonly hostHolds = new Set<string>();
  /** the IndexedDB store of the user's files (its write counters: the hook) */
  readonly persist = new Persist();
  /** file loads, sessions, removal (loader.ts) */
  readonly files = new Loader(this);
  /** objects: the reference object poses and the object error series (charts, hook) */
  readonly objectRef = new ObjectReference();
  /** the observation backend where policies run (the worker's, or the page's): start-up probe and the one GPUDevice */
  readonly obs = new ObsHosts(this.hosts);
  /** the steering command that 'live' command segments and layers follow (skills/plan.ts) */
  readonly liveCommand = new LiveCommand();
  /** keys 1..9 / gamepad: hand the robot to a skill of the running skill timeline */
  readonly liveSkills = new LiveSkills(this.sim, () => this.hosts.onWorkerSim);
  /** the built-in robot's MJCF text (its standing clip is built from it) */
  private builtinRobotText = '';
  /** objects: the skill picked by key and the ghosts shown (the Objects panel writes, the hook reads) */
  readonly objectsReadout: ObjectsReadout = { skill: null, ghosts: 0 };

  constructor(private readonly viewer: AppView) {}

  /** the simulation the page reads and draws, wherever it runs */
  get view(): SimView {
    return this.hosts.view;
  }

  private fell(): void {
    this.fallResets++;
    setStatus({ note: `fell at ${this.view.time.toFixed(2)} s → reset to the reference` });
  }

  /** resolves once the robot change in progress (if any) has been applied */
  robotSettled(): Promise<void> {
    return this.robotChange;
  }

  async boot(): Promise<void> {
    const sim = this.sim;
    // a failed worker: the page simulates from its last snapshot on, saying so
    this.hosts.onLost = (why) => {
      reportError(new Error(`the simulation worker failed (${why}): the page simulates from here on`), 'simulation');
      void this.rebuildDriver();
    };
    this.hosts.onStatus = (st) => setStatus(st); // the worker's observation path: its choice, a device loss and its end
    if (!this.hosts.workerFirst()) void import('../core/physics/index'); // the page simulates: fetch the physics now
    sim.onError = (e) => reportError(e, 'simulation');
    sim.onFallen = () => this.fell();
    const { skills, robotText } = await registerBuiltins(this.assets.records);
    this.builtinRobotText = robotText;
    for (const r of await this.persist.loadRecords()) this.assets.records.set(r.id, { ...r, builtin: false });
    refreshAssets(this.assets);
    const first = skills.find((id) => id.endsWith(':' + DEFAULT_SKILL)) ?? skills[0];
    const restored = restoreSelection((id) => this.assets.records.has(id));
    store.setState({ robotId: restored.robotId ?? BUILTIN_ROBOT });
    if (first) store.setState(defaultReference(first, skills, this.clipDuration(first) ?? 1));
    store.setState(restored);
    await this.applyRobot(store.getState().robotId);
    this.subscribe();
    await this.rebuildSource();
    await this.rebuildDriver();
    // the one-time observation-backend measurement, once the app is up (not competing with the start-up)
    setTimeout(
      () =>
        void this.obs.probeOnce().then(() => {
          if (store.getState().driver !== 'policy') void this.showObsChoice();
        }),
      300,
    );
  }

  /** Status of the observation backend when the policy driver is not running (what it would use). */
  private async showObsChoice(): Promise<void> {
    const d = await this.obs.decide(store.getState().obsMode);
    if (store.getState().driver === 'policy') return; // the driver reports what it really uses
    setStatus({ obsBackend: d.backend, obsReason: `${d.reason} (used by the ONNX policy driver)`, obsEp: '' });
  }

  /** Duration of a clip on the current robot, s (null when it cannot be read: the error is shown). */
  clipDuration(id: string): number | null {
    try {
      const c = this.assets.clipOf(id, store.getState().robotId);
      return (c.nFrames - 1) / c.fps;
    } catch (e) {
      reportError(e, 'clip');
      return null;
    }
  }

  private async applyRobot(id: string): Promise<boolean> {
    const gen = ++this.robotGen;
    store.setState({ busy: 'loading robot…' });
    try {
      const model = this.assets.robotOf(id);
      // a fallen robot must rest on the floor: every shape touches the ground; collision meshes become bounding
      // capsules/boxes (convex hulls cost 2.5× more per physics step with the G1 lying down, see README)
      const meshes = model.bodies.some((b) => b.collision.some((c) => c.type === 'mesh'));
      const options = {
        dt: PHYSICS_DT,
        groundContact: 'all' as const,
        meshCollision: meshes ? ('proxy' as const) : ('hull' as const),
        ...this.objects.options(), // objects
        ...terrainOptions(), // terrain (issue 16)
      };
      const notes = [
        `app: ground contact 'all'${meshes ? ', meshes as bounding capsules/boxes' : ''} (a fallen robot lies on the floor; put back on the reference after 1 s); ` +
          "the tests' dance-policy numbers are measured with foot contact only in Node (with proxies: 0.0613 vs 0.0609 rad)",
      ];
      const host = this.hosts.workerFirst() ? 'worker' : 'page';
      const adjustments = await this.hosts.setRobot({ model, options, notes, fallenDelay: 1 }, host);
      if (gen !== this.robotGen) return false;
      this.sim.fallenDelay = 1;
      this.sim.appNotes = notes;
      this.viewer.onRobot(model);
      setStatus({ engine: `rapier · ${adjustments.length} model adjustments`, simHost: this.hosts.host });
      return true;
    } catch (e) {
      reportError(e, 'robot');
      return false;
    } finally {
      store.setState({ busy: '' });
    }
  }

  /** objects: rebuild the engine with the scene's objects (same robot), then the reference and the driver. */
  reloadScene(): Promise<void> {
    // a robot change too: robotSettled() waits for it (a share link's terrain is applied before the page is ready)
    this.robotChange = (async () => {
      if (!(await this.applyRobot(store.getState().robotId))) return;
      await this.rebuildSource();
      await this.rebuildDriver();
    })();
    return this.robotChange;
  }

  /** Rebuild the reference sampler from the timeline or the blend. */
  async rebuildSource(): Promise<void> {
    const s = store.getState(),
      sim = this.sim,
      model = sim.model;
    if (!model) return;
    const names = model.joints.map((j) => j.name);
    const clip = (id: string): MotionClip | null => {
      try {
        return this.assets.clipOf(id, s.robotId);
      } catch (e) {
        reportError(e, 'clip');
        return null;
      }
    };
    if (s.source === 'blend' && s.layers.length) {
      const layers = s.layers.flatMap((l) => {
        const c = clip(l.clipId);
        return c ? [{ clip: c, weight: l.weight, mask: l.mask, speed: l.speed }] : [];
      });
      if (layers.length && !layers.some((l) => l.weight > 0)) layers[0].weight = 1e-6;
      if (layers.length) {
        const spec = { jointNames: names, layers, limits: model.joints.map((j) => j.range) };
        sim.setSource((t, out) => sampleBlend(spec, t, out), 1e9, 'blend');
        await this.hosts.setSource({ kind: 'blend', blend: spec, nSteps: 1e9, name: 'blend' }).catch((e) => reportError(e, 'simulation'));
        this.objectRef.setTimeline(null); // objects: the blend carries no object track
        this.showDuration(Infinity);
        return;
      }
    }
    // policy segments with their own motion (async only then: a plain timeline is rebuilt at once, as before)
    const own = storeUsesSkills(s)
      ? await segmentClips(
          s.segments,
          s.policyId,
          model,
          (id) => this.policyConfig(model, id),
          (e) => reportError(e, 'segment'),
        )
      : [];
    const segs = s.segments
      .flatMap((g, i) => {
        const c = own[i] ?? clip(g.clipId);
        return c
          ? [
              {
                id: g.id,
                clip: c,
                in: Math.max(0, g.in),
                out: Math.min(g.out, (c.nFrames - 1) / c.fps),
                driver: g.driver,
                crossfade: g.crossfade,
                skill: g.skill,
              },
            ]
          : [];
      })
      .filter((g) => g.out > g.in);
    if (!segs.length) {
      const c = standClip(model, s.robotId === BUILTIN_ROBOT ? this.builtinRobotText : this.assets.robotText(s.robotId));
      segs.push({ id: 'stand', clip: c, in: 0, out: 2, driver: 'builtin', crossfade: 0, skill: undefined });
    }
    const tl: Timeline = { jointNames: names, segments: segs, loop: s.loop };
    this.timeline = tl;
    this.objectRef.setTimeline(tl); // objects: reference object tracks of its clips
    const dur = timelineDuration(tl);
    const nSteps = s.loop ? 1e9 : Math.floor(dur / sim.dt) + 1,
      name = segs.map((x) => x.clip.name).join(' → ');
    sim.setSource((t, out) => sampleTimeline(tl, t, out), nSteps, name);
    await this.hosts.setSource({ kind: 'timeline', timeline: tl, nSteps, name }).catch((e) => reportError(e, 'simulation'));
    this.showDuration(dur);
  }

  /** The transport's length: the policy's own motion when it carries one, else the timeline's (or the blend's). */
  private showDuration(sourceSeconds = this.sourceSeconds): void {
    this.sourceSeconds = sourceSeconds;
    const own = this.view.driverInfo().ownSteps;
    setStatus({ duration: own !== null ? own * this.view.dt : sourceSeconds });
  }

  /** Active timeline segment at the current time (for the per-segment driver). */
  currentSegment(): { index: number; driver: string; blend: number } | null {
    const tl = this.timeline;
    if (!tl || store.getState().source !== 'timeline') return null;
    const scratch = { rootPos: [0, 0, 0], rootQuat: [1, 0, 0, 0], jointPos: new Array<number>(tl.jointNames.length).fill(0) };
    const r = sampleTimeline(tl, this.view.time, scratch);
    return { index: r.segment, driver: r.driver, blend: r.blend };
  }

  /** The configured policy of the store's policy id, for this engine (throws a named error when it does not fit). */
  policyConfig(model: RobotModel, policyId: string): PolicyBytes {
    const f = this.assets.policyFiles(policyId);
    const name = base(f.onnx.path);
    const cfg = resolvePolicyConfig({
      info: readOnnxInfo(f.onnx.bytes, name),
      file: name,
      robot: model,
      yaml: f.yaml ? text(f.yaml.bytes) : undefined,
      yamlFile: f.yaml ? base(f.yaml.path) : undefined,
      ...profileOf(store.getState(), policyId, f.profile),
    });
    if (Math.abs(cfg.physicsDt - PHYSICS_DT) > 1e-9)
      throw new Error(`policy physics dt ${cfg.physicsDt} differs from the engine's ${PHYSICS_DT}`);
    return { cfg, bytes: f.onnx.bytes, name, live: this.liveCommand };
  }

  async rebuildDriver(): Promise<void> {
    const s = store.getState(),
      sim = this.sim;
    const gen = ++this.driverGen;
    const model = sim.model;
    const robotGen = this.robotGen;
    if (model && this.hosts.workerFirst() && this.workerCan(s, model)) return this.rebuildOnWorker(s, gen, robotGen, model);
    // coming from the worker, the page's simulation holds still until its driver is built (no steps in replay)
    const moving = this.hosts.host === 'worker';
    if (moving) sim.busy = true;
    try {
      await this.rebuildOnPage(s, gen);
    } finally {
      if (moving) sim.busy = false;
    }
  }

  private async rebuildOnPage(s: AppState, gen: number): Promise<void> {
    const sim = this.sim;
    try {
      await this.hosts.toPage();
    } catch (e) {
      reportError(e, 'simulation');
    }
    if (gen !== this.driverGen) return;
    let d: Driver = new ReplayDriver();
    const engine = sim.engine;
    try {
      if (s.driver === 'builtin' && engine && sim.ref) {
        d = new BuiltinDriver(engine, sim.ref, sim.decimation, s.assist);
      } else if (
        s.driver === 'policy' &&
        engine &&
        sim.ref &&
        (this.skillSource() || (s.source === 'blend' && blendUsesPolicies(s.layers)))
      ) {
        store.setState({ busy: 'loading skills…' });
        d = await this.skillDriver(engine, sim.driver.kind !== 'replay');
      } else if (s.driver === 'policy' && engine && sim.ref) {
        store.setState({ busy: 'loading policy…' });
        const { cfg, bytes, name } = this.policyConfig(engine.model, this.policyIdOf(s));
        if (Math.abs(cfg.stepDt - sim.dt) > 1e-9) {
          sim.dt = cfg.stepDt;
          sim.decimation = cfg.decimation;
          sim.ref = null;
          await this.rebuildSource();
        }
        d = await pagePolicyDriver(this.obs.page, { engine, ref: sim.ref!, config: cfg, bytes, file: name });
        if (d instanceof PolicyDriverBase) d.ctrl.start = s.startMode;
      }
    } catch (e) {
      reportError(e, s.driver === 'policy' ? 'policy' : 'driver');
      if (s.driver === 'policy' && sim.driver.kind === 'policy' && gen === this.driverGen && restoreChoice(this.runningPolicy)) return;
      d = s.driver === 'policy' && engine && sim.ref ? new BuiltinDriver(engine, sim.ref, sim.decimation, s.assist) : new ReplayDriver();
      store.setState({ driver: d.kind });
    } finally {
      store.setState({ busy: '' });
    }
    if (gen !== this.driverGen) {
      d.dispose();
      return;
    }
    if (hasPush(d))
      d.push = (e) => {
        sim.lastPush = this.viewer.push(e);
      };
    sim.setDriver(d, this.hosts.takeCarried());
    this.runningPolicy = d.kind === 'policy' ? policyChoice(s) : null;
    setStatus({ driverSerial: gen, simHost: 'page' });
    this.showDuration();
    sim.clearMetrics();
    if (d.kind !== 'policy') {
      setStatus({ note: d.kind === 'builtin' && s.assist === 0 ? ASSIST_0_NOTE : '' });
      if (this.obs.probeStarted()) void this.showObsChoice();
    }
  }

  /**
   * The worker runs every driver, a policy on WebGPU observations too (its own probe and GPUDevice, obs-hosts.ts).
   * A run being recorded keeps the simulation where it is; a policy that cannot be configured is reported where the
   * running driver is (which goes on).
   */
  private workerCan(s: AppState, model: RobotModel): boolean {
    if (this.hostHolds.size) return this.hosts.host === 'worker';
    if (s.driver !== 'policy' || this.skillSource() || (s.source === 'blend' && blendUsesPolicies(s.layers))) return true;
    try {
      this.policyConfig(model, this.policyIdOf(s));
    } catch {
      return this.hosts.host === 'worker';
    }
    return true;
  }

  /** the store's policy, or the named error of none loaded */
  private policyIdOf(s: AppState): string {
    if (!s.policyId) throw new Error('no policy loaded: load an .onnx (with its deploy.yaml) first');
    return s.policyId;
  }

  /** The driver on the worker (the robot and the reference go there first when the page had them). */
  private async rebuildOnWorker(s: AppState, gen: number, robotGen: number, model: RobotModel): Promise<void> {
    let spec: DriverSpec = { kind: 'replay' };
    try {
      if (s.driver === 'builtin') spec = { kind: 'builtin', assist: s.assist };
      else if (s.driver === 'policy' && (this.skillSource() || (s.source === 'blend' && blendUsesPolicies(s.layers))))
        spec = await this.workerSkills(s, model);
      else if (s.driver === 'policy') spec = await this.workerPolicy(s, model);
      if (gen !== this.driverGen) return;
      await this.hosts.runOnWorker(spec);
    } catch (e) {
      if (robotGen !== this.robotGen) return; // a newer robot or scene came meanwhile: its own build follows
      reportError(e, s.driver === 'policy' ? 'policy' : 'driver');
      if (s.driver === 'policy' && this.view.driverKind() === 'policy' && gen === this.driverGen && restoreChoice(this.runningPolicy))
        return;
      // the store's change rebuilds the driver (the built-in controller in place of a failed policy)
      if (gen === this.driverGen) store.setState({ driver: s.driver === 'policy' ? 'builtin' : 'replay' });
      return;
    } finally {
      store.setState({ busy: '' });
    }
    if (gen !== this.driverGen) return;
    this.runningPolicy = spec.kind === 'policy' ? policyChoice(s) : null;
    setStatus({ driverSerial: gen, simHost: 'worker' });
    this.showDuration();
    if (spec.kind !== 'policy') {
      setStatus({ note: spec.kind === 'builtin' && s.assist === 0 ? ASSIST_0_NOTE : '' });
      if (this.obs.probeStarted()) void this.showObsChoice();
    }
  }

  /**
   * The policy as the worker builds it (its control rate set first): the observation backend is decided first, beside
   * the worker's queue (a start-up probe still running holds the building here, while the running driver goes on);
   * the worker builds on it and posts the status lines (obs-policy.ts).
   */
  private async workerPolicy(s: AppState, model: RobotModel): Promise<DriverSpec> {
    store.setState({ busy: 'loading policy…' });
    const { cfg, bytes, name } = this.policyConfig(model, this.policyIdOf(s));
    if (Math.abs(cfg.stepDt - this.sim.dt) > 1e-9) {
      this.sim.dt = cfg.stepDt;
      this.sim.decimation = cfg.decimation;
      this.sim.ref = null;
      await this.rebuildSource();
    }
    await decideBusy(this.obs, s.obsMode);
    return { kind: 'policy', config: cfg, bytes, file: name, start: s.startMode, obs: s.obsMode };
  }

  /** A skill-conditioned policy's skill, where it runs (keys 1–9); its PolicyError when out of range. */
  async setSkillCondition(skill: number): Promise<void> {
    const w = this.hosts.onWorkerSim;
    if (w) return w.setSkillCondition(skill);
    if (this.sim.driver instanceof PolicyDriverBase) this.sim.driver.ctrl.setSkill(0, skill);
  }

  /** The skill timeline or the policy blend as the worker builds it (its policies and clips sent along). */
  private async workerSkills(s: AppState, model: RobotModel): Promise<DriverSpec> {
    store.setState({ busy: 'loading skills…' });
    const policies: Record<string, PolicyData> = {};
    const configOf = (id: string): PolicyBytes => {
      const p = this.policyConfig(model, id);
      policies[id] = { cfg: p.cfg, bytes: p.bytes, name: p.name };
      return p;
    };
    const takeOver = this.view.driverKind() !== 'replay';
    const tl = this.skillSource();
    if (!tl) {
      const clips: Record<string, MotionClip> = {};
      for (const l of s.layers) {
        clips[l.clipId] = this.assets.clipOf(l.clipId, s.robotId);
        if (l.policy) configOf(l.policy.id);
      }
      return { kind: 'blend', layers: s.layers, policies, clips, takeOver };
    }
    const dt = timelineStepDt(tl, configOf, s.policyId);
    if (dt && Math.abs(dt - this.sim.dt) > 1e-9) {
      this.sim.dt = dt;
      this.sim.decimation = Math.round(dt / PHYSICS_DT);
      this.sim.ref = null;
      await this.rebuildSource();
    }
    const timeline = this.timeline ?? tl;
    for (const g of timeline.segments) {
      const id = g.driver === 'policy' ? (g.skill?.policyId ?? s.policyId) : null;
      if (id) configOf(id); // a segment without one: the worker names it (timeline-skills.ts)
    }
    return { kind: 'skills', timeline, policies, policyId: s.policyId, takeOver };
  }

  /** Keep the simulation where it runs while `reason` lasts (a run being recorded); after, it goes where it should. */
  async holdHost(reason: string, on: boolean): Promise<void> {
    if (on === this.hostHolds.has(reason)) return;
    if (on) return void this.hostHolds.add(reason);
    this.hostHolds.delete(reason);
    const model = this.sim.model;
    const worker = !!model && this.hosts.workerFirst() && this.workerCan(store.getState(), model);
    if (worker !== (this.hosts.host === 'worker')) await this.rebuildDriver();
  }

  /** the timeline of policy skills, when the source is a timeline that names them */
  private skillSource(): Timeline | null {
    return store.getState().source === 'timeline' && usesSkills(this.timeline) ? this.timeline : null;
  }

  /** The driver of policy skills: the timeline's (skills/skill-driver.ts) or the blend's (skills/blend-driver.ts). */
  private async skillDriver(engine: PhysicsEngine, takeOver: boolean): Promise<Driver> {
    const s = store.getState(),
      sim = this.sim,
      configOf = (id: string) => this.policyConfig(engine.model, id);
    const tl = this.skillSource();
    const dt = tl ? timelineStepDt(tl, configOf, s.policyId) : null;
    if (dt && Math.abs(dt - sim.dt) > 1e-9) {
      sim.dt = dt;
      sim.decimation = Math.round(dt / engine.options.dt);
      sim.ref = null;
      await this.rebuildSource();
    }
    if (tl && this.timeline)
      return buildSkillDriver(engine, this.timeline, sim.dt, configOf, s.policyId, () => sim.ref?.nSteps ?? 0, takeOver);
    return buildBlendDriver(engine, s.layers, configOf, (id) => this.assets.clipOf(id, s.robotId), takeOver);
  }

  private subscribe(): void {
    store.subscribe((s, p) => {
      rememberSelection(s, p);
      if (s.robotId !== p.robotId) {
        this.robotChange = this.applyRobot(s.robotId).then(async (ok) => {
          if (!ok) {
            store.setState({ robotId: p.robotId });
            return;
          }
          this.sim.step = 0;
          await this.rebuildSource();
          await this.rebuildDriver();
        });
        return;
      }
      const srcChanged = s.segments !== p.segments || s.layers !== p.layers || s.source !== p.source || s.loop !== p.loop;
      const skillsChanged =
        s.driver === 'policy' &&
        (storeUsesSkills(s) || storeUsesSkills(p)) &&
        (s.source !== p.source || (s.source === 'timeline' ? s.segments !== p.segments : layersChanged(s, p)));
      if (srcChanged)
        void this.rebuildSource().then(() => {
          if (s.source !== p.source || s.segments.length !== p.segments.length) this.view.seek(this.view.time);
          if (skillsChanged && s.driver === p.driver && s.policyId === p.policyId) void this.rebuildDriver();
        });
      if (s.source === 'blend' && s.layers !== p.layers && !layersChanged(s, p)) {
        updateBlendWeights(this.sim.driver, s.layers);
        this.hosts.setLayers(s.layers);
      }
      const choice = s.driver === 'policy' && policyChoice(s) !== policyChoice(p) && policyChoice(s) !== this.runningPolicy;
      if (s.driver !== p.driver || s.policyId !== p.policyId || (s.obsMode !== p.obsMode && s.driver === 'policy') || choice)
        void this.rebuildDriver();
      else if (s.obsMode !== p.obsMode) void this.showObsChoice();
      else if (s.assist !== p.assist && this.view.driverKind() === 'builtin') {
        if (this.sim.driver instanceof BuiltinDriver) this.sim.driver.assist = s.assist;
        this.hosts.setAssist(s.assist);
        setStatus({ note: s.assist === 0 ? ASSIST_0_NOTE : '' });
      }
    });
  }
}

/** the policy layers of the blend changed (not only weights or masks: those change live) */
const layersChanged = (s: AppState, p: AppState): boolean => layerKey(s) !== layerKey(p);
const layerKey = (s: AppState): string => JSON.stringify(s.layers.map((l) => [l.clipId, l.policy ?? null]));

/** Drivers that take the mouse push in their physics sub-steps. */
type PushFn = (engine: PhysicsEngine) => void;
const hasPush = (d: Driver): d is Driver & { push: PushFn | null } => 'push' in d;

/** The start-up reference: the default skill on the timeline; a blend of legs from it and arms from the wave. */
function defaultReference(first: string, skills: string[], duration: number): Pick<AppState, 'segments' | 'layers'> {
  const wave = skills.find((id) => id.endsWith(':wave'));
  const layers = [newLayer(first, 1)];
  if (wave && wave !== first) {
    layers[0].mask = maskOf(['root', 'legs', 'torso']);
    layers.push({ ...newLayer(wave, 1), mask: maskOf(['leftArm', 'rightArm']) });
  }
  return { segments: [newSegment(first, duration, 'builtin', 0.5)], layers };
}
