/** Tiny DOM helper: h('div', { class: 'x', onclick }, child, 'text'). */
type Attrs = Record<string, unknown>;
/** An attribute value as text (numbers and strings; anything else is empty). */
const attrText = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'class') el.className = attrText(v);
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled') Object.assign(el, { [k]: v });
    else if (k === 'text') el.textContent = attrText(v);
    else el.setAttribute(k, v === true ? '' : attrText(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** An element with its DOM properties set directly (el('input', { type: 'number', value: '1' }), kids...). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
}

export const fmt = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : '∞');

export function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  return h('option', { value, selected }, label);
}
