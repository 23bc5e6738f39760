/**
 * The scheduler configs the model families publish (diffusers' scheduler/scheduler_config.json of
 * runwayml/stable-diffusion-inpainting and stabilityai/sd-turbo), for an ONNX export that leaves
 * its own out. Data only.
 */
import type { SdModel } from './runner';

const SD_TRAINING = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  prediction_type: 'epsilon',
  steps_offset: 1,
  set_alpha_to_one: false,
  clip_sample: false,
} as const;

export const PUBLISHED_SCHEDULER_CONFIG: Record<SdModel['name'], Record<string, unknown>> = {
  sdInpaint: { _class_name: 'DDIMScheduler', ...SD_TRAINING, timestep_spacing: 'leading' },
  sdTurbo: { _class_name: 'EulerDiscreteScheduler', ...SD_TRAINING, timestep_spacing: 'trailing' },
};
