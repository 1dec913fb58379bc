// How events look outside Palisade: OCSF (API Activity 6003 for interactions, Detection Finding 2004
// for policy matches), CEF for syslog, and OpenTelemetry log records named after the GenAI conventions.
// Findings travel as type, confidence, count and location only, as in the event.
import type { AuditEvent } from '../events.ts';
import type { StoredEvent } from '../rows.ts';

const PRODUCT = { name: 'Palisade', vendor_name: 'Palisade', version: '0.1.0' };

function ocsfSeverity(e: AuditEvent): { severity_id: number; severity: string } {
  if (e.outcome === 'blocked' || e.outcome === 'denied') return { severity_id: 3, severity: 'Medium' };
  if (e.findings.length > 0) return { severity_id: 2, severity: 'Low' };
  return { severity_id: 1, severity: 'Informational' };
}

function actor(e: AuditEvent): Record<string, unknown> {
  return {
    user: e.principal ? { uid: e.principal.id, name: e.principal.name, type: e.principal.kind, groups: e.principal.groups.map((name) => ({ name })) } : undefined,
    app_name: e.app?.name,
    ...(e.agent ? { agent_list: [{ uid: e.agent.id, name: e.agent.name, version: e.agent.version }] } : {}),
  };
}

/** One OCSF 1.x object per event. */
export function toOcsf(s: StoredEvent): Record<string, unknown> {
  const e = s.event;
  const metadata = { product: PRODUCT, version: '1.3.0', uid: e.id, correlation_uid: `${s.stream}:${s.seq}`, log_name: 'palisade-audit' };
  const status = e.outcome === 'success' ? { status_id: 1, status: 'Success' } : { status_id: 2, status: 'Failure', status_detail: e.outcome };
  if (e.recordType === 'PolicyMatch') {
    const m = e.policyMatches[0];
    return {
      class_uid: 2004,
      class_name: 'Detection Finding',
      category_uid: 2,
      category_name: 'Findings',
      activity_id: 1,
      type_uid: 200401,
      time: e.time,
      metadata,
      ...ocsfSeverity(e),
      ...status,
      finding_info: {
        uid: e.id,
        title: m ? `${m.policy}/${m.rule}` : 'policy match',
        types: e.findings.map((f) => f.type),
        related_events: e.subjectId !== undefined ? [{ uid: e.subjectId }] : [],
      },
      actor: actor(e),
      unmapped: { policy_matches: e.policyMatches, findings: e.findings, justification: e.justification },
    };
  }
  const api: Record<string, unknown> = { operation: e.operation };
  const unmapped: Record<string, unknown> = { record_type: e.recordType, findings: e.findings, policy_matches: e.policyMatches, risk_level: e.riskLevel };
  if (e.recordType === 'AIInteraction') {
    api['service'] = { name: e.provider };
    unmapped['gen_ai'] = {
      request_model: e.model.requested,
      response_model: e.model.served,
      usage: e.tokens ? { input_tokens: e.tokens.in, output_tokens: e.tokens.out } : undefined,
      conversation_id: e.conversationId,
      sensitivity_labels: e.sensitivityLabels,
      messages: e.messages,
    };
  } else if (e.recordType === 'ToolInvocation') {
    api['service'] = { name: e.resources[0]?.server };
    unmapped['resources'] = e.resources;
  }
  return {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: 99,
    type_uid: 600399,
    time: e.time,
    metadata,
    ...ocsfSeverity(e),
    ...status,
    api,
    actor: actor(e),
    src_endpoint: e.clientIp !== undefined ? { ip: e.clientIp } : undefined,
    http_request: e.app?.userAgent !== undefined ? { user_agent: e.app.userAgent } : undefined,
    unmapped,
  };
}

function cefHeader(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]/g, ' ');
}

function cefValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r?\n|\r/g, '\\n');
}

