// The CLI's one way to fail: a message for the user and an exit code. Only main.ts exits.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
