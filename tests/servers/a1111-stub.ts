/**
 * A local Automatic1111 / Forge API stub for tests (real HTTP on 127.0.0.1): `POST /sdapi/v1/img2img`
 * (and `GET /sdapi/v1/progress`, the fraction of a delayed answer's delay that has passed)
 * decodes the init image and the mask it received (white = inpaint), records them, and answers
 * `batch_size` images in which the masked region is painted with the colour the prompt names and
 * every other pixel is changed too (see paint.ts). Scripted per request like the OpenAI stub:
 *
 *   const a1111 = await startA1111Stub();
 *   a1111.enqueue({ kind: 'edit', delayMs: 5000 }, { kind: 'status', status: 500 });
 *
 * It shares the OpenAI stub's server (recording, queues, faults); only the route differs.
 */
import { decodePng, encodePng } from '../harness/png';
import { maskFromImage } from '../../utils/inpaint/polarity';
import { answer, sendJson, sleep, startOpenAiStub, type Behaviour, type StubRequest } from './openai-stub';
import { colourNamedIn, meanColour, paintCandidate } from './paint';

export const IMG2IMG = 'POST /sdapi/v1/img2img';

/** What img2img received, decoded (in `StubRequest.body`), besides the payload's own fields. */
export interface Img2ImgReceived {
  payload: Record<string, unknown>;
  image?: { width: number; height: number };
  mask?: {
    width: number;
    height: number;
    /** White pixels: the inpaint area. */
    editPixels: number;
    /** Mean colour of the init image under the white and the black part (shows the polarity). */
    editMean?: [number, number, number];
    keepMean?: [number, number, number];
  };
}

export interface A1111Stub {
  /** `http://127.0.0.1:PORT`: the base URL the extension is given. */
  url: string;
  requests: StubRequest[];
  enqueue(...behaviours: Behaviour[]): void;
  waitFor(predicate: (request: StubRequest) => boolean, timeoutMs?: number): Promise<StubRequest>;
  reset(): void;
  close(): Promise<void>;
}

const decodeBase64Png = (b64: unknown) => (typeof b64 === 'string' ? decodePng(Buffer.from(b64.replace(/^data:image\/\w+;base64,/, ''), 'base64')) : undefined);

export async function startA1111Stub(): Promise<A1111Stub> {
  const server = await startOpenAiStub();
  /** The img2img being answered: when it started and how long it takes (for /sdapi/v1/progress). */
  let inFlight: { since: number; delayMs: number } | undefined;
  server.route('GET', '/sdapi/v1/progress', (request, _req, res) => {
    const progress = inFlight ? Math.min(1, (performance.now() - inFlight.since) / inFlight.delayMs) : 0;
    sendJson(res, request, 200, { progress, eta_relative: 0, state: {}, current_image: null, textinfo: null });
  });
  server.route('POST', '/sdapi/v1/img2img', async (request, _req, res) => {
    const payload = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const initImages = Array.isArray(payload.init_images) ? payload.init_images : [];
    const image = decodeBase64Png(initImages[0]);
    const maskImage = decodeBase64Png(payload.mask);
    const edit = maskImage && maskFromImage(maskImage, 'white');
    const received: Img2ImgReceived = {
      // The pictures are summarised below, not kept as base64 in the record.
      payload: { ...payload, init_images: initImages.length, mask: typeof payload.mask === 'string' ? 'png' : payload.mask },
      ...(image ? { image: { width: image.width, height: image.height } } : {}),
      ...(image && edit
        ? {
            mask: {
              width: edit.width,
              height: edit.height,
              editPixels: edit.data.reduce((n, v) => n + (v ? 1 : 0), 0),
              editMean: meanColour(image, (p) => edit.data[p] !== 0),
              keepMean: meanColour(image, (p) => edit.data[p] === 0),
            },
          }
        : {}),
    };
    request.body = received;
    const behaviour = server.next(IMG2IMG, { kind: 'edit' });
    if (behaviour.kind !== 'edit') return answer(behaviour, request, res);
    if (!image || !edit || edit.width !== image.width || edit.height !== image.height) {
      return sendJson(res, request, 422, { detail: 'init_images and mask must be PNGs of the same size' });
    }
    if (behaviour.delayMs) {
      inFlight = { since: performance.now(), delayMs: behaviour.delayMs };
      await sleep(behaviour.delayMs);
      inFlight = undefined;
    }
    if (res.destroyed) return;
    const count = typeof payload.batch_size === 'number' ? payload.batch_size : 1;
    const rgb = colourNamedIn(typeof payload.prompt === 'string' ? payload.prompt : '');
    const images = Array.from({ length: count }, (_, i) => encodePng(paintCandidate(image, edit, rgb, i)).toString('base64'));
    const seeds = images.map((_, i) => 1000 + i);
    sendJson(res, request, 200, { images, parameters: {}, info: JSON.stringify({ seed: seeds[0], all_seeds: seeds }) });
  });
  return {
    url: server.url,
    requests: server.requests,
    enqueue: (...behaviours) => server.enqueue(IMG2IMG, ...behaviours),
    waitFor: (predicate, timeoutMs) => server.waitFor(predicate, timeoutMs),
    reset: () => server.reset(),
    close: () => server.close(),
  };
}
