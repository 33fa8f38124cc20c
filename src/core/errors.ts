// Every error a user (or an LLM answer) can cause, as a named class with structured fields.
// Activities turn them into ApplicationFailures whose `type` is the class's `type`; the
// workflow and the CLI branch on that type, never on message text.

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
  NothingToPropose: 'NothingToPropose',
  RebaseConflict: 'RebaseConflict',
  VerificationFailed: 'VerificationFailed',
  GitFailed: 'GitFailed',
  AnalyserFailed: 'AnalyserFailed',
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
  ErrorType.NothingToPropose,
  ErrorType.RebaseConflict,
  ErrorType.VerificationFailed,
];

export abstract class KaizenError extends Error {
  abstract readonly type: ErrorType;
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
  ) {
    super(`Branch '${branch}' does not exist in ${path}. Set "targetBranch" in kaizen.config.json to an existing branch.`);
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

export class LlmNotConfiguredError extends KaizenError {
  readonly type = ErrorType.LlmNotConfigured;
  constructor(readonly missing: string) {
    super(`The llm strategy needs ${missing}. Set OPENAI_API_KEY (and OPENAI_BASE_URL for Azure, Ollama or vLLM), or use --strategy autofix.`);
  }
}

export type LlmRejection =
  | 'malformed_json'
  | 'schema'
  | 'other_file'
  | 'path_outside_repo'
  | 'excluded_file'
  | 'search_not_found'
  | 'search_ambiguous'
  | 'too_large'
  | 'does_not_parse'
  | 'refusal'
  | 'no_change';

export class LlmAnswerRejectedError extends KaizenError {
  readonly type = ErrorType.LlmAnswerRejected;
  constructor(
    readonly rejection: LlmRejection,
    detail: string,
  ) {
    super(`LLM answer rejected (${rejection}): ${detail}`);
  }
  override details() {
    return { rejection: this.rejection };
  }
}

export class LlmUnavailableError extends KaizenError {
  readonly type = ErrorType.LlmUnavailable;
  constructor(
    readonly status: number | null,
    detail: string,
  ) {
    super(`The LLM endpoint failed${status ? ` with HTTP ${status}` : ''}: ${detail}`);
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
    super(`Analyser '${analyser}' (${command.join(' ')}) failed with exit code ${exitCode}: ${outputTail.slice(-800)}`);
  }
}
