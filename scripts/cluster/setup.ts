// The two one-shot steps of docker-compose.yml, run here as they run there: the same shell
// scripts from deploy/, with temporal-sql-tool and the Temporal CLI on PATH instead of inside
// temporalio/admin-tools. The schema step creates and migrates the `temporal` and
// `temporal_visibility` databases; the setup step creates the namespace and registers Kaizen's
// search attributes through the operator API, as production does (from deploy/search-attributes.txt,
// generated from src/contracts/search-attributes.ts).
import { dirname, join } from 'node:path';
import { runProcess } from '../../src/adapters/process.js';
import { findTemporalCli } from '../../src/adapters/temporal/binaries.js';
import { ClusterStartError } from './processes.js';
import { deployFiles, SERVER_TOOLS_DIR, serverTools } from './versions.js';

const STEP_TIMEOUT_MS = 300_000;

export interface SchemaTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** deploy/temporal-schema.sh: the `temporal-schema` service of docker-compose.yml. */
export async function setUpSchema(pg: SchemaTarget, logDir: string): Promise<void> {
  await runStep('deploy/temporal-schema.sh (databases and schema)', deployFiles.schemaScript, join(logDir, 'temporal-schema.log'), {
    PATH: `${SERVER_TOOLS_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    POSTGRES_SEEDS: pg.host,
    DB_PORT: String(pg.port),
    POSTGRES_USER: pg.user,
    SQL_PASSWORD: pg.password,
    DB: 'postgres12',
    SCHEMA_ROOT: serverTools.postgresSchema,
  });
}

/** deploy/temporal-setup.sh: the `temporal-setup` service of docker-compose.yml. */
export async function setUpNamespace(address: string, namespace: string, logDir: string): Promise<void> {
  const cli = await findTemporalCli();
  await runStep('deploy/temporal-setup.sh (namespace and search attributes)', deployFiles.setupScript, join(logDir, 'temporal-setup.log'), {
    PATH: `${dirname(cli)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    // A folder without a temporal.toml: the user's Temporal Cloud profile must not apply here.
    HOME: logDir,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    SETUP_SLEEP_SECONDS: '1',
    SETUP_MAX_ATTEMPTS: '120',
  });
}

async function runStep(what: string, script: string, logPath: string, env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runProcess(['/bin/sh', script], { cwd: dirname(logPath), env, timeoutMs: STEP_TIMEOUT_MS, logPath });
  if (result.exitCode !== 0) {
    const how = result.timedOut ? `did not finish within ${STEP_TIMEOUT_MS / 1000} s` : `failed (${result.signal ?? `exit code ${result.exitCode}`})`;
    throw new ClusterStartError(`${what} ${how}`, result.outputTail.trim(), logPath);
  }
}
