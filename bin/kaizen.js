#!/usr/bin/env node
// Global installs run the compiled CLI; `npm run build` produces dist/.
import('../dist/client.js');
