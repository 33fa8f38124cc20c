// `npm run cluster` builds and tests one Temporal version with the deploy/ files; the compose
// file must deploy that same version with those same files, or the tests prove nothing.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployFiles, REPO_ROOT, TEMPORAL_SERVER_VERSION } from '../../scripts/cluster/versions.js';

const compose = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');

/** The default tag of every `image: <name>:${VAR:-tag}` (or `<name>:tag`) line for that image. */
function tagsOf(image: string): string[] {
  const pattern = new RegExp(`^\\s*image:\\s*${image.replace('/', '\\/')}:(?:\\$\\{\\w+:-([^}]+)\\}|([^\\s$]+))\\s*$`, 'gm');
  return [...compose.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? '');
}

describe('docker-compose.yml and the cluster script', () => {
  it('deploy the Temporal server version the script builds', () => {
    expect(tagsOf('temporalio/server')).toEqual([TEMPORAL_SERVER_VERSION]);
  });

  it('set up the schema and the namespace with admin-tools of that same version', () => {
    const tags = tagsOf('temporalio/admin-tools');
    expect(tags.length).toBeGreaterThan(0);
    expect(new Set(tags)).toEqual(new Set([TEMPORAL_SERVER_VERSION]));
  });

  it('mount the configuration files the script runs with', () => {
    const mounted = (file: string) => `./${relative(REPO_ROOT, file)}`;
    expect(compose).toContain(`- ${mounted(deployFiles.serverConfig)}:/etc/temporal/config/kaizen/temporal-server.yaml:ro`);
    expect(compose).toContain('TEMPORAL_SERVER_CONFIG_FILE_PATH: /etc/temporal/config/kaizen/temporal-server.yaml');
    expect(compose).toContain(`- ./${relative(REPO_ROOT, join(deployFiles.dynamicConfig, '..'))}:/etc/temporal/config/dynamicconfig:ro`);
    expect(compose).toContain('DYNAMIC_CONFIG_FILE_PATH: /etc/temporal/config/dynamicconfig/kaizen.yaml');
    expect(compose).toContain(`command: ["/${relative(REPO_ROOT, deployFiles.schemaScript)}"]`);
    expect(compose).toContain(`command: ["/${relative(REPO_ROOT, deployFiles.setupScript)}"]`);
  });
});
