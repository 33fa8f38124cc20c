// The dynamic config compose mounts must mean something to the pinned server: a key renamed
// or retyped in a new Temporal version is silently ignored at run time, so check it here.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { deployFiles, serverTools } from '../../scripts/cluster/versions.js';

describe('deploy/dynamicconfig/kaizen.yaml', () => {
  it('has only keys and value types the pinned server knows', () => {
    const report = execFileSync(serverTools.server, ['validate-dynamic-config', deployFiles.dynamicConfig], { encoding: 'utf8' });
    expect(report.trim()).toBe(deployFiles.dynamicConfig);
  });
});
