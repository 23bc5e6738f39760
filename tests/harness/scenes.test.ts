import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { crc32, decodePng, encodePng } from './png.ts';
import {
  PALETTE,
  SCENES,
  SCENE_NAMES,
  colourMask,
  cssColour,
  getScene,
  iou,
  maskArea,
  maskBBox,
  renderScene,
  shapeMask,
  shapePoint,
  type Scene,
} from './scenes.ts';

const pixel = (img: { width: number; data: ArrayLike<number> }, x: number, y: number) => {
  const i = (Math.floor(y) * img.width + Math.floor(x)) * 4;
  return [img.data[i], img.data[i + 1], img.data[i + 2], img.data[i + 3]];
};

describe('iou', () => {
  it('is 1 for equal masks, 0 for disjoint ones, |A∩B|/|A∪B| otherwise', () => {
    const a = Uint8Array.from([255, 255, 0, 0]);
    expect(iou(a, a)).toBe(1);
    expect(iou(a, Uint8Array.from([0, 0, 255, 255]))).toBe(0);
    expect(iou(a, Uint8Array.from([0, 255, 255, 0]))).toBeCloseTo(1 / 3);
    expect(iou(a, Uint8Array.from([1, 1, 0, 0]))).toBe(1); // any non-zero is inside
    expect(iou(new Uint8Array(4), new Uint8Array(4))).toBe(1);
    expect(() => iou(a, new Uint8Array(3))).toThrow();
  });

  it('maskArea and maskBBox', () => {
    const m = new Uint8Array(5 * 4);
    m[1 * 5 + 2] = 255;
    m[3 * 5 + 4] = 255;
    expect(maskArea(m)).toBe(2);
    expect(maskBBox(m, 5)).toEqual({ x0: 2, y0: 1, x1: 5, y1: 4 });
    expect(maskBBox(new Uint8Array(4), 2)).toBeUndefined();
  });
});

