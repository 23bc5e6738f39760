/**
 * Test scenes: plain data that draws the test images (site.ts serves them as PNG) and gives the
 * exact expected masks (tests compare the product's masks to them by IoU). Pure: no Node or DOM
 * imports, so a scene can also be passed into a page with `page.evaluate`.
 *
 * Pixels are hard-edged (no anti-aliasing): pixel (i, j) belongs to a shape when its centre
 * (i + 0.5, j + 0.5) lies inside; later shapes paint over earlier ones.
 */

export type Rgb = readonly [number, number, number];

export const PALETTE = {
  blue: [0x20, 0x50, 0xd0],
  red: [0xd0, 0x20, 0x20],
  green: [0x20, 0xa0, 0x40],
  yellow: [0xe0, 0xd0, 0x20],
} as const satisfies Record<string, Rgb>;

export type ColourName = keyof typeof PALETTE;

interface ShapeBase {
  id: string;
  colour: ColourName;
}
export type Shape = ShapeBase &
  (
    | { kind: 'rect'; x: number; y: number; w: number; h: number }
    | { kind: 'disc'; cx: number; cy: number; r: number }
    /** A horizontal band whose centre line is y0 + amplitude · sin(2π x / period). */
    | { kind: 'wave'; y0: number; amplitude: number; period: number; halfWidth: number }
  );

export interface Scene {
  name: string;
  width: number;
  height: number;
  background: ColourName;
  shapes: readonly Shape[];
  /** The alt text the gallery gives it: the prompt the image was "generated" from. */
  alt: string;
}

export const SCENES = {
  /** 1024²: four flat shapes on blue; two red rectangles far apart (one click must pick one). */
  shapes: {
    name: 'shapes',
    width: 1024,
    height: 1024,
    background: 'blue',
    alt: 'two red boxes, a green ball and a yellow box on a blue background',
    shapes: [
      { id: 'red-rect', colour: 'red', kind: 'rect', x: 96, y: 112, w: 256, h: 192 },
      { id: 'green-disc', colour: 'green', kind: 'disc', cx: 704, cy: 256, r: 144 },
      { id: 'yellow-rect', colour: 'yellow', kind: 'rect', x: 160, y: 608, w: 320, h: 224 },
      { id: 'red-rect-2', colour: 'red', kind: 'rect', x: 736, y: 704, w: 192, h: 192 },
    ],
  },
  /** 800×600 landscape: checks coordinate mapping when the longest side is the width. */
  wide: {
    name: 'wide',
    width: 800,
    height: 600,
    background: 'blue',
    alt: 'a red box, a green ball and a yellow box, wide',
    shapes: [
      { id: 'red-rect', colour: 'red', kind: 'rect', x: 60, y: 80, w: 200, h: 150 },
      { id: 'green-disc', colour: 'green', kind: 'disc', cx: 560, cy: 200, r: 110 },
      { id: 'yellow-rect', colour: 'yellow', kind: 'rect', x: 300, y: 380, w: 260, h: 150 },
    ],
  },
  /** 600×800 portrait: the longest side is the height. */
  tall: {
    name: 'tall',
    width: 600,
    height: 800,
    background: 'blue',
    alt: 'a red box above a green ball and a yellow box, tall',
    shapes: [
      { id: 'red-rect', colour: 'red', kind: 'rect', x: 80, y: 60, w: 150, h: 200 },
      { id: 'green-disc', colour: 'green', kind: 'disc', cx: 400, cy: 420, r: 110 },
      { id: 'yellow-rect', colour: 'yellow', kind: 'rect', x: 120, y: 600, w: 300, h: 140 },
    ],
  },
  /** 512²: the product demo. The prompt asked for chocolate; the image has a blue river. */
  river: {
    name: 'river',
    width: 512,
    height: 512,
    background: 'green',
    alt: 'a chocolate river through a green valley',
    shapes: [{ id: 'river', colour: 'blue', kind: 'wave', y0: 256, amplitude: 32, period: 512, halfWidth: 56 }],
  },
} as const satisfies Record<string, Scene>;

export type SceneName = keyof typeof SCENES;
export const SCENE_NAMES = Object.keys(SCENES) as SceneName[];

export function getScene(name: string): Scene | undefined {
  return Object.hasOwn(SCENES, name) ? SCENES[name as SceneName] : undefined;
}

/** Whether the point (x, y) (continuous image coordinates) is inside the shape's geometry. */
export function insideShape(shape: Shape, x: number, y: number): boolean {
  switch (shape.kind) {
    case 'rect':
      return x >= shape.x && x < shape.x + shape.w && y >= shape.y && y < shape.y + shape.h;
    case 'disc':
      return (x - shape.cx) ** 2 + (y - shape.cy) ** 2 <= shape.r ** 2;
    case 'wave':
      return Math.abs(y - waveCentre(shape, x)) <= shape.halfWidth;
  }
}

function waveCentre(shape: Extract<Shape, { kind: 'wave' }>, x: number): number {
  return shape.y0 + shape.amplitude * Math.sin((2 * Math.PI * x) / shape.period);
}

const ownerCache = new WeakMap<Scene, Int16Array>();

/** Per pixel: the index of the topmost shape covering the pixel centre, or -1 for background. */
export function ownerMap(scene: Scene): Int16Array {
  return owners(scene).slice();
}

