/** The renderer's only door to the engine: the EngineApi that the preload (or a web client) provides. */
import type { EngineApi } from '../../../electron/common/api';

declare global {
  interface Window {
    clearcut?: EngineApi;
  }
}

export function engine(): EngineApi | undefined {
  return window.clearcut;
}
