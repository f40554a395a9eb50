/** The channels the Worker can run: every fetch-based one. Email and plugins are Node-only. */
import { FETCH_DEFINITIONS } from './checks.ts';
import type { NotifierDefinition } from './types.ts';

export const WORKER_NOTIFIER_DEFINITIONS: readonly NotifierDefinition[] = FETCH_DEFINITIONS;
