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
  mcp: ['core', 'detect', 'policy', 'identity', 'audit'],
  gateway: ['core', 'detect', 'policy', 'identity', 'risk', 'audit', 'hunt', 'store', 'mcp'],
  cli: ['core', 'detect', 'policy', 'identity', 'risk', 'audit', 'hunt', 'store', 'mcp', 'gateway'],
};
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
