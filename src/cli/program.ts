// The `kaizen` command tree. Commands are loaded lazily so `--help` is instant.
import { Command, Option } from 'commander';
import { MODES, STRATEGIES } from '../core/types.js';
import { commandModules } from './command-modules.js';

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

const cli = commandModules.control;

const METRICS_FLAG = '--metrics-port <[host:]port>';
const METRICS_HELP = 'serve Prometheus metrics on 127.0.0.1:port (0.0.0.0:port for every interface; default: KAIZEN_METRICS_PORT)';

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
    .option(METRICS_FLAG, METRICS_HELP)
    .action(lazy(commandModules.dev, (m) => m.devCommand));
  serverFlags(program.command('server').description('start only the embedded Temporal dev server'))
    .option('--headless', 'no Web UI')
    .action(lazy(commandModules.dev, (m) => m.serverCommand));
  withTemporal(program.command('worker').description('start a Kaizen worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, KAIZEN_TASK_QUEUE)')).option(METRICS_FLAG, METRICS_HELP).action(
    lazy(commandModules.dev, (m) => m.workerCommand),
  );
  serverFlags(program.command('demo').description('run Kaizen end to end on a sample repository: no API key needed'))
    .option('--exit', 'exit when done instead of keeping the server and Web UI up')
    .option('--max <n>', 'at most this many improvements', '5')
    .action(lazy(commandModules.demo, (m) => m.demoCommand));

  withTemporal(
    program
      .command('improve')
      .description('start one improvement of a repository')
      .argument('<repo>', 'path of the git repository (on the worker host)')
      .option('--file <path>', 'improve this file (default: the file with the most fixable findings)')
      .addOption(new Option('--strategy <strategy>', 'how to produce the change: autofix, llm (fix findings), llm-complexity, llm-error-handling, llm-tests').choices([...STRATEGIES]))
      .addOption(new Option('--mode <mode>', 'branch: leave kaizen/<id> for review; merge: fast-forward the target branch; auto: merge when low-risk (an autofix, or every changed line run by the tests), else leave it for review; push: push kaizen/<id> to the remote; pr: push it and open a pull request').choices([...MODES]))
      .option('--test-cmd <command>', 'test command (run without a shell)')
      .option('--target-branch <branch>', 'branch to improve (default: config, else the checked-out branch)')
      .option('--respect-budget', "refuse to start (outcome skipped) when the repository's budget is used up")
      .option('--no-governor', "bypass the repository's governor: no merge lock, repo pause, budget count or learning")
      .option('--wait', 'wait for the outcome')
      .option('--json', 'print one JSON object'),
  ).action(lazy(commandModules.improve, (m) => m.improveCommand));

  withTemporal(
    program
      .command('undo')
      .description('revert changes Kaizen landed, as new revert commits tested and landed like any change: one improvement by its id, or every change of REPO --since a time, newest first')
      .argument('<id-or-repo>', "an improvement's workflow id (as improve and log print it); with --since, the repository")
      .option('--since <when>', 'undo every change of the repository since a duration ago (30m, 12h, 1d, 2w) or a date (2025-01-31)')
      .option('--repo <path>', 'with an id: the repository it changed (default: where Temporal says it ran, else the current folder)')
      .option('--target-branch <branch>', 'the branch the changes landed on (default: config, else the checked-out branch)')
      .option('--test-cmd <command>', 'test command (run without a shell)')
      .option('--no-governor', 'no merge lock and no lesson for the learner')
      .option('--wait', 'wait for the outcome')
      .option('--json', 'print one JSON object'),
  ).action(lazy(commandModules.undo, (m) => m.undoCommand));
  withTemporal(program.command('status').description("an improvement's progress: step, percent, updates").argument('<id>', 'workflow id').option('--json', 'print JSON')).action(
    lazy(cli, (m) => m.statusCommand),
  );
  for (const kind of ['pause', 'resume', 'approve'] as const) {
    const what = { pause: 'hold a running improvement at its next step boundary', resume: 'continue a paused improvement', approve: 'approve a change waiting for approval' }[kind];
    const arg = kind === 'approve' ? 'workflow id' : 'workflow id, or a repository path: every improvement of it (via its governor)';
    const cmd = withTemporal(program.command(kind).description(what).argument('<id>', arg).option('--reason <text>', 'why (repo-wide pause)'));
    if (kind === 'resume') cmd.option('--llm', 'with a repository: lift the LLM pause of llm.maxTokensPerDay / llm.maxCostPerDay (usage so far stops counting)');
    cmd.action(lazy(cli, (m) => (id: string, opts: object) => m.signalCommand(kind, id, opts)));
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
  withTemporal(program.command('watch').description('follow an improvement live until it ends (exit 1 when it failed)').argument('<id>', 'workflow id')).action(
    lazy(commandModules.watch, (m) => m.watchCommand),
  );
  program
    .command('log')
    .description("the repository's ledger: one line per improvement, oldest first")
    .argument('[repo]', 'git repository (default: the one containing the current folder)')
    .option('--since <when>', 'only since a duration ago (30m, 12h, 7d, 2w) or a date (2025-01-31)')
    .option('--outcome <outcomes>', 'only these outcomes, comma-separated: applied, proposed, rolled_back, skipped, failed')
    .option('--json', 'print a JSON array of ledger entries')
    .action(lazy(commandModules.log, (m) => m.logCommand));
  program
    .command('prs')
    .description("Kaizen's open pull requests (pr mode): from the ledger, with their state and checks on the forge")
    .argument('[repo]', 'git repository (default: the one containing the current folder)')
    .option('--json', 'print a JSON array')
    .action(lazy(commandModules.prs, (m) => m.prsCommand));
  program
    .command('stats')
    .description('improvements today and this week, success rate, rollback reasons, strategies, step times')
    .argument('[repo]', 'git repository (default: the one containing the current folder)')
    .option('--json', 'print one JSON object')
    .action(lazy(commandModules.stats, (m) => m.statsCommand));
  program
    .command('report')
    .description('write a self-contained HTML report: outcome charts and the latest changes with their diffs')
    .argument('[repo]', 'git repository (default: the one containing the current folder)')
    .option('--out <file>', 'where to write it (default: <repo>/.kaizen/report.html)')
    .option('--latest <n>', 'show this many latest changes', '15')
    .option('--days <n>', 'the per-day chart covers at most this many days', '60')
    .action(lazy(commandModules.report, (m) => m.reportCommand));
  withTemporal(program.command('webhook-server'))
    .description('receive forge webhooks (KAIZEN_WEBHOOK_SECRET) and wake the workflows following the pull requests they concern')
    .option('--port <port>', 'port to listen on', '8787')
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .action(lazy(commandModules.webhookServer, (m) => m.webhookServerCommand));
  program
    .command('codec-server')
    .description("serve the payload codec (KAIZEN_CODEC_KEY) so the Web UI can show encrypted runs decoded")
    .option('--port <port>', 'HTTP port', '8888')
    .option('--host <ip>', 'address to listen on', '127.0.0.1')
    .option('--cors-origin <url>', 'Web UI origin allowed to call it (repeatable; default http://localhost:8233 and http://127.0.0.1:8233)', (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .action(lazy(commandModules.codecServer, (m) => m.codecServerCommand));
  withTemporal(
    program
      .command('doctor')
      .description('check Temporal, the worker, git, a repository, the test command, the LLM endpoint and SMTP; prints the fix for each failure')
      .argument('[repo]', 'repository to check (default: the current folder when it is a git repository)')
      .option('--json', 'print the checks as JSON'),
  ).action(lazy(commandModules.doctor, (m) => m.doctorCommand));
  addContinuousCommands(program);
  return program;
}

/** Scheduled cycles, the governor, and the config checks (src/cli/{cycle,governor,schedule,config}.ts). */
function addContinuousCommands(program: Command): void {
  const json = (cmd: Command) => cmd.option('--json', 'print JSON');
  withTemporal(
    json(program.command('cycle').description('run one cycle now: analyse, ask the governor for budget, improve').argument('<repo>', 'path of the git repository').option('--wait', 'wait and print the summary')),
  ).action(lazy(commandModules.cycle, (m) => m.cycleCommand));
  withTemporal(json(program.command('governor').description("a repository's governor: budgets used and left, merge lock, pause, strategy statistics").argument('<repo>', 'path of the git repository'))).action(
    lazy(commandModules.governor, (m) => m.governorCommand),
  );
  const config = program.command('config').description('check and show kaizen.config.json');
  json(config.command('validate').description('check kaizen.config.json: every problem as dotted.path: message (exit 1)').argument('[repo]', 'git repository (default: the current folder)')).action(
    lazy(commandModules.config, (m) => m.configValidateCommand),
  );
  config.command('show').description('the effective config: the file with every default filled in, as JSON').argument('[repo]', 'git repository (default: the current folder)').action(
    lazy(commandModules.config, (m) => m.configShowCommand),
  );
  const schedule = program.command('schedule').description('a Temporal Schedule per repository that starts its cycles');
  const sched = commandModules.schedule;
  withTemporal(
    json(
      schedule
        .command('create')
        .description('start a cycle of REPO every interval (default: schedule.every in kaizen.config.json, 6h); overlapping runs skipped, a missed run caught up once')
        .argument('<repo>', 'path of the git repository')
        .option('--every <duration>', 'interval, e.g. 6h')
        .option('--cron <expr>', 'cron expression instead of --every')
        .option('--jitter <duration>', 'random delay of each start (default: schedule.jitter, 5m)')
        .option('--catchup <duration>', 'after downtime, a run missed within this window still happens, once (default: one interval)')
        .option('--paused', 'create it paused'),
    ),
  ).action(lazy(sched, (m) => m.scheduleCreateCommand));
  withTemporal(json(schedule.command('list').description("Kaizen's schedules, their next and recent runs"))).action(lazy(sched, (m) => m.scheduleListCommand));
  withTemporal(json(schedule.command('describe').description("a repository's schedule: spec, policies, next and recent runs").argument('<repo>', 'repository path or schedule id'))).action(
    lazy(sched, (m) => m.scheduleDescribeCommand),
  );
  const actions = { pause: 'stop starting cycles', unpause: 'start cycles again', trigger: 'start a cycle now (skipped if one is running)', delete: 'delete the schedule (running cycles finish)' } as const;
  for (const kind of ['pause', 'unpause', 'trigger', 'delete'] as const) {
    const cmd = schedule.command(kind).description(actions[kind]).argument('<repo>', 'repository path or schedule id');
    if (kind === 'pause' || kind === 'unpause') cmd.option('--note <text>', 'why (shown by describe)');
    withTemporal(cmd).action(lazy(sched, (m) => (repo: string, opts: object) => m.scheduleActionCommand(kind, repo, opts)));
  }
}
