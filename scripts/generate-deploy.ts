// `npm run generate:deploy`: writes the deploy files that shell scripts read from Kaizen's
// TypeScript definitions, so there is one list of search attributes. A unit test fails when
// a committed file is out of date.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { searchAttributesFile } from '../src/contracts/search-attributes.js';

const path = join(import.meta.dirname, '..', 'deploy', 'search-attributes.txt');
writeFileSync(path, searchAttributesFile());
console.log(`wrote ${path}`);
