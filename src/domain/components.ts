/**
 * Manual component states (record kind `component`, id = component id): an operator can mark a
 * component degraded without opening an incident. They count towards the component's status like
 * an open incident does, and are cleared explicitly. The `component` record holds the state now;
 * every set and clear also leaves a `component_change` record, so uptime can tell which state
 * held when (a replaced or deleted record keeps no history).
 */
import type { Json } from '../../storage-drivers/types.ts';
import { auditMutation } from './audit.ts';
import { newId, nowOf, nowText, type DomainContext } from './context.ts';
import { invalid, notFound } from './errors.ts';
import { KIND, overrideChangeMutation } from './records.ts';
import {
  componentStateRow,
  isComponentState,
  type Actor,
  type ComponentOverride,
  type ComponentState,
} from './types.ts';
import { componentProblems } from './validation.ts';

export async function setComponentOverride(
  ctx: DomainContext,
  actor: Actor,
  component: string,
  input: { state: ComponentState; note?: string },
): Promise<ComponentOverride> {
  const problems = componentProblems([component], ctx.settings, 'component');
  if (!isComponentState(input.state))
    problems.push({ path: 'state', message: 'must be a component state' });
  if ((input.note ?? '').length > 1000)
    problems.push({ path: 'note', message: 'at most 1000 characters' });
  if (problems.length > 0)
    throw invalid(
      problems.map((p) => (p.path === 'component[0]' ? { ...p, path: 'component' } : p)),
    );
  const override: ComponentOverride = {
    component,
    state: input.state,
    note: input.note ?? '',
    updated_at: nowText(ctx),
    updated_by: actor.name,
  };
  const { component: _id, ...body } = override;
  await ctx.store.write([
    { kind: KIND.component, id: component, body: body as unknown as Json },
    overrideChangeMutation(
      newId(ctx),
      { component, at: nowOf(ctx), state: input.state },
      override.updated_at,
    ),
    auditMutation(ctx, actor, {
      action: 'component.set',
      target: { kind: KIND.component, id: component },
      summary: `set to ${componentStateRow(input.state).description}`,
    }),
  ]);
  return override;
}

export async function clearComponentOverride(
  ctx: DomainContext,
  actor: Actor,
  component: string,
): Promise<void> {
  if (!ctx.store.get(KIND.component, component)) throw notFound('component override', component);
  await ctx.store.write([
    { kind: KIND.component, id: component, deleted: true },
    overrideChangeMutation(newId(ctx), { component, at: nowOf(ctx), state: null }, nowText(ctx)),
    auditMutation(ctx, actor, {
      action: 'component.clear',
      target: { kind: KIND.component, id: component },
      summary: 'cleared the manual state',
    }),
  ]);
}
