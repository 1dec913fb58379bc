import { describe, expect, it } from 'vitest';
import { DETECTION_DEFAULTS, detectionConfig } from '../core/config/detection.ts';
import { createLabelDetector } from './labels.ts';
import { createDetection } from './index.ts';

const GUID = '3f1a5c2e-1111-4a2b-9c3d-0123456789ab';
const labels = createLabelDetector(
  detectionConfig.parse({
    labels: [
      { name: 'Public', priority: 0 },
      { name: 'Confidential', priority: 2, markings: ['CONFIDENTIAL'], ids: [GUID] },
      { name: 'Highly Confidential', priority: 3, markings: ['HIGHLY CONFIDENTIAL'] },
    ],
  }).labels,
);

describe('sensitivity labels', () => {
  it('finds visible markings as whole words, case-sensitively', () => {
    expect(labels.detect('CONFIDENTIAL — do not forward').map((l) => l.name)).toEqual(['Confidential']);
    expect(labels.detect('this is confidential between us')).toEqual([]);
    expect(labels.detect('NONCONFIDENTIALITY')).toEqual([]);
  });

  it('reads Purview label metadata pasted with document text', () => {
    const text = `MSIP_Label_${GUID}_Enabled=true\nMSIP_Label_${GUID}_Name=Confidential`;
    expect(labels.detect(text)).toEqual([{ name: 'Confidential', priority: 2, source: 'metadata' }]);
  });

  it('resolves the highest label across content, the request header and MCP metadata', () => {
    const r = labels.resolve({ text: 'CONFIDENTIAL', header: 'Public, Highly Confidential, Nonsense', mcpMeta: { annotations: { sensitivityLabel: 'Public' } } });
    expect(r.effective).toEqual({ name: 'Highly Confidential', priority: 3, source: 'header' });
    expect(r.unknown).toEqual(['Nonsense']);
    expect(r.found.map((h) => h.source).sort()).toEqual(['header', 'header', 'marking', 'mcp']);
    expect(labels.resolve({ text: 'nothing' }).effective).toBeNull();
  });

  it('appears in the scan report with the default taxonomy', () => {
    const report = createDetection(DETECTION_DEFAULTS).report('HIGHLY CONFIDENTIAL\nssn 536-22-1234');
    expect(report.label?.effective?.name).toBe('Highly Confidential');
  });
});
