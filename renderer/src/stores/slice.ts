/** What every slice file shares, kept apart from store.ts so slices never import the store at runtime. */
import type { StateCreator } from 'zustand';
import type { AppState } from './store';

export type Slice<T> = StateCreator<AppState, [], [], T>;

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
