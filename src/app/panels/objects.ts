/**
 * objects: the Objects panel — add a sphere, box or capsule (size, mass, friction, restitution, position), load an
 * object file (.json primitive or a small MJCF with one free body), clear them; the scene is rebuilt with them in
 * the physics. Keys 1–9 pick the skill of a skill-conditioned policy (SkillMimic-style one-hot); a key past its
 * skills is a named error (the app keeps running). Terrain (issue 16): flat / slopes / rough / stairs / boxes, drawn
 * in the scene and built into the engine. Each frame: the ghost objects at the reference object poses and the
 * object position error series (object-reference.ts) when the reference carries object tracks.
 */
import { loadObjectFile, primitiveObject, type PrimitiveKind } from '../../core/model/objects';
import { h } from '../dom';
import { reportError, store } from '../store';
import type { SceneObjects } from '../objects-state';
import type { AssetRegistry } from '../assets';
import { ObjectsView } from '../scene/objects';
import { TerrainView } from '../scene/terrain';
import { TERRAIN_CHOICES, setTerrainChoice, terrainChoice, terrainSpec, type TerrainChoice } from '../terrain-state';
import type { ObjectReference } from '../object-reference';
import type { ObjectTrack } from '../../core/motion/types';
import type { Scene } from '../scene/scene';
import type { SimView } from '../sim-view';
import { setUpKick } from './objects-kick';

export interface ObjectsHost {
  /** the simulation, wherever it runs */
  readonly view: SimView;
  /** a skill-conditioned policy's skill (keys 1–9): its PolicyError when out of range */
  setSkillCondition(skill: number): Promise<void>;
  /** rebuild the engine with the scene's objects (same robot), then the reference and the driver */
  reloadScene(): Promise<void>;
  /** the reference objects and the object error series */
  readonly objectRef: ObjectReference;
  /** what the panel shows, read by the hook */
  readonly objectsReadout: ObjectsReadout;
  /** the scene's objects */
  readonly objects: SceneObjects;
  /** the asset registry (the kick demo registers its clip) */
  readonly assets: AssetRegistry;
}

/** The skill last chosen by key (null: none yet); ghost objects drawn at the reference poses now. */
export interface ObjectsReadout {
  skill: number | null;
  ghosts: number;
}

const nums = (s: string): number[] =>
  s
    .trim()
    .split(/[\s,]+/)
    .map(Number);
const SIZES: Record<PrimitiveKind, string> = { sphere: '0.11', box: '0.1 0.1 0.1', capsule: '0.05 0.1' };

/** Report each warning as a message (kind Warning). */
const warn = (ws: string[]) => ws.forEach((w) => reportError({ name: 'Warning', message: w }, 'objects'));

declare global {
  interface Window {
    /** debugging / tests: give the reference an object track directly (plain arrays; fps, default 50) */
    __mimicObjects?: { setTrack(t: { name: string; pos: number[]; quat: number[] } | null, fps?: number): void };
  }
}

const toTrack = (t: { name: string; pos: number[]; quat: number[] }): ObjectTrack => ({
  name: t.name,
  pos: Float32Array.from(t.pos),
  quat: Float32Array.from(t.quat),
});

