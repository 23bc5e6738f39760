/**
 * OpenAI `images.edit` through the `openai` SDK: the crop around the mask at a size the model
 * accepts (dall-e-2 squares, gpt-image-1's three sizes), the mask as a PNG whose transparent
 * pixels mark the edit area, n candidates as base64. GPT Image treats the mask as a guide only,
 * which is why every result is pasted back through our own mask.
 */
import OpenAI, { toFile } from 'openai';
import { cropAroundBox, cropImage, cropMaskTo, resizeImage } from '@/utils/inpaint/crop';
import { maskBoundingBox } from '@/utils/mask/resample';
import { needsSquare, openAiEditSize, sizeParam } from '@/utils/inpaint/openai-size';
import { opaque, openAiMaskImage } from '@/utils/inpaint/polarity';
import { hostOf, originOf } from '@/utils/llm/config';
import type { OpenAiImageModel } from '@/utils/protocol';
import { base64ToBlob, decodeImage, encodePng } from '../pixels';
import { InpaintError, type FillBackend } from './types';

export interface OpenAiSettings {
  baseUrl: string;
  model: OpenAiImageModel;
  apiKey?: string;
}

/** Remote edits take minutes at worst; past this the request is given up. */
const TIMEOUT_MS = 5 * 60_000;

export function openAiBackend(settings: OpenAiSettings): FillBackend {
  return async ({ image, mask, prompt, n }, { signal, onProgress }) => {
    const host = hostOf(settings.baseUrl);
    if (!settings.apiKey) throw new InpaintError('not-configured', `No API key is stored for ${host}: add it in the options.`);
    // The size whose shape is nearest the crop's, then the crop grown to that shape: scaled, not stretched.
    const box = maskBoundingBox(mask, 128);
    if (!box) throw new Error('The mask is empty: mark the region to edit first');
    const size = openAiEditSize(settings.model, cropAroundBox(box, mask, needsSquare(settings.model) ? { aspect: 1 } : {}));
    const rect = cropAroundBox(box, mask, { aspect: size.width / size.height });
    const crop = resizeImage(cropImage(image, rect), size.width, size.height);
    const [imagePng, maskPng] = await Promise.all([encodePng(opaque(crop)), encodePng(openAiMaskImage(crop, cropMaskTo(mask, rect, size.width, size.height)))]);
    onProgress(0.1, `Sent to ${settings.model} at ${host}`);
    const client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl,
      // Nothing may come from elsewhere (the SDK reads OPENAI_* variables where they exist).
      organization: null,
      project: null,
      dangerouslyAllowBrowser: true,
      fetch: sameOriginFetch(settings.baseUrl),
      maxRetries: 0,
      timeout: TIMEOUT_MS,
    });
    let response: OpenAI.Images.ImagesResponse;
    try {
      response = await client.images.edit(
        {
          model: settings.model,
          image: await toFile(imagePng, 'image.png', { type: 'image/png' }),
          mask: await toFile(maskPng, 'mask.png', { type: 'image/png' }),
          prompt,
          n,
          size: sizeParam(size),
          // gpt-image-1 always answers base64 and rejects the field; dall-e-2 answers URLs unless asked.
          ...(settings.model === 'dall-e-2' ? { response_format: 'b64_json' as const } : {}),
        },
        { signal },
      );
    } catch (error) {
      throw explain(error, host, signal);
    }
    const encoded = (response.data ?? []).map((d) => d.b64_json).filter((b): b is string => typeof b === 'string' && b.length > 0);
    if (encoded.length === 0) throw new InpaintError('bad-reply', `${host} answered without any image`);
    onProgress(0.9);
    const outputs = await Promise.all(
      encoded.map(async (b64) => ({ image: await decodeImage(base64ToBlob(b64), `${host} sent an image the browser cannot decode`) })),
    );
    return { rect, outputs, model: `${settings.model} at ${host}` };
  };
}

/** The key goes to the configured origin only, whatever the SDK is asked to do. */
function sameOriginFetch(baseUrl: string): typeof fetch {
  const allowed = originOf(baseUrl);
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (allowed === undefined || originOf(url) !== allowed) return Promise.reject(new InpaintError('refused', `Refused a request to ${hostOf(url)}: only ${hostOf(baseUrl)} is configured.`));
    return fetch(input, init);
  };
}

/** A message the user can act on; the server's text is not echoed (it may quote the key). */
function explain(error: unknown, host: string, signal: AbortSignal): Error {
  if (signal.aborted || error instanceof OpenAI.APIUserAbortError) return new InpaintError('cancelled', 'Cancelled.');
  if (error instanceof InpaintError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new InpaintError('unreachable', `${host} did not answer within ${TIMEOUT_MS / 60_000} minutes.`);
  if (error instanceof OpenAI.APIConnectionError) return new InpaintError('unreachable', `Could not reach ${host}: is the server running and the address right?`);
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    if (status === 401 || status === 403) return new InpaintError('unauthorized', `${host} refused the API key (${status}): check it in the options.`);
    if (status === 429) return new InpaintError('server-error', `${host} is rate-limiting requests (429): wait a moment and try again.`);
    if (status === 400) return new InpaintError('server-error', `${host} rejected the edit (400): ${safeDetail(error)}`);
    return new InpaintError('server-error', `${host} failed with HTTP ${status}: try again later.`);
  }
  if (error instanceof SyntaxError) return new InpaintError('bad-reply', `${host} answered with something that is not JSON: is this an OpenAI-compatible server?`);
  return error instanceof Error ? error : new Error(String(error));
}

/** The API's own 400 message (e.g. a moderation refusal), without anything that looks like a key. */
function safeDetail(error: InstanceType<typeof OpenAI.APIError>): string {
  const message = error.error && typeof error.error === 'object' && 'message' in error.error && typeof error.error.message === 'string' ? error.error.message : 'no reason given';
  return message.replace(/\b(sk|key)-[\w-]+/gi, '[key]').slice(0, 300);
}