/** Cached per scene object; callers must not modify it. */
function owners(scene: Scene): Int16Array {
  const cached = ownerCache.get(scene);
  if (cached) return cached;
  const { width, height, shapes } = scene;
  const owner = new Int16Array(width * height).fill(-1);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      for (let s = shapes.length - 1; s >= 0; s--) {
        if (insideShape(shapes[s]!, i + 0.5, j + 0.5)) {
          owner[j * width + i] = s;
          break;
        }
      }
    }
  }
  ownerCache.set(scene, owner);
  return owner;
}

export function renderScene(scene: Scene): { width: number; height: number; data: Uint8ClampedArray } {
  const owner = owners(scene);
  const data = new Uint8ClampedArray(scene.width * scene.height * 4);
  const colours = scene.shapes.map((s) => PALETTE[s.colour]);
  const bg = PALETTE[scene.background];
  for (let p = 0; p < owner.length; p++) {
    const o = owner[p]!;
    const c = o < 0 ? bg : colours[o]!;
    data[p * 4] = c[0];
    data[p * 4 + 1] = c[1];
    data[p * 4 + 2] = c[2];
    data[p * 4 + 3] = 255;
  }
  return { width: scene.width, height: scene.height, data };
}

function shapeIndex(scene: Scene, shapeId: string): number {
  const index = scene.shapes.findIndex((s) => s.id === shapeId);
  if (index < 0) throw new Error(`scene ${scene.name} has no shape ${shapeId} (has ${scene.shapes.map((s) => s.id).join(', ')})`);
  return index;
}

/** The visible pixels of one shape: 1 byte per pixel, 255 inside, 0 outside. */
export function shapeMask(scene: Scene, shapeId: string): Uint8Array {
  const index = shapeIndex(scene, shapeId);
  const owner = owners(scene);
  const mask = new Uint8Array(owner.length);
  for (let p = 0; p < owner.length; p++) if (owner[p] === index) mask[p] = 255;
  return mask;
}

/** Every pixel of one palette colour (e.g. both red rectangles), 255 inside. */
export function colourMask(scene: Scene, colour: ColourName): Uint8Array {
  const owner = owners(scene);
  const mask = new Uint8Array(owner.length);
  for (let p = 0; p < owner.length; p++) {
    const o = owner[p]!;
    const c = o < 0 ? scene.background : scene.shapes[o]!.colour;
    if (c === colour) mask[p] = 255;
  }
  return mask;
}

/** A pixel-centre point well inside the shape, for clicks: (x, y) in image pixels. */
export function shapePoint(scene: Scene, shapeId: string): { x: number; y: number } {
  const shape = scene.shapes[shapeIndex(scene, shapeId)]!;
  switch (shape.kind) {
    case 'rect':
      return { x: Math.floor(shape.x + shape.w / 2) + 0.5, y: Math.floor(shape.y + shape.h / 2) + 0.5 };
    case 'disc':
      return { x: Math.floor(shape.cx) + 0.5, y: Math.floor(shape.cy) + 0.5 };
    case 'wave': {
      const x = Math.floor(scene.width / 2) + 0.5;
      return { x, y: Math.floor(waveCentre(shape, x)) + 0.5 };
    }
  }
}

/** Intersection over union of two masks (non-zero = inside). Two empty masks: 1. */
export function iou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`iou: mask sizes differ (${a.length} vs ${b.length})`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

export function maskArea(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/** Bounding box of the non-zero pixels as [x0, y0, x1, y1) or undefined when empty. */
export function maskBBox(mask: ArrayLike<number>, width: number): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    const x = i % width;
    const y = (i - x) / width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x1 < 0 ? undefined : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

export function cssColour(colour: ColourName): string {
  return `#${PALETTE[colour].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** The scene as an SVG document of its rectangles and discs (same pixels, up to anti-aliasing). */
export function sceneSvg(scene: Scene, options: { intrinsicSize?: boolean } = {}): string {
  const elements = scene.shapes.map((shape) => {
    const fill = cssColour(shape.colour);
    if (shape.kind === 'rect') return `<rect x="${shape.x}" y="${shape.y}" width="${shape.w}" height="${shape.h}" fill="${fill}"/>`;
    if (shape.kind === 'disc') return `<circle cx="${shape.cx}" cy="${shape.cy}" r="${shape.r}" fill="${fill}"/>`;
    throw new Error(`sceneSvg: ${scene.name} has a ${shape.kind}, which has no SVG form here`);
  });
  const size = options.intrinsicSize === false ? '' : ` width="${scene.width}" height="${scene.height}"`;
  return `<svg xmlns="http://www.w3.org/2000/svg"${size} viewBox="0 0 ${scene.width} ${scene.height}"><rect width="100%" height="100%" fill="${cssColour(scene.background)}"/>${elements.join('')}</svg>`;
}

/** The scene scaled by nearest neighbour to `width`×`height` (e.g. an over-large copy). */
export function renderSceneScaled(scene: Scene, width: number, height: number): { width: number; height: number; data: Uint8ClampedArray } {
  const base = renderScene(scene);
  const data = new Uint8ClampedArray(width * height * 4);
  const src = new Uint32Array(base.data.buffer);
  const dst = new Uint32Array(data.buffer);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(scene.height - 1, Math.floor((y * scene.height) / height));
    for (let x = 0; x < width; x++) dst[y * width + x] = src[sy * scene.width + Math.min(scene.width - 1, Math.floor((x * scene.width) / width))]!;
  }
  return { width, height, data };
}