/** ArcSight CEF: header plus key=value extensions. */
export function toCef(s: StoredEvent): string {
  const e = s.event;
  const sev = e.outcome === 'blocked' || e.outcome === 'denied' ? 7 : e.findings.length > 0 ? 5 : 3;
  const ext: [string, string | number | undefined][] = [
    ['rt', e.time],
    ['externalId', e.id],
    ['act', e.outcome],
    ['suser', e.principal?.name],
    ['suid', e.principal?.id],
    ['src', e.clientIp],
    ['requestClientApplication', e.app?.userAgent],
    ['cs1Label', 'recordType'],
    ['cs1', e.recordType],
    ['cs2Label', 'findings'],
    ['cs2', e.findings.map((f) => `${f.type}x${f.count}`).join(',')],
    ['cs3Label', 'policies'],
    ['cs3', e.policyMatches.map((m) => `${m.policy}/${m.rule}:${m.action}`).join(',')],
  ];
  if (e.recordType === 'AIInteraction') ext.push(['cs4Label', 'model'], ['cs4', e.model.served ?? e.model.requested]);
  const extText = ext.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${cefValue(String(v))}`).join(' ');
  return `CEF:0|Palisade|Palisade|0.1.0|${cefHeader(`${e.recordType}:${e.operation}`)}|${cefHeader(e.operation)}|${sev}|${extText}`;
}

/** RFC 5424 message: facility log audit (13), severity warning for blocks/denials, notice otherwise. */
export function toSyslog(s: StoredEvent, hostname: string, body: string): string {
  const e = s.event;
  const severity = e.outcome === 'blocked' || e.outcome === 'denied' || e.outcome === 'failure' ? 4 : 5;
  const pri = 13 * 8 + severity;
  const host = hostname.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';
  const msgid = e.recordType.slice(0, 32);
  const sd = `[palisade@32473 id="${e.id.replace(/["\\\]]/g, (c) => `\\${c}`)}" stream="${s.stream.replace(/["\\\]]/g, (c) => `\\${c}`)}" seq="${s.seq}"]`;
  return `<${pri}>1 ${new Date(e.time).toISOString()} ${host} palisade ${process.pid} ${msgid} ${sd} ${body}`;
}

type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
type OtlpAttr = { key: string; value: OtlpValue };

function attr(key: string, v: string | number | boolean | undefined): OtlpAttr[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return [{ key, value: { stringValue: v } }];
  if (typeof v === 'boolean') return [{ key, value: { boolValue: v } }];
  return Number.isInteger(v) ? [{ key, value: { intValue: String(v) } }] : [{ key, value: { doubleValue: v } }];
}

/** An OTLP/JSON log record; GenAI semantic-convention names where one exists, `palisade.*` otherwise. */
export function toOtlpLogRecord(s: StoredEvent): Record<string, unknown> {
  const e = s.event;
  const attributes: OtlpAttr[] = [
    ...attr('event.name', `palisade.${e.recordType}`),
    ...attr('palisade.event.id', e.id),
    ...attr('palisade.record_type', e.recordType),
    ...attr('palisade.outcome', e.outcome),
    ...attr('palisade.stream', s.stream),
    ...attr('palisade.seq', s.seq),
    ...attr('palisade.risk_level', e.riskLevel),
    ...attr('user.id', e.principal?.id),
    ...attr('user.name', e.principal?.name),
    ...attr('client.address', e.clientIp),
    ...attr('user_agent.original', e.app?.userAgent),
    ...attr('error.type', e.errorCode),
    ...attr('gen_ai.operation.name', e.operation),
    ...attr('gen_ai.agent.id', e.agent?.id),
    ...attr('gen_ai.agent.name', e.agent?.name),
    ...attr('palisade.findings', e.findings.length > 0 ? JSON.stringify(e.findings) : undefined),
    ...attr('palisade.policy_matches', e.policyMatches.length > 0 ? JSON.stringify(e.policyMatches) : undefined),
  ];
  if (e.recordType === 'AIInteraction') {
    attributes.push(
      ...attr('gen_ai.system', e.provider),
      ...attr('gen_ai.request.model', e.model.requested),
      ...attr('gen_ai.response.model', e.model.served),
      ...attr('gen_ai.usage.input_tokens', e.tokens?.in),
      ...attr('gen_ai.usage.output_tokens', e.tokens?.out),
      ...attr('gen_ai.conversation.id', e.conversationId),
      ...attr('palisade.latency.total_ms', e.latency?.totalMs),
      ...attr('palisade.latency.added_ms', e.latency?.addedMs),
    );
  } else if (e.recordType === 'ToolInvocation') {
    attributes.push(...attr('gen_ai.tool.name', e.resources[0]?.tool), ...attr('server.address', e.resources[0]?.server));
  }
  const warn = e.outcome === 'blocked' || e.outcome === 'denied' || e.outcome === 'failure';
  return {
    timeUnixNano: `${BigInt(e.time) * 1_000_000n}`,
    severityNumber: warn ? 13 : 9,
    severityText: warn ? 'WARN' : 'INFO',
    body: { stringValue: `${e.recordType} ${e.operation} ${e.outcome}` },
    attributes,
  };
}
