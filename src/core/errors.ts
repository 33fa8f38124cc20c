// Every error a user (or an LLM answer) can cause, as a named class with structured fields.
// The worker turns them into ApplicationFailures whose `type` is the class's `type`; the
// workflow and the CLI branch on that type, never on message text. The types and the base class
// are here with the errors of the repository, git, tests and local processes; a subject's own
// errors sit with it: core/llm/errors.ts, core/notifications/errors.ts, core/forge/errors.ts.

export const ErrorType = {
  ConfigInvalid: 'ConfigInvalid',
  RepoNotFound: 'RepoNotFound',
  NotAGitRepo: 'NotAGitRepo',
  TargetBranchMissing: 'TargetBranchMissing',
  BinaryMissing: 'BinaryMissing',
  TestCommandMissing: 'TestCommandMissing',
  LlmNotConfigured: 'LlmNotConfigured',
  LlmAnswerRejected: 'LlmAnswerRejected',
  LlmUnavailable: 'LlmUnavailable',
  LlmRequestRejected: 'LlmRequestRejected',
  NothingToPropose: 'NothingToPropose',
  RebaseConflict: 'RebaseConflict',
  VerificationFailed: 'VerificationFailed',
  GitFailed: 'GitFailed',
  AnalyserFailed: 'AnalyserFailed',
  SetupFailed: 'SetupFailed',
  PortInUse: 'PortInUse',
  DevServerFailed: 'DevServerFailed',
  NotificationNotConfigured: 'NotificationNotConfigured',
  NotificationRejected: 'NotificationRejected',
  NotificationFailed: 'NotificationFailed',
  RemoteMissing: 'RemoteMissing',
  PushRefused: 'PushRefused',
  ForgeNotConfigured: 'ForgeNotConfigured',
  ForgeAuthFailed: 'ForgeAuthFailed',
  ForgeRequestRejected: 'ForgeRequestRejected',
  ForgeUnavailable: 'ForgeUnavailable',
  BaseNotOnRemote: 'BaseNotOnRemote',
  BranchTakenOver: 'BranchTakenOver',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** Types that retrying cannot fix: the activity fails at once. */
export const NON_RETRYABLE_TYPES: readonly ErrorType[] = [
  ErrorType.ConfigInvalid,
  ErrorType.RepoNotFound,
  ErrorType.NotAGitRepo,
  ErrorType.TargetBranchMissing,
  ErrorType.BinaryMissing,
  ErrorType.TestCommandMissing,
  ErrorType.LlmNotConfigured,
  ErrorType.LlmAnswerRejected,
  ErrorType.LlmRequestRejected,
  ErrorType.NothingToPropose,
  ErrorType.RebaseConflict,
  ErrorType.VerificationFailed,
  ErrorType.NotificationNotConfigured,
  ErrorType.NotificationRejected,
  ErrorType.RemoteMissing,
  ErrorType.PushRefused,
  ErrorType.ForgeNotConfigured,
  ErrorType.ForgeAuthFailed,
  ErrorType.ForgeRequestRejected,
  ErrorType.BaseNotOnRemote,
  ErrorType.BranchTakenOver,
];

export abstract class KaizenError extends Error {
  abstract readonly type: ErrorType;

  constructor(message: string) {
    super(message);
    // Logs and stack traces show the stable type; the worker's activity interceptor
    // (src/activities/failure-interceptor.ts) makes it the failure's type for Temporal.
    Object.defineProperty(this, 'name', { get: () => this.type, configurable: true });
  }

  /** Structured fields that travel with the failure (kept small). */
  details(): Record<string, unknown> {
    return {};
  }
}

export class ConfigInvalidError extends KaizenError {
  readonly type = ErrorType.ConfigInvalid;
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid Kaizen config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  override details() {
    return { source: this.source, problems: this.problems };
  }
}

/** The repository's own linter config cannot run, and Kaizen will not put its rules in its place. */
export class RepoLintConfigError extends KaizenError {
  readonly type = ErrorType.ConfigInvalid;
  constructor(
    readonly configFile: string,
    detail: string,
  ) {
    super(detail);
  }
}

export class RepoNotFoundError extends KaizenError {
  readonly type = ErrorType.RepoNotFound;
  constructor(readonly path: string) {
    super(`Repository ${path} does not exist on this worker's host. Pass the absolute path of a git checkout that this worker can read.`);
  }
}

export class NotAGitRepoError extends KaizenError {
  readonly type = ErrorType.NotAGitRepo;
  constructor(readonly path: string) {
    super(`${path} is not a git repository with at least one commit. Run 'git init && git add -A && git commit -m init' there, or point Kaizen at an existing checkout.`);
  }
}

export class TargetBranchMissingError extends KaizenError {
  readonly type = ErrorType.TargetBranchMissing;
  constructor(
    readonly path: string,
    readonly branch: string,
    /** Replaces "Branch 'x' does not exist in y." when the problem is another (a detached HEAD). */
    problem?: string,
  ) {
    super(`${problem ?? `Branch '${branch}' does not exist in ${path}.`} Set "targetBranch" in kaizen.config.json to an existing branch.`);
  }
}

export class BinaryMissingError extends KaizenError {
  readonly type = ErrorType.BinaryMissing;
  constructor(
    readonly binary: string,
    readonly fix: string,
  ) {
    super(`'${binary}' could not be found. ${fix}`);
  }
}

export class TestCommandMissingError extends KaizenError {
  readonly type = ErrorType.TestCommandMissing;
  constructor(readonly repo: string) {
    super(`No test command for ${repo}: there is no package.json "test" script. Set "test.command" in kaizen.config.json or pass --test-cmd; Kaizen lands nothing it cannot test.`);
  }
}

export class NothingToProposeError extends KaizenError {
  readonly type = ErrorType.NothingToPropose;
  constructor(detail: string) {
    super(detail);
  }
}

export class RebaseConflictError extends KaizenError {
  readonly type = ErrorType.RebaseConflict;
  constructor(
    readonly branch: string,
    readonly onto: string,
  ) {
    super(`Rebasing ${branch} onto ${onto} conflicts: the target branch changed the same lines.`);
  }
}

export class VerificationFailedError extends KaizenError {
  readonly type = ErrorType.VerificationFailed;
  constructor(detail: string) {
    super(detail);
  }
}

export class GitFailedError extends KaizenError {
  readonly type = ErrorType.GitFailed;
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`git ${command} failed: ${stderr.trim().slice(-500)}`);
  }
}

