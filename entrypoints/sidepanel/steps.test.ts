import { describe, expect, it } from 'vitest';
import { currentStep, panelSteps, type StepFacts } from './steps';

const fresh: StepFacts = { hasSession: true, painting: false, running: false, candidates: 0, maskArea: 0, edits: 0, regionPrompt: '' };

describe('panel steps', () => {
  it('lists the six steps in the loop order, linked to their sections', () => {
    const { steps } = panelSteps(fresh);
    expect(steps.map((s) => s.anchor)).toEqual(['step-image', 'step-mask', 'step-prompt', 'step-inpaint', 'step-compare', 'step-export']);
    expect(steps.map((s) => s.label)).toEqual(['Image', 'Mask', 'Prompt', 'Inpaint', 'Compare', 'Export']);
  });

  it('without a session shows only the picker and the prompt, and starts at the image', () => {
    const { steps, current } = panelSteps({ ...fresh, hasSession: false });
    expect(steps.filter((s) => s.shown).map((s) => s.id)).toEqual(['image', 'prompt']);
    expect(steps.some((s) => s.done)).toBe(false);
    expect(current).toBe(0);
  });

  it('shows Compare only once there are candidates', () => {
    expect(panelSteps(fresh).steps.find((s) => s.id === 'compare')?.shown).toBe(false);
    expect(panelSteps({ ...fresh, candidates: 2 }).steps.find((s) => s.id === 'compare')?.shown).toBe(true);
  });

  it('walks mask → prompt → inpaint → compare as the user goes', () => {
    expect(currentStep(fresh)).toBe('mask');
    expect(currentStep({ ...fresh, maskArea: 10 })).toBe('prompt');
    expect(currentStep({ ...fresh, maskArea: 10, regionPrompt: '  ' })).toBe('prompt');
    expect(currentStep({ ...fresh, maskArea: 10, regionPrompt: 'a red hat' })).toBe('inpaint');
    expect(currentStep({ ...fresh, maskArea: 10, regionPrompt: 'a red hat', running: true })).toBe('inpaint');
    expect(currentStep({ ...fresh, maskArea: 10, regionPrompt: 'a red hat', candidates: 3 })).toBe('compare');
  });

  it('puts the mask tools and a running job ahead of anything left to do', () => {
    expect(currentStep({ ...fresh, candidates: 3, painting: true })).toBe('mask');
    expect(currentStep({ ...fresh, candidates: 3, running: true })).toBe('inpaint');
  });

  it('after an accepted edit (mask cleared) offers export, with the earlier steps done', () => {
    const facts = { ...fresh, edits: 1, regionPrompt: 'a red hat' };
    const { steps, current } = panelSteps(facts);
    expect(steps[current]?.id).toBe('export');
    expect(steps.filter((s) => s.done).map((s) => s.id)).toEqual(['image', 'mask', 'prompt', 'inpaint', 'compare']);
  });
});
