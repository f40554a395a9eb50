/** The domain's public surface: types, the read API, and the mutations (each takes an actor for the audit log). */
export * from './types.ts';
export * from './status.ts';
export * from './read-model.ts';
export * from './incidents.ts';
export * from './subscribers.ts';
export * from './components.ts';
export { listAudit, type AuditPage } from './audit.ts';
export { DomainError, type FieldProblem } from './errors.ts';
export type { DomainContext } from './context.ts';
export { formatInstant, instant, isZeroTime, parseInstant } from './time.ts';
