import { describe, expect, it } from 'vitest';
import { seededRandom } from './random';
import { alphasCumprod, createScheduler, schedulerConfigFromJson, SD15_SCHEDULER, VAE_SCALE } from './scheduler';
import type { Scheduler, SchedulerConfig } from './scheduler';

// Reference numbers: diffusers' formulas (scheduling_ddim.py, scheduling_euler_ancestral_discrete.py,
// scheduling_lcm.py) evaluated with numpy in float32 as torch does, for SD 1.5's config.

/** A model that knows the answer: the exact noise that turns x0 into `sample` at `timestep`. */
function oracleNoise(x0: Float32Array, sample: Float32Array, alphaProd: number): Float32Array {
  return sample.map((x, i) => (x - Math.sqrt(alphaProd) * x0[i]!) / Math.sqrt(1 - alphaProd));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
}

const x0 = seededRandom(1).normals(256);
const noise = seededRandom(2).normals(256);

describe('alphasCumprod (scaled_linear 0.00085..0.012 over 1000 steps)', () => {
  it("matches diffusers' ᾱ at both ends and in the middle", () => {
    const alphas = alphasCumprod(SD15_SCHEDULER);
    expect(alphas).toHaveLength(1000);
    expect(alphas[0]).toBeCloseTo(0.99915, 6);
    expect(alphas[500]).toBeCloseTo(0.27633256, 5);
    expect(alphas[999]).toBeCloseTo(0.0046601, 6);
  });

  it('linear betas run from betaStart to betaEnd', () => {
    const alphas = alphasCumprod({ ...SD15_SCHEDULER, betaSchedule: 'linear', betaStart: 0.0001, betaEnd: 0.02 });
    expect(alphas[0]).toBeCloseTo(0.9999, 8);
    expect(alphas[999]! / alphas[998]!).toBeCloseTo(0.98, 8);
  });

  it('exports the VAE latent scale', () => {
    expect(VAE_SCALE).toBe(0.18215);
  });
});

describe('DDIM', () => {
  const fresh = (config: SchedulerConfig = SD15_SCHEDULER): Scheduler => createScheduler('ddim', config);

  it('20 leading steps with steps_offset 1 are 951, 901, …, 1', () => {
    const timesteps = fresh().setTimesteps(20);
    expect(timesteps).toHaveLength(20);
    expect(timesteps.slice(0, 3)).toEqual([951, 901, 851]);
    expect(timesteps.at(-1)).toBe(1);
    expect(fresh().initNoiseSigma).toBe(1);
  });

  it('trailing and linspace spacings match diffusers', () => {
    expect(fresh({ ...SD15_SCHEDULER, timestepSpacing: 'trailing' }).setTimesteps(4)).toEqual([999, 749, 499, 249]);
    expect(fresh({ ...SD15_SCHEDULER, timestepSpacing: 'linspace' }).setTimesteps(4)).toEqual([999, 666, 333, 0]);
  });

  it('strength 0.5 keeps the last half of the timesteps (floor(steps·strength), as get_timesteps)', () => {
    const scheduler = fresh();
    const all = [...scheduler.setTimesteps(20)];
    expect(scheduler.setTimesteps(20, 0.5)).toEqual(all.slice(10));
    expect(scheduler.timesteps[0]).toBe(451);
    expect(scheduler.setTimesteps(20, 0.33)).toHaveLength(6);
    expect(() => scheduler.setTimesteps(20, 0.01)).toThrow(/keeps no step/);
  });

  it('a perfect noise prediction recovers x0 and lands exactly on the previous timestep (η = 0)', () => {
    const scheduler = fresh();
    scheduler.setTimesteps(20);
    const xt = scheduler.addNoise(x0, noise, 951);
    const previous = scheduler.step(noise, 951, xt, seededRandom(0));
    expect(maxDifference(previous, scheduler.addNoise(x0, noise, 901))).toBeLessThan(1e-5);
    // The last step (t = 1) goes to ᾱ_0 (set_alpha_to_one false): nearly x0.
    const last = scheduler.step(noise, 1, scheduler.addNoise(x0, noise, 1), seededRandom(0));
    expect(maxDifference(last, scheduler.addNoise(x0, noise, 0))).toBeLessThan(1e-5);
  });

  it('a full 20-step loop with an oracle model turns pure noise into x0', () => {
    const scheduler = fresh();
    const alphas = alphasCumprod(SD15_SCHEDULER);
    let sample = seededRandom(3).normals(x0.length);
    for (const t of scheduler.setTimesteps(20)) sample = scheduler.step(oracleNoise(x0, sample, alphas[t]!), t, sample, seededRandom(0));
    // What remains is ᾱ_0's own noise: √(1 − 0.99915) ≈ 0.029 of the starting noise.
    expect(maxDifference(sample.map((x) => x / Math.sqrt(alphas[0]!)), x0)).toBeLessThan(0.15);
  });

  it('v-prediction: a perfect v recovers x0 too', () => {
    const config: SchedulerConfig = { ...SD15_SCHEDULER, predictionType: 'v_prediction' };
    const scheduler = fresh(config);
    scheduler.setTimesteps(20);
    const alpha = alphasCumprod(config)[951]!;
    const xt = scheduler.addNoise(x0, noise, 951);
    const v = noise.map((e, i) => Math.sqrt(alpha) * e - Math.sqrt(1 - alpha) * x0[i]!);
    expect(maxDifference(scheduler.step(v, 951, xt, seededRandom(0)), scheduler.addNoise(x0, noise, 901))).toBeLessThan(1e-5);
  });

  it('scaleModelInput passes the sample through', () => {
    const scheduler = fresh();
    scheduler.setTimesteps(20);
    expect(scheduler.scaleModelInput(x0, 951)).toEqual(x0);
  });
});

