// The `kaizen` command tree. Commands are loaded lazily so `--help` is instant.
import { Command, Option } from 'commander';

type Action = (...args: never[]) => Promise<number>;

/** Wraps a lazily imported command so errors print as one clear message. */
function lazy<M>(load: () => Promise<M>, pick: (m: M) => Action) {
  return async (...args: unknown[]) => {
    const action = pick(await load()) as (...a: unknown[]) => Promise<number>;
    // commander passes (...positionals, options, command); drop the command object.
    const code = await action(...args.slice(0, -1));
    process.exitCode = code;
  };
}

const cli = () => import('./control.js');

function withTemporal(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', 'Temporal server (default: TEMPORAL_ADDRESS or localhost:7233)')
    .option('--namespace <name>', 'Temporal namespace (default: TEMPORAL_NAMESPACE or default)');
}

function serverFlags(cmd: Command): Command {
  return cmd
    .option('--port <port>', 'gRPC port of the dev server', '7233')
    .option('--ui-port <port>', 'Web UI port (default: port + 1000)')
    .option('--db <file>', 'SQLite file that keeps runs across restarts', '.kaizen/temporal.db');
}

export function buildProgram(): Command {
  const program = new Command('kaizen')
    .description('Keeps a code repository improving in the background without ever breaking it.')
    .showHelpAfterError()
    .version('0.1.0');

  serverFlags(program.command('dev').description('start the embedded Temporal dev server (with Web UI) and a Kaizen worker'))
    .option('--headless', 'no Web UI')
    .action(lazy(() => import('./dev.js'), (m) => m.devCommand));
  serverFlags(program.command('server').description('start only the embedded Temporal dev server'))
    .option('--headless', 'no Web UI')
    .action(lazy(() => import('./dev.js'), (m) => m.serverCommand));
  withTemporal(program.command('worker').description('start a Kaizen worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, KAIZEN_TASK_QUEUE)')).action(
    lazy(() => import('./dev.js'), (m) => m.workerCommand),
  );
  serverFlags(program.command('demo').description('run Kaizen end to end on a sample repository: no API key needed'))
    .option('--exit', 'exit when done instead of keeping the server and Web UI up')
    .option('--max <n>', 'at most this many improvements', '5')
    .action(lazy(() => import('./demo.js'), (m) => m.demoCommand));

  withTemporal(
    program
      .command('improve')
      .description('start one improvement of a repository')
      .argument('<repo>', 'path of the git repository (on the worker host)')
      .option('--file <path>', 'improve this file (default: the file with the most fixable findings)')
      .addOption(new Option('--strategy <strategy>', 'how to produce the change').choices(['autofix', 'llm']))
      .addOption(new Option('--mode <mode>', 'branch: leave kaizen/<id> for review; merge: fast-forward the target branch').choices(['branch', 'merge']))
      .option('--test-cmd <command>', 'test command (run without a shell)')
      .option('--target-branch <branch>', 'branch to improve (default: config, else the checked-out branch)')
      .option('--wait', 'wait for the outcome')
      .option('--json', 'print one JSON object'),
  ).action(lazy(() => import('./improve.js'), (m) => m.improveCommand));

  withTemporal(program.command('status').description("an improvement's progress: step, percent, updates").argument('<id>', 'workflow id').option('--json', 'print JSON')).action(
    lazy(cli, (m) => m.statusCommand),
  );
  for (const kind of ['pause', 'resume', 'approve'] as const) {
    const what = { pause: 'hold a running improvement at its next step boundary', resume: 'continue a paused improvement', approve: 'approve a change waiting for approval' }[kind];
    withTemporal(program.command(kind).description(what).argument('<id>', 'workflow id')).action(
      lazy(cli, (m) => (id: string, opts: object) => m.signalCommand(kind, id, opts)),
    );
  }
  withTemporal(program.command('reject').description('reject a change waiting for approval: it is rolled back').argument('<id>', 'workflow id').option('--reason <text>', 'why')).action(
    lazy(cli, (m) => (id: string, opts: object) => m.signalCommand('reject', id, opts)),
  );
  withTemporal(program.command('cancel').description('cancel an improvement; compensation rolls it back').argument('<id>', 'workflow id')).action(lazy(cli, (m) => m.cancelCommand));
  withTemporal(
    program
      .command('list')
      .description('recent improvements with their outcome, from Temporal visibility')
      .option('--repo <repo>', 'only this repository (path or name)')
      .option('--limit <n>', 'at most this many', '20')
      .option('--json', 'print JSON'),
  ).action(lazy(cli, (m) => m.listCommand));
  return program;
}
