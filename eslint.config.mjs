// Lint: the type-aware rules that catch real bugs (promises nobody awaits, promises passed where a
// callback's result is ignored) and the house style that keeps type-only imports out of runtime code.
// The layer rules (who may import whom) live in .dependency-cruiser.cjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Tests read untyped JSON as `any`, so they turn off the unsafe-any family.
const anyAllowed = {
  '@typescript-eslint/no-explicit-any': 'off',
  '@typescript-eslint/no-unsafe-argument': 'off',
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-return': 'off',
};

export default tseslint.config(
  {
    ignores: ['node_modules/', 'console/dist/', 'data/', '.tools/', '.cache/', 'coverage/', 'bench/results/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['src/security/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // A leading underscore marks a parameter an interface requires or a property left out on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Interfaces that return promises (PayloadCodec, route handlers, the dry run's runtime) are
      // implemented by async methods that may have nothing to await; no-floating-promises and
      // no-misused-promises catch the mistakes this rule is meant to.
      '@typescript-eslint/require-await': 'off',
      // Recipes, events and vendor bodies are arbitrary JSON: rendering such a value with String() or
      // a template literal is the documented behaviour (templates, diagnostics, CSV), not an accident.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    // Plain CommonJS: Temporal loads the failure converter by path with require(), and
    // dependency-cruiser reads its config the same way.
    files: ['src/security/encoded-failure-converter.js', '.dependency-cruiser.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', exports: 'writable', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The tools' own config files are untyped JavaScript.
    files: ['.dependency-cruiser.cjs', 'eslint.config.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests read JSON answers as `any` and assert on them with expect(); the assertion is the check.
    files: ['test/**'],
    rules: anyAllowed,
  },
);