describe('Euler ancestral', () => {
  const fresh = (config: SchedulerConfig = SD15_SCHEDULER): Scheduler => createScheduler('euler-ancestral', config);

  it("has diffusers' sigmas and initial noise sigma for each spacing", () => {
    const leading = fresh();
    expect(leading.setTimesteps(20).slice(0, 2)).toEqual([951, 901]);
    expect(leading.initNoiseSigma).toBeCloseTo(11.073587, 4); // √(σ(951)² + 1), σ(951) = 11.028342
    const linspace = fresh({ ...SD15_SCHEDULER, timestepSpacing: 'linspace' });
    expect(linspace.setTimesteps(25).slice(0, 3)).toEqual([999, 957.375, 915.75]);
    expect(linspace.initNoiseSigma).toBeCloseTo(14.6146555, 4); // σ_max = σ(999)
    const trailing = fresh({ ...SD15_SCHEDULER, timestepSpacing: 'trailing' });
    expect(trailing.setTimesteps(4)).toEqual([999, 749, 499, 249]);
    expect(trailing.initNoiseSigma).toBeCloseTo(14.6146555, 4);
  });

  it('scales the model input by 1/√(σ²+1) and noises as x0 + σ·ε', () => {
    const scheduler = fresh();
    scheduler.setTimesteps(20);
    const sigma = 11.028342;
    expect(scheduler.scaleModelInput(new Float32Array([2]), 951)[0]).toBeCloseTo(2 / Math.sqrt(sigma * sigma + 1), 5);
    expect(scheduler.addNoise(new Float32Array([1]), new Float32Array([1]), 951)[0]).toBeCloseTo(1 + sigma, 3);
  });

  it('a loop with an oracle model ends exactly on x0, whatever the ancestral noise', () => {
    const scheduler = fresh();
    const timesteps = scheduler.setTimesteps(20);
    const random = seededRandom(9);
    let sample: Float32Array = random.normals(x0.length).map((e) => e * scheduler.initNoiseSigma);
    for (const t of timesteps) {
      const sigma = scheduler.addNoise(new Float32Array([0]), new Float32Array([1]), t)[0]!;
      // ε such that x − σ·ε = x0; the model sees the scaled input but predicts ε for the unscaled sample.
      const eps = sample.map((x, i) => (x - x0[i]!) / sigma);
      sample = scheduler.step(eps, t, sample, random);
    }
    expect(maxDifference(sample, x0)).toBeLessThan(1e-4);
  });

  it('adds fresh noise between steps: same seed, same sample; another seed, another sample', () => {
    const stepWith = (seed: number): Float32Array => {
      const scheduler = fresh();
      scheduler.setTimesteps(20);
      return scheduler.step(noise, 951, scheduler.addNoise(x0, noise, 951), seededRandom(seed));
    };
    expect(Array.from(stepWith(5))).toEqual(Array.from(stepWith(5)));
    expect(maxDifference(stepWith(5), stepWith(6))).toBeGreaterThan(0.5);
  });

  it('strength keeps the last timesteps and still steps from the full sigma schedule', () => {
    const scheduler = fresh();
    expect(scheduler.setTimesteps(20, 0.5)[0]).toBe(451);
    expect(scheduler.initNoiseSigma).toBeCloseTo(11.073587, 4);
  });
});

