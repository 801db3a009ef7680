// The layers, written down. Data flows one way:
//
//   src/http ─▶ src/engine ─▶ Temporal ─▶ workflows/ ─▶ activities/ ─▶ connectors/ ─▶ connectors/sdk (HTTP client)
//
// with host services underneath that anyone above them may use:
//
//   src/recipe (compiler), src/store, src/security, src/temporal, src/config, src/logging
//
// and two composition roots on top that wire everything together: src/runtime and src/cli.
// `npm run lint` runs this; each rule says which folder may not import which, and why.

/** Every rule here is an error: a layer crossing fails the build. */
const forbid = (name, rule) => ({ name, severity: 'error', ...rule });

/** Folders of src/ that sit above `name` and must never be imported by it. */
const above = (...folders) => `^src/(${folders.join('|')})/`;

/** The node-free modules of src/ that console/ bundles: the server and the browser read one copy. */
const browserShared = '^src/(security/scopes|http/api-error)\\.ts$';

/**
 * The plain layer rules, one a row: [name, importer (path), what it may not import (path or paths), why].
 * Rules with exceptions (type-only imports, allowed files, node_modules) are written out in `forbidden`.
 */
const layers = [
  ['connectors-below-the-engine', '^connectors/', '^(src|activities|workflows|bench|test)/', 'connectors/ is the bottom layer: it never imports the engine (src/), activities/ or workflows/.'],
  ['connector-folders-only-through-registry', '^(src|activities|workflows)/', '^connectors/(?!sdk/|registry\\.ts$|catalog\\.ts$)', 'Outside connectors/, code reaches a connector only through connectors/registry.ts, connectors/catalog.ts or connectors/sdk/ — never a vendor folder directly (the registry is the one list of connectors).'],
  ['activities-below-the-engine', '^activities/', above('http', 'engine', 'runtime', 'cli'), 'activities/ run inside the worker: they resolve connections and call connectors, and never reach back into the HTTP layer, the engine, or the composition roots.'],
  ['http-through-the-engine', '^src/http/', ['^activities/', above('runtime', 'cli')], 'src/http only verifies, parses, calls the engine and answers: it never imports activities/ or the composition roots (src/runtime, src/cli).'],
  ['engine-below-http', '^src/engine/', ['^activities/', above('http', 'runtime', 'cli')], 'src/engine is called by the HTTP layer and the runtime, never the other way round.'],
  ['host-services-below-the-engine', '^src/(store|security|temporal|metrics|webhooks-out)/', ['^activities/', above('http', 'engine', 'runtime', 'cli')], 'src/store, src/security, src/temporal, src/metrics and src/webhooks-out are services the engine and the worker use; they never import the layers that use them.'],
  ['runtime-not-cli', '^src/runtime/', '^src/cli/', 'src/runtime is started by the CLI, so it never imports the CLI.'],
  ['sandbox-stands-alone', '^sandbox/', '^(src|activities|workflows|test|bench)/', 'sandbox/ holds the vendor fakes that `switchyard dev` runs as sandbox apps and tests run against: they behave like the vendors, so they never import the engine (src/), activities/, workflows/ or the tests (a fake that shares engine code would agree with the engine instead of checking it).'],
];

