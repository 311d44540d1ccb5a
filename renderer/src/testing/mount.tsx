/** Renders a component into the jsdom document for a test; `unmount` removes it again. */
import { act, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export function mount(element: ReactElement): { host: HTMLDivElement; unmount: () => void } {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  act(() => root.render(element));
  return {
    host,
    unmount: () => {
      act(() => root.unmount());
      host.remove();
    },
  };
}

/** Runs `fn` (an event from outside React) and lets the engine calls it started settle, inside act. */
export const settle = (fn?: () => void): Promise<void> =>
  act(async () => {
    fn?.();
    await new Promise((r) => setTimeout(r, 0));
  });

/** Sets a <select>'s value as a user would, so React's onChange runs. */
export function choose(select: HTMLSelectElement, value: string): void {
  act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}
