/**
 * A small XML parser (Node has no DOMParser): elements, attributes and children with line numbers,
 * enough for MJCF and URDF. Comments, processing instructions, DOCTYPE and CDATA are skipped; text
 * content is kept (trimmed) but rarely used. Malformed input → MimicError('ParseError', file, 'line N', ...).
 */
import { fail } from '../errors';
import { LIMITS } from '../validate';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** 1-based line of the opening tag */
  line: number;
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string, file: string, line: number): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;\s]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) fail('ParseError', file, `line ${line}`, `unterminated entity "${m}"`);
    if (name[0] === '#') {
      const hex = name[1] === 'x' || name[1] === 'X';
      const digits = name.slice(hex ? 2 : 1);
      const ok = hex ? /^[0-9a-fA-F]{1,8}$/.test(digits) : /^[0-9]{1,10}$/.test(digits);
      const code = ok ? parseInt(digits, hex ? 16 : 10) : NaN;
      if (!isXmlChar(code)) fail('ParseError', file, `line ${line}`, `bad character reference "${m}" (not a valid XML character)`);
      return String.fromCodePoint(code);
    }
    const v = ENTITIES[name];
    if (v === undefined) fail('ParseError', file, `line ${line}`, `unknown entity "${m}"`);
    return v;
  });
}

/** XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] */
const isXmlChar = (c: number): boolean =>
  c === 9 || c === 10 || c === 13 || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

const NAME_RE = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

/** Parse an XML document and return its root element. */
export function parseXml(text: string, file: string): XmlElement {
  let i = 0;
  let line = 1;
  const n = text.length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const err = (what: string, at = line): never => fail('ParseError', file, `line ${at}`, what);
  const advanceTo = (j: number): void => {
    for (let k = i; k < j; k++) if (text.charCodeAt(k) === 10) line++;
    i = j;
  };
  const skipTo = (end: string, what: string): void => {
    const j = text.indexOf(end, i);
    if (j < 0) err(`unterminated ${what}`);
    advanceTo(j + end.length);
  };
  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
  };
  const readName = (): string => {
    NAME_RE.lastIndex = i;
    const m = NAME_RE.exec(text);
    if (!m) err(`expected a name, found "${text.slice(i, i + 10)}"`);
    i += m![0].length;
    return m![0];
  };

  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      if (text.slice(i).trim() && stack.length === 0) err('text outside the root element');
      advanceTo(n);
      break;
    }
    const chunk = text.slice(i, lt);
    if (chunk.trim()) {
      if (stack.length === 0) err('text outside the root element');
      const top = stack[stack.length - 1];
      top.text += decode(chunk.trim(), file, line);
    }
    advanceTo(lt);
    if (text.startsWith('<!--', i)) {
      skipTo('-->', 'comment');
      continue;
    }
    if (text.startsWith('<?', i)) {
      skipTo('?>', 'processing instruction');
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      const start = i + 9;
      const j = text.indexOf(']]>', start);
      if (j < 0) err('unterminated CDATA section');
      if (stack.length) stack[stack.length - 1].text += text.slice(start, j);
      advanceTo(j + 3);
      continue;
    }
    if (text.startsWith('<!', i)) {
      skipTo('>', 'declaration');
      continue;
    }
    if (text.startsWith('</', i)) {
      const at = line;
      i += 2;
      const name = readName();
      skipWs();
      if (text[i] !== '>') err(`malformed closing tag </${name}`);
      i++;
      const top = stack.pop();
      if (!top) err(`closing tag </${name}> without an opening tag`, at);
      if (top!.name !== name) err(`closing tag </${name}> does not match <${top!.name}> opened at line ${top!.line}`, at);
      continue;
    }
    // opening tag
    const at = line;
    i++;
    const el: XmlElement = { name: readName(), attrs: {}, children: [], line: at, text: '' };
    let selfClosing = false;
    for (;;) {
      skipWs();
      if (i >= n) err(`unterminated tag <${el.name}>`, at);
      const c = text[i];
      if (c === '>') {
        i++;
        break;
      }
      if (c === '/') {
        if (text[i + 1] !== '>') err(`malformed tag <${el.name}>: "/" not followed by ">"`);
        i += 2;
        selfClosing = true;
        break;
      }
      const aline = line;
      const attr = readName();
      skipWs();
      if (text[i] !== '=') err(`attribute "${attr}" of <${el.name}> has no value`);
      i++;
      skipWs();
      const q = text[i];
      if (q !== '"' && q !== "'") err(`attribute "${attr}" of <${el.name}> is not quoted`);
      const end = text.indexOf(q, i + 1);
      if (end < 0) err(`unterminated value of attribute "${attr}" in <${el.name}>`, aline);
      const raw = text.slice(i + 1, end);
      if (raw.includes('<')) err(`"<" inside the value of attribute "${attr}" of <${el.name}>`, aline);
      if (attr in el.attrs) err(`duplicate attribute "${attr}" in <${el.name}>`, aline);
      el.attrs[attr] = decode(raw, file, aline);
      advanceTo(end + 1);
    }
    if (stack.length) stack[stack.length - 1].children.push(el);
    else if (root) err(`second root element <${el.name}> (the root is <${root.name}>)`, at);
    else root = el;
    if (!selfClosing) {
      if (stack.length >= LIMITS.maxDepth) err(`elements nested deeper than ${LIMITS.maxDepth} levels`, at);
      stack.push(el);
    }
  }
  if (stack.length) {
    const top = stack[stack.length - 1];
    err(`element <${top.name}> opened at line ${top.line} is never closed`, top.line);
  }
  if (!root) err('no root element', 1);
  return root!;
}

/** Children with a given tag name. */
export const childrenNamed = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);
export const childNamed = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** XML text of an element tree (comments and declarations are gone; attributes and text as parsed). */
export function writeXml(el: XmlElement, indent = ''): string {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join('');
  if (!el.children.length && !el.text) return `${indent}<${el.name}${attrs}/>\n`;
  const text = el.text ? `${indent}  ${escape(el.text)}\n` : '';
  const kids = el.children.map((c) => writeXml(c, indent + '  ')).join('');
  return `${indent}<${el.name}${attrs}>\n${text}${kids}${indent}</${el.name}>\n`;
}
