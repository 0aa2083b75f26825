// Shared by the objects tests: a small robot MJCF (a box with one arm) that also holds a free ball.
import { loadMjcfScene } from '../../src/core/model/mjcf';
import { robotFileObjects, type ObjectSpec } from '../../src/core/model/objects';
import type { RobotModel } from '../../src/core/model/types';

export const SCENE_XML = `<mujoco model="post">
  <worldbody>
    <body name="base" pos="3 0 0.3">
      <freejoint/>
      <geom type="box" size="0.1 0.1 0.3" mass="5"/>
      <body name="arm" pos="0 0 0.35">
        <joint name="swing" type="hinge" axis="0 1 0" range="-1 1"/>
        <geom type="capsule" size="0.03 0.1" pos="0 0 0.1" mass="0.5"/>
      </body>
    </body>
    <body name="ball" pos="0 0 1">
      <freejoint/>
      <geom type="sphere" size="0.1"/>
    </body>
  </worldbody>
  <actuator><motor joint="swing"/></actuator>
</mujoco>`;

export function loadScene(): { model: RobotModel; objects: ObjectSpec[]; warnings: string[] } {
  const { model, objects } = loadMjcfScene(SCENE_XML, 'post.xml');
  const warnings: string[] = [];
  return { model, objects: robotFileObjects(objects, 'post.xml', warnings), warnings };
}
