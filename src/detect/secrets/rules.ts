// Secret formats with a literal anchor: the prefilter finds the anchor with one pass over the text, then
// the rule's pattern runs in a small window around it. Patterns follow the providers' published formats.
import type { ConfidenceLevel } from '../../core/finding.ts';
import { jwt, shannonEntropy } from '../validators.ts';

export interface SecretRule {
  readonly id: string;
  readonly name: string;
  readonly provider: string;
  /** Literal strings one of which every match contains. */
  readonly anchors: readonly string[];
  /** Global regex run in [anchor - back, anchor + maxLen]; the whole match is the secret. */
  readonly pattern: RegExp;
  readonly back?: number;
  readonly maxLen: number;
  readonly confidence: ConfidenceLevel;
  readonly validate?: (value: string) => boolean;
  readonly validatorName?: string;
  /** Formats with zero-padded fields (runs of `A` in base64) opt out of the placeholder-run check. */
  readonly allowRuns?: boolean;
  /**
   * Keyword-context rules (a provider's name in the key, an assignment, a value of the provider's shape):
   * anchors are matched case-insensitively and the secret is capture group 1, not the whole match.
   */
  readonly keyed?: boolean;
}

// Left boundary: no token character before, or the end of an ANSI colour sequence (`ESC[93m`), which
// terminal logs put directly in front of values.
const B = '(?:(?<![A-Za-z0-9_-])|(?<=\\x1b\\[[0-9;]{0,12}m))';
const E = '(?![A-Za-z0-9_-])';

interface RuleOpts {
  readonly back?: number;
  readonly validate?: (value: string) => boolean;
  readonly validatorName?: string;
  readonly confidence?: ConfidenceLevel;
  readonly allowRuns?: boolean;
}

function rule(
  id: string,
  name: string,
  provider: string,
  anchors: string | readonly string[],
  source: string,
  maxLen: number,
  opts: RuleOpts = {},
): SecretRule {
  return {
    id,
    name,
    provider,
    anchors: typeof anchors === 'string' ? [anchors] : anchors,
    pattern: new RegExp(source, 'g'),
    maxLen,
    confidence: opts.confidence ?? 'high',
    ...(opts.back !== undefined ? { back: opts.back } : {}),
    ...(opts.validate !== undefined ? { validate: opts.validate } : {}),
    ...(opts.validatorName !== undefined ? { validatorName: opts.validatorName } : {}),
    ...(opts.allowRuns === true ? { allowRuns: true } : {}),
  };
}

