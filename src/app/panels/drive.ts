/** Drive tab: the three drivers (switchable live), assist slider with an honest note, policy choice, status. */
import type { PolicyConfig } from '../../core/policy/config';
import { store } from '../store';
import { h, fmt } from '../dom';
import { changed, rerenderOn } from './common';
import type { SimView } from '../sim-view';
import type { DriverKind } from '../../core/motion/timeline';
import type { ObsMode } from '../store';
import type { StartMode } from '../../core/policy/start';
import { pickValue, shippedProfiles } from '../profile-pick';
import { startLine, startOptions } from '../start-pick';

const LABELS: Record<DriverKind, string> = { replay: 'Kinematic replay', builtin: 'Built-in controller', policy: 'ONNX policy' };

export function mountDrive(el: HTMLElement, view: () => SimView): void {
  const radios = h(
    'div',
    { class: 'radio' },
    ...(['replay', 'builtin', 'policy'] as DriverKind[]).map((k) =>
      h('button', { 'data-driver': k, id: `driver-${k}`, onclick: () => store.setState({ driver: k }) }, LABELS[k]),
    ),
  );
  const assistVal = h('span', { class: 'num' });
  const assist = h('input', {
    id: 'assist',
    type: 'range',
    min: '0',
    max: '1',
    step: '0.01',
    value: '1',
    oninput: (e: Event) => store.setState({ assist: Number((e.target as HTMLInputElement).value) }),
  });
  const assistRow = h('div', { class: 'row' }, h('label', {}, 'assist'), assist, assistVal);
  const note = h('div', { class: 'note' });
  const policySel = h('select', {
    id: 'policy-select',
    onchange: (e: Event) => store.setState({ policyId: (e.target as HTMLSelectElement).value || null }),
  });
  const profileSel = h(
    'select',
    {
      id: 'profile-select',
      title: 'Configure the loaded policy from its own files (auto) or from a shipped profile',
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value,
          id = store.getState().policyId;
        store.setState({ profilePick: v && id ? { policyId: id, profile: v } : null });
      },
    },
    h('option', { value: '' }, 'auto (from file)'),
    ...shippedProfiles.map((p) => h('option', { value: p.id }, p.file)),
  );
  const startSel = h(
    'select',
    {
      id: 'start-select',
      title: 'How the policy driver starts, also after a scrub, a loop or a fall',
      onchange: (e: Event) => store.setState({ startMode: (e.target as HTMLSelectElement).value as StartMode }),
    },
    ...startOptions().map((o) => h('option', { value: o.value }, o.label)),
  );
  const obsSel = h(
    'select',
    {
      id: 'obs-backend',
      title: "Where the ONNX policy's observations are built",
      onchange: (e: Event) => store.setState({ obsMode: (e.target as HTMLSelectElement).value as ObsMode }),
    },
    h('option', { value: 'auto' }, 'auto (measured)'),
    h('option', { value: 'cpu' }, 'CPU'),
    h('option', { value: 'gpu' }, 'GPU (WebGPU)'),
  );
  const info = h('dl', { class: 'kv' });
  const source = h(
    'div',
    { class: 'radio' },
    h('button', { id: 'source-timeline', onclick: () => store.setState({ source: 'timeline' }) }, 'Timeline'),
    h('button', { id: 'source-blend', onclick: () => store.setState({ source: 'blend' }) }, 'Blend'),
  );
  const settings = h('div', { id: 'run-settings', class: 'run-settings num' });
  el.append(
    h('h2', {}, 'Driver'),
    radios,
    settings,
    assistRow,
    note,
    h('div', { class: 'row' }, h('label', {}, 'policy'), policySel),
    h('div', { class: 'row' }, h('label', {}, 'profile'), profileSel),
    h('div', { class: 'row' }, h('label', {}, 'start'), startSel),
    h('div', { class: 'row' }, h('label', {}, 'obs on'), obsSel),
    h('h2', { style: 'margin-top:12px' }, 'Reference from'),
    source,
    h('h2', { style: 'margin-top:12px' }, 'Run'),
    info,
  );
  const render = () => {
    const s = store.getState();
    radios.querySelectorAll('button').forEach((b) => b.classList.toggle('on', b.dataset.driver === s.driver));
    source.querySelectorAll('button').forEach((b) => b.classList.toggle('on', b.id === `source-${s.source}`));
    assistRow.style.display = s.driver === 'builtin' ? '' : 'none';
    if (document.activeElement !== assist) assist.value = String(s.assist);
    obsSel.value = s.obsMode;
    profileSel.value = pickValue(s);
    profileSel.disabled = !s.policyId;
    startSel.value = s.startMode;
    assistVal.textContent = `${(s.assist * 100).toFixed(0)} %`;
    note.textContent =
      s.driver === 'builtin'
        ? s.assist > 0
          ? `A wrench on the pelvis (${(s.assist * 100).toFixed(0)} % strength, carrying that share of the weight) pulls the robot toward the reference root. At 0 only joint PD is left and the robot may fall: tracking a kinematic clip is not balancing.`
          : 'Assist 0: joint PD on the reference angles only — no balance control, so the robot may well fall. That is expected; load a tracking policy to see real balance.'
        : s.driver === 'replay'
          ? 'The robot is placed exactly on the reference each step (no physics, no forces).'
          : 'The policy reads the reference and the simulated robot every control step and sets PD targets. Click and drag a body to push it.';
    const pols = s.assets.filter((a) => a.kind === 'policy');
    const key = pols.map((p) => p.id).join() + s.policyId;
    if (policySel.dataset.key !== key) {
      policySel.dataset.key = key;
      policySel.replaceChildren(
        h('option', { value: '' }, pols.length ? '— choose —' : 'none loaded'),
        ...pols.map((p) => h('option', { value: p.id, selected: p.id === s.policyId }, p.name)),
      );
    }
  };
  const settingsText = (): string => {
    const s = store.getState(),
      sim = view();
    const e = sim.engineInfo();
    return (
      `${startLine(s.startMode, s.driver === 'policy' ? sim.driverInfo().startShift : null)} · control ${fmt(1 / sim.dt, 0)} Hz` +
      (e ? ` · physics ${fmt(1 / e.dt, 0)} Hz × ${sim.decimation}` : '') +
      ` · speed ${s.speed}× · ${s.loop ? 'looping' : 'once'} · obs ${s.obsMode}` +
      (s.driver === 'builtin' ? ` · assist ${(s.assist * 100).toFixed(0)} %` : '')
    );
  };
  const renderInfo = () => {
    const s = store.getState(),
      sim = view();
    const e = sim.engineInfo();
    settings.textContent = settingsText();
    const rows: [string, string][] = [
      ['robot', sim.model ? `${sim.model.name} · ${sim.model.joints.length} joints` : '—'],
      [
        'engine',
        e
          ? `${e.name} · dt ${fmt(e.dt * 1000, 1)} ms · decimation ${sim.decimation} · on the ${sim.host === 'worker' ? 'simulation worker' : 'page'}`
          : '—',
      ],
      ['control', `${fmt(1 / sim.dt, 0)} Hz`],
      ['observations', `${s.status.obsBackend === 'probing' ? 'measuring…' : s.status.obsBackend.toUpperCase()} — ${s.status.obsReason}`],
      ...(s.status.obsEp
        ? [
            [
              'inference',
              s.status.obsEp === 'webgpu' ? 'onnxruntime-web WebGPU EP (same device)' : 'onnxruntime-web wasm (observations read back)',
            ] as [string, string],
          ]
        : []),
      ...policyRows(sim.driverInfo().config),
    ];
    info.replaceChildren(
      ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      h('dt', {}, 'adjustments'),
      h(
        'dd',
        {},
        e && e.adjustments.length + sim.appNotes.length
          ? h(
              'details',
              {},
              h('summary', {}, `${e.adjustments.length} model adjustments${sim.appNotes.length ? ' + app notes' : ''}`),
              h('ul', { style: 'padding-left:14px;margin:4px 0' }, ...[...e.adjustments, ...sim.appNotes].map((a) => h('li', {}, a))),
            )
          : 'none',
      ),
    );
  };
  render();
  renderInfo();
  rerenderOn(['driver', 'assist', 'assets', 'policyId', 'profilePick', 'startMode', 'source', 'obsMode'], render);
  store.subscribe((s, p) => {
    if (
      changed(s.status, p.status, ['obsReason', 'obsBackend', 'obsEp', 'engine', 'driverSerial']) ||
      changed(s, p, ['driver', 'speed', 'loop', 'assist', 'obsMode', 'startMode', 'robotId'])
    )
      renderInfo();
  });
  // the start shift changes at every reset (scrub, loop, fall): refresh the settings line now and then
  setInterval(() => {
    const t = settingsText();
    if (settings.textContent !== t) settings.textContent = t;
  }, 1000);
}

/** What the Run box says about the policy's configuration: family, source, what a profile filled in, warnings. */
function policyRows(cfg: PolicyConfig | null): [string, string][] {
  if (!cfg) return [];
  const rows: [string, string][] = [
    ['policy', `${cfg.family ?? 'unknown family'} · config from ${cfg.source}${cfg.embeddedReference ? ' · carries its reference' : ''}`],
  ];
  if (cfg.filledFromProfile?.length) rows.push(['from profile', cfg.filledFromProfile.join(', ')]);
  if (cfg.heldJoints?.names.length) rows.push(['held joints', cfg.heldJoints.names.join(', ')]);
  if (cfg.warnings?.length) rows.push(['warnings', cfg.warnings.join(' · ')]);
  return rows;
}
