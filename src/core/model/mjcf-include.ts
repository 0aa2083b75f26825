/**
 * MJCF `<include file="..."/>`: MuJoCo assembles one document before it parses it — each include element is replaced
 * by the children of the included file's top-level element (nested includes too; a file at most once; at least one
 * element each). mujoco_menagerie's `scene.xml` includes the robot's own file this way. `expandIncludes` does the same,
 * so that every reader of the MJCF (the robot model, the physics pruning, MuJoCo's compile) sees one document. Paths
 * are read by the caller's `read` (relative to the main file's folder, as MuJoCo reads them). `withOrigins` turns an
 * error at a line of the assembled document back into the file and line it came from.
 */
import { MimicError, fail } from '../errors';
import { parseXml, writeXml, type XmlElement } from './xml';

export type ReadFile = (path: string) => Uint8Array | string | undefined;

const withoutComments = (t: string): string => t.replace(/<!--[\s\S]*?-->/g, '');

/** Does the MJCF text include other files? */
export const hasIncludes = (text: string): boolean => /<\s*include\b/.test(withoutComments(text));

/** The files the MJCF text includes itself (`<include file>`, as written; not those its includes include). */
export const includedFiles = (text: string): string[] =>
  [...withoutComments(text).matchAll(/<\s*include\b[^>]*?\bfile\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]);

const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '');

/** Replace the includes under `el`; `origin` gets the file of every element that came from an included one. */
function expandIn(el: XmlElement, file: string, read: ReadFile, seen: Set<string>, origin: Map<XmlElement, string>): void {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name !== 'include') {
      expandIn(c, file, read, seen, origin);
      out.push(c);
      continue;
    }
    const path = c.attrs.file;
    const at = `line ${c.line}`;
    if (!path) fail('ParseError', file, at, '<include> has no file attribute');
    if (seen.has(norm(path))) fail('ParseError', file, at, `"${path}" is included twice (MuJoCo includes a file at most once)`);
    seen.add(norm(path));
    const data = read(path);
    if (data === undefined) fail('ParseError', file, at, `included file "${path}" not found (give it with the MJCF, beside it)`);
    const inc = parseXml(typeof data === 'string' ? data : new TextDecoder().decode(data), path);
    if (!inc.children.length) fail('ParseError', path, `line ${inc.line}`, `<${inc.name}> has no elements to include`);
    const mark = (e: XmlElement): void => void (origin.set(e, path), e.children.forEach(mark));
    inc.children.forEach(mark);
    expandIn(inc, path, read, seen, origin);
    out.push(...inc.children);
  }
  el.children = out;
}

/** Line of the assembled text (writeXml: one line per opening tag, text and closing tag) → file and line it came from. */
function lineOrigins(root: XmlElement, file: string, origin: Map<XmlElement, string>): [string, number][] {
  const lines: [string, number][] = [];
  const visit = (el: XmlElement): void => {
    const from: [string, number] = [origin.get(el) ?? file, el.line];
    lines.push(from);
    if (!el.children.length && !el.text) return;
    if (el.text) lines.push(from);
    el.children.forEach(visit);
    lines.push(from);
  };
  visit(root);
  return lines;
}

export interface Expanded {
  text: string;
  /** 1-based line of `text` → the file and line it came from (null: the text is the file itself) */
  origins: [string, number][] | null;
}

/** The MJCF with every include replaced by what it includes; the text itself when it has none. */
export function expandIncludes(text: string, file: string, read: ReadFile): string {
  return expandWithOrigins(text, file, read).text;
}

export function expandWithOrigins(text: string, file: string, read: ReadFile): Expanded {
  if (!hasIncludes(text)) return { text, origins: null };
  const root = parseXml(text, file);
  const origin = new Map<XmlElement, string>();
  expandIn(root, file, read, new Set([norm(file)]), origin);
  return { text: writeXml(root), origins: lineOrigins(root, file, origin) };
}

/** Run `load` on the assembled document; an error at one of its lines names the file and line it came from. */
export function withOrigins<T>(doc: Expanded, file: string, load: (text: string) => T): T {
  try {
    return load(doc.text);
  } catch (e) {
    const m = e instanceof MimicError && doc.origins && e.file === file ? /^line (\d+)(.*)$/s.exec(e.where) : null;
    const from = m ? doc.origins![Number(m[1]) - 1] : undefined;
    if (!from || !(e instanceof MimicError)) throw e;
    throw new MimicError(e.kind, from[0], `line ${from[1]}${m![2]}`, e.detail);
  }
}
