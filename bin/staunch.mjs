#!/usr/bin/env node
// Runs the TypeScript sources directly: tsx compiles each module on load, so there is no build step.
// The project's tsconfig is named explicitly: tsx would otherwise look in the working directory,
// and the JSX views would be compiled for React instead of hono/jsx.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli.ts');
