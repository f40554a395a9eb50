/** The domain's public surface: types, the read API and (from ./incidents.ts) the mutations. */
export * from './types.ts';
export * from './status.ts';
export * from './view.ts';
export { formatInstant, instant, isZeroTime, parseInstant } from './time.ts';
