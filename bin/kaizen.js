#!/usr/bin/env node
// The `kaizen` bin of a global install: runs the TypeScript CLI through tsx's loader, the
// same way `npm run kaizen` does, so there is no separate build to keep in step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
