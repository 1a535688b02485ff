/**
 * Dependency rules for js/src, checked by `npm run lint:deps` (part of
 * `npm test`): no import cycles, nothing under js/src importing tests or
 * tooling. See https://github.com/sverweij/dependency-cruiser (rules reference).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle makes load order matter and hides which module depends on which (issue #18).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'embed-stays-below-the-database',
      severity: 'error',
      comment:
        'The embedder layer is usable on its own: it imports the error catalogue, the logger, the generic checks and platform helpers, never the database, its validation or the index binding (issue #18).',
      from: { path: '^js/src/embed/' },
      to: { path: '^js/src/', pathNot: '^js/src/(embed/|errors\\.ts$|logger\\.ts$|check\\.ts$|platform\\.ts$|bytes\\.ts$|host-types\\.ts$|storage/atomic-file\\.ts$)' },
    },
    {
      name: 'framework-peers-only-in-integrations',
      severity: 'error',
      comment:
        'LangChain, LlamaIndex and the AI SDK are optional peer dependencies: only the minivectordb/langchain, /llamaindex and /ai-sdk entries (js/src/integrations) may import them, so importing minivectordb never loads them (issue #19).',
      from: { pathNot: '^js/src/integrations/' },
      to: { path: '(^|/)node_modules/(@langchain/|@llamaindex/|ai/|@ai-sdk/)|^(@langchain/|@llamaindex/|ai$|@ai-sdk/)' },
    },
    {
      name: 'core-never-imports-integrations',
      severity: 'error',
      comment: 'The integrations build on the database; the database never depends on them (issue #19).',
      from: { path: '^js/src/', pathNot: '^js/src/integrations/' },
      to: { path: '^js/src/integrations/' },
    },
    {
      name: 'cli-packages-stay-in-the-cli',
      severity: 'error',
      comment:
        'The command line and its server (js/src/cli/) are the only users of fastify, cli-progress, apache-arrow and hyparquet-writer: the library never loads them (they are optional or CLI-only dependencies, issue #19).',
      from: { pathNot: '^js/src/cli/' },
      to: { path: 'node_modules/(fastify|cli-progress|apache-arrow|hyparquet-writer)/' },
    },
    {
      name: 'library-not-to-cli',
      severity: 'error',
      comment: 'The CLI builds on the library; library code never imports the CLI.',
      from: { path: '^js/src/', pathNot: '^js/src/cli/' },
      to: { path: '^js/src/cli/' },
    },
    {
      name: 'not-to-tooling',
      severity: 'error',
      comment: 'Library code never imports tests, benchmarks or scripts.',
      from: { path: '^js/src' },
      to: { path: '^(tests|bench|scripts|web-demo)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
