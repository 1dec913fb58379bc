// Enforces the import table in ARCHITECTURE.md: which module folders may import which.
const ALLOWED = {
  core: [],
  detect: ['core'],
  policy: ['core', 'detect'],
  identity: ['core'],
  risk: ['core'],
  audit: ['core'],
  hunt: ['core'],
  store: ['core', 'identity'],
  pipeline: ['core', 'detect', 'policy', 'identity', 'risk', 'audit'],
  mcp: ['core', 'detect', 'policy', 'identity', 'audit', 'pipeline'],
  gateway: ['core', 'detect', 'policy', 'identity', 'risk', 'audit', 'hunt', 'store', 'pipeline', 'mcp'],
  cli: ['core', 'detect', 'policy', 'identity', 'risk', 'audit', 'hunt', 'store', 'pipeline', 'mcp', 'gateway'],
};
/**
 * Doors are thin adapters: the model routes and the MCP operation handlers reach detection, policies and
 * the audit log only through the pipeline (issue 10), so no door can skip a step.
 */
const DOORS = '^src/(gateway/routes/|mcp/(front|engine|content|exchange)\\.ts$)';
const MODULES = Object.keys(ALLOWED);

module.exports = {
  forbidden: [
    ...MODULES.map((from) => ({
      name: `${from}-imports`,
      comment: `src/${from} may import only: ${ALLOWED[from].join(', ') || 'nothing of ours'} (ARCHITECTURE.md)`,
      severity: 'error',
      from: { path: `^src/${from}/` },
      to: {
        path: `^src/(${MODULES.filter((m) => m !== from && !ALLOWED[from].includes(m)).join('|')})/`,
      },
    })),
    {
      name: 'doors-go-through-the-pipeline',
      comment: 'route and MCP handlers may not import detect, policy or audit directly: every step is in src/pipeline',
      severity: 'error',
      from: { path: DOORS },
      to: { path: '^src/(detect|policy|audit)/' },
    },
    {
      name: 'no-unknown-module',
      comment: 'every folder under src/ is a module listed in ARCHITECTURE.md',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: `^src/(?!(${MODULES.join('|')})/)[^/]+/` },
    },
    { name: 'no-circular', severity: 'warn', from: {}, to: { circular: true } },
    {
      name: 'no-test-imports-in-src',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '\\.test\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
