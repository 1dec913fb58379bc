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

  it('reads label metadata wherever it sits in the line, not only at its end', () => {
    const OTHER = '9a8b7c6d-2222-4a2b-9c3d-0123456789ab';
    const names = (text: string): string[] => labels.detect(text).map((l) => l.name);
    // An msip_labels header: properties separated by `;` … or by spaces, with the name in the middle.
    expect(names(`msip_labels: MSIP_Label_${OTHER}_Enabled=true; MSIP_Label_${OTHER}_Name=Highly Confidential; MSIP_Label_${OTHER}_SiteId=x`)).toEqual(['Highly Confidential']);
    expect(names(`MSIP_Label_${OTHER}_Name=Highly Confidential MSIP_Label_${OTHER}_Method=Privileged`)).toEqual(['Highly Confidential']);
    expect(names(`see MSIP_Label_${OTHER}_Name=Confidential (applied by policy) in the attached file`)).toEqual(['Confidential']);
    // Office custom properties (docProps/custom.xml) carry the value as element text.
    expect(names(`<property fmtid="{D5CDD505}" pid="3" name="MSIP_Label_${OTHER}_Name"><vt:lpwstr>Confidential</vt:lpwstr></property><property name="x">`)).toEqual(['Confidential']);
    // A name that merely starts like a label is not that label.
    expect(names(`MSIP_Label_${OTHER}_Name=Confidentiality notes`)).toEqual([]);
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
