// Every bad robot description becomes a named MimicError that says the file, where and what.
import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../src/core/errors';
import { loadMjcf, loadRobot, loadUrdf, type AssetResolver } from '../../src/core/model/index';
import { caught } from './policy-fixture';
import { AssetRegistry } from '../../src/app/assets';

function expectError(fn: () => unknown, kind: ErrorKind, file: string, where: RegExp, what: RegExp): void {
  const e = caught(fn);
  expect(e.kind).toBe(kind);
  expect(e.file).toBe(file);
  expect(e.where).toMatch(where);
  expect(e.message).toContain(file);
  expect(e.message).toContain(e.where);
  expect(e.message).toMatch(what);
}

const mj = (body: string, extra = ''): string =>
  `<mujoco model="t">\n<compiler angle="radian"/>\n${extra}<worldbody>\n${body}\n</worldbody>\n</mujoco>`;
const link = (n: string, mass = 1): string =>
  `<link name="${n}"><inertial><mass value="${mass}"/><inertia ixx="0.01" iyy="0.01" izz="0.01" ixy="0" ixz="0" iyz="0"/></inertial></link>`;
const joint = (n: string, p: string, c: string, type = 'revolute', axis = '0 0 1'): string =>
  `<joint name="${n}" type="${type}"><parent link="${p}"/><child link="${c}"/><axis xyz="${axis}"/><limit lower="-1" upper="1" effort="10" velocity="5"/></joint>`;
const urdf = (...parts: string[]): string => `<robot name="r">\n${parts.join('\n')}\n</robot>`;

const INERT = '<inertial mass="1" diaginertia="0.01 0.01 0.01"/>';

describe('malformed XML', () => {
  it('mismatched closing tag in MJCF → ParseError with the line', () => {
    expectError(() => loadMjcf(mj('<body name="a">\n</geom>'), 'bad.xml'), 'ParseError', 'bad.xml', /^line 5$/, /does not match <body>/);
  });
  it('unclosed element in URDF → ParseError naming the opening line', () => {
    expectError(
      () => loadUrdf('<robot name="r">\n<link name="a">\n</robot>', 'bad.urdf'),
      'ParseError',
      'bad.urdf',
      /^line 3$/,
      /does not match <link> opened at line 2/,
    );
  });
  it('unterminated attribute value → ParseError', () => {
    expectError(
      () => loadRobot('x.xml', '<mujoco>\n<worldbody name="a>\n</worldbody></mujoco>'),
      'ParseError',
      'x.xml',
      /^line \d$/,
      /unterminated value|"<" inside/,
    );
  });
  it('not a number in an attribute → ParseError with the element line', () => {
    expectError(
      () => loadMjcf(mj(`<body name="a" pos="0 zero 1">${INERT}<joint type="hinge"/></body>`), 'n.xml'),
      'ParseError',
      'n.xml',
      /^line 4$/,
      /"zero" is not a number/,
    );
  });
  it('a file that is neither MJCF nor URDF', () => {
    expectError(() => loadRobot('thing.xml', '<sdf version="1.6"></sdf>'), 'ParseError', 'thing.xml', /root element/, /<mujoco>.*<robot>/);
  });
});

describe('meshes', () => {
  const withMesh = mj(
    `<body name="a">${INERT}<joint type="hinge"/>\n<geom type="mesh" mesh="m"/></body>`,
    '<asset><mesh name="m" file="m.stl"/></asset>\n',
  );
  it('missing mesh file → MeshError naming the geom line and the path', () => {
    const resolve: AssetResolver = () => undefined;
    expectError(
      () => loadMjcf(withMesh, 'dir/robot.xml', resolve),
      'MeshError',
      'dir/robot.xml',
      /^line 6$/,
      /dir\/m\.stl.*not found|not found.*dir\/m\.stl/,
    );
  });
  it('corrupt (truncated binary) STL → MeshError', () => {
    const bytes = new Uint8Array(84 + 50 * 3 - 7);
    new DataView(bytes.buffer).setUint32(80, 3, true);
    expectError(() => loadMjcf(withMesh, 'robot.xml', () => bytes), 'MeshError', 'robot.xml', /^line 6$/, /corrupt.*declares 3 triangles/);
  });
  it('URDF mesh that cannot be found under either candidate path', () => {
    const u = urdf(
      '<link name="base"><inertial><mass value="1"/><inertia ixx="1" iyy="1" izz="1"/></inertial>',
      '<visual><geometry><mesh filename="package://pkg/meshes/part.stl"/></geometry></visual></link>',
    );
    expectError(() => loadUrdf(u, 'r.urdf', () => undefined), 'MeshError', 'r.urdf', /^line 3$/, /"meshes\/part\.stl"/);
  });
  it('a mesh geom naming an undeclared asset → MeshError', () => {
    expectError(
      () => loadMjcf(mj(`<body name="a">${INERT}<joint/>\n<geom type="mesh" mesh="nope"/></body>`), 'a.xml'),
      'MeshError',
      'a.xml',
      /^line 5$/,
      /"nope".*not declared/,
    );
  });
});