// After a provider keyword inside a key (`ALGOLIA_ADMIN_KEY`, `"sentry": {"token"`): the rest of the key, a
// closing quote, the operator, an opening quote; never a line break (`KEY=` then the next line is another key).
const ASSIGNED = `[\\w.-]{0,40}?[ \\t\\w.-]{0,20}?['"\\]]{0,3}[ \\t]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'" \\t=]{0,5}`;
const KEYED_END = `(?![A-Za-z0-9_+/=-])`;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A keyword-context rule: one of `keywords` in the key of an assignment whose value has the provider's
 * shape (`value`, matched case-insensitively as the providers' documentation and gitleaks do). Medium
 * confidence: the shape alone (32 hex, a UUID) is not unique to the provider.
 */
function keyed(id: string, name: string, provider: string, keywords: readonly string[], value: string, opts: RuleOpts & { readonly minEntropy?: number } = {}): SecretRule {
  const kw = keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const min = opts.minEntropy ?? 3;
  return {
    ...rule(id, name, provider, keywords.map((k) => k.toLowerCase()), `(?:${kw})${ASSIGNED}(${value})${KEYED_END}`, 160, {
      confidence: 'medium',
      validate: opts.validate ?? notPlaceholder(min),
      ...(opts.allowRuns === true ? { allowRuns: true } : {}),
      ...(opts.confidence !== undefined ? { confidence: opts.confidence } : {}),
    }),
    pattern: new RegExp(`(?:${kw})${ASSIGNED}(${value})${KEYED_END}`, 'gid'),
    keyed: true,
  };
}

/** Rejects values that are a placeholder run such as `xxxxxxxx` or `00000000` inside the body. */
const notPlaceholder = (min: number) => (value: string): boolean => !/(.)\1{9,}/.test(value) && shannonEntropy(value) >= min;

/** Grafana API keys are base64 JSON `{"k": key, "n": name, "id": n}`; a key of one repeated character is a placeholder. */
function grafanaKey(value: string): boolean {
  try {
    const obj = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as unknown;
    if (typeof obj !== 'object' || obj === null) return false;
    const k = (obj as Record<string, unknown>).k;
    return typeof k === 'string' && k.length >= 16 && !/^(.)\1*$/.test(k);
  } catch {
    return false;
  }
}

/** The part of an X (Twitter) app-only bearer token after its URL-encoded `=` is random. */
const xBearer = (value: string): boolean => shannonEntropy(value.slice(value.indexOf('%3D') + 3)) >= 3.5;

/** Microsoft's annotated keys carry zero-padded fields; the 52 leading characters are random. */
const msAnnotated = (value: string): boolean => notPlaceholder(3.5)(value.slice(0, 52));

export const SECRET_RULES: readonly SecretRule[] = [
  // ---- cloud ----
  rule('AWS_ACCESS_KEY', 'AWS access key id', 'Amazon Web Services', ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'], `${B}(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}${E}`, 24, { validate: notPlaceholder(2.5) }),
  rule('AWS_BEDROCK_API_KEY', 'Amazon Bedrock API key', 'Amazon Web Services', 'ABSK', `${B}ABSK[A-Za-z0-9+/]{100,300}={0,2}`, 320),
  rule('GCP_API_KEY', 'Google Cloud / Gemini API key', 'Google', 'AIza', `${B}AIza[0-9A-Za-z_-]{35}${E}`, 40),
  rule('GOOGLE_OAUTH_CLIENT_SECRET', 'Google OAuth client secret', 'Google', 'GOCSPX-', `${B}GOCSPX-[A-Za-z0-9_-]{28}${E}`, 36),
  rule('GOOGLE_OAUTH_ACCESS_TOKEN', 'Google OAuth access token', 'Google', 'ya29.', `${B}ya29\\.[0-9A-Za-z_-]{30,}`, 300),
  rule('FIREBASE_CLOUD_MESSAGING_KEY', 'Firebase Cloud Messaging server key', 'Google', ':APA91b', `${B}AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}`, 160, { back: 12 }),
  rule('AZURE_STORAGE_KEY', 'Azure storage account key', 'Microsoft Azure', 'AccountKey=', `AccountKey=[A-Za-z0-9+/]{86}==`, 100),
  rule('AZURE_CONNECTION_STRING', 'Azure connection string with a key', 'Microsoft Azure', ['SharedAccessKey=', 'DefaultEndpointsProtocol='], `(?:DefaultEndpointsProtocol=https?;[^\\s"']{0,200}AccountKey=[A-Za-z0-9+/=]{40,90}|Endpoint=sb://[^\\s;"']{1,200};SharedAccessKeyName=[^\\s;"']{1,100};SharedAccessKey=[A-Za-z0-9+/=]{40,50})`, 400, { back: 320 }),
  rule('AZURE_SAS_TOKEN', 'Azure shared access signature', 'Microsoft Azure', 'sig=', `(?:sv|se|sp|st|sr|ss|srt|spr)=[^\\s"'&]{1,40}(?:&(?:sv|se|sp|st|sr|ss|srt|spr|skoid|sktid|skt|ske|sks|skv|sip|si)=[^\\s"'&]{1,80}){1,12}&sig=[A-Za-z0-9%+/]{40,80}={0,2}(?:%3D){0,2}`, 120, { back: 600 }),
  rule('AZURE_AD_CLIENT_SECRET', 'Microsoft Entra client secret', 'Microsoft Azure', 'Q~', `${B}[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}${E}`, 40, { back: 5 }),
  rule('ALIBABA_ACCESS_KEY', 'Alibaba Cloud AccessKey id', 'Alibaba Cloud', 'LTAI', `${B}LTAI[A-Za-z0-9]{12,20}${E}`, 24),
  rule('DIGITALOCEAN_TOKEN', 'DigitalOcean token', 'DigitalOcean', ['dop_v1_', 'doo_v1_', 'dor_v1_'], `${B}do[opr]_v1_[a-f0-9]{64}${E}`, 72),
  rule('HEROKU_API_KEY', 'Heroku API key', 'Heroku', 'HRKU-', `${B}HRKU-[A-Za-z0-9_-]{20,80}${E}`, 90),
  rule('CLOUDFLARE_ORIGIN_CA_KEY', 'Cloudflare Origin CA key', 'Cloudflare', 'v1.0-', `${B}v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}${E}`, 180),
  rule('FLYIO_TOKEN', 'Fly.io token', 'Fly.io', ['fo1_', 'FlyV1 fm', 'fm1a_', 'fm1r_', 'fm2_'], `${B}(?:fo1_[A-Za-z0-9_-]{43}|FlyV1 fm\\d_[A-Za-z0-9+/=_-]{100,}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,}={0,3})`, 600, { validate: notPlaceholder(4) }),
  rule('VAULT_TOKEN', 'HashiCorp Vault token', 'HashiCorp', ['hvs.', 'hvb.'], `${B}hv[sb]\\.[A-Za-z0-9_-]{24,}${E}`, 200),
  rule('TERRAFORM_CLOUD_TOKEN', 'Terraform Cloud / HCP API token', 'HashiCorp', '.atlasv1.', `${B}[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}${E}`, 80, { back: 15 }),
  rule('DOPPLER_TOKEN', 'Doppler token', 'Doppler', ['dp.pt.', 'dp.st.', 'dp.ct.', 'dp.sa.', 'dp.scim.', 'dp.audit.'], `${B}dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9]{40,44}${E}`, 60),
  rule('PULUMI_TOKEN', 'Pulumi access token', 'Pulumi', 'pul-', `${B}pul-[a-f0-9]{40}${E}`, 44),
  rule('SUPABASE_TOKEN', 'Supabase access token', 'Supabase', ['sbp_', 'sb_secret_'], `${B}(?:sbp_(?:v0_)?[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{30,})${E}`, 60),
  rule('PLANETSCALE_TOKEN', 'PlanetScale token or password', 'PlanetScale', ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'], `${B}pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}${E}`, 80),
  rule('DATABRICKS_TOKEN', 'Databricks token', 'Databricks', 'dapi', `${B}dapi[a-f0-9]{32}(?:-\\d)?${E}`, 40, { validate: notPlaceholder(3) }),
  rule('TAILSCALE_KEY', 'Tailscale key', 'Tailscale', 'tskey-', `${B}tskey-(?:api|auth|client|webhook)-[A-Za-z0-9]{6,20}-[A-Za-z0-9]{20,64}${E}`, 100),
  rule('NETLIFY_TOKEN', 'Netlify access token', 'Netlify', 'nfp_', `${B}nfp_[A-Za-z0-9]{36}${E}`, 40),
  rule('DYNATRACE_TOKEN', 'Dynatrace API token', 'Dynatrace', 'dt0c01.', `${B}dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}${E}`, 100),
  rule('NEW_RELIC_KEY', 'New Relic key', 'New Relic', ['NRAK-', 'NRJS-', 'NRII-', 'NRAA-'], `${B}NR(?:AK|II|AA)-[A-Z0-9]{27}${E}|${B}NRJS-[a-f0-9]{19}${E}`, 36),
  // Ingest licence keys: 40 characters ending in NRAL (EU accounts start with eu01xx).
  rule('NEW_RELIC_LICENSE_KEY', 'New Relic ingest licence key', 'New Relic', 'NRAL', `${B}(?:eu01x|[a-f0-9]{5})[a-fx0-9][a-f0-9]{30}NRAL${E}`, 4, { back: 37, validate: notPlaceholder(3) }),
  rule('GRAFANA_TOKEN', 'Grafana Cloud or service-account token', 'Grafana', ['glc_', 'glsa_'], `${B}(?:glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${E}`, 420),
  rule('SENTRY_TOKEN', 'Sentry auth token', 'Sentry', ['sntrys_', 'sntryu_'], `${B}(?:sntrys_eyJ[A-Za-z0-9+/=_-]{60,}|sntryu_[a-f0-9]{64})${E}`, 400),
  rule('CLOUDFLARE_API_TOKEN', 'Cloudflare API token (scannable format)', 'Cloudflare', ['cfat_', 'cfut_', 'cfk_'], `${B}cf(?:at|ut|k)_[A-Za-z0-9]{40,64}${E}`, 70),
  rule('AKAMAI_CLIENT_TOKEN', 'Akamai EdgeGrid client token or secret', 'Akamai', 'akab-', `${B}akab-[a-z0-9]{16}-[a-z0-9]{16}${E}(?!\\.[a-z])`, 40),
  rule('AWS_MWS_KEY', 'Amazon MWS auth token', 'Amazon', 'amzn.mws.', `amzn\\.mws\\.[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}`, 46),
  rule('BREVO_API_KEY', 'Brevo (Sendinblue) API key', 'Brevo', ['xkeysib-', 'xsmtpsib-'], `${B}x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}${E}`, 92),
  rule('BITBUCKET_DC_TOKEN', 'Bitbucket Data Center HTTP access token', 'Atlassian', 'BBDC-', `${B}BBDC-[A-Za-z0-9+/]{44}${E}`, 50),
  rule('DEFINED_NETWORKING_KEY', 'Defined Networking API key', 'Defined Networking', 'dnkey-', `${B}dnkey-[A-Z0-9=_-]{26}-[A-Z0-9=_-]{52}${E}`, 90),
  rule('DOCKER_SWARM_TOKEN', 'Docker Swarm join token or unlock key', 'Docker', ['SWMTKN-1-', 'SWMKEY-1-'], `${B}(?:SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25}|SWMKEY-1-[A-Za-z0-9+/]{43})${E}`, 90),
  rule('LLAMA_CLOUD_API_KEY', 'LlamaCloud API key', 'LlamaIndex', 'llx-', `${B}llx-[A-Za-z0-9_-]{40,60}${E}`, 64),
  rule('DROPBOX_TOKEN', 'Dropbox short-lived access token', 'Dropbox', 'sl.', `${B}sl\\.[A-Za-z0-9_-]{130,160}${E}`, 170),
  rule('INSTAGRAM_TOKEN', 'Instagram / Facebook Graph access token', 'Meta', ['IGQV', 'EAAB', 'EAAC', 'EAAG', 'EAAM'], `${B}(?:IGQV[A-Za-z0-9_-]{100,}|EAA[BCGM][A-Za-z0-9]{80,})${E}`, 400),
  rule('GOOGLE_OAUTH_REFRESH_TOKEN', 'Google OAuth refresh token', 'Google', '1//0', `(?<![A-Za-z0-9/])1//0[A-Za-z0-9_-]{40,200}${E}`, 210),
  rule('NATS_NKEY_SEED', 'NATS nkey seed', 'NATS', ['SUA', 'SAA', 'SOA', 'SNA', 'SCA', 'SXA'], `${B}S[UAONCX]A[A-Z2-7]{55}${E}`, 58, { validate: notPlaceholder(3.5) }),
  rule('ATLASSIAN_API_TOKEN', 'Atlassian API token', 'Atlassian', ['ATATT3', 'ATCTT3'], `${B}AT[AC]TT3[A-Za-z0-9_=-]{150,250}${E}`, 260),
  rule('BITBUCKET_APP_PASSWORD', 'Bitbucket app password', 'Atlassian', 'ATBB', `${B}ATBB[A-Za-z0-9_=.-]{28,40}${E}`, 48),
  rule('JFROG_TOKEN', 'JFrog Artifactory API key or reference token', 'JFrog', ['AKCp', 'cmVmd'], `${B}(?:AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59})${E}`, 80, { validate: notPlaceholder(4) }),
  rule('POSTMAN_API_KEY', 'Postman API key', 'Postman', 'PMAK-', `${B}PMAK-[a-f0-9]{24}-[a-f0-9]{34}${E}`, 70),
  rule('POSTMAN_COLLECTION_TOKEN', 'Postman collection access token', 'Postman', 'PMAT-', `${B}PMAT-[A-Z0-9]{26}${E}`, 32, { validate: notPlaceholder(3) }),
  rule('SONARQUBE_TOKEN', 'SonarQube token', 'SonarSource', ['squ_', 'sqp_', 'sqa_'], `${B}sq[upa]_[a-f0-9]{40}${E}`, 44),
  rule('CIRCLECI_TOKEN', 'CircleCI personal token', 'CircleCI', 'CCIPAT_', `${B}CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}${E}`, 72),
  rule('BUILDKITE_TOKEN', 'Buildkite API token', 'Buildkite', 'bkua_', `${B}bkua_[a-f0-9]{40}${E}`, 46),
  rule('HARNESS_TOKEN', 'Harness access token', 'Harness', 'pat.', `${B}pat\\.[A-Za-z0-9_-]{22}\\.[0-9a-f]{24}\\.[A-Za-z0-9]{20}${E}`, 72),
  rule('OCTOPUS_API_KEY', 'Octopus Deploy API key', 'Octopus', 'API-', `${B}API-[A-Z0-9]{26}${E}`, 32, { validate: notPlaceholder(3) }),
  rule('PREFECT_TOKEN', 'Prefect API key', 'Prefect', 'pnu_', `${B}pnu_[A-Za-z0-9]{36}${E}`, 40),
  rule('README_API_KEY', 'ReadMe API key', 'ReadMe', 'rdme_', `${B}rdme_[a-z0-9]{70}${E}`, 76),
  rule('INFRACOST_KEY', 'Infracost API key', 'Infracost', 'ico-', `${B}ico-[A-Za-z0-9]{32}${E}`, 36),
  rule('AGE_SECRET_KEY', 'age encryption secret key', 'age', 'AGE-SECRET-KEY-1', `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`, 76),
  rule('ONEPASSWORD_TOKEN', '1Password service-account token', '1Password', 'ops_eyJ', `${B}ops_eyJ[A-Za-z0-9+/=_-]{250,}`, 2000),
  rule('ONEPASSWORD_SECRET_KEY', '1Password account secret key', '1Password', 'A3-', `${B}A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}${E}`, 50),
  rule('POSTHOG_PERSONAL_KEY', 'PostHog personal, secret or OAuth key', 'PostHog', ['phx_', 'phs_', 'pha_', 'phr_'], `${B}ph[xsar]_[A-Za-z0-9]{39,64}${E}`, 70, { validate: notPlaceholder(3.5) }),
  // Project keys are write-only ingestion keys that ship in web pages: reported, but low.
  rule('POSTHOG_PROJECT_KEY', 'PostHog project API key', 'PostHog', 'phc_', `${B}phc_[A-Za-z0-9]{39,64}${E}`, 70, { validate: notPlaceholder(3.5), confidence: 'low' }),
  rule('VERCEL_TOKEN', 'Vercel access token', 'Vercel', ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'], `${B}vc[pikar]_[A-Za-z0-9]{24,64}${E}`, 70, { validate: notPlaceholder(3.5) }),
  rule('GRAFANA_API_KEY', 'Grafana API key (legacy)', 'Grafana', 'eyJrIjoi', `${B}eyJrIjoi[A-Za-z0-9+/]{40,400}={0,2}`, 420, { validate: grafanaKey, validatorName: 'decodes to JSON with a key' }),
  rule('MICROSOFT_ANNOTATED_KEY', 'Microsoft annotated security key (Azure DevOps PAT and other 84-character keys)', 'Microsoft', 'JQQJ9', `${B}[A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{20,30}={0,2}`, 40, { back: 53, validate: msAnnotated, allowRuns: true }),
  rule('AWS_BEDROCK_SHORT_TERM_KEY', 'Amazon Bedrock short-term API key', 'Amazon Web Services', 'bedrock-api-key-', `${B}bedrock-api-key-[A-Za-z0-9+/]{30,4000}={0,2}`, 4100, { validate: notPlaceholder(3.5) }),
  rule('SALESFORCE_ACCESS_TOKEN', 'Salesforce access token / session id', 'Salesforce', '00D', `${B}00D[A-Za-z0-9]{12}![A-Za-z0-9._]{80,}`, 300, { validate: (v) => shannonEntropy(v) >= 4 }),
  // ---- code hosts ----
  rule('GITHUB_PAT', 'GitHub personal access token (classic)', 'GitHub', 'ghp_', `${B}ghp_[A-Za-z0-9]{36}${E}`, 40),
  rule('GITHUB_OAUTH_TOKEN', 'GitHub OAuth access token', 'GitHub', 'gho_', `${B}gho_[A-Za-z0-9]{36}${E}`, 40),
  rule('GITHUB_APP_TOKEN', 'GitHub App user/installation token', 'GitHub', ['ghu_', 'ghs_'], `${B}gh[us]_[A-Za-z0-9]{36}${E}`, 40),
  rule('GITHUB_REFRESH_TOKEN', 'GitHub refresh token', 'GitHub', 'ghr_', `${B}ghr_[A-Za-z0-9]{36,76}${E}`, 80),
  rule('GITHUB_FINE_GRAINED_PAT', 'GitHub fine-grained personal access token', 'GitHub', 'github_pat_', `${B}github_pat_[A-Za-z0-9_]{82}${E}`, 94),
  rule('GITLAB_PAT', 'GitLab personal/project access token', 'GitLab', 'glpat-', `${B}glpat-[A-Za-z0-9_-]{20,}(?:\\.[A-Za-z0-9]{2}\\.[a-z0-9]{9})?${E}`, 80),
  rule('GITLAB_TOKEN', 'GitLab pipeline, runner, deploy or feed token', 'GitLab', ['glptt-', 'GR1348941', 'gldt-', 'glft-', 'glrt-', 'glrtr-', 'glwt-', 'gloas-', 'glcbt-', 'glimt-', 'glagent-', 'glsoat-', 'glffct-'], `${B}(?:glptt-[a-f0-9]{40}|GR1348941[A-Za-z0-9_-]{20}|gl(?:dt|ft|rt|rtr|wt|oas|cbt|imt|agent|soat|ffct)-[A-Za-z0-9_-]{20,64})${E}`, 80),
  // ---- AI providers ----
  rule('OPENAI_API_KEY', 'OpenAI API key', 'OpenAI', 'T3BlbkFJ', `${B}sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}${E}`, 220, { back: 220 }),
  rule('ANTHROPIC_API_KEY', 'Anthropic API key', 'Anthropic', ['sk-ant-api', 'sk-ant-admin', 'sk-ant-oat', 'sk-ant-ort'], `${B}sk-ant-(?:api|admin|oat|ort)\\d{2}-[A-Za-z0-9_-]{80,120}${E}`, 140),
  rule('OPENROUTER_API_KEY', 'OpenRouter API key', 'OpenRouter', 'sk-or-v1-', `${B}sk-or-v1-[a-f0-9]{64}${E}`, 74),
  rule('AI_PROVIDER_SK_KEY', 'AI provider `sk-` key (OpenAI legacy, DeepSeek, Moonshot…)', 'various', 'sk-', `${B}sk-(?!ant-|or-v1-)[A-Za-z0-9]{32,64}${E}`, 70, { validate: notPlaceholder(3.5), confidence: 'medium' }),
  rule('HUGGINGFACE_TOKEN', 'Hugging Face access token', 'Hugging Face', ['hf_', 'api_org_'], `${B}(?:hf_[A-Za-z]{34}|api_org_[A-Za-z]{34})${E}`, 42, { validate: notPlaceholder(3) }),
  rule('GROQ_API_KEY', 'Groq API key', 'Groq', 'gsk_', `${B}gsk_[A-Za-z0-9]{52}${E}`, 56),
  rule('PERPLEXITY_API_KEY', 'Perplexity API key', 'Perplexity', 'pplx-', `${B}pplx-[A-Za-z0-9]{48}${E}`, 54),
  rule('XAI_API_KEY', 'xAI API key', 'xAI', 'xai-', `${B}xai-[A-Za-z0-9]{80}${E}`, 84),
  rule('REPLICATE_TOKEN', 'Replicate API token', 'Replicate', 'r8_', `${B}r8_[A-Za-z0-9]{37}${E}`, 40),
  rule('NVIDIA_API_KEY', 'NVIDIA API key', 'NVIDIA', 'nvapi-', `${B}nvapi-[A-Za-z0-9_-]{64}${E}`, 70),
  rule('TAVILY_API_KEY', 'Tavily API key', 'Tavily', 'tvly-', `${B}tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}${E}`, 44),
  rule('LANGSMITH_API_KEY', 'LangSmith API key', 'LangChain', ['lsv2_pt_', 'lsv2_sk_'], `${B}lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}${E}`, 56),
  rule('FIREWORKS_API_KEY', 'Fireworks AI API key', 'Fireworks', 'fw_', `${B}fw_[A-Za-z0-9]{24}${E}`, 27, { validate: notPlaceholder(3.5), confidence: 'medium' }),
  rule('TOGETHER_API_KEY', 'Together AI API key', 'Together', 'tgp_v1_', `${B}tgp_v1_[A-Za-z0-9_-]{43}${E}`, 50),
  // ---- payments ----
  rule('STRIPE_SECRET_KEY', 'Stripe live secret or restricted key', 'Stripe', ['sk_live_', 'rk_live_', 'sk_prod_', 'rk_prod_'], `${B}[rs]k_(?:live|prod)_[A-Za-z0-9]{20,247}${E}`, 256),
  rule('STRIPE_TEST_KEY', 'Stripe test secret key', 'Stripe', ['sk_test_', 'rk_test_'], `${B}[rs]k_test_[A-Za-z0-9]{20,247}${E}`, 256, { confidence: 'medium' }),
  rule('STRIPE_WEBHOOK_SECRET', 'Stripe webhook signing secret', 'Stripe', 'whsec_', `${B}whsec_[A-Za-z0-9]{32,}${E}`, 80),
  rule('SQUARE_TOKEN', 'Square access token or OAuth secret', 'Square', ['sq0atp-', 'sq0csp-', 'EAAA'], `${B}(?:sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43}|EAAA[A-Za-z0-9_-]{60})${E}`, 70, { validate: notPlaceholder(3) }),
  rule('PAYPAL_BRAINTREE_TOKEN', 'PayPal Braintree access token', 'PayPal', 'access_token$production$', `access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}`, 80),
  rule('SHOPIFY_TOKEN', 'Shopify access token or shared secret', 'Shopify', ['shpat_', 'shpss_', 'shpca_', 'shppa_'], `${B}shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}${E}`, 40),
  rule('FLUTTERWAVE_KEY', 'Flutterwave secret key', 'Flutterwave', ['FLWSECK-', 'FLWSECK_TEST-'], `${B}FLWSECK(?:_TEST)?-[a-h0-9]{12}(?:[a-h0-9]{20}-X)?${E}`, 50),
  rule('EASYPOST_KEY', 'EasyPost API key', 'EasyPost', 'EZAK', `${B}EZ[AT]K[A-Za-z0-9]{54}${E}`, 60),
  rule('SHIPPO_TOKEN', 'Shippo API token', 'Shippo', ['shippo_live_', 'shippo_test_'], `${B}shippo_(?:live|test)_[a-f0-9]{40}${E}`, 54),
  rule('DUFFEL_TOKEN', 'Duffel API token', 'Duffel', ['duffel_live_', 'duffel_test_'], `${B}duffel_(?:test|live)_[A-Za-z0-9_=-]{43}${E}`, 56),
  // ---- messaging ----
  rule('SLACK_TOKEN', 'Slack token', 'Slack', ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxo-', 'xoxe-', 'xoxe.'], `${B}xox(?:[abprso]|e(?:\\.xox[bp])?)-(?:\\d-)?[A-Za-z0-9-]{10,250}${E}`, 260, { validate: notPlaceholder(3) }),
  rule('SLACK_APP_TOKEN', 'Slack app-level token', 'Slack', 'xapp-', `${B}xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+${E}`, 140),
  rule('SLACK_WEBHOOK', 'Slack incoming webhook', 'Slack', 'hooks.slack.com/', `https?://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{30,120}`, 140, { back: 8 }),
  rule('TEAMS_WEBHOOK', 'Microsoft Teams incoming webhook', 'Microsoft', '.webhook.office.com/', `https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-z0-9-]{36}@[a-z0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-z0-9-]{36}(?:/[A-Za-z0-9_-]+)?`, 260, { back: 40 }),
  rule('DISCORD_WEBHOOK', 'Discord webhook', 'Discord', ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'], `https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{17,20}/[A-Za-z0-9_-]{60,72}`, 170, { back: 20 }),
  rule('TELEGRAM_BOT_TOKEN', 'Telegram bot token', 'Telegram', ':AA', `${B}\\d{8,10}:AA[0-9A-Za-z_-]{32,33}${E}`, 36, { back: 11 }),
  rule('X_BEARER_TOKEN', 'X (Twitter) app-only bearer token', 'X', 'AAAAAAAAAAAAAAAAAAAA', `${B}A{20,24}[A-Za-z0-9%]{8,80}%3D[A-Za-z0-9]{30,80}${E}`, 200, { validate: xBearer, allowRuns: true }),
  rule('TWILIO_API_KEY', 'Twilio API key', 'Twilio', 'SK', `${B}SK[0-9a-fA-F]{32}${E}`, 34, { validate: notPlaceholder(3), confidence: 'medium' }),
  rule('SENDGRID_API_KEY', 'SendGrid API key', 'Twilio SendGrid', 'SG.', `${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${E}`, 70),
  rule('MAILGUN_KEY', 'Mailgun API key', 'Mailgun', 'key-', `${B}key-[a-f0-9]{32}${E}`, 36, { validate: notPlaceholder(3.2), confidence: 'medium' }),
  rule('MAILCHIMP_API_KEY', 'Mailchimp API key', 'Mailchimp', '-us', `${B}[a-f0-9]{32}-us\\d{1,2}${E}`, 40, { back: 33, validate: notPlaceholder(3) }),
  rule('NOTION_TOKEN', 'Notion integration token', 'Notion', ['secret_', 'ntn_'], `${B}(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{46})${E}`, 50, { validate: notPlaceholder(3.5) }),
  rule('LINEAR_API_KEY', 'Linear API key', 'Linear', 'lin_api_', `${B}lin_api_[A-Za-z0-9]{40}${E}`, 48),
  rule('FIGMA_TOKEN', 'Figma personal access token', 'Figma', 'figd_', `${B}figd_[A-Za-z0-9_-]{40,}${E}`, 100),
  rule('HUBSPOT_TOKEN', 'HubSpot private app token', 'HubSpot', ['pat-na1-', 'pat-eu1-'], `${B}pat-(?:na|eu)1-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}${E}`, 46),
  rule('TYPEFORM_TOKEN', 'Typeform personal token', 'Typeform', 'tfp_', `${B}tfp_[A-Za-z0-9_.=-]{59}${E}`, 64),
  rule('MAPBOX_SECRET_TOKEN', 'Mapbox secret token', 'Mapbox', 'sk.eyJ', `${B}sk\\.eyJ[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,}${E}`, 300),
  // ---- package registries ----
  rule('NPM_TOKEN', 'npm access token', 'npm', 'npm_', `${B}npm_[A-Za-z0-9]{36}${E}`, 40),
  rule('PYPI_TOKEN', 'PyPI upload token', 'PyPI', 'pypi-AgEIcHlwaS5vcmc', `${B}pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}${E}`, 400),
  rule('NUGET_API_KEY', 'NuGet API key', 'NuGet', 'oy2', `${B}oy2[a-z0-9]{43}${E}`, 46, { validate: notPlaceholder(3.5) }),
  rule('DOCKERHUB_TOKEN', 'Docker Hub personal/org access token', 'Docker', ['dckr_pat_', 'dckr_oat_'], `${B}dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32}${E}`, 42),
  rule('RUBYGEMS_KEY', 'RubyGems API key', 'RubyGems', 'rubygems_', `${B}rubygems_[a-f0-9]{48}${E}`, 58),
  rule('CLOJARS_TOKEN', 'Clojars deploy token', 'Clojars', 'CLOJARS_', `${B}CLOJARS_[a-z0-9]{60}${E}`, 68),
  // ---- more fixed formats (gitleaks' default rules and TruffleHog's prefixed detectors) ----
  rule('ADOBE_CLIENT_SECRET', 'Adobe OAuth client secret', 'Adobe', 'p8e-', `${B}p8e-[A-Za-z0-9]{32}${E}`, 40, { validate: notPlaceholder(3) }),
  rule('AUTHRESS_ACCESS_KEY', 'Authress service client access key', 'Authress', ['.acc_', '.acc-'], `${B}(?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\\.[a-z0-9]{4,6}\\.acc[_-][a-z0-9-]{10,32}\\.[A-Za-z0-9+/_=-]{30,120}${E}`, 160, { back: 45 }),
  rule('CLICKHOUSE_CLOUD_SECRET', 'ClickHouse Cloud API secret key', 'ClickHouse', '4b1d', `${B}4b1d[A-Za-z0-9]{38}${E}`, 44, { validate: notPlaceholder(3.5) }),
  rule('CLICKUP_TOKEN', 'ClickUp personal API token', 'ClickUp', 'pk_', `${B}pk_\\d{4,12}_[A-Z0-9]{32}${E}`, 50, { validate: notPlaceholder(3.5) }),
  rule('CONTENTFUL_PAT', 'Contentful personal access token', 'Contentful', 'CFPAT-', `${B}CFPAT-[A-Za-z0-9_-]{43}${E}`, 50),
  rule('ELEVENLABS_API_KEY', 'ElevenLabs API key', 'ElevenLabs', 'sk_', `${B}sk_[a-f0-9]{48}${E}`, 52, { validate: notPlaceholder(3.5) }),
  rule('FRAMEIO_TOKEN', 'Frame.io API token', 'Frame.io', 'fio-u-', `${B}fio-u-[A-Za-z0-9_=-]{64}${E}`, 72),
  rule('GITLAB_SESSION_COOKIE', 'GitLab session cookie', 'GitLab', '_gitlab_session=', `_gitlab_session=[0-9a-z]{32}${E}`, 50, { validate: (v) => shannonEntropy(v.slice(16)) >= 3 }),
  rule('GOOGLE_CHAT_WEBHOOK', 'Google Chat incoming webhook', 'Google', 'chat.googleapis.com/v1/spaces/', `https://chat\\.googleapis\\.com/v1/spaces/[A-Za-z0-9_-]{6,40}/messages\\?key=[A-Za-z0-9_-]{30,50}&token=[A-Za-z0-9_%=-]{30,80}`, 220, { back: 8 }),
  rule('INFISICAL_TOKEN', 'Infisical service token', 'Infisical', 'st.', `${B}st\\.[a-f0-9-]{36}\\.[a-f0-9]{32}\\.[a-f0-9]{32}${E}`, 110),
  rule('INTRA42_CLIENT_SECRET', '42 Intra client secret', '42 School', ['s-s4t2ud-', 's-s4t2af-'], `${B}s-s4t2(?:ud|af)-[a-f0-9]{64}${E}`, 76),
  rule('LANGFUSE_SECRET_KEY', 'Langfuse secret key', 'Langfuse', 'sk-lf-', `${B}sk-lf-${UUID}${E}`, 44),
  rule('MAILERSEND_TOKEN', 'MailerSend API token', 'MailerSend', 'mlsn.', `${B}mlsn\\.[a-f0-9]{64}${E}`, 70),
  rule('MAXMIND_LICENSE_KEY', 'MaxMind licence key', 'MaxMind', '_mmk', `${B}[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk${E}`, 4, { back: 37, validate: notPlaceholder(3.5) }),
  rule('NEON_API_KEY', 'Neon API key', 'Neon', 'napi_', `${B}napi_[a-z0-9]{64}${E}`, 70, { validate: notPlaceholder(3.5) }),
  rule('OPENSHIFT_USER_TOKEN', 'OpenShift user token', 'Red Hat', 'sha256~', `${B}sha256~[A-Za-z0-9_-]{43}${E}`, 52, { validate: notPlaceholder(3.5) }),
  rule('PINECONE_API_KEY', 'Pinecone API key', 'Pinecone', 'pcsk_', `${B}pcsk_[A-Za-z0-9_]{50,120}${E}`, 130, { validate: notPlaceholder(3.5) }),
  rule('RENDER_API_KEY', 'Render API key', 'Render', 'rnd_', `${B}rnd_[A-Za-z0-9]{32}${E}`, 40, { validate: notPlaceholder(3.5) }),
  rule('RESEND_API_KEY', 'Resend API key', 'Resend', 're_', `${B}re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}${E}`, 40, { validate: notPlaceholder(3.5) }),
  rule('ROOTLY_API_KEY', 'Rootly API key', 'Rootly', 'rootly_', `${B}rootly_[a-f0-9]{64}${E}`, 72),
  rule('SCALINGO_TOKEN', 'Scalingo API token', 'Scalingo', 'tk-us-', `${B}tk-us-[A-Za-z0-9_-]{48}${E}`, 56, { validate: notPlaceholder(3.5) }),
  rule('SCALEWAY_ACCESS_KEY', 'Scaleway access key id', 'Scaleway', 'SCW', `${B}SCW[A-Z0-9]{17}${E}`, 20, { validate: notPlaceholder(3), confidence: 'medium' }),
  rule('SETTLEMINT_TOKEN', 'SettleMint access token', 'SettleMint', ['sm_aat_', 'sm_pat_', 'sm_sat_'], `${B}sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}${E}`, 24, { validate: notPlaceholder(3) }),
  rule('SOURCEGRAPH_TOKEN', 'Sourcegraph access token', 'Sourcegraph', 'sgp_', `${B}sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40}${E}`, 64),
  rule('TELNYX_API_KEY', 'Telnyx API key', 'Telnyx', 'KEY0', `${B}KEY0[0-9A-F]{31}_[A-Za-z0-9]{22}${E}`, 60),
  rule('CEREBRAS_API_KEY', 'Cerebras API key', 'Cerebras', 'csk-', `${B}csk-[a-z0-9]{48}${E}`, 54, { validate: notPlaceholder(3.5) }),
  rule('ZAPIER_WEBHOOK', 'Zapier catch hook', 'Zapier', 'hooks.zapier.com/hooks/catch/', `https://hooks\\.zapier\\.com/hooks/catch/\\d{3,12}/[a-z0-9]{5,12}/?`, 80, { back: 8 }),
  // ---- keyword context (gitleaks' default rules): the provider's name in the key, a value of its shape ----
  keyed('ADAFRUIT_API_KEY', 'Adafruit IO key', 'Adafruit', ['adafruit'], '[a-z0-9_-]{32}'),
  keyed('ADOBE_CLIENT_ID', 'Adobe OAuth client id', 'Adobe', ['adobe'], '[a-f0-9]{32}'),
  keyed('AIRTABLE_API_KEY', 'Airtable API key', 'Airtable', ['airtable'], '[a-z0-9]{17}'),
  keyed('ALGOLIA_API_KEY', 'Algolia API key', 'Algolia', ['algolia'], '[a-z0-9]{32}'),
  keyed('ALIBABA_SECRET_KEY', 'Alibaba Cloud AccessKey secret', 'Alibaba Cloud', ['alibaba'], '[a-z0-9]{30}'),
  keyed('ASANA_CLIENT_SECRET', 'Asana client secret', 'Asana', ['asana'], '[a-z0-9]{32}'),
  keyed('ATLASSIAN_API_TOKEN', 'Atlassian API token (legacy)', 'Atlassian', ['atlassian', 'confluence', 'jira'], '[a-z0-9]{20}[a-f0-9]{4}', { minEntropy: 3.5 }),
  keyed('AWS_SECRET_KEY', 'AWS secret access key', 'Amazon Web Services', ['aws_secret', 'secret_access_key', 'secretaccesskey', 'aws_secret_key'], '[A-Za-z0-9/+]{40}', { minEntropy: 4, confidence: 'high' }),
  keyed('BEAMER_API_TOKEN', 'Beamer API token', 'Beamer', ['beamer'], 'b_[a-z0-9=_-]{44}'),
  keyed('BITBUCKET_CLIENT_SECRET', 'Bitbucket client id or secret', 'Atlassian', ['bitbucket'], '[a-z0-9=_-]{64}|[a-z0-9]{32}'),
  keyed('BITTREX_API_KEY', 'Bittrex access or secret key', 'Bittrex', ['bittrex'], '[a-z0-9]{32}'),
  keyed('CISCO_MERAKI_API_KEY', 'Cisco Meraki API key', 'Cisco', ['meraki'], '[0-9a-f]{40}'),
  keyed('CLOUDFLARE_API_KEY', 'Cloudflare API key or global API key', 'Cloudflare', ['cloudflare'], '[a-z0-9_-]{40}|[a-f0-9]{37}'),
  keyed('CODECOV_TOKEN', 'Codecov access token', 'Codecov', ['codecov'], '[a-z0-9]{32}'),
  keyed('COHERE_API_KEY', 'Cohere API key', 'Cohere', ['cohere', 'co_api_key'], '[a-z0-9]{40}', { minEntropy: 4 }),
  keyed('COINBASE_TOKEN', 'Coinbase access token', 'Coinbase', ['coinbase'], '[a-z0-9_-]{64}'),
  keyed('CONFLUENT_KEY', 'Confluent access token or secret', 'Confluent', ['confluent'], '[a-z0-9]{64}|[a-z0-9]{16}'),
  keyed('CONTENTFUL_TOKEN', 'Contentful delivery API token', 'Contentful', ['contentful'], '[a-z0-9=_-]{43}'),
  keyed('DATADOG_TOKEN', 'Datadog access token', 'Datadog', ['datadog'], '[a-z0-9]{40}'),
  keyed('DEEPGRAM_API_KEY', 'Deepgram API key', 'Deepgram', ['deepgram'], '[a-f0-9]{40}'),
  keyed('DISCORD_TOKEN', 'Discord bot token, API key or client secret', 'Discord', ['discord'], '[MNO][a-z0-9]{23,25}\\.[\\w-]{6}\\.[\\w-]{27,38}|[a-f0-9]{64}|[a-z0-9=_-]{32}'),
  keyed('DRONECI_TOKEN', 'Drone CI access token', 'Drone', ['droneci'], '[a-z0-9]{32}'),
  keyed('DROPBOX_TOKEN', 'Dropbox API secret or long-lived token', 'Dropbox', ['dropbox'], '[a-z0-9]{11}AAAAAAAAAA[a-z0-9_=-]{43}|[a-z0-9]{15}', { allowRuns: true }),
  keyed('ETSY_TOKEN', 'Etsy access token', 'Etsy', ['etsy'], '[a-z0-9]{24}'),
  keyed('FACEBOOK_SECRET', 'Facebook app secret or access token', 'Meta', ['facebook'], '\\d{15,16}(?:\\||%7C)[0-9a-z_-]{27,40}|[a-f0-9]{32}'),
  keyed('FASTLY_API_TOKEN', 'Fastly API token', 'Fastly', ['fastly'], '[a-z0-9=_-]{32}'),
  keyed('FINICITY_TOKEN', 'Finicity API token or client secret', 'Finicity', ['finicity'], '[a-f0-9]{32}|[a-z0-9]{20}'),
  keyed('FINNHUB_TOKEN', 'Finnhub access token', 'Finnhub', ['finnhub'], '[a-z0-9]{20}'),
  keyed('FLICKR_TOKEN', 'Flickr access token', 'Flickr', ['flickr'], '[a-z0-9]{32}'),
  keyed('FRESHBOOKS_TOKEN', 'FreshBooks access token', 'FreshBooks', ['freshbooks'], '[a-z0-9]{64}'),
  keyed('GITEA_TOKEN', 'Gitea / Forgejo access token', 'Gitea', ['gitea', 'forgejo'], '[a-f0-9]{40}'),
  keyed('GITTER_TOKEN', 'Gitter access token', 'Gitter', ['gitter'], '[a-z0-9_-]{40}'),
  keyed('GOCARDLESS_TOKEN', 'GoCardless API token', 'GoCardless', ['gocardless'], 'live_[a-z0-9_=-]{40}'),
  keyed('HEROKU_API_KEY', 'Heroku API key (UUID form)', 'Heroku', ['heroku'], UUID),
  keyed('HUBSPOT_TOKEN', 'HubSpot API key (UUID form)', 'HubSpot', ['hubspot'], UUID),
  keyed('INTERCOM_TOKEN', 'Intercom access token', 'Intercom', ['intercom'], '[a-z0-9=_-]{60}'),
  keyed('JFROG_TOKEN', 'JFrog API key or identity token', 'JFrog', ['jfrog', 'artifactory', 'bintray', 'xray'], '[a-z0-9]{73}|[a-z0-9]{64}'),
  keyed('KRAKEN_TOKEN', 'Kraken access token', 'Kraken', ['kraken'], '[a-z0-9/=_+-]{80,90}'),
  keyed('KUCOIN_KEY', 'KuCoin access token or secret key', 'KuCoin', ['kucoin'], `${UUID}|[a-f0-9]{24}`),
  keyed('LAUNCHDARKLY_TOKEN', 'LaunchDarkly access token', 'LaunchDarkly', ['launchdarkly'], '[a-z0-9=_-]{40}'),
  keyed('LINEAR_CLIENT_SECRET', 'Linear client secret', 'Linear', ['linear'], '[a-f0-9]{32}'),
  keyed('LINKEDIN_CLIENT_SECRET', 'LinkedIn client id or secret', 'LinkedIn', ['linkedin', 'linked_in', 'linked-in'], '[a-z0-9]{16}|[a-z0-9]{14}'),
  keyed('LOB_API_KEY', 'Lob API key', 'Lob', ['lob'], '(?:live|test)_(?:pub_)?[a-f0-9]{31,35}'),
  keyed('MAILGUN_KEY', 'Mailgun public or webhook signing key', 'Mailgun', ['mailgun'], 'pubkey-[a-f0-9]{32}|[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}'),
  keyed('MAILJET_API_KEY', 'Mailjet API key or secret', 'Mailjet', ['mailjet'], '[a-f0-9]{32}'),
  keyed('MAPBOX_TOKEN', 'Mapbox API token', 'Mapbox', ['mapbox'], 'pk\\.[a-z0-9]{60}\\.[a-z0-9]{22}'),
  keyed('MATTERMOST_TOKEN', 'Mattermost access token', 'Mattermost', ['mattermost'], '[a-z0-9]{26}'),
  keyed('MESSAGEBIRD_TOKEN', 'MessageBird API token', 'MessageBird', ['messagebird', 'message-bird', 'message_bird'], `${UUID}|[a-z0-9]{25}`),
  keyed('MISTRAL_API_KEY', 'Mistral AI API key', 'Mistral AI', ['mistral'], '[a-z0-9]{32}', { minEntropy: 3.5 }),
  keyed('NETLIFY_TOKEN', 'Netlify access token', 'Netlify', ['netlify'], '[a-z0-9=_-]{40,46}'),
  keyed('NEW_RELIC_KEY', 'New Relic user API id', 'New Relic', ['new-relic', 'newrelic', 'new_relic'], '[a-z0-9]{64}'),
  keyed('NGROK_TOKEN', 'ngrok auth token', 'ngrok', ['ngrok'], '[0-9a-z]{27}_[0-9a-z]{21}'),
  keyed('NYTIMES_TOKEN', 'New York Times API token', 'New York Times', ['nytimes', 'new-york-times', 'newyorktimes'], '[a-z0-9=_-]{32}'),
  keyed('OKTA_TOKEN', 'Okta API token', 'Okta', ['okta'], '00[\\w=-]{40}', { minEntropy: 4 }),
  keyed('PLAID_TOKEN', 'Plaid access token, client id or secret', 'Plaid', ['plaid'], `access-(?:sandbox|development|production)-${UUID}|[a-z0-9]{30}|[a-z0-9]{24}`, { minEntropy: 3.5 }),
  keyed('POSTMARK_TOKEN', 'Postmark server or account token', 'Postmark', ['postmark'], UUID),
  keyed('PRIVATEAI_TOKEN', 'Private AI API key', 'Private AI', ['privateai', 'private_ai', 'private-ai'], '[a-z0-9]{32}'),
  keyed('RAPIDAPI_KEY', 'RapidAPI key', 'RapidAPI', ['rapidapi'], '[a-z0-9_-]{50}'),
  keyed('SENDBIRD_TOKEN', 'Sendbird access id or token', 'Sendbird', ['sendbird'], `${UUID}|[a-f0-9]{40}`),
  keyed('SENTRY_TOKEN', 'Sentry access token (legacy)', 'Sentry', ['sentry'], '[a-f0-9]{64}'),
  keyed('SIDEKIQ_SECRET', 'Sidekiq Pro / Enterprise credentials', 'Contributed Systems', ['bundle_enterprise__contribsys__com', 'bundle_gems__contribsys__com'], '[a-f0-9]{8}:[a-f0-9]{8}'),
  keyed('SNYK_TOKEN', 'Snyk API token', 'Snyk', ['snyk'], UUID),
  keyed('SONARQUBE_TOKEN', 'SonarQube / SonarCloud token (legacy)', 'SonarSource', ['sonar'], '[a-z0-9=_-]{40}'),
  keyed('SPARKPOST_API_KEY', 'SparkPost API key', 'SparkPost', ['sparkpost'], '[a-f0-9]{40}'),
  keyed('SQUARESPACE_TOKEN', 'Squarespace access token', 'Squarespace', ['squarespace'], UUID),
  keyed('SUMOLOGIC_KEY', 'Sumo Logic access id or key', 'Sumo Logic', ['sumo'], 'su[a-z0-9]{12}|[a-z0-9]{64}'),
  keyed('TELEGRAM_BOT_TOKEN', 'Telegram bot token', 'Telegram', ['telegr'], '[0-9]{5,16}:A[a-z0-9_-]{34}'),
  keyed('TRAVISCI_TOKEN', 'Travis CI access token', 'Travis CI', ['travis'], '[a-z0-9]{22}'),
  keyed('TWILIO_AUTH_TOKEN', 'Twilio auth token', 'Twilio', ['twilio'], '[a-f0-9]{32}'),
  keyed('TWITCH_TOKEN', 'Twitch API token', 'Twitch', ['twitch'], '[a-z0-9]{30}'),
  keyed('TWITTER_CREDENTIAL', 'X (Twitter) API key, secret or access token', 'X', ['twitter'], 'A{22}[a-z0-9%]{80,100}|[0-9]{15,25}-[a-z0-9]{20,40}|[a-z0-9]{50}|[a-z0-9]{45}|[a-z0-9]{25}', { allowRuns: true }),
  keyed('VAULT_TOKEN', 'HashiCorp Vault service token (legacy)', 'HashiCorp', ['vault'], 's\\.[a-z0-9]{24}', { validate: (v) => /\d/.test(v) && shannonEntropy(v) >= 3.5 }),
  keyed('WANDB_API_KEY', 'Weights & Biases API key', 'Weights & Biases', ['wandb'], '[a-f0-9]{40}'),
  keyed('YANDEX_KEY', 'Yandex API key, access token or AWS-style key', 'Yandex', ['yandex'], 't1\\.[a-z0-9_-]+={0,2}\\.[a-z0-9_-]{86}={0,2}|AQVN[a-z0-9_-]{35,38}|YC[a-z0-9_-]{38}'),
  keyed('ZENDESK_SECRET_KEY', 'Zendesk secret key', 'Zendesk', ['zendesk'], '[a-z0-9]{40}'),
  // ---- tokens with structure ----
  // An NTLM AUTHENTICATE message (base64 "NTLMSSP\0" type 3) carries the password-derived response.
  rule('NTLM_AUTHENTICATE', 'NTLM authenticate message', 'Microsoft', 'TlRMTVNTUAAD', `${B}TlRMTVNTUAAD[A-Za-z0-9+/]{40,4000}={0,2}`, 4100, { allowRuns: true, confidence: 'medium' }),
  rule('JWT', 'JSON Web Token', 'various', 'eyJ', `${B}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{0,1024}`, 8192, { validate: jwt, validatorName: 'header and payload decode to JSON, header has alg', confidence: 'medium' }),
];
