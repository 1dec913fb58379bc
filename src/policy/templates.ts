// One-click policy templates (what DSPM for AI recommends). Each creates a named policy; the ones that
// block start in simulate where the issue says so, so a team sees the effect before it bites.
import { policyConfig, type PolicyConfig, type PolicyConfigInput } from '../core/index.ts';

export interface PolicyTemplate {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly policy: PolicyConfigInput;
}

export const POLICY_TEMPLATES: readonly PolicyTemplate[] = [
  {
    id: 'detect-sensitive-info',
    title: 'Detect sensitive info shared with AI',
    description: 'Audits every sensitive information type found in prompts, with medium or high confidence.',
    policy: {
      name: 'Detect sensitive info shared with AI',
      description: 'Audit all sensitive information types in prompts.',
      mode: 'enforce',
      priority: 500,
      locations: ['prompt'],
      rules: [{ name: 'any-sensitive-info', conditions: [{ sit: { types: ['*'], minConfidence: 'medium' } }], actions: ['audit'] }],
    },
  },
  {
    id: 'block-sensitive-info',
    title: 'Block sensitive info from AI apps',
    description: 'Blocks prompts and responses carrying high-confidence financial, government-id or secret types. Starts in simulate.',
    policy: {
      name: 'Block sensitive info from AI apps',
      description: 'Block high-confidence financial, government id and credential data.',
      mode: 'simulate',
      priority: 100,
      locations: ['prompt', 'response'],
      rules: [
        {
          name: 'high-confidence-sensitive',
          conditions: [{ sit: { categories: ['financial', 'government-id', 'secret'], minConfidence: 'high' } }],
          actions: [{ block: { tip: 'This message contains financial, government-id or credential data that may not be shared with AI apps.' } }],
        },
      ],
    },
  },
  {
    id: 'never-send-credentials',
    title: 'Never send credentials to models',
    description: 'Redacts secrets (keys, tokens, passwords, private keys) in prompts, responses and tool traffic, and alerts.',
    policy: {
      name: 'Never send credentials to models',
      description: 'Secrets never reach a model or a user.',
      mode: 'enforce',
      priority: 50,
      locations: ['prompt', 'response', 'tool-input', 'tool-output'],
      rules: [
        {
          name: 'secrets',
          conditions: [{ sit: { categories: ['secret'], minConfidence: 'medium' } }],
          actions: [{ redact: { style: 'placeholder' } }, { alert: { severity: 'high' } }],
        },
      ],
    },
  },
  {
    id: 'protect-labelled-data',
    title: 'Protect labelled data from AI processing',
    description: 'Blocks content labelled Highly Confidential (by a visible marking, label metadata or the request).',
    policy: {
      name: 'Protect labelled data from AI processing',
      description: 'Highly Confidential content is not processed by AI.',
      mode: 'enforce',
      priority: 60,
      locations: ['prompt', 'response', 'tool-input', 'tool-output'],
      rules: [
        {
          name: 'highly-confidential',
          conditions: [{ label: { atLeast: 'Highly Confidential' } }],
          actions: [{ block: { tip: 'Content labelled Highly Confidential may not be processed by AI.' } }],
        },
      ],
    },
  },
  {
    id: 'detect-risky-ai-usage',
    title: 'Detect risky AI usage',
    description: 'Audits and alerts on prompt injection and jailbreak attempts, and on injected instructions in documents and tool results.',
    policy: {
      name: 'Detect risky AI usage',
      description: 'Injection and jailbreak attempts are recorded and alerted on.',
      mode: 'enforce',
      priority: 200,
      locations: ['prompt', 'tool-output'],
      rules: [
        {
          name: 'injection-or-jailbreak',
          conditions: [{ detector: { types: ['PROMPT_INJECTION', 'JAILBREAK', 'INDIRECT_INJECTION'], minScore: 0.5 } }],
          actions: ['audit', { alert: { severity: 'high' } }],
        },
      ],
    },
  },
  {
    id: 'block-elevated-risk-users',
    title: 'Block elevated-risk users from prompting',
    description: 'Principals whose risk level is elevated cannot prompt models.',
    policy: {
      name: 'Block elevated-risk users from prompting',
      description: 'Adaptive protection: elevated risk blocks prompting.',
      mode: 'enforce',
      priority: 10,
      locations: ['prompt'],
      rules: [
        {
          name: 'elevated-risk',
          conditions: [{ risk: { atLeast: 'elevated' } }],
          actions: [{ block: { tip: 'Your access to AI apps is restricted while your account is under review.' } }],
        },
      ],
    },
  },
  {
    id: 'capture-interactions',
    title: 'Capture interactions',
    description: 'Stores prompt and response content (encrypted) for investigation by the content-reader role.',
    policy: {
      name: 'Capture interactions',
      description: 'Keep prompt and response content for investigations.',
      mode: 'enforce',
      priority: 1000,
      locations: ['prompt', 'response'],
      rules: [{ name: 'all-interactions', conditions: [{ predicate: 'always' }], actions: [{ capture: true }] }],
    },
  },
];

export function findTemplate(id: string): PolicyTemplate | undefined {
  return POLICY_TEMPLATES.find((t) => t.id === id || t.title.toLowerCase() === id.toLowerCase());
}

/** The policy a template creates, validated; `simulate` forces simulate mode. */
export function instantiateTemplate(t: PolicyTemplate, opts: { simulate?: boolean } = {}): PolicyConfig {
  const input = opts.simulate === true ? { ...t.policy, mode: 'simulate' as const } : t.policy;
  return policyConfig.parse(input);
}