describe('LCM', () => {
  const config: SchedulerConfig = { ...SD15_SCHEDULER, setAlphaToOne: true, stepsOffset: 0 };
  const fresh = (): Scheduler => createScheduler('lcm', config);

  it('4 steps are 999, 759, 499, 259', () => {
    expect(fresh().setTimesteps(4)).toEqual([999, 759, 499, 259]);
    expect(fresh().initNoiseSigma).toBe(1);
  });

  it('strength 0.5 draws 4 steps from the low-noise half of the 50-step distillation schedule, as diffusers', () => {
    expect(fresh().setTimesteps(4, 0.5)).toEqual([499, 379, 259, 139]);
    expect(() => fresh().setTimesteps(4, 0.06)).toThrow(/fewer than 4 steps/);
  });

  it('an oracle model gives x0 after the last step (no noise added there)', () => {
    const scheduler = fresh();
    const alphas = alphasCumprod(config);
    const random = seededRandom(4);
    let sample = random.normals(x0.length);
    for (const t of scheduler.setTimesteps(4)) sample = scheduler.step(oracleNoise(x0, sample, alphas[t]!), t, sample, random);
    expect(maxDifference(sample, x0)).toBeLessThan(1e-3);
  });

  it('between steps it re-noises the denoised estimate to the next timestep', () => {
    const scheduler = fresh();
    scheduler.setTimesteps(4);
    const alphas = alphasCumprod(config);
    const xt = scheduler.addNoise(x0, noise, 999);
    const stepNoise = seededRandom(8).normals(x0.length);
    const next = scheduler.step(oracleNoise(x0, xt, alphas[999]!), 999, xt, seededRandom(8));
    // c_skip at t = 999 is ~2.5e-8: the estimate is x0, noised to 759 with the step's own noise.
    expect(maxDifference(next, scheduler.addNoise(x0, stepNoise, 759))).toBeLessThan(1e-3);
  });
});

describe('schedulerConfigFromJson', () => {
  it("reads SD 1.5 inpainting's scheduler_config.json as SD15_SCHEDULER", () => {
    const json = {
      _class_name: 'PNDMScheduler',
      _diffusers_version: '0.6.0',
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      beta_start: 0.00085,
      num_train_timesteps: 1000,
      set_alpha_to_one: false,
      skip_prk_steps: true,
      steps_offset: 1,
      trained_betas: null,
      clip_sample: false,
    };
    expect(schedulerConfigFromJson(json)).toEqual({ ...SD15_SCHEDULER, originalInferenceSteps: 50, timestepScaling: 10 });
  });

  it("fills omitted keys with diffusers' defaults", () => {
    const config = schedulerConfigFromJson({ timestep_spacing: 'trailing' });
    expect(config).toMatchObject({ numTrainTimesteps: 1000, betaSchedule: 'linear', betaStart: 0.0001, betaEnd: 0.02, stepsOffset: 0, setAlphaToOne: true, timestepSpacing: 'trailing' });
  });

  it('refuses schedules it cannot reproduce, naming the key', () => {
    expect(() => schedulerConfigFromJson({ beta_schedule: 'squaredcos_cap_v2' })).toThrow(/beta_schedule/);
    expect(() => schedulerConfigFromJson({ trained_betas: [0.1, 0.2] })).toThrow(/trained_betas/);
    expect(() => schedulerConfigFromJson('nope')).toThrow(/scheduler_config/);
  });
});