describe('model semantics', () => {
  it('unknown MJCF joint type → ModelError', () => {
    expectError(
      () => loadMjcf(mj(`<body name="a">${INERT}\n<joint name="j" type="twist"/></body>`), 'j.xml'),
      'ModelError',
      'j.xml',
      /^line 5$/,
      /unknown joint type "twist"/,
    );
  });
  it('unknown URDF joint type → ModelError', () => {
    expectError(
      () => loadUrdf(urdf(link('a'), link('b'), joint('j', 'a', 'b', 'hinge')), 'j.urdf'),
      'ModelError',
      'j.urdf',
      /^line 4$/,
      /unknown joint type "hinge"/,
    );
  });
  it('zero mass on a moving MJCF leaf body → ModelError at the inertial', () => {
    expectError(
      () =>
        loadMjcf(
          mj(`<body name="a">${INERT}<joint/>\n<body name="b"><inertial mass="0" diaginertia="0 0 0"/><joint/></body></body>`),
          'm.xml',
        ),
      'ModelError',
      'm.xml',
      /^line 5$/,
      /body "b": zero mass on a moving body/,
    );
  });
  it('negative inertia in MJCF → ModelError', () => {
    expectError(
      () => loadMjcf(mj(`<body name="a">\n<inertial mass="1" diaginertia="0.1 -0.1 0.1"/><joint/></body>`), 'i.xml'),
      'ModelError',
      'i.xml',
      /^line 5$/,
      /negative/,
    );
  });
  it('a static massless body (no joint, no children) is allowed in MJCF', () => {
    const m = loadMjcf(mj(`<body name="a">${INERT}<joint/><body name="marker" pos="0 0 1"/></body>`), 'ok.xml');
    expect(m.bodies[1].mass).toBe(0);
    expect(m.warnings.join()).toMatch(/"marker" has no <inertial>/);
  });
  it('negative URDF mass → ModelError at the mass element', () => {
    expectError(
      () => loadUrdf(urdf(link('a'), link('b', -2), joint('j', 'a', 'b')), 'm.urdf'),
      'ModelError',
      'm.urdf',
      /^line 3$/,
      /negative mass -2/,
    );
  });
  it('zero URDF mass on a moving link → ModelError', () => {
    expectError(
      () => loadUrdf(urdf(link('a'), link('b', 0), joint('j', 'a', 'b')), 'z.urdf'),
      'ModelError',
      'z.urdf',
      /^line 3$/,
      /"b": zero mass/,
    );
  });
  it('URDF links forming a cycle → ModelError', () => {
    const u = urdf(link('a'), link('b'), link('c'), joint('j1', 'a', 'b'), joint('j2', 'b', 'c'), joint('j3', 'c', 'a'));
    expectError(() => loadUrdf(u, 'c.urdf'), 'ModelError', 'c.urdf', /^line \d+$/, /cycle/);
  });
  it('URDF with two root links → ModelError', () => {
    expectError(
      () => loadUrdf(urdf(link('a'), link('b'), link('c'), joint('j', 'a', 'b')), 'r.urdf'),
      'ModelError',
      'r.urdf',
      /^line 4$/,
      /2 roots \(a, c\)/,
    );
  });
  it('URDF link with two parents → ModelError', () => {
    const u = urdf(link('a'), link('b'), link('c'), joint('j1', 'a', 'c'), joint('j2', 'b', 'c'));
    expectError(() => loadUrdf(u, 'p.urdf'), 'ModelError', 'p.urdf', /^line 6$/, /child of two joints/);
  });
  it('zero-length joint axis (MJCF and URDF) → ModelError', () => {
    expectError(
      () => loadMjcf(mj(`<body name="a">${INERT}\n<joint name="j" axis="0 0 0"/></body>`), 'a.xml'),
      'ModelError',
      'a.xml',
      /^line 5$/,
      /"j" has an axis of zero length/,
    );
    expectError(
      () => loadUrdf(urdf(link('a'), link('b'), joint('j', 'a', 'b', 'revolute', '0 0 0')), 'a.urdf'),
      'ModelError',
      'a.urdf',
      /^line 4$/,
      /"j" has an axis of zero length/,
    );
  });
  it('URDF joint naming a missing link → ModelError', () => {
    expectError(
      () => loadUrdf(urdf(link('a'), joint('j', 'a', 'ghost')), 'g.urdf'),
      'ModelError',
      'g.urdf',
      /^line 3$/,
      /child link "ghost", which does not exist/,
    );
  });
  it('MJCF actuator on an unknown joint and an unknown default class → ModelError', () => {
    const act = mj(`<body name="a">${INERT}<joint name="j"/></body>`).replace(
      '</mujoco>',
      '<actuator>\n<motor joint="k"/></actuator></mujoco>',
    );
    expectError(() => loadMjcf(act, 'act.xml'), 'ModelError', 'act.xml', /^line 7$/, /unknown joint "k"/);
    expectError(
      () => loadMjcf(mj(`<body name="a">${INERT}\n<joint class="nope"/></body>`), 'cls.xml'),
      'ModelError',
      'cls.xml',
      /^line 5$/,
      /unknown default class "nope"/,
    );
  });
  it('unknown elements are warnings, not errors', () => {
    const m = loadMjcf(mj(`<body name="a">${INERT}<joint/><wobble/></body>`, '<tendon/>\n'), 'w.xml');
    expect(m.warnings.some((w) => w.includes('<tendon>'))).toBe(true);
    expect(m.warnings.some((w) => w.includes('<wobble>'))).toBe(true);
  });
});

