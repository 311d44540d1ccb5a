/**
 * The device choice a UI offers: every inference device the engine knows, whether this machine's
 * onnxruntime build can use it (core/models/session.ts), and, when it cannot, why in a sentence.
 */
import { availableDevices, DEVICES, type Device } from '../models/session.js';
import type { DeviceChoiceData } from './types.js';

const LABELS: Record<Device, string> = {
  cpu: 'CPU',
  cuda: 'NVIDIA GPU (CUDA)',
  coreml: 'Apple Core ML',
  dml: 'GPU (DirectML)',
};

function unavailableReason(device: Device, platform: NodeJS.Platform): string {
  if (device === 'coreml' && platform !== 'darwin') return 'Core ML runs on macOS only.';
  if (device === 'dml' && platform !== 'win32') return 'DirectML runs on Windows only.';
  if (device === 'cuda' && platform === 'darwin') return 'CUDA does not run on macOS.';
  if (device === 'cuda') return "This engine's onnxruntime has no CUDA provider installed (it needs NVIDIA's CUDA and cuDNN libraries).";
  return "This engine's onnxruntime build does not include it.";
}

export function deviceChoices(available: readonly Device[] = availableDevices(), platform: NodeJS.Platform = process.platform): DeviceChoiceData[] {
  return DEVICES.map((id) => (available.includes(id) ? { id, label: LABELS[id], available: true } : { id, label: LABELS[id], available: false, reason: unavailableReason(id, platform) }));
}
