import { hostInferenceWorker } from './worker-host';

// The offscreen document only hosts the inference worker and routes messages to it.
hostInferenceWorker();
