/**
 * MJCF `<contact>`: explicit geom pairs and body exclusions. A robot can switch every geom's contype/conaffinity off
 * and collide through `<pair geom1 geom2>` alone (Apptronik's Apollo: its feet against the floor). A pair of a robot
 * geom with a world geom makes that geom touch the ground here too (Shape.groundPair); MuJoCo reads the file itself
 * and honours every pair and exclusion. Pairs between two robot geoms and `<exclude>`s matter only to self-collision,
 * which MuJoCo has and Rapier runs only when asked for: said in one warning, with what was read.
 */
import type { Body, Shape } from './types';
import type { XmlElement } from './xml';

/** Robot shapes by geom name: colliding ones first, then visual-only ones (contype = conaffinity = 0). */
function shapesByName(bodies: Body[]): Map<string, { body: Body; shape: Shape; colliding: boolean }> {
  const out = new Map<string, { body: Body; shape: Shape; colliding: boolean }>();
  for (const body of bodies) {
    for (const shape of body.collision) if (shape.name && !out.has(shape.name)) out.set(shape.name, { body, shape, colliding: true });
    for (const shape of body.visual) if (shape.name && !out.has(shape.name)) out.set(shape.name, { body, shape, colliding: false });
  }
  return out;
}

/** Read every `<contact>` section; mark robot geoms paired with world geoms; returns the warnings to add. */
export function readContacts(contacts: XmlElement[], bodies: Body[]): string[] {
  if (!contacts.length) return [];
  const robot = shapesByName(bodies);
  let ground = 0,
    self = 0,
    excludes = 0;
  const unknown: string[] = [];
  for (const el of contacts.flatMap((c) => c.children)) {
    if (el.name === 'exclude') excludes++;
    if (el.name !== 'pair') continue;
    const [a, b] = [el.attrs.geom1, el.attrs.geom2].map((g) => (g === undefined ? undefined : robot.get(g)));
    if (a && b) self++;
    else if (a || b) {
      ground++;
      groundPair((a ?? b)!);
    } else unknown.push(`${el.attrs.geom1 ?? '?'}/${el.attrs.geom2 ?? '?'}`);
  }
  const line = contacts[0].line;
  const out: string[] = [];
  if (ground) out.push(`line ${line}: <contact>: ${ground} <pair>(s) of a robot geom with a world geom: those geoms touch the ground`);
  if (self || excludes)
    out.push(
      `line ${line}: <contact>: ${self} robot–robot <pair>(s) and ${excludes} <exclude>(s) shape self-collision: MuJoCo honours them; Rapier's self-collision (off unless asked for) does not read them`,
    );
  if (unknown.length)
    out.push(`line ${line}: <contact>: ${unknown.length} <pair>(s) name no robot geom (${unknown.slice(0, 3).join(', ')}); ignored`);
  return out;
}

/** A robot geom paired with the floor: a colliding copy of a visual-only geom, or the colliding geom marked. */
function groundPair(hit: { body: Body; shape: Shape; colliding: boolean }): void {
  if (hit.colliding) hit.shape.groundPair = true;
  else if (!hit.body.collision.some((s) => s.name === hit.shape.name && s.groundPair))
    hit.body.collision.push({ ...hit.shape, groundPair: true });
}
