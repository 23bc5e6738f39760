/**
 * Natural image px ↔ a model's padded square input frame (SAM: longest side resized to 1024, the
 * image in the top-left corner, zero padding right/bottom). The frame is structurally
 * `models/sam/processor.ts`'s `SamFrame`, so `samFrame(w, h)` can be passed straight in; this
 * module imports nothing from `models/`.
 *
 * Points scale by the exact per-axis ratio resized/natural, as `samPromptTensors` (and
 * transformers.js's SamProcessor) do; they are not clamped, so a model-space point in the padding
 * maps past the image's edge.
 */
import type { Point } from './types';

export interface ModelFrame {
  naturalWidth: number;
  naturalHeight: number;
  /** The image's size inside the model frame (e.g. 1024×768 for 800×600 in SAM). */
  resizedWidth: number;
  resizedHeight: number;
}

export function naturalToModel(point: Point, frame: ModelFrame): Point {
  return {
    x: (point.x * frame.resizedWidth) / frame.naturalWidth,
    y: (point.y * frame.resizedHeight) / frame.naturalHeight,
  };
}

export function modelToNatural(point: Point, frame: ModelFrame): Point {
  return {
    x: (point.x * frame.naturalWidth) / frame.resizedWidth,
    y: (point.y * frame.naturalHeight) / frame.resizedHeight,
  };
}

/** Whether a model-space point lies on the image rather than in the padding. */
export function isOnImage(point: Point, frame: ModelFrame): boolean {
  return point.x >= 0 && point.y >= 0 && point.x < frame.resizedWidth && point.y < frame.resizedHeight;
}