describe('xacro', () => {
  const XACRO = `<?xml version="1.0"?>
<robot name="r" xmlns:xacro="http://www.ros.org/wiki/xacro">
  <xacro:property name="len" value="0.5"/>
  <link name="base"><visual><geometry><box size="0.1 0.1 \${len}"/></geometry></visual></link>
</robot>`;
  it('a xacro file is a named error that says to expand it (its macros would otherwise be dropped in silence)', () => {
    expect(() => loadRobot('r.urdf.xacro', XACRO)).toThrow(
      /ParseError in r\.urdf\.xacro at line 3: a xacro file \(<xacro:property>\).*xacro r\.urdf\.xacro > robot\.urdf/,
    );
    // \${...} alone marks one too
    expect(() => loadRobot('r.urdf', XACRO.replace(/ *<xacro:property[^>]*>\n/, ''))).toThrow(/at line 3: a xacro file \(<box>\)/);
    // dropped in the app: the same message, nothing added
    const r = new AssetRegistry().addFiles([{ path: 'r.urdf.xacro', bytes: new TextEncoder().encode(XACRO) }], null);
    expect(r.added).toEqual([]);
    expect(String(r.errors[0])).toMatch(/a xacro file/);
  });
  it('an expanded URDF that still declares the xacro namespace loads', () => {
    const urdf = `<robot name="r" xmlns:xacro="http://www.ros.org/wiki/xacro"><link name="base"><inertial><mass value="1"/>
      <inertia ixx="0.1" iyy="0.1" izz="0.1" ixy="0" ixz="0" iyz="0"/></inertial></link></robot>`;
    expect(loadRobot('r.urdf', urdf).bodies.map((b) => b.name)).toEqual(['base']);
  });
});