export function mountObjects(el: HTMLElement, host: ObjectsHost, scene: Scene): void {
  const view = new ObjectsView(scene.scene);
  const shape = h('select', { id: 'object-shape' }, ...(['sphere', 'box', 'capsule'] as const).map((s) => h('option', { value: s }, s)));
  const size = h('input', {
    id: 'object-size',
    value: SIZES.sphere,
    size: 10,
    title: 'sphere r; box half sizes x y z; capsule r, half length',
  });
  const mass = h('input', { id: 'object-mass', value: '0.45', size: 5, title: 'kg (0 = from geometry at 1000 kg/m³)' });
  const friction = h('input', { id: 'object-friction', value: '0.8', size: 4 });
  const restitution = h('input', { id: 'object-restitution', value: '0.5', size: 4, title: '0 = no bounce, 1 = full bounce' });
  const pos = h('input', { id: 'object-pos', value: '0.6 0 1', size: 10, title: 'x y z (m), env frame' });
  shape.addEventListener('change', () => (size.value = SIZES[shape.value as PrimitiveKind]));
  const apply = async (add: () => void, reload = true) => {
    try {
      add();
      if (reload) await host.reloadScene();
    } catch (e) {
      reportError(e, 'objects');
    }
  };
  const addButton = h(
    'button',
    {
      id: 'object-add',
      onclick: () =>
        void apply(() => {
          const ws: string[] = [];
          const k = host.objects.current.length;
          const o = primitiveObject(
            {
              name: `${shape.value}${k + 1}`,
              shape: shape.value as PrimitiveKind,
              size: nums(size.value),
              mass: Number(mass.value),
              friction: Number(friction.value),
              restitution: Number(restitution.value),
              pos: nums(pos.value),
            },
            'Objects panel',
            ws,
          );
          host.objects.set([...host.objects.current, o], ws);
          warn(ws);
        }),
    },
    'add object',
  );
  const file = h('input', { id: 'object-file', type: 'file', accept: '.json,.xml,.mjcf' });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (!f) return;
    void f.text().then((text) =>
      apply(() => {
        const ws: string[] = [];
        host.objects.set([...host.objects.current, loadObjectFile(text, f.name, ws)], ws);
        warn(ws);
      }),
    );
    file.value = '';
  });
  const kick = h(
    'button',
    {
      id: 'object-kick',
      title: 'built-in humanoid + ball + a reference that carries the ball (built-in controller, assist 1)',
      onclick: () =>
        void (async () => {
          try {
            if (setUpKick(host)) await host.reloadScene();
            host.view.seek(0);
          } catch (e) {
            reportError(e, 'kick demo');
          }
        })(),
    },
    'kick demo',
  );
  const clear = h('button', { id: 'object-clear', onclick: () => void apply(() => host.objects.set([], [])) }, 'clear');
  const list = h('div', { id: 'object-list', class: 'dim' });
  const render = () => {
    const objs = host.objects.current;
    list.textContent = objs.length ? objs.map((o) => `${o.name} (${o.mass.toPrecision(3)} kg)`).join(', ') : 'no objects';
    view.set(objs);
    host.objectRef.clearErr(); // a new scene: a new object error series
  };
  host.objects.onChange(render);
  render();
  const terrainView = new TerrainView(scene.scene);
  const terrain = h(
    'select',
    { id: 'terrain-choice', title: 'ground the robot stands on (seeded); the scene is rebuilt' },
    ...Object.keys(TERRAIN_CHOICES).map((id) => h('option', { value: id }, id)),
  );
  const seed = h('input', { id: 'terrain-seed', value: String(terrainChoice().seed), size: 4, title: 'seed of rough / boxes' });
  const choose = () => {
    try {
      setTerrainChoice(terrain.value, Number(seed.value));
    } catch (e) {
      reportError(e, 'objects');
    }
  };
  terrain.addEventListener('change', choose);
  seed.addEventListener('change', choose);
  // the store's choice (the panel, a session, a share link) → drawn and built into the engine
  const showTerrain = (t: TerrainChoice, before: TerrainChoice | null) => {
    terrain.value = t.id;
    seed.value = String(t.seed);
    try {
      terrainView.show(terrainSpec());
    } catch (e) {
      if (before) store.setState({ terrain: before });
      throw e;
    }
  };
  showTerrain(terrainChoice(), null);
  store.subscribe((st, p) => {
    if (st.terrain === p.terrain) return;
    const robotChanged = st.robotId !== p.robotId; // the app rebuilds the engine itself then
    void apply(() => showTerrain(st.terrain, p.terrain), !robotChanged);
  });
  el.append(
    h('div', {}, shape, ' size ', size, ' mass ', mass),
    h('div', {}, 'friction ', friction, ' restitution ', restitution),
    h('div', {}, 'position ', pos, ' ', addButton, ' ', clear),
    h('div', {}, 'object file ', file, ' ', kick),
    list,
    h('div', {}, 'terrain ', terrain, ' seed ', seed),
    h('div', { class: 'dim', style: 'font-size:11px' }, 'Keys 1–9: skill of a skill-conditioned policy.'),
  );
  const tick = () => {
    const v = host.view,
      o = v.objects() ?? undefined;
    view.update(o);
    const ref = o ? host.objectRef.at(o, v.time) : null;
    view.updateReference(ref);
    host.objectsReadout.ghosts = view.ghostsShown();
    if (o && ref && v.driverKind() !== 'replay') host.objectRef.record(o, ref, v.time);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  window.__mimicObjects = Object.freeze({
    setTrack: (t: Parameters<typeof toTrack>[0] | null, fps = 50) => host.objectRef.setTrack(t && toTrack(t), fps),
  });
  window.addEventListener('keydown', (e) => skillKey(e, host));
}

/** Keys 1–9 → skill 0–8 of the running skill-conditioned policy; out of range → its named PolicyError. */
function skillKey(e: KeyboardEvent, host: ObjectsHost): void {
  if ((e.target as HTMLElement).closest('input,select,textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
  if (!/^[1-9]$/.test(e.key)) return;
  const cfg = host.view.driverInfo().config;
  if (!cfg || cfg.nSkills === 0) return;
  const k = Number(e.key) - 1;
  host.setSkillCondition(k).then(
    () => (host.objectsReadout.skill = k),
    (err: unknown) => reportError(err, 'skill key'),
  );
}
