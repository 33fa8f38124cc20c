// The contracts between Kaizen's parts: what clients start is what the worker runs, and the
// deploy scripts register the same search attributes as the workers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KAIZEN_SEARCH_ATTRIBUTES, searchAttributesFile } from '../../src/contracts/search-attributes.js';
import { WORKFLOW_TYPES, type CycleWorkflow, type FollowPullRequestWorkflow, type GovernorWorkflow, type ImprovementWorkflow, type UndoWorkflow } from '../../src/contracts/workflows.js';
import * as bundle from '../../src/workflows/index.js';

describe('contracts', () => {
  it('deploy/search-attributes.txt is generated from the one list (npm run generate:deploy)', () => {
    const committed = readFileSync(new URL('../../deploy/search-attributes.txt', import.meta.url), 'utf8');
    expect(committed).toBe(searchAttributesFile());
    expect(committed).toContain('KaizenRepo Keyword');
    expect(committed.split('\n').filter((l) => /^\w+ \w+$/.test(l))).toHaveLength(Object.keys(KAIZEN_SEARCH_ATTRIBUTES).length);
  });

  it('the workflow bundle exports exactly the workflow types clients start, with their signatures', () => {
    // A signature that drifts from the contract fails the type check of this file.
    const workflows: { improvement: ImprovementWorkflow; cycle: CycleWorkflow; governor: GovernorWorkflow; undo: UndoWorkflow; followPullRequest: FollowPullRequestWorkflow } = bundle;
    expect(Object.keys(bundle).sort()).toEqual(Object.values(WORKFLOW_TYPES).sort());
    expect(Object.keys(workflows)).toHaveLength(5);
  });
});
