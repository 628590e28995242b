// Lint: typescript-eslint's recommended rules, React hooks rules for the UI, the layer rules
// (what each folder may import; lint/layers.js, proved by test/lint/layers.test.ts), and a ban on
// the ways text becomes HTML or code in the app (the Content-Security-Policy in vite.config.ts is
// the second line of defence).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import trickLab from './lint/layers.js';

/** Properties that parse a string as HTML (or write it into the document): text goes in as textContent or React children. */
const HTML_SINKS = ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createContextualFragment', 'srcdoc'].map((property) => ({
  property,
  message: 'Builds HTML from a string; use textContent or React children.',
}));
/** Every Node built-in, with or without the `node:` prefix (a gitignore pattern would also catch ./events). */
const NODE_BUILTIN = `^(node:.*|(${builtinModules.filter((name) => !name.startsWith('_')).join('|')})(/.*)?)$`;

/** Product code (everything in src/ but its tests). */
const PRODUCT = { files: ['src/**/*.{ts,tsx}'], ignores: ['src/**/*.test.ts'] };

/**
 * Folder layers, checked on resolved paths: the engine is the core and reaches no other layer;
 * the lab's queue and store run beside the UI but never import it; product code never imports
 * test support.
 */
const LAYERS = [
  { from: 'src/engine', forbid: ['src/node', 'src/ui', 'src/lab', 'src/client', 'src/worker', 'src/cli', 'src/bench', 'src/data'], why: 'the engine is pure TypeScript that runs in a worker and in Node; pass what it needs in.' },
  { from: 'src/lab', forbid: ['src/ui'], why: 'the lab queue runs without React; the UI reads it, not the other way.' },
  { from: 'src', forbid: ['test', 'e2e'], why: 'test support is not product code.' },
];

const DOCUMENT_WRITE = ['write', 'writeln'].map((property) => ({ object: 'document', property, message: 'Writes HTML from a string; build elements instead.' }));

export default tseslint.config(
  { ignores: ['dist', 'dist-*', 'node_modules', '.device', 'test-results', 'playwright-report', 'public'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-script-url': 'error',
      'no-restricted-properties': ['error', ...HTML_SINKS, ...DOCUMENT_WRITE],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Renders a string as HTML; render text or elements.' },
        { selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^on/i]", message: 'Sets an inline event handler (code from a string); use addEventListener.' },
      ],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    ...PRODUCT,
    plugins: { 'trick-lab': trickLab },
    rules: { 'trick-lab/layers': ['error', LAYERS] },
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vitest', message: 'Test code belongs in *.test.ts or test/support/.' }],
          patterns: [
            { group: ['react', 'react-dom', 'react/*', 'recharts'], message: 'The engine has no UI.' },
            { regex: NODE_BUILTIN, message: 'The engine runs in a browser worker too; Node-only code goes in src/node/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage'],
      // Repeats the HTML sinks: a later block's options replace an earlier one's for the same rule.
      'no-restricted-properties': ['error', ...HTML_SINKS, ...DOCUMENT_WRITE, { object: 'Math', property: 'random', message: 'Use the seeded Rng.' }],
    },
  },
);
