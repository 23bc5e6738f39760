/**
 * Automatic1111 / Forge `/sdapi/v1/img2img` (the local-GPU server many generator users run):
 * the whole image and a white-is-inpaint mask, "inpaint only masked" with padding, n candidates
 * in one batch. The server crops and pastes back itself; we paste once more through our mask.
 */
import { a1111Size, img2imgPayload, parseImg2ImgReply } from '@/utils/inpaint/a1111';
import { resizeImage } from '@/utils/inpaint/crop';
import { a1111MaskImage, opaque } from '@/utils/inpaint/polarity';
import { hostOf } from '@/utils/llm/config';
import { resizeMask } from '@/utils/mask/resample';
import { base64ToBlob, blobToBase64, decodeImage, encodePng } from '../pixels';
import { InpaintError, type FillBackend } from './types';

export interface A1111Settings {
  baseUrl: string;
  denoise: number;
}

export function a1111Backend(settings: A1111Settings): FillBackend {
  return async ({ image, mask, prompt, negativePrompt, n, sampling }, { signal, onProgress }) => {
    const host = hostOf(settings.baseUrl);
    const size = a1111Size(image.width, image.height);
    const [imagePng, maskPng] = await Promise.all([
      encodePng(opaque(resizeImage(image, size.width, size.height))),
      encodePng(a1111MaskImage(resizeMask(mask, size.width, size.height, 'nearest'))),
    ]);
    const payload = img2imgPayload({
      prompt,
      ...(negativePrompt ? { negativePrompt } : {}),
      image: await blobToBase64(imagePng),
      mask: await blobToBase64(maskPng),
      width: size.width,
      height: size.height,
      n,
      denoise: settings.denoise,
      ...sampling,
    });
    onProgress(0.1, `Sent to A1111 at ${host}`);
    const stopPolling = pollProgress(settings.baseUrl, signal, (fraction) => onProgress(0.1 + 0.8 * fraction, `A1111 at ${host}: ${Math.round(fraction * 100)} %`));
    let response: Response;
    try {
      response = await fetch(`${settings.baseUrl}/sdapi/v1/img2img`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw new InpaintError('cancelled', 'Cancelled.');
      throw new InpaintError('unreachable', `Could not reach the A1111 server at ${host}: is it running with --api? (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      stopPolling();
    }
    if (!response.ok) {
      throw new InpaintError('server-error', `The A1111 server at ${host} failed with HTTP ${response.status}${response.status === 404 ? ': start it with --api' : ''}.`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (signal.aborted) throw new InpaintError('cancelled', 'Cancelled.');
      throw new InpaintError('bad-reply', `The A1111 server at ${host} answered with something that is not JSON.`);
    }
    let parsed: ReturnType<typeof parseImg2ImgReply>;
    try {
      parsed = parseImg2ImgReply(body, n);
    } catch (error) {
      throw new InpaintError('bad-reply', `${host}: ${error instanceof Error ? error.message : String(error)}`);
    }
    onProgress(0.9);
    const outputs = await Promise.all(
      parsed.images.map(async (b64, i) => ({
        image: await decodeImage(base64ToBlob(b64), `The A1111 server at ${host} sent an image the browser cannot decode`),
        ...(parsed.seeds[i] !== undefined ? { seed: parsed.seeds[i] } : {}),
      })),
    );
    return { rect: { x: 0, y: 0, width: image.width, height: image.height }, outputs, model: `A1111 at ${host}` };
  };
}

const PROGRESS_INTERVAL_MS = 1000;

/**
 * A1111 reports the running generation's progress at `/sdapi/v1/progress` (0..1). Polled while
 * img2img runs; a server without it (or any failure) just leaves the progress where it was.
 */
function pollProgress(baseUrl: string, signal: AbortSignal, onFraction: (fraction: number) => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    try {
      const response = await fetch(`${baseUrl}/sdapi/v1/progress?skip_current_image=true`, { signal });
      const body: unknown = response.ok ? await response.json() : undefined;
      if (!stopped && body && typeof body === 'object' && 'progress' in body && typeof body.progress === 'number' && body.progress > 0) onFraction(Math.min(1, body.progress));
    } catch {
      // Progress is a nicety: never fail the job over it.
    }
    if (!stopped) timer = setTimeout(() => void poll(), PROGRESS_INTERVAL_MS);
  };
  timer = setTimeout(() => void poll(), PROGRESS_INTERVAL_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
