/** The Evaluate tab: mounts the evaluation helper's panel (src/app/evaluation/panel.ts) with our context. */
import { store, reportError } from './store';
import type { AssetRegistry } from './assets';
import { h } from './dom';
import type { EvaluationContext } from './evaluation/panel';

const panels = import.meta.glob('./evaluation/panel.ts');

export function mountEvaluation(el: HTMLElement, assets: AssetRegistry): void {
  const load = panels['./evaluation/panel.ts'];
  if (!load) {
    el.append(h('div', { class: 'dim' }, 'Evaluation panel not available in this build.'));
    return;
  }
  const ctx = evaluationContext(assets);
  load().then(
    (m) => (m as { mountEvaluationPanel: (el: HTMLElement, ctx: EvaluationContext) => unknown }).mountEvaluationPanel(el, ctx),
    (e) => reportError(e, 'evaluation panel'),
  );
}

/** What the evaluation panel reads: the currently loaded robot, policy and clips, from our store. */
export function evaluationContext(assets: AssetRegistry): EvaluationContext & { store: typeof store } {
  return {
    store,
    getRobot: () => {
      const s = store.getState();
      const r = assets.records.get(s.robotId);
      if (!r) return null;
      const main = r.files[0];
      return {
        id: r.id,
        name: r.name,
        model: assets.robotOf(r.id),
        file: main.path,
        text: assets.robotText(r.id),
        files: r.files,
      };
    },
    getPolicy: () => {
      const s = store.getState();
      if (!s.policyId) return null;
      const f = assets.policyFiles(s.policyId);
      return {
        id: s.policyId,
        name: assets.records.get(s.policyId)!.name,
        bytes: f.onnx.bytes,
        file: f.onnx.path.split('/').pop()!,
        yaml: f.yaml ? new TextDecoder().decode(f.yaml.bytes) : undefined,
        profile: f.profile ? new TextDecoder().decode(f.profile.bytes) : undefined,
      };
    },
    getClips: () => {
      const s = store.getState();
      const ids = [...new Set(s.segments.map((g) => g.clipId))];
      return ids.flatMap((id) => {
        try {
          return [{ id, name: assets.records.get(id)!.name, clip: assets.clipOf(id, s.robotId) }];
        } catch {
          return [];
        }
      });
    },
    reportError,
  };
}
