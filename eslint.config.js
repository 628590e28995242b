// Lint: typescript-eslint's recommended rules, React hooks rules for the UI, a guard that keeps
// the engine free of React and the DOM, and a ban on the ways text becomes HTML or code in the
// app (the Content-Security-Policy in vite.config.ts is the second line of defence).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Properties that parse a string as HTML (or write it into the document): text goes in as textContent or React children. */
const HTML_SINKS = ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createContextualFragment', 'srcdoc'].map((property) => ({
  property,
  message: 'Builds HTML from a string; use textContent or React children.',
}));
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
    files: ['src/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { patterns: ['react', 'react-dom', 'react/*', 'recharts', '**/ui/**'] }],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage'],
      // Repeats the HTML sinks: a later block's options replace an earlier one's for the same rule.
      'no-restricted-properties': ['error', ...HTML_SINKS, ...DOCUMENT_WRITE, { object: 'Math', property: 'random', message: 'Use the seeded Rng.' }],
    },
  },
);