describe('scenes', () => {
  it('has the shapes, non-square and river scenes with the documented sizes', () => {
    expect(SCENE_NAMES).toEqual(expect.arrayContaining(['shapes', 'wide', 'tall', 'river']));
    expect([SCENES.shapes.width, SCENES.shapes.height]).toEqual([1024, 1024]);
    expect([SCENES.wide.width, SCENES.wide.height]).toEqual([800, 600]);
    expect([SCENES.river.width, SCENES.river.height]).toEqual([512, 512]);
    expect(SCENES.river.alt).toBe('a chocolate river through a green valley');
    expect(cssColour('blue')).toBe('#2050d0');
    expect(getScene('nope')).toBeUndefined();
    expect(getScene('toString')).toBeUndefined();
  });

  it('renders each shape in its colour at its point, on the background colour elsewhere', () => {
    for (const name of SCENE_NAMES) {
      const scene: Scene = SCENES[name];
      const img = renderScene(scene);
      expect(img.data.length).toBe(scene.width * scene.height * 4);
      expect(pixel(img, 0, 0)).toEqual([...PALETTE[scene.background], 255]);
      for (const shape of scene.shapes) {
        const p = shapePoint(scene, shape.id);
        expect(pixel(img, p.x, p.y), `${name}/${shape.id}`).toEqual([...PALETTE[shape.colour], 255]);
        expect(shapeMask(scene, shape.id)[Math.floor(p.y) * scene.width + Math.floor(p.x)]).toBe(255);
      }
    }
  });

  it("a rectangle's mask is exactly its geometry", () => {
    const scene = SCENES.shapes;
    const rect = scene.shapes[0];
    const mask = shapeMask(scene, 'red-rect');
    expect(maskArea(mask)).toBe(rect.w * rect.h);
    expect(maskBBox(mask, scene.width)).toEqual({ x0: rect.x, y0: rect.y, x1: rect.x + rect.w, y1: rect.y + rect.h });
    const expected = new Uint8Array(scene.width * scene.height);
    for (let y = rect.y; y < rect.y + rect.h; y++) expected.fill(255, y * scene.width + rect.x, y * scene.width + rect.x + rect.w);
    expect(iou(mask, expected)).toBe(1);
  });

  it("a disc's mask has area πr² and its bounding box", () => {
    const scene = SCENES.shapes;
    const disc = scene.shapes[1];
    const mask = shapeMask(scene, 'green-disc');
    expect(maskArea(mask) / (Math.PI * disc.r ** 2)).toBeCloseTo(1, 2);
    expect(maskBBox(mask, scene.width)).toEqual({ x0: disc.cx - disc.r, y0: disc.cy - disc.r, x1: disc.cx + disc.r, y1: disc.cy + disc.r });
  });

  it('the two red rectangles are disjoint and their union is the red colour mask', () => {
    const scene = SCENES.shapes;
    const a = shapeMask(scene, 'red-rect');
    const b = shapeMask(scene, 'red-rect-2');
    expect(iou(a, b)).toBe(0);
    const union = a.map((v, i) => v | b[i]!);
    expect(iou(colourMask(scene, 'red'), union)).toBe(1);
    expect(iou(a, colourMask(scene, 'red'))).toBeCloseTo(maskArea(a) / maskArea(union));
  });

  it('shape masks and the background partition the image', () => {
    for (const name of SCENE_NAMES) {
      const scene: Scene = SCENES[name];
      const total = scene.shapes.reduce((n, s) => n + maskArea(shapeMask(scene, s.id)), 0);
      const background = maskArea(colourMask(scene, scene.background));
      const sameColourShapes = scene.shapes.filter((s) => s.colour === scene.background).length;
      expect(sameColourShapes).toBe(0);
      expect(total + background).toBe(scene.width * scene.height);
    }
  });

  it('the river is a band of constant thickness through the middle', () => {
    const scene = SCENES.river;
    const river = scene.shapes[0];
    const mask = shapeMask(scene, 'river');
    for (const x of [0, 100, 256, 400, 511]) {
      let n = 0;
      for (let y = 0; y < scene.height; y++) n += mask[y * scene.width + x] ? 1 : 0;
      expect(Math.abs(n - 2 * river.halfWidth)).toBeLessThanOrEqual(1);
    }
    const box = maskBBox(mask, scene.width)!;
    expect(box.x0).toBe(0);
    expect(box.x1).toBe(512);
    expect(box.y0).toBeGreaterThanOrEqual(river.y0 - river.amplitude - river.halfWidth - 1);
    expect(box.y1).toBeLessThanOrEqual(river.y0 + river.amplitude + river.halfWidth + 1);
    expect(() => shapeMask(scene, 'lake')).toThrow(/no shape lake/);
  });
});

/** Encodes with a given filter type on every row, to check the decoder's unfiltering. */
function encodeFiltered(width: number, height: number, rgba: Uint8ClampedArray, filter: number): Buffer {
  const plain = encodePng({ width, height, data: rgba });
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const v = rgba[y * stride + x]!;
      const a = x >= 4 ? rgba[y * stride + x - 4]! : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4]! : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]!;
      raw[y * (stride + 1) + 1 + x] = (v - pred) & 0xff;
    }
  }
  const idat = deflateSync(raw);
  const chunk = Buffer.alloc(12 + idat.length);
  chunk.writeUInt32BE(idat.length, 0);
  chunk.write('IDAT', 4, 'ascii');
  idat.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + idat.length)), 8 + idat.length);
  // signature + IHDR chunk (8 + 25 bytes) from the plain file, then our IDAT, then IEND.
  return Buffer.concat([plain.subarray(0, 33), chunk, plain.subarray(plain.length - 12)]);
}

describe('png', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips a rendered scene, and writes a valid signature and IHDR', () => {
    const img = renderScene(SCENES.wide);
    const png = encodePng(img);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBe(600);
    const back = decodePng(png);
    expect([back.width, back.height]).toEqual([800, 600]);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('decodes every row filter', () => {
    const w = 7;
    const h = 5;
    const rgba = new Uint8ClampedArray(w * h * 4).map((_, i) => (i * 37 + (i >> 3) * 11) & 0xff);
    for (const filter of [0, 1, 2, 3, 4]) {
      expect(Buffer.from(decodePng(encodeFiltered(w, h, rgba, filter)).data).equals(Buffer.from(rgba)), `filter ${filter}`).toBe(true);
    }
  });

  it('rejects bad input', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8ClampedArray(3) })).toThrow();
    expect(() => decodePng(Buffer.from('not a png'))).toThrow(/not a PNG/);
  });
});
