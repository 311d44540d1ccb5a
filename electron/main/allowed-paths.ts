/** The allow-list lives with the engine services so `clearcut serve` and Electron share one rule. */
export { AllowedPaths } from '../../core/serve/allowed-paths.js';
