/**
 * MuJoCo's WebAssembly is compiled lazily: each function on first call by V8's baseline compiler, the hot ones again
 * by the optimising compiler in the background. Its model compiler runs cold the first time: the G1's collision
 * meshes (convex hulls, bounding-volume trees) took 1.8–2.1 s on the first compile in a process and 0.8 s on the
 * third, here. `warmMujoco` compiles a small model with one mesh (a sphere of `rings` × `rings` × 2 triangles, as a
 * binary STL) so that this happens while an evaluation worker would otherwise wait for its first job.
 */
import { loadMujoco } from './mujoco';
import { compileMjcf } from './mujoco-fs';

/** A UV sphere of radius `r` as binary STL (80-byte header, count, 50 bytes per triangle). */
export function sphereStl(rings: number, r = 0.1): Uint8Array {
  const at = (i: number, j: number): number[] => {
    const th = (Math.PI * i) / rings,
      ph = (2 * Math.PI * j) / rings;
    return [r * Math.sin(th) * Math.cos(ph), r * Math.sin(th) * Math.sin(ph), r * Math.cos(th)];
  };
  const tris: number[][][] = [];
  for (let i = 0; i < rings; i++)
    for (let j = 0; j < rings; j++) {
      const [a, b, c, d] = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
      tris.push([a, b, c], [a, c, d]);
    }
  const out = new Uint8Array(84 + 50 * tris.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(80, tris.length, true);
  tris.forEach((t, k) => t.flat().forEach((v, n) => dv.setFloat32(84 + 50 * k + 12 + 4 * n, v, true)));
  return out;
}

const WARM_XML = `<mujoco model="warm">
  <asset><mesh name="ball" file="ball.stl"/></asset>
  <worldbody>
    <geom type="plane" size="1 1 0.1"/>
    <body pos="0 0 0.3"><freejoint/><geom type="mesh" mesh="ball" mass="1"/>
      <body pos="0 0 0.2"><joint type="hinge" axis="0 1 0"/><geom type="mesh" mesh="ball" mass="0.5"/></body>
    </body>
  </worldbody>
</mujoco>`;

/** Load MuJoCo and compile (then free) the warm-up model. */
export async function warmMujoco(rings = 48): Promise<void> {
  const mj = await loadMujoco();
  compileMjcf(mj, WARM_XML, { 'ball.stl': sphereStl(rings) }, 'warm-up model').delete();
}
