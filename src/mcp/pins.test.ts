import { describe, expect, it } from 'vitest';
import { toolHash, type ToolDefinition } from './canonical.ts';
import { evaluatePin, type PinSettings } from './pins.ts';

const v1: ToolDefinition = { name: 't', description: 'one', inputSchema: { type: 'object' } };
const v2: ToolDefinition = { ...v1, description: 'two' };
const tofu: PinSettings = { trustOnFirstUse: true, poisoningAction: 'quarantine' };

describe('evaluatePin', () => {
  it('pins on first registration, keeps an unchanged pin, quarantines a change', () => {
    const first = evaluatePin(undefined, 's', v1, toolHash(v1), [], true, tofu, 1);
    expect(first).toMatchObject({ change: 'pinned', pin: { status: 'approved', approvedHash: toolHash(v1) } });
    const same = evaluatePin(first.pin, 's', v1, toolHash(v1), [], false, tofu, 2);
    expect(same.change).toBeUndefined();
    expect(same.pin.status).toBe('approved');
    const changed = evaluatePin(first.pin, 's', v2, toolHash(v2), [], false, tofu, 3);
    expect(changed).toMatchObject({ change: 'quarantined', pin: { status: 'quarantined', reasons: ['changed'], approvedHash: toolHash(v1) } });
    // Seen again unchanged: still quarantined, no new event.
    expect(evaluatePin(changed.pin, 's', v2, toolHash(v2), [], false, tofu, 4).change).toBeUndefined();
    // Changed back to the approved definition: approved again.
    expect(evaluatePin(changed.pin, 's', v1, toolHash(v1), [], false, tofu, 5).pin.status).toBe('approved');
  });

  it('does not trust a tool that appears after the first registration (a rename is a change)', () => {
    expect(evaluatePin(undefined, 's', v1, toolHash(v1), [], false, tofu, 1)).toMatchObject({ change: 'pending', pin: { status: 'pending', reasons: ['new'] } });
  });

  it('quarantines or only flags a poisoned definition, per config', () => {
    expect(evaluatePin(undefined, 's', v1, toolHash(v1), ['model-instructions'], true, tofu, 1).pin).toMatchObject({ status: 'quarantined', reasons: ['poisoned'] });
    const flagged = evaluatePin(undefined, 's', v1, toolHash(v1), ['model-instructions'], true, { ...tofu, poisoningAction: 'flag' }, 1);
    expect(flagged).toMatchObject({ change: 'flagged', pin: { status: 'approved', signals: ['model-instructions'] } });
  });

  it('without trust on first use every new tool waits for an admin', () => {
    expect(evaluatePin(undefined, 's', v1, toolHash(v1), [], true, { ...tofu, trustOnFirstUse: false }, 1).pin.status).toBe('pending');
  });
});
