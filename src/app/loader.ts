/**
 * Loading files into the app: from the picker, a drop or a session archive, with a progress bar (what is being
 * read/compiled) and Cancel; what a load selects (its robot, clips, policy); sessions, and a session that waits for
 * its missing files; removing an asset. Nothing already loaded is lost when a load fails.
 */
import { store, reportError, newSegment, setStatus, type AppState } from './store';
import { splitMotionFiles, registerMotionFiles, askRate, expandArchives, addArchivedAsset } from './motion-route';
import { text, base, type AssetRecord, type AssetRegistry, type RawFile } from './assets';
import { BUILTIN_ROBOT } from './builtins';
import type { Persist } from './persist';
import { applySession, readBundle, type SessionResult } from './session';
import { MimicError } from '../core/errors';
import { parseJson } from '../core/validate';
import type { Sim } from './sim';

/** The asset list shown by the panels, from the registry. */
export const refreshAssets = (assets: AssetRegistry): void =>
  store.setState({ assets: [...assets.records.values()].map((r) => assets.info(r)) });

/** What loading needs of the app controller. */
export interface LoadTarget {
  readonly sim: Sim;
  /** the asset registry */
  readonly assets: AssetRegistry;
  /** the IndexedDB store of the user's files */
  readonly persist: Persist;
  /** resolves once the robot change in progress (if any) has been applied */
  robotSettled(): Promise<void>;
  clipDuration(id: string): number | null;
  rebuildDriver(): Promise<void>;
}

/** A long load in progress: what is being read/compiled, and whether the user cancelled it. */
export class LoadTask {
  cancelled = false;
  check(): void {
    if (this.cancelled) throw new MimicError('ParseError', '<load>', '', 'cancelled by the user');
  }
}

export class Loader {
  /** a session waiting for its missing files (applied again after each load) */
  private pendingSession: { text: string; file: string } | null = null;
  private load: LoadTask | null = null;

  constructor(private readonly app: LoadTarget) {}

  /**
   * Files from the picker or a drop, read by `read` (with progress): validated, registered, remembered; errors
   * shown; nothing lost. A long load shows a progress bar with what is being read/compiled and can be cancelled.
   */
  async openFiles(read: (onFile: (name: string, done: number, total: number) => void) => Promise<RawFile[]>): Promise<void> {
    const task = new LoadTask();
    this.cancelLoad();
    this.load = task;
    const progress = (label: string, done: number, total: number) => store.setState({ progress: { label, done, total } });
    progress('reading files', 0, 1); // at once: the view draws a few times a second while files load (frame-loop.ts)
    try {
      const files = await read((name, done, total) => {
        task.check();
        progress(`reading ${name}`, done, total);
      });
      await this.loadFiles(files, task, progress);
    } catch (e) {
      if (task.cancelled) setStatus({ note: 'load cancelled: nothing from it was kept' });
      else reportError(e, 'load');
    } finally {
      store.setState({ progress: null });
      this.load = null;
    }
  }

  /** Cancel the load in progress (its files are dropped; what was loaded before stays). */
  cancelLoad(): void {
    if (this.load) this.load.cancelled = true;
  }

  /** Register files: sessions (.json / .zip) applied, assets added (the same bytes twice are kept once). */
  async loadFiles(given: RawFile[], task?: LoadTask, progress?: (label: string, done: number, total: number) => void): Promise<void> {
    const all = expandArchives(given);
    const bundles = all.filter((f) => /\.zip$/i.test(f.path));
    const jsons = all.filter((f) => /\.json$/i.test(f.path));
    const sessions = jsons.filter((f) => text(f.bytes.subarray(0, 200)).includes('mimic-bench-session'));
    const broken = jsons.filter((f) => !checkJson(f));
    const { motion, rest: files } = splitMotionFiles(
      all.filter((f) => !sessions.includes(f) && !bundles.includes(f) && !broken.includes(f)),
    );
    const s = store.getState();
    const heavy = files.find((f) => /\.(xml|urdf|mjcf|onnx)$/i.test(f.path));
    if (heavy) {
      progress?.(`compiling ${base(heavy.path)} (${files.length} files)`, files.length, files.length);
      await new Promise((r) => setTimeout(r, 30)); // let the progress bar show before the synchronous parse
      task?.check();
    }
    const sorted = this.app.assets.addFiles(files, s.policyId);
    const { attached } = sorted;
    // motion files the format readers take (several clips per pickle, SONIC folders…), read on the robot to use
    const robotId = sorted.added.find((r) => r.kind === 'robot')?.id ?? s.robotId;
    const routed = registerMotionFiles(this.app.assets, motion, () => this.app.assets.robotOf(robotId), askRate);
    const added = [...sorted.added, ...routed.added],
      errors = [...sorted.errors, ...routed.errors];
    if (task?.cancelled) {
      for (const r of added) if (!r.builtin) this.app.assets.forget(r.id);
      task.check();
    }
    for (const e of errors) reportError(e, 'load');
    for (const r of added) void this.app.persist.saveRecord(r).catch((e) => reportError(e, 'IndexedDB'));
    for (const id of attached) void this.app.persist.saveRecord(this.app.assets.records.get(id)!).catch(() => {});
    refreshAssets(this.app.assets);
    await this.select(added, attached);
    for (const f of bundles) await this.openBundle(f);
    for (const f of sessions) this.applySessionText(text(f.bytes), base(f.path));
    if (!sessions.length && this.pendingSession) this.applySessionText(this.pendingSession.text, this.pendingSession.file, true);
  }

