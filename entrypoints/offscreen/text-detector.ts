/**
 * The offscreen document's autopilot detector (Firefox: the event page's), in the general
 * inference worker: loaded on first use (WebGPU, else WASM), released with the other models and
 * after the idle time in the settings. The model itself is models/detector/text-detector.ts.
 */
import { emit, send } from '@/utils/messaging';
import type { RequestOf, ResponseOf, RuntimeInfo } from '@/utils/protocol';
import { cacheStorageModelCache } from '@/models/cache';
import { loadTextDetector, type TextDetector, type TextDetectorOptions } from '@/models/detector/text-detector';
import { loadImage } from './pixels';

export class TextDetectorHost {
  private detector: Promise<TextDetector> | undefined;
  private running = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly runtimeInfo: () => Promise<RuntimeInfo>) {}

  private load(): Promise<TextDetector> {
    if (!this.detector) {
      const loading = (async () => {
        const [settings, info] = await Promise.all([send('settings.runtime', {}), this.runtimeInfo()]);
        const options: TextDetectorOptions = {
          host: settings.modelHost,
          backend: info.backend,
          shaderF16: info.shaderF16,
          cache: cacheStorageModelCache(),
          onProgress: (p) => emit('model.progress', { model: 'detector', file: p.url.slice(p.url.indexOf('/resolve/') + 1), loaded: p.loaded, total: p.total, fromCache: p.fromCache }),
        };
        if (options.backend === 'wasm') return loadTextDetector(options);
        // As for the other models: what WebGPU cannot run, WASM does.
        return loadTextDetector(options).catch(() => loadTextDetector({ ...options, backend: 'wasm' }));
      })();
      // A failed load is not kept: the next try loads again (e.g. after a cut download).
      loading.catch(() => (this.detector = undefined));
      this.detector = loading;
    }
    return this.detector;
  }

  async detect({ image, phrase }: RequestOf<'autopilot.detect'>): Promise<ResponseOf<'autopilot.detect'>> {
    this.running++;
    clearTimeout(this.idleTimer);
    try {
      const [detector, pixels] = await Promise.all([this.load(), loadImage(image)]);
      const { detections, ms } = await detector.detect(pixels, phrase);
      return { detections: detections.slice(0, 100).map(({ box, score }) => ({ ...box, score })), backend: detector.backend, ms };
    } finally {
      this.running--;
      this.releaseWhenIdle();
    }
  }

  private releaseWhenIdle(): void {
    void send('settings.runtime', {})
      .then(({ idleSeconds }) => {
        clearTimeout(this.idleTimer);
        if (this.running > 0) return;
        this.idleTimer = setTimeout(() => {
          if (this.running === 0) void this.release();
        }, idleSeconds * 1000);
      })
      .catch(() => undefined);
  }

  /** Frees the model (with the other models' release); the next detection loads it again. */
  async release(): Promise<boolean> {
    clearTimeout(this.idleTimer);
    const loading = this.detector;
    this.detector = undefined;
    const detector = await loading?.catch(() => undefined);
    await detector?.release();
    return detector !== undefined;
  }
}