export class AnalyserFailedError extends KaizenError {
  readonly type = ErrorType.AnalyserFailed;
  constructor(
    readonly analyser: string,
    readonly command: string[],
    readonly exitCode: number | null,
    readonly outputTail: string,
  ) {
    // null: no exit code to tell (a time limit, an ESLint session's error answer).
    super(`Analyser '${analyser}' (${command.join(' ')}) failed${exitCode === null ? '' : ` with exit code ${exitCode}`}: ${outputTail.slice(-800)}`);
  }
}

export class PortInUseError extends KaizenError {
  readonly type = ErrorType.PortInUse;
  constructor(
    readonly port: number,
    readonly flag: string,
    /** A Temporal dev server an earlier `kaizen dev`/`server`/`demo` started and recorded. */
    readonly holderPid?: number,
  ) {
    super(
      holderPid === undefined
        ? `Port ${port} is already in use (another Temporal server, or another program). Stop it, or choose a free port with ${flag}.`
        : `Port ${port} is held by a Temporal dev server an earlier kaizen dev/server/demo started (pid ${holderPid}). Stop it with 'kill ${holderPid}' (its data stays in its database file), or choose a free port with ${flag}.`,
    );
  }
  override details() {
    return { port: this.port, flag: this.flag, ...(this.holderPid === undefined ? {} : { holderPid: this.holderPid }) };
  }
}

export class DevServerFailedError extends KaizenError {
  readonly type = ErrorType.DevServerFailed;
  constructor(
    detail: string,
    readonly logPath: string,
    readonly logTail: string,
  ) {
    super(`The Temporal dev server did not start: ${detail}. Its log (${logPath}) ends with:\n${logTail}`);
  }
  override details() {
    return { logPath: this.logPath };
  }
}

/** The configured `setup.command` failed while preparing a worktree's dependencies. */
export class SetupFailedError extends KaizenError {
  readonly type = ErrorType.SetupFailed;
  constructor(
    readonly command: string[],
    readonly exitCode: number | null,
    readonly timedOut: boolean,
    readonly outputTail: string,
  ) {
    super(
      `The setup command '${command.join(' ')}' ${timedOut ? 'timed out' : `failed with exit code ${exitCode}`} while preparing a worktree's dependencies. ` +
        `Fix it${timedOut ? ' or raise "setup.timeout"' : ''}, or change "setup.command" in kaizen.config.json. Its output ends with:\n${outputTail.slice(-1500)}`,
    );
  }
  override details() {
    return { command: this.command, exitCode: this.exitCode, timedOut: this.timedOut };
  }
}
