/** Transport: play, pause, single control step, speed 0.1×–4×, scrub, loop. */
import { store } from '../store';
import { h, fmt } from '../dom';
import type { SimView } from '../sim-view';

/**
 * The position in the clip (timeline) and, while looping, which pass: "4.30 / 19.44 s · loop 3"; a blend has
 * no end: "t 12.00 s".
 */
export function timeText(t: number, duration: number, loop: boolean): string {
  if (!Number.isFinite(duration) || duration <= 0) return `t ${fmt(t)} s`;
  if (!loop) return `${fmt(Math.min(t, duration))} / ${fmt(duration)} s`;
  const pass = Math.floor(t / duration + 1e-9);
  return `${fmt(t - pass * duration)} / ${fmt(duration)} s · loop ${pass + 1}`;
}

export function mountTransport(el: HTMLElement, view: () => SimView): void {
  const play = h('button', { id: 'play', title: 'Play (space)', onclick: () => store.setState({ playing: true }) }, '▶ Play');
  const pause = h('button', { id: 'pause', title: 'Pause (space)', onclick: () => store.setState({ playing: false }) }, '❚❚ Pause');
  const step = h(
    'button',
    {
      id: 'step',
      title: 'One control step (→)',
      onclick: () => {
        store.setState({ playing: false });
        void view().controlStep(store.getState().loop);
      },
    },
    '▸| Step',
  );
  const reset = h(
    'button',
    { id: 'restart', title: 'Back to the start, robot on the reference', onclick: () => view().seek(0) },
    '|◀ Start',
  );
  const speeds = [0.1, 0.25, 0.5, 1, 1.5, 2, 4];
  const speed = h(
    'select',
    {
      id: 'speed',
      title: 'Playback speed',
      onchange: (e: Event) => store.setState({ speed: Number((e.target as HTMLSelectElement).value) }),
    },
    ...speeds.map((v) => h('option', { value: String(v), selected: v === 1 }, `${v}×`)),
  );
  const scrub = h('input', {
    id: 'scrub',
    class: 'scrub',
    type: 'range',
    min: '0',
    max: '1',
    step: '0.001',
    value: '0',
    oninput: (e: Event) => {
      const s = store.getState();
      const dur = Number.isFinite(s.status.duration) ? s.status.duration : Math.max(view().time, 10);
      view().seek(Number((e.target as HTMLInputElement).value) * dur);
    },
  });
  const loop = h('input', {
    id: 'loop',
    type: 'checkbox',
    checked: true,
    onchange: (e: Event) => store.setState({ loop: (e.target as HTMLInputElement).checked }),
  });
  const time = h(
    'span',
    { class: 'time num', id: 'time', title: 'position in the timeline / its length · which pass while looping' },
    '0.00 s',
  );
  el.append(
    reset,
    play,
    pause,
    step,
    h('span', { class: 'dim' }, 'speed'),
    speed,
    scrub,
    h('label', { class: 'dim' }, loop, ' loop'),
    time,
  );
  let lastText = '';
  const update = () => {
    const s = store.getState();
    play.classList.toggle('on', s.playing);
    pause.classList.toggle('on', !s.playing);
    const dur = s.status.duration;
    const txt = timeText(s.time, dur, s.loop);
    if (txt !== lastText) {
      time.textContent = txt;
      lastText = txt;
    }
    if (document.activeElement !== scrub) {
      const d = Number.isFinite(dur) && dur > 0 ? dur : Math.max(s.time, 10);
      scrub.value = String(Math.min(1, (s.loop && Number.isFinite(dur) && dur > 0 ? s.time % dur : s.time) / d));
    }
    speed.value = String(s.speed);
    loop.checked = s.loop;
  };
  update();
  store.subscribe(update);
  window.addEventListener('keydown', (e) => {
    if ((e.target as HTMLElement).closest('input,select,textarea')) return;
    if (e.code === 'Space') {
      e.preventDefault();
      store.setState((s) => ({ playing: !s.playing }));
    }
    if (e.code === 'ArrowRight') step.click();
  });
}