  /** What a load selects: its robot, its clips on the timeline, its policy as the driver. */
  private async select(added: AssetRecord[], attached: string[]): Promise<void> {
    const robot = added.find((r) => r.kind === 'robot');
    const policy = added.find((r) => r.kind === 'policy');
    const clips = added.filter((r) => r.kind === 'clip');
    if (robot) store.setState({ robotId: robot.id });
    await this.app.robotSettled();
    if (clips.length) {
      const ok = clips.filter((c) => {
        try {
          this.app.assets.clipOf(c.id, store.getState().robotId);
          return true;
        } catch (e) {
          reportError(e, 'clip');
          this.app.assets.forget(c.id);
          void this.app.persist.deleteRecord(c.id).catch(() => {});
          return false;
        }
      });
      refreshAssets(this.app.assets);
      if (ok.length) {
        const drv = policy || store.getState().policyId ? 'policy' : 'builtin';
        store.setState({ source: 'timeline', segments: ok.map((c) => newSegment(c.id, this.app.clipDuration(c.id) ?? 1, drv, 0.5)) });
        this.app.sim.seek(0);
      }
    }
    if (policy) store.setState({ policyId: policy.id, driver: 'policy' });
    else if (attached.length && store.getState().driver === 'policy') await this.app.rebuildDriver();
  }

  /** A session archive (.zip: session.json + the files it uses): its files loaded, then the session applied. */
  private async openBundle(f: RawFile): Promise<void> {
    try {
      const b = readBundle(f.bytes, base(f.path));
      const ids: Record<string, string> = {};
      const names = (JSON.parse(b.session) as { names?: Record<string, string> }).names ?? {};
      let robotId = store.getState().robotId; // motion files are read on the archive's robot (listed first)
      for (const [oldId, files] of Object.entries(b.assets)) {
        const { added, errors } = addArchivedAsset(this.app.assets, files, robotId, names[oldId]);
        if (added[0]?.kind === 'robot') robotId = added[0].id;
        for (const e of errors) reportError(e, 'session archive');
        const rec = added[0];
        if (rec) {
          ids[oldId] = rec.id;
          void this.app.persist.saveRecord(rec).catch((e) => reportError(e, 'IndexedDB'));
        }
      }
      refreshAssets(this.app.assets);
      this.applySessionText(b.session, base(f.path), false, ids);
    } catch (e) {
      reportError(e, 'session');
    }
  }

  /** Apply a session; when files are missing, every one is listed once and the session waits for them. */
  applySessionText(json: string, file: string, retry = false, ids: Record<string, string> = {}): SessionResult {
    let r: SessionResult;
    try {
      r = applySession(this.app.assets.records, json, file, ids);
    } catch (e) {
      reportError(e, 'session');
      return { ok: false, missing: [] };
    }
    if (r.missing.length) {
      this.pendingSession = { text: json, file };
      if (!retry)
        reportError(
          new MimicError(
            'ParseError',
            file,
            'assets',
            `the session needs ${r.missing.length} file(s) not loaded here: ${r.missing.join(', ')} — drop them on the page to continue`,
          ),
          'session',
        );
    } else if (r.ok) this.pendingSession = null;
    return r;
  }

  get waitingSession(): boolean {
    return !!this.pendingSession;
  }

  async removeAsset(id: string): Promise<void> {
    const s = store.getState();
    if (this.app.assets.records.get(id)?.builtin) return;
    this.app.assets.forget(id);
    await this.app.persist.deleteRecord(id).catch(() => {});
    const patch: Partial<AppState> = {
      segments: s.segments.filter((g) => g.clipId !== id),
      layers: s.layers.filter((l) => l.clipId !== id),
    };
    if (s.policyId === id) {
      patch.policyId = null;
      if (s.driver === 'policy') patch.driver = 'builtin';
    }
    if (s.robotId === id) patch.robotId = BUILTIN_ROBOT;
    store.setState(patch);
    refreshAssets(this.app.assets);
  }
}

/** A .json that is not JSON is a named error (file, line and column), whether a session or a policy profile. */
function checkJson(f: RawFile): boolean {
  try {
    parseJson(text(f.bytes), base(f.path));
    return true;
  } catch (e) {
    reportError(e, 'load');
    return false;
  }
}
