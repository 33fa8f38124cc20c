// The workflow bundle's entry point: every workflow the worker registers.
export { improvement } from './improvement.js';
export { cycle } from './cycle.js';
export { governor } from './governor.js';
export { undo } from './undo.js';
export { followPullRequest } from './pull-request.js';
