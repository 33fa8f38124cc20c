// The one place the self-hosted Temporal server's version is pinned. docker-compose.yml's
// temporalio/server and temporalio/admin-tools image tags must name the same version
// (tests/unit/cluster-versions.test.ts fails otherwise): `npm run cluster` runs what the
// compose file deploys.
import { join } from 'node:path';

export const TEMPORAL_SERVER_VERSION = '1.32.2';

/** The Go module the server and temporal-sql-tool are built from. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';

/** Packages of that module: the server, and the schema tool the admin-tools image ships. */
export const TEMPORAL_SERVER_PACKAGES = {
  'temporal-server': `${TEMPORAL_SERVER_MODULE}/cmd/server`,
  'temporal-sql-tool': `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql`,
} as const;

/**
 * The module needs a newer Go than many machines have; GOTOOLCHAIN makes any Go ≥ 1.21
 * fetch this toolchain from the module proxy, once, into the module cache.
 */
export const GO_TOOLCHAIN = 'go1.27.3';

/** The Kaizen checkout (scripts/cluster/ is two levels below it). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Where the build step puts the binaries and the PostgreSQL schema files. */
export const SERVER_TOOLS_DIR = join(REPO_ROOT, '.tools', `temporal-server-${TEMPORAL_SERVER_VERSION}`);

export const serverTools = {
  server: join(SERVER_TOOLS_DIR, 'temporal-server'),
  sqlTool: join(SERVER_TOOLS_DIR, 'temporal-sql-tool'),
  /** Like /etc/temporal/schema/postgresql/v12 in the admin-tools image. */
  postgresSchema: join(SERVER_TOOLS_DIR, 'schema', 'postgresql', 'v12'),
  /** {version, goToolchain, seconds, builtAt}: written last, so its presence means complete. */
  buildInfo: join(SERVER_TOOLS_DIR, 'build.json'),
};

/** The files docker-compose.yml mounts and the cluster script uses unchanged. */
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');
export const deployFiles = {
  serverConfig: join(DEPLOY_DIR, 'temporal-server.yaml'),
  dynamicConfig: join(DEPLOY_DIR, 'dynamicconfig', 'kaizen.yaml'),
  schemaScript: join(DEPLOY_DIR, 'temporal-schema.sh'),
  setupScript: join(DEPLOY_DIR, 'temporal-setup.sh'),
};