module.exports = {
  forbidden: [
    forbid('console-only-types-from-the-server', {
      comment:
        'console/ runs in the browser: from the server (src/, connectors/) it imports types only (the answers it ' +
        'reads), never code, except the node-free modules the server and the console share (the scope list, the ' +
        'API error reader); its own files and preact are all it bundles.',
      from: { path: '^console/' },
      to: { path: '^(src|connectors|workflows|activities)/', pathNot: browserShared, dependencyTypesNot: ['type-only'] },
    }),
    forbid('browser-shared-modules-are-leaves', {
      comment: 'What the console bundles from src/ imports nothing, so no node code (node:crypto, express, the store) reaches the browser.',
      from: { path: browserShared },
      to: {},
    }),
    forbid('no-circular', {
      comment: 'An import cycle hides which module owns an idea; move the shared piece below both.',
      from: {},
      to: { circular: true },
    }),
    forbid('workflows-sandbox', {
      comment:
        'workflows/ is the deterministic sandbox: it imports only its own files, the SDK workflow package ' +
        '(and the SDK common package it is built on), json-logic-js and liquidjs. No I/O, no host code.',
      from: { path: '^workflows/' },
      to: {
        pathNot: [
          '^workflows/',
          '(^|/)node_modules/@temporalio/workflow/',
          '(^|/)node_modules/@temporalio/common/lib/(?!internal-non-workflow)',
          '(^|/)node_modules/json-logic-js/',
          '(^|/)node_modules/liquidjs/',
        ],
      },
    }),
    ...layers.map(([name, from, to, comment]) => forbid(name, { comment, from: { path: from }, to: { path: to } })),
    forbid('activities-share-only-workflow-contracts', {
      comment:
        'activities/ run outside the sandbox: from workflows/ they import only the contracts both sides agree on ' +
        '(workflows/*-contract.ts: activity names and inputs, schedules, pure decisions), never workflow code.',
      from: { path: '^activities/' },
      // sync-plan.ts: the compiled sync plan, plain JSON types (no code), the input of the sync workflow and its activities.
      to: { path: '^workflows/', pathNot: '^workflows/([^/]+-contract|sync-plan)\\.ts$' },
    }),
    forbid('workflow-code-stays-in-the-sandbox', {
      comment:
        'Outside workflows/, code never loads a module that imports the workflow SDK (workflow functions, ' +
        'their signals and runtime): what src/ and bench/ share with a workflow at run time (ids, inputs, ' +
        'schedules) lives in workflows/*-contract.ts or a pure module. Importing such a module for its types only is fine.',
      from: { path: '^(src|activities|bench)/' },
      to: {
        path: '^workflows/(index|run-recipe|poll-recipe|for-each-chunk|temporal-runtime|messages|trigger-payload|webhook-delivery)\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    }),
    forbid('workflow-contracts-are-leaves', {
      comment: 'A workflow contract imports nothing but other contracts, so importing one never loads workflow code or the SDK.',
      from: { path: '^workflows/[^/]+-contract\\.ts$' },
      to: { pathNot: '^workflows/([^/]+-contract|sync-plan)\\.ts$' },
    }),
    forbid('compiler-has-no-io', {
      comment:
        'src/recipe is the compiler: pure functions from recipe JSON to plans. Temporal I/O and the store ' +
        'belong to src/engine.',
      from: { path: '^src/recipe/' },
      to: {
        path: [
          '^activities/',
          above('http', 'engine', 'runtime', 'cli', 'store', 'temporal', 'webhooks-out'),
          '(^|/)node_modules/@temporalio/(client|worker)/',
        ],
      },
    }),
    forbid('config-is-a-leaf', {
      comment:
        'src/config parses the environment once; everything imports it, so it imports no other layer ' +
        '(only the duration grammar of the recipe language and the project root).',
      from: { path: '^src/config/' },
      to: {
        path: ['^(activities|workflows|connectors)/', '^src/(?!config/|recipe/duration\\.ts$|project-root\\.ts$)'],
      },
    }),
    forbid('composition-roots-on-top', {
      comment: 'src/runtime and src/cli wire the layers together; nothing below them imports them (only src/cli may use src/runtime).',
      from: { path: '^(src|activities|workflows|connectors)/', pathNot: '^src/(cli|runtime)/' },
      to: { path: above('runtime', 'cli') },
    }),
    forbid('sandbox-only-in-dev', {
      comment:
        'Sandbox apps run only under `switchyard dev`: of the production code, only the dev runtime ' +
        '(src/runtime/dev.ts and src/runtime/sandbox.ts, loaded by the CLI for `dev` alone) imports sandbox/, ' +
        'so `switchyard api` and `worker` never load a fake.',
      from: { path: '^(src|activities|workflows|connectors)/', pathNot: '^src/runtime/(dev|sandbox)\\.ts$' },
      to: { path: '^sandbox/' },
    }),
    forbid('not-to-unresolvable', {
      comment: 'An import that does not resolve is a broken build.',
      from: {},
      to: { couldNotResolve: true },
    }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Worktrees share node_modules through a symlink; keep its paths as `node_modules/...` so the rules match.
    preserveSymlinks: true,
    exclude: { path: '^(data|\\.tools|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mts', '.cjs', '.mjs', '.json', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
