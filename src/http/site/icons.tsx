/** Inline SVG icons (no icon font, no request). Decorative: the words beside them carry the meaning. */
import type { ComponentState } from '../../domain/types.ts';

const paths: Record<ComponentState, string> = {
  // check
  0: 'M8 0a8 8 0 1 0 0 16A8 8 0 0 0 8 0Zm3.6 5.9-4.1 4.6a.9.9 0 0 1-1.3.1L4.3 8.8a.9.9 0 1 1 1.2-1.3l1.2 1.1 3.5-3.9a.9.9 0 0 1 1.4 1.2Z',
  // wrench-ish clock (maintenance)
  1: 'M8 0a8 8 0 1 0 0 16A8 8 0 0 0 8 0Zm.9 8.4V4a.9.9 0 1 0-1.8 0v4.8c0 .3.1.5.3.7l2.4 2.2a.9.9 0 1 0 1.2-1.3L8.9 8.4Z',
  // minus (degraded)
  2: 'M8 0a8 8 0 1 0 0 16A8 8 0 0 0 8 0Zm3.5 8.9h-7a.9.9 0 0 1 0-1.8h7a.9.9 0 0 1 0 1.8Z',
  // exclamation (partial)
  3: 'M8 0a8 8 0 1 0 0 16A8 8 0 0 0 8 0Zm0 12.6a1 1 0 1 1 0-2 1 1 0 0 1 0 2Zm.9-4.1a.9.9 0 0 1-1.8 0V4.2a.9.9 0 0 1 1.8 0v4.3Z',
  // cross (major)
  4: 'M8 0a8 8 0 1 0 0 16A8 8 0 0 0 8 0Zm2.9 9.6a.9.9 0 1 1-1.3 1.3L8 9.3l-1.6 1.6a.9.9 0 1 1-1.3-1.3L6.7 8 5.1 6.4a.9.9 0 0 1 1.3-1.3L8 6.7l1.6-1.6a.9.9 0 1 1 1.3 1.3L9.3 8l1.6 1.6Z',
};

export function StateIcon({ state, class: className }: { state: ComponentState; class?: string }) {
  return (
    <svg
      class={className}
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
      fill="currentColor"
    >
      <path d={paths[state]} />
    </svg>
  );
}
