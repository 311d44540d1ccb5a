/** The renderer's only door to the engine: the preload's window.clearcut in Electron, else the web client. */
import type { EngineApi } from '../../../electron/common/api';
import { createWebClient, takeToken } from './web-client';

declare global {
  interface Window {
    clearcut?: EngineApi;
  }
}

let current: EngineApi | undefined;

export function engine(): EngineApi {
  if (!current) current = window.clearcut ?? createWebClient(takeToken());
  return current;
}

/** Tests (and stories) put a fake engine here. */
export function setEngine(api: EngineApi | undefined): void {
  current = api;
}
