// Lint rules that catch real bugs (floating promises, unused code) without style noise;
// formatting is left to the editor.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './lint/import-layers.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.wrangler/', 'test-results/', 'data/', '.tmp*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // Plug-ins stay independent of the application: they may not reach into src/.
    files: ['storage-drivers/**/*.ts', 'notifiers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '../src/*'],
              message: 'storage-drivers/ and notifiers/ never import from src/',
            },
          ],
        },
      ],
    },
  },
  {
    // The layer order of docs/architecture.md, checked by where the imported file lives.
    files: ['src/**/*.ts', 'src/**/*.tsx', 'storage-drivers/**/*.ts', 'notifiers/**/*.ts'],
    plugins: { layers },
    rules: {
      'layers/downward': 'error',
      'layers/no-sibling-internals': 'error',
    },
  },
  {
    // A file past this length usually holds more than one job; a warning, so it is seen in review.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'test/**'],
    rules: { 'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
